"""The web chat over real HTTP against the real Rasa server (tests/channels/web/conftest.py): the
page and its headers, sessions, turns, history, what is refused and why, masking, other sites,
and what the citizen gets when the action server or the conversation store is away."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import requests

from channels.core.requests import MAX_BODY_BYTES, MAX_INPUT_CHARS
from channels.core.turns import APOLOGY, INPUT_CUT
from channels.web.origins import content_security_policy
from channels.web.page import CONTENT_TYPES
from channels.web.protocol import SESSION_CHARS, new_session, sender_of
from tests.channels.web.api import (
    history,
    messages,
    option,
    post,
    press,
    say,
    start,
    stored_events,
    texts,
    user_texts,
)
from tests.services import stored_user_texts
from tests.support import FINDABLE, SOURCES, TEMPORARY_LOSS

pytestmark = pytest.mark.server

LOST_CARD_TOPIC = "社保卡丢了，怎么挂失、补办"
ID_NUMBER, MASKED_ID = "110101199003071234", "1101**********1234"
MOBILE, MASKED_MOBILE = "13812345678", "138****5678"


def kinds(shown):
    return [(message["from"], message["kind"]) for message in shown]


def test_the_page_is_served_at_webchat_with_its_security_policy(web_server, other_site):
    url = web_server.url
    redirect = requests.get(url + "/webchat", allow_redirects=False, timeout=30)
    assert redirect.status_code in (301, 302) and redirect.headers["Location"] == "/webchat/"

    page = requests.get(url + "/webchat/", timeout=30)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<title>社保卡和劳动合同智能咨询</title>" in page.text
    policy = page.headers["Content-Security-Policy"]
    assert policy == content_security_policy((other_site.origin,))
    assert "script-src 'self'" in policy and f"frame-ancestors 'self' {other_site.origin}" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "no-referrer"

    again = requests.get(url + "/webchat/", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304

    for name, content_type in CONTENT_TYPES.items():
        served = requests.get(f"{url}/webchat/{name}", timeout=30)
        assert served.status_code == 200, name
        assert served.headers["Content-Type"] == content_type
        assert "Content-Security-Policy" in served.headers
    for name in ("channel.py", "..%2Fchannel.py", "static", "chat.js.map"):
        assert requests.get(f"{url}/webchat/{name}", timeout=30).status_code == 404, name


def test_a_session_opens_with_the_greeting_and_the_numbered_menu_of_topics(web_server):
    session, opening = start(web_server.url)
    assert len(session) == SESSION_CHARS
    assert kinds(opening) == [("assistant", "greeting"), ("assistant", "menu")]
    menu = opening[1]
    assert [o["number"] for o in menu["options"]] == list(range(1, len(menu["options"]) + 1))
    assert option(opening, LOST_CARD_TOPIC)["payload"] == "/card_lost"
    assert not any(LOST_CARD_TOPIC in text for text in texts(menu))  # shown once, as a button
    assert start(web_server.url)[0] != session


def test_a_consultation_by_typing_and_pressing_ends_in_an_answer_with_its_sources(web_server):
    url = web_server.url
    session, _ = start(url)
    [question] = messages(say(url, session, "社保卡丢了怎么办"))
    assert texts(question) == [FINDABLE] and question["kind"] == "question"
    assert [(o["number"], o["title"]) for o in question["options"]] == [
        (1, "可能还能找到"),
        (2, "找不回来了"),
    ]
    [question] = messages(press(url, session, "找不回来了"))
    assert texts(question) == [TEMPORARY_LOSS]
    answer, follow_up = messages(press(url, session, "还没挂失"))
    assert answer["kind"] == "answer" and follow_up["kind"] == "follow_up"
    assert "临时挂失" in texts(answer)[0]
    assert answer["sources"] and all(source.strip() for source in answer["sources"])
    assert not any(SOURCES in text for text in texts(answer))  # listed apart, not in the text
    assert any(paragraph["personal"] for paragraph in answer["paragraphs"])
    assert option([follow_up], "没有了，谢谢")["payload"] == "/deny"

    shown = history(url, session)
    assert kinds(shown)[2:] == [
        ("citizen", "message"),
        ("assistant", "question"),
        ("citizen", "message"),
        ("assistant", "question"),
        ("citizen", "message"),
        ("assistant", "answer"),
        ("assistant", "follow_up"),
    ]
    assert [texts(m) for m in shown if m["from"] == "citizen"] == [
        ["社保卡丢了怎么办"],
        ["找不回来了"],  # a pressed button shows its title
        ["还没挂失"],
    ]
    assert shown[-2]["sources"] == answer["sources"]
    assert [m["latest"] for m in shown if m["options"]] == [False, False, False, True]


def test_a_typed_number_picks_the_option_shown_with_that_number(web_server):
    url = web_server.url
    session, _ = start(url)
    messages(say(url, session, "我的社保卡丢了"))
    [question] = messages(say(url, session, "2"))  # 2 找不回来了
    assert texts(question) == [TEMPORARY_LOSS]


SESSION = "A" * SESSION_CHARS


@pytest.mark.parametrize(
    "path, raw, status, reason",
    [
        ("webhook", b"{not json", 400, "not valid JSON"),
        ("webhook", b"[1, 2]", 400, "JSON object"),
        ("webhook", json.dumps({"message": "你好"}).encode(), 400, "'session'"),
        ("webhook", json.dumps({"session": "abc", "message": "你好"}).encode(), 400, "characters"),
        ("webhook", json.dumps({"session": SESSION}).encode(), 400, "either 'message'"),
        ("webhook", json.dumps({"session": SESSION, "message": " "}).encode(), 400, "empty"),
        ("webhook", json.dumps({"session": SESSION, "choice": "2"}).encode(), 400, "'choice'"),
        ("webhook", b'{"session": "' + b"x" * MAX_BODY_BYTES + b'"}', 413, "larger than"),
        ("session", b"{not json", 400, "not valid JSON"),
        ("history", b"{}", 400, "'session'"),
        ("history", b"x" * (MAX_BODY_BYTES + 1), 413, "larger than"),
    ],
)
def test_malformed_requests_are_refused_with_the_reason(web_server, path, raw, status, reason):
    response = post(web_server.url, path, raw=raw)
    assert response.status_code == status
    assert reason in response.json()["error"]
    session, _ = start(web_server.url)  # and the server goes on serving
    assert messages(say(web_server.url, session, "社保卡丢了"))


def test_a_session_the_server_did_not_start_is_refused_404(web_server):
    made_up = new_session()
    for path, body in [
        ("history", {"session": made_up}),
        ("webhook", {"session": made_up, "message": "社保卡丢了"}),
        ("webhook", {"session": made_up, "choice": {"title": "找不回来了", "payload": "/deny"}}),
    ]:
        response = post(web_server.url, path, body)
        assert response.status_code == 404, path
        assert "no conversation has this session" in response.json()["error"]
    # Nothing was started for it.
    assert post(web_server.url, "history", {"session": made_up}).status_code == 404


def test_a_button_that_is_no_longer_on_offer_is_refused_409(web_server):
    url = web_server.url
    session, _ = start(url)
    messages(say(url, session, "社保卡丢了"))
    # Not a button of this question, nor its payload: an intent cannot be sent by pretending.
    for title, payload in [("随便说的", "随便说的"), ("找不回来了", "/restart")]:
        refused = press(url, session, title, payload)
        assert refused.status_code == 409
        assert "no longer on offer" in refused.json()["error"]
    messages(press(url, session, "找不回来了"))
    stale = press(url, session, "找不回来了")  # pressed again, on the earlier question
    assert stale.status_code == 409
    assert user_texts(url, session)[-1] == "找不回来了"
    assert user_texts(url, session).count("找不回来了") == 1


def test_a_long_message_is_cut_to_the_channels_limit_and_the_citizen_is_told(web_server):
    url = web_server.url
    session, _ = start(url)
    text = "我的社保卡丢了，" * 80
    assert len(text) > MAX_INPUT_CHARS
    note, question = messages(say(url, session, text))
    assert note["kind"] == "cut"
    assert texts(note) == [INPUT_CUT.format(limit=MAX_INPUT_CHARS)]
    assert texts(question) == [FINDABLE]
    assert len(user_texts(url, session)[-1]) == MAX_INPUT_CHARS


def test_personal_numbers_are_masked_in_the_stored_conversation_and_its_history(web_server):
    url = web_server.url
    session, _ = start(url)
    messages(say(url, session, f"社保卡丢了，身份证{ID_NUMBER}，电话{MOBILE}"))
    masked = f"社保卡丢了，身份证{MASKED_ID}，电话{MASKED_MOBILE}"
    assert texts([m for m in history(url, session) if m["from"] == "citizen"][-1]) == [masked]
    assert user_texts(url, session)[-1] == masked
    stored = json.dumps(stored_events(url, session), ensure_ascii=False)
    assert ID_NUMBER not in stored and MOBILE not in stored
    if web_server.database is not None:  # the rows in PostgreSQL themselves
        rows = stored_user_texts(web_server.database, sender_of(session))
        assert masked in rows and not any(ID_NUMBER in row or MOBILE in row for row in rows)


def test_one_session_cannot_read_another_sessions_conversation(web_server):
    url = web_server.url
    mine, _ = start(url)
    theirs, _ = start(url)
    secret = f"我叫{uuid.uuid4().hex[:8]}，社保卡丢了"
    messages(say(url, mine, secret))
    assert any(secret in texts(m)[0] for m in history(url, mine) if m["from"] == "citizen")
    assert secret not in json.dumps(history(url, theirs), ensure_ascii=False)
    # Neither the conversation's name in the store nor a near miss of the id opens it.
    for guess in (sender_of(mine), mine[:-1] + ("A" if mine[-1] != "A" else "B")):
        response = post(url, "history", {"session": guess})
        assert response.status_code in (400, 404)
        assert secret not in response.text


def test_typed_text_is_never_an_intent_command(web_server):
    url = web_server.url
    session, _ = start(url)
    messages(say(url, session, "社保卡丢了"))
    messages(say(url, session, "/restart"))
    assert user_texts(url, session)[-1] == "restart"
    assert not any(event["event"] == "restart" for event in stored_events(url, session))


@pytest.mark.parametrize("path", ["", "session", "history", "webhook"])
def test_a_site_not_named_in_the_setting_is_refused_403(web_server, refused_site, path):
    headers = {"Origin": refused_site.origin, "Content-Type": "text/plain;charset=UTF-8"}
    url = web_server.url + "/webhooks/web/" + path
    response = (
        requests.post(url, data=b"{}", headers=headers, timeout=30)
        if path
        else requests.get(url, headers=headers, timeout=30)
    )
    assert response.status_code == 403
    assert "WEBCHAT_ALLOWED_ORIGINS" in response.json()["error"]
    assert "Access-Control-Allow-Origin" not in response.headers


def test_the_named_site_and_the_chats_own_page_are_let_in(web_server, other_site):
    url = web_server.url
    check = requests.get(url + "/webhooks/web/", headers={"Origin": other_site.origin}, timeout=30)
    assert check.status_code == 200
    assert check.headers["Access-Control-Allow-Origin"] == other_site.origin
    assert "Origin" in check.headers["Vary"]
    opened = post(url, "session", origin=other_site.origin)
    assert opened.status_code == 200
    assert opened.headers["Access-Control-Allow-Origin"] == other_site.origin
    # The page's own requests carry its origin, which is the server's.
    own = post(url, "webhook", {"session": opened.json()["session"], "message": "你好"}, origin=url)
    assert own.status_code == 200 and "Access-Control-Allow-Origin" not in own.headers


def test_with_the_action_server_away_a_turn_gets_the_apology_and_the_button_works_again(
    web_server,
):
    url = web_server.url
    session, _ = start(url)
    messages(say(url, session, "社保卡丢了"))
    web_server.action_proxy.close()
    try:
        failed = press(url, session, "找不回来了")
        assert failed.status_code == 200 and failed.json()["failed"] is True
        [apology] = failed.json()["messages"]
        assert apology["kind"] == "apology" and texts(apology) == [APOLOGY]
    finally:
        web_server.action_proxy.open()
    # Shown again where it was; the question's buttons are still the ones on offer.
    shown = history(url, session)
    assert shown[-1]["kind"] == "apology" and shown[-2]["from"] == "citizen"
    assert [o["title"] for o in shown[-3]["options"]] == ["可能还能找到", "找不回来了"]
    assert shown[-3]["latest"]
    [question] = messages(press(url, session, "找不回来了"))
    assert texts(question) == [TEMPORARY_LOSS]


def until_answered(send, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        response = send()
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        time.sleep(1)


def test_with_the_conversation_store_away_requests_get_503_and_the_apology(web_server):
    if web_server.store_proxy is None:
        pytest.skip("the conversations are kept in memory (no TEST_POSTGRES_URL)")
    url = web_server.url
    session, _ = start(url)
    messages(say(url, session, "社保卡丢了"))
    web_server.store_proxy.close()
    try:
        down = press(url, session, "找不回来了")
        assert down.status_code == 503
        assert "conversation store unavailable" in down.json()["error"]
        [apology] = down.json()["messages"]
        assert apology["kind"] == "apology" and texts(apology) == [APOLOGY]
        lost = post(url, "history", {"session": session})
        assert lost.status_code == 503 and "unavailable" in lost.json()["error"]
        opening = post(url, "session")
        assert opening.status_code == 503 and "session" not in opening.json()
    finally:
        web_server.store_proxy.open()
    answer = until_answered(lambda: press(url, session, "找不回来了"))
    [question] = messages(answer)
    assert texts(question) == [TEMPORARY_LOSS]  # where the conversation was
