"""Unit tests: grouping, SVG charts, CSV files, auth decisions, settings, transcript, export."""

import random
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
import yaml

from console import auth, charts
from console.export import Example, choose, cleaned, comparable, nlu_yaml
from console.grouping import Message, bigrams, group_messages, jaccard, normalise
from console.settings import (
    SettingsError,
    database_url,
    read_endpoints,
    settings_from,
    tracker_store_config,
)
from console.tables import BOM, cell, csv_bytes, unanswered_csv
from console.transcript import transcript

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "<img src=x onerror=alert(1)>"


# Grouping.


def test_normalise_strips_punctuation_spaces_and_masked_numbers():
    assert normalise("我的社保卡丢了，手机138****5678！") == "我的社保卡丢了手机"
    assert normalise("身份证 1101**********1234 怎么挂失？") == "身份证怎么挂失"
    assert normalise("ＡＢＣ 社保 卡") == "abc社保卡"
    assert normalise("？？？ ...") == ""
    assert normalise("交了12年") == "交了12年"


def test_bigrams_and_jaccard():
    assert bigrams("医保报销") == {"医保", "保报", "报销"}
    assert bigrams("呃") == {"呃"} and bigrams("") == frozenset()
    assert jaccard(bigrams("医保怎么报销"), bigrams("医保怎么报销")) == 1.0
    assert jaccard(bigrams("医保怎么报销"), bigrams("公积金")) == 0.0


def message(text, outcome="fallback", when=1.0, sender="s"):
    return Message(outcome, text, when, sender)


def test_identical_and_near_duplicate_texts_form_one_group():
    groups = group_messages(
        [
            message("医保怎么报销", when=1),
            message("医保怎么报销？", when=2),
            message("请问医保怎么报销", when=3, sender="newest"),
            message("公积金怎么提取"),
            message("医保怎么报销", "out_of_scope"),
        ]
    )
    first = groups[0]
    assert (first.outcome, first.count, first.newest, first.newest_sender) == (
        "fallback",
        3,
        3,
        "newest",
    )
    assert first.text == "医保怎么报销" and len(first.variants) == 3
    assert sorted((g.outcome, g.count) for g in groups) == [
        ("fallback", 1),
        ("fallback", 3),
        ("out_of_scope", 1),
    ]


def test_texts_below_the_threshold_stay_apart():
    assert jaccard(bigrams("公积金怎么取"), bigrams("公积金怎么提取")) < 0.6
    assert len(group_messages([message("公积金怎么取"), message("公积金怎么提取")])) == 2


def test_the_index_finds_the_same_groups_as_comparing_every_pair():
    rng = random.Random(7)
    words = ["医保", "报销", "公积金", "提取", "怎么", "办理", "在哪", "社保", "卡", "失业金"]
    texts = ["".join(rng.choice(words) for _ in range(rng.randint(1, 5))) for _ in range(400)]
    groups = group_messages([message(text) for text in texts])
    leaders = [(g.normalised, bigrams(g.normalised)) for g in groups]
    for group in groups:
        for member in group.members[1:]:
            mine = bigrams(member)
            scores = [jaccard(mine, theirs) for _, theirs in leaders]
            assert max(scores) >= 0.6  # it joined a group it is similar enough to
    assert sum(g.count for g in groups) == 400


# Charts.


def parsed(svg):
    return ElementTree.fromstring(svg)


def test_charts_escape_labels_and_are_well_formed_svg():
    svg = charts.bar_chart("t", f"title {HOSTILE}", [(HOSTILE, 3), ("社保卡", 1)], share_of=4)
    assert HOSTILE not in svg and "&lt;img src=x onerror=alert(1)&gt;" in svg
    root = parsed(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "<script" not in svg and "href" not in svg and "style=" not in svg
    columns = charts.column_chart(
        "c", "per day", ["03-01", "03-02"], [("rest", [1, 2]), (HOSTILE, [0, 4])]
    )
    assert len(parsed(columns).findall("{http://www.w3.org/2000/svg}rect")) == 3 + 2  # + legend
    assert HOSTILE not in columns
    shares = charts.share_chart("s", "shares", [("fallback", 0.25, 5), ("out of scope", 1.2, 9)])
    assert "25.0% (5)" in shares and parsed(shares) is not None


def test_empty_charts_say_so():
    assert "no data" in charts.column_chart("c", "t", ["03-01"], [("rest", [0])])
    assert "nothing" in charts.bar_chart("b", "t", [], empty="nothing here")


def test_ticks_and_fitting():
    assert charts.nice_ticks(7) == [0, 2, 4, 6, 8]
    assert charts.nice_ticks(0) == [0.0, 1.0]
    assert charts.fit("社保卡挂失补办怎么办", 60, 12).endswith("…")
    assert charts.fit("short", 200, 12) == "short"


# CSV.


def test_csv_has_a_bom_and_defuses_formulas():
    body = csv_bytes(["text"], [['=HYPERLINK("x")'], ["社保卡"], ["-1"]])
    assert body.startswith(BOM.encode("utf-8"))
    text = body.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "社保卡" in text and "'-1" in text
    assert cell(None) == "" and cell(3) == "3"


def test_unanswered_csv_columns():
    group = {
        "outcome": "fallback",
        "count": 2,
        "newest": 1772416800.0,
        "text": "那个啥",
        "variants": [{"text": "那个啥", "count": 2}],
        "questions": {},
        "newest_sender": "s1",
        "review": {"intent": "help"},
    }
    text = unanswered_csv([group], "Asia/Shanghai").decode("utf-8-sig")
    assert text.splitlines()[1] == "fallback,2,2026-03-02 10:00,那个啥,那个啥 ×2,,s1,help"


# Auth.

TOKEN = "a-token-long-enough"


def test_session_cookies_are_signed_and_expire():
    session = auth.new_session(True, now=1000.0)
    cookie = auth.sign(session, TOKEN)
    assert auth.read_session(cookie, TOKEN, now=1001.0) == session
    assert auth.read_session(cookie, "another-token-123", now=1001.0) is None
    payload, signature = cookie.split(".")
    assert auth.read_session(payload + "x." + signature, TOKEN, now=1001.0) is None
    assert auth.read_session(cookie, TOKEN, now=1000.0 + auth.SESSION_SECONDS + 1) is None
    for junk in ("", "abc", "a.b.c", "é.é", "x" * 2000):
        assert auth.read_session(junk, TOKEN) is None


@pytest.mark.parametrize(
    "method, path, authorization, logged_in, csrf, expected",
    [
        ("GET", "/", None, False, None, auth.LOGIN_PAGE),
        ("GET", "/api/overview", None, False, None, auth.UNAUTHORISED_JSON),
        ("GET", "/api/overview", f"Bearer {TOKEN}", False, None, auth.ALLOW),
        ("GET", "/api/overview", "Bearer wrong", True, None, auth.UNAUTHORISED_JSON),
        ("GET", "/", "Basic xyz", False, None, auth.LOGIN_PAGE),
        ("POST", "/reviews", f"bearer {TOKEN}", False, None, auth.ALLOW),
        ("GET", "/unanswered", None, True, None, auth.ALLOW),
        ("POST", "/reviews", None, True, None, auth.BAD_CSRF),
        ("POST", "/reviews", None, True, "wrong", auth.BAD_CSRF),
        ("POST", "/reviews", None, True, "the-csrf", auth.ALLOW),
        ("POST", "/reviews", None, False, "the-csrf", auth.LOGIN_PAGE),
    ],
)
def test_who_may_do_what(method, path, authorization, logged_in, csrf, expected):
    session = auth.Session(logged_in, "the-csrf", 0.0)
    assert auth.decide(method, path, authorization, session, csrf, TOKEN) == expected


def test_login_needs_the_forms_csrf_and_goes_back_only_to_this_site():
    session = auth.Session(False, "nonce", 0.0)
    assert auth.login_allowed(session, "nonce")
    assert not auth.login_allowed(session, "other") and not auth.login_allowed(None, "nonce")
    assert auth.safe_next("/unanswered?from=2026-03-01") == "/unanswered?from=2026-03-01"
    for target in ("//evil.example", "https://evil.example", "/\\evil", "", None, "/\nx"):
        assert auth.safe_next(target) == "/"


# Settings.


def test_the_endpoints_files_of_both_profiles(monkeypatch):
    embedded = read_endpoints_of(ROOT / "endpoints.yml", {}, allow_missing_file=True)
    assert embedded.get_backend_name() == "sqlite" and embedded.database == "var/conversations.db"
    environ = {
        "RASA_DB_HOST": "db.internal",
        "RASA_DB_PORT": "5433",
        "RASA_DB_NAME": "rasa",
        "RASA_DB_USER": "rasa",
        "RASA_DB_PASSWORD": "",
        "ACTION_SERVER_URL": "x",
        "RASA_REDIS_HOST": "r",
        "RASA_REDIS_PORT": "1",
        "RASA_REDIS_DB": "1",
        "RASA_REDIS_PASSWORD": "",
        "RASA_REDIS_KEY_PREFIX": "a",
    }
    production = read_endpoints(ROOT / "endpoints.production.yml", environ)
    assert (
        production.get_backend_name(),
        production.host,
        production.port,
        production.database,
        production.username,
        production.password,
    ) == ("postgresql", "db.internal", 5433, "rasa", "rasa", None)
    with pytest.raises(SettingsError, match="RASA_DB_HOST"):
        read_endpoints(
            ROOT / "endpoints.production.yml",
            {k: v for k, v in environ.items() if k != "RASA_DB_HOST"},
        )


def read_endpoints_of(path, environ, allow_missing_file=False):
    config = tracker_store_config(yaml.safe_load(path.read_text(encoding="utf-8")), environ)
    return database_url(config)


def test_unreadable_tracker_stores_are_refused(tmp_path):
    for document, said in (
        ({"action_endpoint": {}}, "no tracker_store"),
        ({"tracker_store": {"type": "redis"}}, "SQL tracker stores"),
        ({"tracker_store": {"type": "SQL", "dialect": "mysql"}}, "dialect"),
    ):
        with pytest.raises(SettingsError, match=said):
            database_url(tracker_store_config(document, {}))
    assert (
        str(database_url({"type": "SQL", "url": "postgresql://u@h:5/d"})) == "postgresql://u@h:5/d"
    )
    missing = tmp_path / "endpoints.yml"
    missing.write_text("tracker_store:\n  type: SQL\n  db: /nowhere/x.db\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="no conversations database"):
        read_endpoints(missing, {})
    with pytest.raises(SettingsError, match="no endpoints file"):
        read_endpoints(tmp_path / "none.yml", {})


def test_the_console_is_off_without_a_good_token(tmp_path):
    database = tmp_path / "c.db"
    database.write_bytes(b"")
    endpoints = tmp_path / "e.yml"
    endpoints.write_text(f"tracker_store:\n  type: SQL\n  db: {database}\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="the console is off"):
        settings_from(endpoints, {})
    with pytest.raises(SettingsError, match="too short"):
        settings_from(endpoints, {"CONSOLE_TOKEN": "short"})
    with pytest.raises(SettingsError, match="time zone"):
        settings_from(endpoints, {"CONSOLE_TOKEN": TOKEN, "CONSOLE_TIMEZONE": "Mars/Base"})
    with pytest.raises(SettingsError, match="CONSOLE_RASA_URL"):
        settings_from(endpoints, {"CONSOLE_TOKEN": TOKEN, "CONSOLE_RASA_URL": "ftp://x"})
    settings = settings_from(
        endpoints, {"CONSOLE_TOKEN": TOKEN, "CONSOLE_RASA_URL": "http://127.0.0.1:5005/"}
    )
    assert settings.rasa_url == "http://127.0.0.1:5005" and settings.dialect == "sqlite"


# Transcript.


def test_transcript_of_rasa_events():
    events = [
        {"event": "action", "name": "action_session_start", "timestamp": 1},
        {"event": "session_started", "timestamp": 1},
        {"event": "action", "name": "action_listen", "timestamp": 1},
        {
            "event": "user",
            "text": HOSTILE,
            "input_channel": "rest",
            "timestamp": 2,
            "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.5}},
        },
        {"event": "action", "name": "utter_ask_rephrase", "timestamp": 3},
        {
            "event": "bot",
            "text": "抱歉",
            "timestamp": 3,
            "metadata": {"utter_action": "utter_ask_rephrase"},
            "data": {"buttons": [{"title": "菜单", "payload": "/help"}]},
        },
        {
            "event": "slot",
            "name": "voice_call",
            "timestamp": 4,
            "value": {"reply": {"action": "transfer", "transfer_reason": "no_input"}},
        },
        {
            "event": "user",
            "text": "2",
            "input_channel": "voice12333",
            "timestamp": 5,
            "metadata": {"voice": {"digits": "2"}},
            "parse_data": "broken",
        },
    ]
    before, fallback, keyed = transcript(events)
    assert [step.kind for step in before.steps] == ["action", "session"]
    assert (fallback.text, fallback.intent, fallback.confidence) == (HOSTILE, "nlu_fallback", 0.5)
    assert (
        fallback.steps[1].text == "抱歉\n[菜单]"
        and fallback.steps[1].detail == "utter_ask_rephrase"
    )
    assert fallback.slots[0].detail == "reply: transfer (no_input)"
    assert keyed.keyed == "2" and keyed.intent == ""


# Export.


def review(examples, intent="help", marked_at=1772416800.0, asked=3, id=1):
    return {
        "id": id,
        "intent": intent,
        "marked_at": marked_at,
        "asked": asked,
        "outcome": "fallback",
        "examples": examples,
    }


def test_examples_chosen_for_export_and_why_others_are_left_out():
    trained = {comparable("医保怎么报销"): "out_of_scope", comparable("社保卡丢了"): "card_lost"}
    held_out = {comparable("社保卡掉了咋办"): "card_lost"}
    examples, skipped = choose(
        [
            review(
                [
                    {"text": "那个啥", "count": 2},
                    {"text": "那个啥？", "count": 1},
                    {"text": "医保怎么报销", "count": 1},
                    {"text": "社保卡丢了！", "count": 1},
                    {"text": "社保卡掉了咋办", "count": 1},
                    {"text": "？？？", "count": 1},
                    {"text": "[广州](city)的卡\n怎么办", "count": 1},
                ]
            )
        ],
        trained,
        held_out,
    )
    assert [(e.text, e.asked) for e in examples] == [
        ("那个啥", 2),
        ("［广州］(city)的卡 怎么办", 1),
    ]
    reasons = dict(skipped)
    assert reasons["医保怎么报销"] == "already training data as out_of_scope"
    assert reasons["社保卡丢了！"] == "already training data as card_lost"
    assert reasons["社保卡掉了咋办"].startswith("in a held-out test set")
    assert reasons["？？？"] == "no words to learn from"
    assert cleaned("a\tb\x00c  d") == "a b c d"


def test_exported_files_are_rasa_training_data(tmp_path):
    from rasa.shared.nlu.training_data.loading import load_data

    examples = [
        Example("那个啥", "help", 1772416800.0, 2, 3, "fallback"),
        Example("医保#报销: 怎么办", "out_of_scope", 1772416800.0, 1, 1, "out_of_scope"),
    ]
    text = nlu_yaml("# header\n", examples, "Asia/Shanghai")
    assert "# marked 2026-03-02, asked 2 times (fallback; 3 in its group)\n- intent: help\n" in text
    path = tmp_path / "reviewed.yml"
    path.write_text(text, encoding="utf-8")
    loaded = load_data(str(path))
    assert sorted((m.get("text"), m.get("intent")) for m in loaded.intent_examples) == [
        ("医保#报销: 怎么办", "out_of_scope"),
        ("那个啥", "help"),
    ]
    empty = tmp_path / "empty.yml"
    empty.write_text(nlu_yaml("# header\n", [], "Asia/Shanghai"), encoding="utf-8")
    assert yaml.safe_load(empty.read_text(encoding="utf-8"))["nlu"] == []
    assert load_data(str(empty)).intent_examples == []
