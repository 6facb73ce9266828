"""The embedded profile's SQLite tracker store: a killed server resumes the form, and personal
data reaches neither the database rows nor the logs, over REST, WeChat and the voice line."""

import json
import sqlite3
import uuid

import pytest

from tests.conftest import VOICE_TOKEN
from tests.support import FINDABLE, TEMPORARY_LOSS, new_openid
from tests.support import rest_texts as say
from tests.voice_client import SPOKEN_FINDABLE, Call
from tests.wechat_simulator import (
    ENCODING_AES_KEY,
    WeChatSimulator,
    text_xml,
    write_credentials,
)
from tools.servers import free_port, start_rasa_server

RAW_NUMBERS = ("110101199003071234", "13812345678", "6222021234567890123")


@pytest.fixture(scope="module")
def embedded(tmp_path_factory, action_server, fake_wechat_api):
    log_dir = tmp_path_factory.mktemp("embedded")
    database = log_dir / "conversations.db"
    credentials = write_credentials(log_dir / "credentials.yml", fake_wechat_api.url)
    port = free_port()
    servers = []

    def start(name):
        servers.append(
            start_rasa_server(
                log_dir,
                action_server.url,
                credentials=credentials,
                name=name,
                port=port,
                stores=f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {database}\n",
                debug=True,
                env={"VOICE_GATEWAY_TOKEN": VOICE_TOKEN},
            )
        )
        return servers[-1]

    start("rasa-embedded")
    yield start, servers, database
    for server in servers:
        server.stop()


def raw_rows(database, sender):
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    return rows


def test_personal_data_is_masked_in_rows_and_logs_and_the_conversation_goes_on(embedded):
    start, servers, database = embedded
    server = servers[-1]
    sender = uuid.uuid4().hex
    texts = say(server, sender, "社保卡丢了，我手机13812345678，身份证110101199003071234")
    assert texts == [FINDABLE]
    assert say(server, sender, "找不回来了，卡号6222021234567890123") == [TEMPORARY_LOSS]
    openid = new_openid()
    wechat = WeChatSimulator(server.url, encoding_aes_key=ENCODING_AES_KEY)
    reply = wechat.post(text_xml(openid, "我的社保卡丢了，电话138-1234-5678"), encrypted=True)
    assert "卡还有可能找回来吗" in reply.content

    call = Call(server.url, VOICE_TOKEN, caller={"number": "13812345678", "area_code": "010"})
    call.start()
    answer = call.say("社保卡丢了 身份证号110101199003071234")
    assert [prompt["text"] for prompt in answer["prompts"]] == [SPOKEN_FINDABLE]

    rest_rows = raw_rows(database, sender)
    wechat_rows = raw_rows(database, openid)
    voice_rows = raw_rows(database, call.call_id)
    user_texts = [
        json.loads(data)["text"]
        for kind, data in rest_rows + wechat_rows + voice_rows
        if kind == "user"
    ]
    assert user_texts[:3] == [
        "社保卡丢了，我手机138****5678，身份证1101**********1234",
        "找不回来了，卡号6222***********0123",
        "我的社保卡丢了，电话138-****-5678",
    ]
    assert "社保卡丢了 身份证号1101**********1234" in user_texts[3:]
    everything = "\n".join(data for _, data in rest_rows + wechat_rows + voice_rows)
    assert "138****5678" in "\n".join(data for _, data in voice_rows)  # the caller, masked
    log = server.log.read_text(encoding="utf-8", errors="replace")
    assert "138****5678" in log  # the debug log shows the (masked) messages
    for raw in RAW_NUMBERS + ("138-1234-5678",):
        assert raw not in everything
        assert raw not in log


def test_a_killed_server_resumes_the_form_from_the_sqlite_file(embedded):
    start, servers, _ = embedded
    sender = uuid.uuid4().hex
    assert say(servers[-1], sender, "我的社保卡丢了") == [FINDABLE]
    assert say(servers[-1], sender, "找不回来了") == [TEMPORARY_LOSS]
    servers[-1].kill()
    restarted = start("rasa-embedded-restarted")
    answer, follow_up = say(restarted, sender, "还没挂失")
    assert "尽快办理临时挂失" in answer and follow_up.startswith("还有其他问题吗")
