import pytest

from tests.servers import start_action_server, start_rasa_server

# The voice line's token for the test servers, given as VOICE_GATEWAY_TOKEN (the project's
# credentials.yml leaves it empty).
VOICE_TOKEN = "test-gateway-token"


@pytest.fixture(scope="session")
def action_server(tmp_path_factory):
    server = start_action_server(tmp_path_factory.mktemp("action-server"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rasa_server(tmp_path_factory, action_server):
    server = start_rasa_server(tmp_path_factory.mktemp("rasa-server"), action_server.url,
                               env={"VOICE_GATEWAY_TOKEN": VOICE_TOKEN})
    yield server
    server.stop()
