"""Real tracker stores written by a real Rasa server, and the console started on them.

`sqlite_assistant` and `postgres_assistant` start a Rasa server (with the action server of
tests/conftest.py) whose tracker store is a SQLite file in a temporary folder or the test run's
PostgreSQL database, and hold the same conversations over its REST channel and telephone line:
an answer, a fallback, a question out of scope, a stopped consultation, a retried question, a
request for a person, a hostile message and a transferred call. `start_console` starts the
console (python -m console) on such a store, as its own process on a free port.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import pytest
import requests

from tests.browser import browser_page, chromium  # noqa: F401 (fixtures for the browser test)
from tests.services import fresh_database
from tools.servers import (  # noqa: F401 (ROOT for the tests)
    ROOT,
    Server,
    free_port,
    launch,
    start_rasa_server,
    wait_until_ready,
)

TOKEN = "console-test-token-0123456789"
VOICE_TOKEN = "console-test-gateway-token"
VOICE_WEBHOOK = "/webhooks/voice12333/webhook"
HOSTILE = "<img src=x onerror=alert(1)>"
REPHRASE = ("没太明白您的意思", "没能理解")
OUT_OF_SCOPE_REPLY = "这个问题我还回答不了"


@dataclass
class Conversations:
    """What was said to the assistant, and what it answered."""

    prefix: str
    said: Dict[str, List[str]] = field(default_factory=dict)
    replies: Dict[str, List[List[str]]] = field(default_factory=dict)
    fallback_text: str = ""
    hostile_text: str = ""
    call_id: str = ""

    def sender(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    @property
    def user_turns(self) -> int:
        return sum(len(texts) for texts in self.said.values()) + 1  # + the call's /greet


def say(server: Server, sender: str, text: str) -> List[str]:
    """The texts the REST channel answers."""
    reply = requests.post(
        f"{server.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
    )
    assert reply.status_code == 200, reply.text
    return [message.get("text", "") for message in reply.json()]


def call_turn(server: Server, call_id: str, turn: int, event: str, **fields: str) -> Dict:
    """One turn of a telephone call, as the voice gateway sends it (docs/voice-gateway.md)."""
    reply = requests.post(
        server.url + VOICE_WEBHOOK,
        timeout=60,
        headers={"Authorization": f"Bearer {VOICE_TOKEN}"},
        json={
            "version": "1",
            "call_id": call_id,
            "turn_id": f"turn-{turn}",
            "event": event,
            **fields,
        },
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


def _talk(server: Server, record: Conversations, name: str, text: str) -> List[str]:
    replies = say(server, record.sender(name), text)
    record.said.setdefault(name, []).append(text)
    record.replies.setdefault(name, []).append(replies)
    return replies


def _first_answered(
    server: Server, record: Conversations, name: str, candidates: List[str], wanted
) -> str:
    """Says the candidates, one per conversation, until the reply is the one wanted."""
    for number, text in enumerate(candidates):
        replies = _talk(server, record, f"{name}{number}", text)
        if any(part in reply for reply in replies for part in wanted):
            return text
    raise AssertionError(f"no candidate for {name} got the reply {wanted}: {record.replies}")


def hold_conversations(server: Server) -> Conversations:
    record = Conversations(prefix=uuid.uuid4().hex[:8])
    for text in ("我的社保卡丢了", "找不回来了", "已经挂失了", "没有了，谢谢"):
        _talk(server, record, "answer", text)
    assert any("依据" in reply for reply in record.replies["answer"][2]), record.replies
    record.fallback_text = _first_answered(
        server, record, "fallback", ["那个啥", "xyz", "怎么弄", "嗯那个"], REPHRASE
    )
    assert any(OUT_OF_SCOPE_REPLY in r for r in _talk(server, record, "oos", "医保怎么报销"))
    _talk(server, record, "stop", "我的社保卡丢了")
    assert any("先不问了" in r for r in _talk(server, record, "stop", "算了"))
    _talk(server, record, "retry", "我的社保卡丢了")
    assert any("没太明白" in r for r in _talk(server, record, "retry", "香蕉苹果"))
    assert any("人工" in r for r in _talk(server, record, "human", "转人工"))
    record.hostile_text = _first_answered(
        server,
        record,
        "hostile",
        [f"{HOSTILE}医保怎么报销", f"公积金怎么提取{HOSTILE}", f"{HOSTILE}那个啥"],
        REPHRASE + (OUT_OF_SCOPE_REPLY,),
    )
    _talk(server, record, "nul", "你好\u0000")  # PostgreSQL's JSON types refuse \u0000
    record.call_id = record.sender("call")
    call_turn(server, record.call_id, 1, "start")
    transfer = call_turn(server, record.call_id, 2, "dtmf", digits="0")
    assert transfer["action"] == "transfer", transfer
    return record


@dataclass
class Assistant:
    server: Server
    endpoints: Path  # names the tracker store, for the console
    conversations: Conversations
    log_dir: Path
    database_file: Optional[Path] = None  # the SQLite store


def _assistant(
    log_dir: Path, action_server: Server, stores: str, database_file: Optional[Path] = None
):
    server = start_rasa_server(
        log_dir, action_server.url, stores=stores, env={"VOICE_GATEWAY_TOKEN": VOICE_TOKEN}
    )
    endpoints = log_dir / "console-endpoints.yml"
    endpoints.write_text(stores, encoding="utf-8")
    try:
        yield Assistant(server, endpoints, hold_conversations(server), log_dir, database_file)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_assistant(tmp_path_factory, action_server):
    log_dir = tmp_path_factory.mktemp("console-sqlite")
    database = log_dir / "conversations.db"
    stores = f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {database}\n"
    yield from _assistant(log_dir, action_server, stores, database)


@pytest.fixture(scope="session")
def console_postgres():
    """A PostgreSQL database of the console's tests alone: the figures they check count every
    conversation in it."""
    yield from fresh_database()


@pytest.fixture(scope="session")
def postgres_assistant(tmp_path_factory, action_server, console_postgres):
    log_dir = tmp_path_factory.mktemp("console-postgres")
    yield from _assistant(log_dir, action_server, console_postgres.tracker_store_yaml())


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def assistant(request):
    """Each of the two tracker stores in turn."""
    return request.getfixturevalue(f"{request.param}_assistant")


def console_environment(rasa_url: str = "", token: str = TOKEN, **extra: str) -> Dict[str, str]:
    return {
        "CONSOLE_TOKEN": token,
        "CONSOLE_RASA_URL": rasa_url,
        "CONSOLE_RASA_TOKEN": "",
        "CONSOLE_TIMEZONE": "Asia/Shanghai",
        **extra,
    }


def start_console(
    endpoints: Path, log_dir: Path, name: str = "console", env: Optional[Dict[str, str]] = None
) -> Server:
    import sys

    port = free_port()
    server = launch(
        name,
        [sys.executable, "-m", "console", "--endpoints", str(endpoints), "--port", str(port)],
        port,
        log_dir,
        env or console_environment(),
    )
    return wait_until_ready(server, "/healthz", timeout=60)


def copy_of_sqlite(assistant: Assistant, folder: Path) -> Path:
    """An endpoints file naming a copy of the assistant's SQLite store (reviews stay apart)."""
    copy = folder / "conversations-copy.db"
    shutil.copyfile(assistant.database_file, copy)
    endpoints = folder / "copy-endpoints.yml"
    endpoints.write_text(
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {copy}\n", encoding="utf-8"
    )
    return endpoints


def bearer(token: str = TOKEN) -> Dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def logged_in(url: str, token: str = TOKEN) -> requests.Session:
    """A browser-like session: the login form, its CSRF token, the session cookie."""
    session = requests.Session()
    form = session.get(url + "/login", timeout=30)
    assert form.status_code == 200
    reply = session.post(
        url + "/login",
        data={"token": token, "csrf": csrf_of(form.text), "next": "/"},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 303, reply.text
    return session


def csrf_of(html: str) -> str:
    import re

    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)
