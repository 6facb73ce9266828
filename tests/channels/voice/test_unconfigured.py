"""With no gateway token configured (the project's credentials.yml alone), the line answers 503."""

import pytest
import requests

from tests.voice_client import WEBHOOK
from tools.servers import start_rasa_server


@pytest.fixture(scope="module")
def server_without_token(tmp_path_factory, action_server):
    server = start_rasa_server(
        tmp_path_factory.mktemp("no-token"),
        action_server.url,
        name="rasa-no-token",
        env={"VOICE_GATEWAY_TOKEN": ""},
    )
    yield server
    server.stop()


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer "}, {"Authorization": "Bearer guess"}]
)
def test_without_a_token_the_line_is_unavailable(server_without_token, headers):
    body = {"version": "1", "call_id": "c", "turn_id": "1", "event": "start"}
    response = requests.post(
        server_without_token.url + WEBHOOK, json=body, headers=headers, timeout=30
    )
    assert response.status_code == 503
    assert "token" in response.json()["error"]


def test_the_other_channels_keep_serving(server_without_token):
    response = requests.post(
        server_without_token.url + "/webhooks/rest/webhook",
        json={"sender": "no-token", "message": "你好"},
        timeout=30,
    )
    assert response.status_code == 200 and response.json()
