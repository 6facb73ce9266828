"""The console over HTTP, on tracker stores a real Rasa server wrote (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import yaml

from tests.console.conftest import (
    HOSTILE,
    ROOT,
    TOKEN,
    bearer,
    console_environment,
    csrf_of,
    logged_in,
    start_console,
)

pytestmark = pytest.mark.server
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture(scope="module")
def console(assistant, tmp_path_factory):
    """A console on the store, asking the assistant's own server about the current model."""
    log_dir = tmp_path_factory.mktemp("console")
    server = start_console(
        assistant.endpoints, log_dir, env=console_environment(rasa_url=assistant.server.url)
    )
    yield server
    server.stop()


def api(console, path, **params):
    reply = requests.get(console.url + path, headers=bearer(), params=params, timeout=60)
    assert reply.status_code == 200, reply.text
    return reply


def group_with(groups, text):
    found = [group for group in groups if any(v["text"] == text for v in group["variants"])]
    assert found, (text, [g["text"] for g in groups])
    return found[0]


def test_overview_figures_follow_the_conversations(assistant, console):
    said = assistant.conversations
    figures = api(console, "/api/overview").json()
    assert figures["conversations"] == len(said.said) + 1  # + the telephone call
    assert figures["user_turns"] == said.user_turns
    channels = {item["channel"]: item for item in figures["per_channel"]}
    assert channels["voice12333"]["conversations"] == 1
    assert channels["rest"]["conversations"] == len(said.said)
    assert sum(day["user_turns"] for day in figures["per_day"]) == said.user_turns
    assert len(figures["per_day"]) == 7
    topics = {item["topic"]: item for item in figures["topics"]}
    assert topics["card_lost"]["count"] == 3 and topics["card_lost"]["title"]
    consultations = figures["consultations"]
    assert (
        consultations["started"],
        consultations["answered"],
        consultations["abandoned"],
        consultations["stopped"],
    ) == (3, 1, 2, 1)
    assert consultations["gave_up_at"][0]["question"] == "card_findable"
    assert consultations["gave_up_at"][0]["count"] == 2
    assert figures["shares"]["fallback"]["turns"] >= 1
    assert figures["shares"]["out_of_scope"]["turns"] >= 1
    assert 0 < figures["shares"]["fallback"]["share"] < 1
    assert figures["human"]["requests"] >= 1
    assert figures["human"]["transfers"] == 1
    assert figures["human"]["transfer_reasons"] == [{"reason": "caller_request", "count": 1}]
    assert figures["failures"]["turns"] == 0
    outcomes = figures["unanswered"]["by_outcome"]
    assert outcomes["stopped"] == 1 and outcomes["not_understood"] == 1
    assert outcomes["out_of_scope"] >= 1 and outcomes["fallback"] >= 1


def test_unanswered_groups_carry_the_texts_as_stored(assistant, console):
    said = assistant.conversations
    body = api(console, "/api/unanswered").json()
    groups = body["groups"]
    outcomes = {group["outcome"] for group in groups}
    assert {"stopped", "not_understood", "out_of_scope", "fallback"} <= outcomes
    assert group_with(groups, "医保怎么报销")["outcome"] == "out_of_scope"
    assert group_with(groups, said.fallback_text)["outcome"] == "fallback"
    retried = group_with(groups, "香蕉苹果")
    assert retried["outcome"] == "not_understood" and retried["questions"] == {"card_findable": 1}
    assert group_with(groups, "算了")["newest_sender"] == said.sender("stop")
    assert group_with(groups, said.hostile_text)
    assert body["messages"] == sum(group["count"] for group in groups)
    only = api(console, "/api/unanswered", outcome="out_of_scope").json()["groups"]
    assert only and {group["outcome"] for group in only} == {"out_of_scope"}


def test_everything_needs_the_token(console):
    for path in ("/", "/unanswered", "/reviewed", "/conversations/someone", "/no/such/page"):
        reply = requests.get(console.url + path, timeout=30)
        assert reply.status_code == 401, path
        assert 'name="token"' in reply.text and "text/html" in reply.headers["content-type"]
    for path in (
        "/api/overview",
        "/api/unanswered",
        "/api/unanswered.csv",
        "/api/overview.csv",
        "/api/reviews",
        "/api/conversations/x",
    ):
        reply = requests.get(console.url + path, timeout=30)
        assert reply.status_code == 401, path
        assert "error" in reply.json()
        wrong = requests.get(console.url + path, headers=bearer("not-the-token"), timeout=30)
        assert wrong.status_code == 401
    assert (
        requests.post(console.url + "/reviews", data={"key": "0" * 16}, timeout=30).status_code
        == 401
    )
    assert requests.get(console.url + "/healthz", timeout=30).json() == {"status": "ok"}


def test_login_sets_a_strict_http_only_signed_cookie(console):
    session = requests.Session()
    form = session.get(console.url + "/login", timeout=30)
    csrf = csrf_of(form.text)
    wrong = session.post(
        console.url + "/login",
        data={"token": "guess", "csrf": csrf},
        allow_redirects=False,
        timeout=30,
    )
    assert wrong.status_code == 401 and "Wrong token" in wrong.text
    no_csrf = requests.post(
        console.url + "/login", data={"token": TOKEN}, allow_redirects=False, timeout=30
    )
    assert no_csrf.status_code == 403
    csrf = csrf_of(wrong.text)
    reply = session.post(
        console.url + "/login",
        data={"token": TOKEN, "csrf": csrf, "next": "/unanswered"},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 303 and reply.headers["location"] == "/unanswered"
    cookie = reply.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert session.get(console.url + "/", timeout=60).status_code == 200
    forged = requests.get(
        console.url + "/",
        cookies={"console_session": cookie.split(";")[0].split("=", 1)[1][:-3] + "abc"},
        timeout=30,
    )
    assert forged.status_code == 401
    other = requests.Session()
    evil = other.post(
        console.url + "/login",
        data={
            "token": TOKEN,
            "csrf": csrf_of(other.get(console.url + "/login", timeout=30).text),
            "next": "//evil.example/",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert evil.status_code == 303 and evil.headers["location"] == "/"
    logout = session.post(
        console.url + "/logout", data={"csrf": "wrong"}, allow_redirects=False, timeout=30
    )
    assert logout.status_code == 403


def test_pages_show_figures_and_escape_a_hostile_message(assistant, console):
    said = assistant.conversations
    session = logged_in(console.url)
    overview = session.get(console.url + "/", timeout=60)
    assert overview.status_code == 200
    assert overview.text.count("<svg") >= 6 and "<script" not in overview.text
    assert re.search(r'id="conversations">\s*{}<'.format(len(said.said) + 1), overview.text)
    assert "script-src" not in overview.headers["content-security-policy"]
    assert "default-src 'none'" in overview.headers["content-security-policy"]
    unanswered = session.get(console.url + "/unanswered", timeout=60).text
    assert ESCAPED in unanswered and HOSTILE not in unanswered
    assert "医保怎么报销" in unanswered
    hostile = session.get(
        console.url + "/conversations/" + requests.utils.quote(_hostile_sender(assistant), safe=""),
        timeout=60,
    )
    assert hostile.status_code == 200
    assert ESCAPED in hostile.text and HOSTILE not in hostile.text
    answer = session.get(console.url + f"/conversations/{said.sender('answer')}", timeout=60).text
    for shown in (
        "我的社保卡丢了",
        "card_lost",
        "answer",
        "action_start_topic",
        "topic",
        "rest",
        "follow_up",
    ):
        assert shown in answer
    call = session.get(console.url + f"/conversations/{said.call_id}", timeout=60).text
    assert "voice12333" in call and "transfer (caller_request)" in call


def _hostile_sender(assistant):
    said = assistant.conversations
    return next(
        assistant.conversations.sender(name)
        for name, texts in said.said.items()
        if said.hostile_text in texts
    )


def test_malformed_requests_get_a_reason_never_a_500(console):
    session = logged_in(console.url)
    cases = [
        ("get", "/api/overview?from=2026-02-30", 400),
        ("get", "/api/overview?to=yesterday", 400),
        ("get", "/api/overview?from=2026-05-01&to=2026-04-01", 400),
        ("get", "/api/overview?from=2020-01-01&to=2026-01-01", 400),
        ("get", "/?from=%ZZ", 400),
        ("get", "/api/unanswered?outcome=%3Cb%3E", 400),
        ("get", "/unanswered/not-a-key", 404),
        ("get", "/unanswered/" + "0" * 16, 404),
        ("get", "/api/conversations/" + "x" * 300, 404),
    ]
    for method, path, status in cases:
        reply = session.request(method, console.url + path, timeout=60)
        assert reply.status_code == status, (path, reply.status_code, reply.text[:200])
        assert "error" in reply.text.lower() or "must" in reply.text or "no such" in reply.text
    csrf = csrf_of(session.get(console.url + "/reviewed", timeout=60).text)
    posts = [
        ({"csrf": csrf, "key": "0" * 16, "intent": "no_such_intent"}, 400),
        ({"csrf": csrf, "key": "0" * 16, "intent": "greet"}, 404),
        ({"csrf": csrf, "key": "0" * 16, "intent": "greet", "from": "soon"}, 400),
        ({"key": "0" * 16, "intent": "greet"}, 403),
        ({"csrf": "forged", "key": "0" * 16, "intent": "greet"}, 403),
    ]
    for data, status in posts:
        reply = session.post(console.url + "/reviews", data=data, allow_redirects=False, timeout=60)
        assert reply.status_code == status, (data, reply.status_code, reply.text[:200])
    assert (
        session.post(
            console.url + "/reviews/99999/delete", data={"csrf": csrf}, timeout=60
        ).status_code
        == 404
    )
    big = session.post(console.url + "/reviews", data={"csrf": csrf, "x": "y" * 100000}, timeout=60)
    assert big.status_code == 413
    for cookie in ("console_session=\xe9.\xe9", "console_session=" + "a." * 600, "x=\x01"):
        assert (
            requests.get(console.url + "/", headers={"Cookie": cookie}, timeout=30).status_code
            == 401
        )
    raw = requests.post(
        console.url + "/reviews",
        headers={**bearer(), "Content-Type": "application/x-www-form-urlencoded"},
        data=b"%%%=\xff",
        timeout=60,
    )
    assert raw.status_code == 400


def test_csv_files_open_in_excel(assistant, console):
    table = api(console, "/api/unanswered.csv")
    assert table.headers["content-type"].startswith("text/csv")
    assert "attachment" in table.headers["content-disposition"]
    assert table.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["outcome", "count", "newest", "text"]
    assert any(row[3] == "医保怎么报销" for row in rows[1:])
    overview = api(console, "/api/overview.csv")
    assert overview.content.startswith(b"\xef\xbb\xbf")
    figures = list(csv.reader(io.StringIO(overview.content.decode("utf-8-sig"))))
    assert ["total", "", "conversations", str(len(assistant.conversations.said) + 1)] in figures
    assert any(row[0] == "topic" and "社保卡丢了" in row[1] for row in figures)


REAL_OUTPUTS = (ROOT / "data" / "nlu" / "reviewed.yml", ROOT / "tests" / "nlu" / "reviewed.yml")


def _state(paths):
    return [path.stat().st_mtime if path.exists() else None for path in paths]


def test_review_marks_are_checked_against_the_model_and_exported(assistant, console, tmp_path):
    before = _state(REAL_OUTPUTS)
    session = logged_in(console.url)
    groups = api(console, "/api/unanswered").json()["groups"]
    out_of_scope = group_with(groups, "医保怎么报销")
    page = session.get(console.url + f"/unanswered/{out_of_scope['key']}", timeout=60)
    assert page.status_code == 200 and "<select" in page.text and "card_lost" in page.text
    marked = session.post(
        console.url + "/reviews",
        allow_redirects=False,
        timeout=60,
        data={
            "csrf": csrf_of(page.text),
            "key": out_of_scope["key"],
            "intent": "out_of_scope",
            "verdict": "out_of_scope",
        },
    )
    assert marked.status_code == 303, marked.text
    assert (
        "Marked as out_of_scope"
        in session.get(console.url + marked.headers["location"], timeout=60).text
    )
    fallback = group_with(groups, assistant.conversations.fallback_text)
    scripted = requests.post(
        console.url + "/reviews",
        headers=bearer(),
        allow_redirects=False,
        timeout=60,
        data={"key": fallback["key"], "intent": "help", "verdict": "intent"},
    )
    assert scripted.status_code == 303
    reviews = api(console, "/api/reviews").json()
    assert reviews["model_check"]["status"] == "checked"
    by_intent = {review["intent"]: review for review in reviews["reviews"]}
    assert set(by_intent) == {"out_of_scope", "help"}
    assert by_intent["out_of_scope"]["model"]["right"] == 1  # the model says out_of_scope
    reviewed = session.get(console.url + "/reviewed", timeout=60).text
    assert "1 of 1 right" in reviewed
    after = {group["key"]: group for group in api(console, "/api/unanswered").json()["groups"]}
    assert after[out_of_scope["key"]]["review"]["intent"] == "out_of_scope"

    training, regression = tmp_path / "train" / "reviewed.yml", tmp_path / "test" / "reviewed.yml"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "console.export",
            "--endpoints",
            str(assistant.endpoints),
            "--nlu-out",
            str(training),
            "--test-out",
            str(regression),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "left out: 医保怎么报销 (already training data)" in result.stderr  # data/nlu has it
    fallback_text = assistant.conversations.fallback_text
    for path in (training, regression):
        text = path.read_text(encoding="utf-8")
        document = yaml.safe_load(text)
        assert [block["intent"] for block in document["nlu"]] == ["help"]
        assert document["nlu"][0]["examples"] == f"- {fallback_text}\n"
        assert re.search(
            r"# marked \d{4}-\d\d-\d\d, asked once \(fallback; 1 in its group\)\n"
            r"- intent: help\n",
            text,
        )
    from rasa.shared.nlu.training_data.loading import load_data

    assert [m.get("text") for m in load_data(str(training)).intent_examples] == [fallback_text]
    assert _state(REAL_OUTPUTS) == before  # the project's own files are left alone
    for review in api(console, "/api/reviews").json()["reviews"]:  # leave the store unmarked
        session.post(
            console.url + f"/reviews/{review['id']}/delete",
            data={"csrf": csrf_of(reviewed)},
            timeout=60,
        )
    assert api(console, "/api/reviews").json()["reviews"] == []


def test_the_model_check_says_when_no_server_can_be_asked(assistant, tmp_path):
    for rasa_url, said in (
        ("", "CONSOLE_RASA_URL is not set"),
        ("http://127.0.0.1:9", "could not be asked"),
    ):
        server = start_console(
            assistant.endpoints,
            tmp_path,
            name=f"console-{len(rasa_url)}",
            env=console_environment(rasa_url=rasa_url),
        )
        try:
            session = logged_in(server.url)
            page = session.get(server.url + "/reviewed", timeout=60)
            assert page.status_code == 200 and said in page.text
        finally:
            server.stop()


def test_an_unreadable_store_is_answered_503(sqlite_assistant, tmp_path):
    from tests.console.conftest import copy_of_sqlite

    endpoints = copy_of_sqlite(sqlite_assistant, tmp_path)
    server = start_console(endpoints, tmp_path, name="console-broken")
    try:
        (tmp_path / "conversations-copy.db").write_bytes(b"not a database" * 100)
        for path in ("/api/overview", "/api/unanswered", "/api/conversations/x"):
            reply = requests.get(server.url + path, headers=bearer(), timeout=60)
            assert reply.status_code == 503, (path, reply.text)
            assert "tracker store cannot be read" in reply.json()["error"]
    finally:
        server.stop()


def test_the_console_is_off_without_a_token(assistant):
    for token, said in (("", "the console is off: set CONSOLE_TOKEN"), ("short", "too short")):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "console",
                "--endpoints",
                str(assistant.endpoints),
                "--port",
                "1",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env={**console_environment(token=token), "PATH": "/usr/bin:/bin"},
        )
        assert result.returncode == 2 and said in result.stderr


def test_rasa_s_events_are_only_read(assistant, console):
    """The console's own tables sit beside Rasa's; Rasa's events table is not changed."""
    api(console, "/api/overview")
    import os

    from sqlalchemy import create_engine, inspect

    from console.settings import read_endpoints

    engine = create_engine(read_endpoints(assistant.endpoints, os.environ))
    inspector = inspect(engine)
    assert {"events", "console_reviews", "console_event_facts"} <= set(inspector.get_table_names())
    assert {index["name"] for index in inspector.get_indexes("events")} <= {"ix_events_sender_id"}
    engine.dispose()


def test_regression_set_skips_when_nothing_was_reviewed(tmp_path):
    empty = tmp_path / "reviewed.yml"
    empty.write_text('version: "3.1"\nnlu: []\n', encoding="utf-8")
    for path in (empty, tmp_path / "missing.yml"):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "console.regression",
                "--model",
                "models/assistant.tar.gz",
                str(path),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0 and "skipped" in result.stdout


def test_regression_set_fails_on_a_misclassified_example(tmp_path):
    path = tmp_path / "reviewed.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n# marked 2026-12-01, asked once\n- intent: card_lost\n'
        "  examples: |\n    - 我的社保卡丢了\n- intent: greet\n  examples: |\n"
        "    - 医保怎么报销\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "console.regression",
            "--model",
            str(Path(ROOT) / "models" / "assistant.tar.gz"),
            str(path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "医保怎么报销: marked greet, classified out_of_scope" in result.stdout
    assert "1 of 2 reviewed examples classified as marked" in result.stdout
