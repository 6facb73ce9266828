"""Two server processes sharing one tracker store serve the turns of one call in turn.

The call's state lives in the tracker store, not in a process: each turn may go to either
server. The token comes from the credentials file here (no VOICE_GATEWAY_TOKEN).
"""

import pytest

from tests.voice_client import Call, spoken
from tools.servers import launch_rasa_server, wait_until_ready

TOKEN = "token-from-the-credentials-file"


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory, action_server):
    log_dir = tmp_path_factory.mktemp("shared-store")
    store = f'tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: "{log_dir / "trackers.db"}"\n'
    credentials = f"channels.voice.VoiceInput:\n  token: {TOKEN}\n"
    servers = [
        launch_rasa_server(
            log_dir,
            action_server.url,
            name=f"rasa-{number}",
            credentials=credentials,
            stores=store,
            env={"VOICE_GATEWAY_TOKEN": ""},
        )
        for number in (1, 2)
    ]
    try:
        for server in servers:
            wait_until_ready(server, "/status")
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_one_call_served_by_two_processes_in_turn(two_servers):
    first, second = (Call(server.url, TOKEN) for server in two_servers)
    second.call_id = first.call_id
    assert "社保卡挂失补办，请按1" in spoken(first.start())
    second.turns = first.turns
    assert spoken(second.press("1")).startswith("卡还有可能找回来吗")
    first.turns = second.turns
    assert spoken(first.press("2")).startswith("已经办了临时挂失吗")
    second.turns = first.turns
    answer = second.press("2")
    assert answer["prompts"][0]["text"] == "请先尽快办理临时挂失，避免卡被别人冒用。"
    first.turns = second.turns
    assert "正式挂失要带上有效身份证件" in spoken(first.press("1"))

    repeated = second.post("dtmf", turn_id=f"turn-{first.turns}", digits="1")
    assert repeated == first.responses[-1]
    for call in (first, second):
        tracker = call.tracker()
        turn_ids = [
            event["metadata"]["voice"]["turn_id"]
            for event in tracker["events"]
            if event["event"] == "user"
        ]
        assert turn_ids == ["turn-1", "turn-2", "turn-3", "turn-4"]
        assert tracker["slots"]["voice_call"]["turns"][-1] == "turn-5"
