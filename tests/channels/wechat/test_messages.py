"""WeChat XML messages: checked, parsed and mapped to what the assistant does (pure functions)."""

import pytest

from channels.wechat.messages import (
    EMPTY_TEXT,
    TEXT_OR_VOICE_ONLY,
    VOICE_NOT_RECOGNISED,
    AskAssistant,
    FixedAnswer,
    MalformedMessage,
    NoAnswer,
    SessionClosed,
    dedupe_key,
    encrypted_part,
    inbound,
    metadata,
    parse_xml,
    read_message,
)
from tests.wechat_simulator import OFFICIAL_ACCOUNT, event_xml, message_xml, text_xml

MENU = {"MENU_CARD_LOST": "card_lost"}


def action_for(xml, max_chars=500):
    return inbound(read_message(xml), max_chars, MENU)


def test_text_goes_to_the_assistant_cut_to_the_limit():
    assert action_for(text_xml("o", " 我的社保卡丢了 ")) == AskAssistant("我的社保卡丢了", "text")
    assert action_for(text_xml("o", "社" * 600), max_chars=500) == AskAssistant(
        "社" * 500, "text", cut=True
    )
    assert action_for(text_xml("o", "   ")) == FixedAnswer(EMPTY_TEXT)


def test_voice_is_its_recognised_text_or_a_request_to_type():
    voice = message_xml(
        "o", "voice", MediaId="m", Format="amr", Recognition="社保卡丢了。", MsgId=1
    )
    assert action_for(voice) == AskAssistant("社保卡丢了。", "voice")
    unrecognised = message_xml("o", "voice", MediaId="m", Format="amr", MsgId=2)
    assert action_for(unrecognised) == FixedAnswer(VOICE_NOT_RECOGNISED)
    empty = message_xml("o", "voice", MediaId="m", Format="amr", Recognition="", MsgId=3)
    assert action_for(empty) == FixedAnswer(VOICE_NOT_RECOGNISED)


@pytest.mark.parametrize(
    "xml",
    [
        message_xml("o", "image", PicUrl="http://x/p.jpg", MediaId="m", MsgId=1),
        message_xml(
            "o",
            "location",
            Location_X="23.1",
            Location_Y="113.3",
            Scale="20",
            Label="广州",
            MsgId=2,
        ),
        message_xml("o", "link", Title="t", Description="d", Url="http://x", MsgId=3),
        message_xml("o", "video", MediaId="m", ThumbMediaId="t", MsgId=4),
        message_xml("o", "shortvideo", MediaId="m", ThumbMediaId="t", MsgId=5),
        message_xml("o", "file", Title="a.pdf", MsgId=6),
    ],
)
def test_other_messages_get_a_polite_text_or_voice_only(xml):
    assert action_for(xml) == FixedAnswer(TEXT_OR_VOICE_ONLY)


def test_subscribe_is_greeted_by_the_assistant_with_its_menu():
    # Through the assistant, so that the conversation knows the menu was offered (a reply "3"
    # then picks the third topic).
    for xml in (event_xml("o", "subscribe"), event_xml("o", "subscribe", EventKey="qrscene_7")):
        assert action_for(xml) == AskAssistant("/greet", "subscribe")


def test_menu_clicks_ask_about_the_buttons_intent():
    assert action_for(event_xml("o", "CLICK", EventKey="MENU_CARD_LOST")) == AskAssistant(
        "/card_lost", "menu"
    )
    assert action_for(event_xml("o", "CLICK", EventKey="MENU_REMOVED")) == AskAssistant(
        "/help", "menu"
    )


@pytest.mark.parametrize(
    "event",
    [
        "unsubscribe",
        "VIEW",
        "SCAN",
        "LOCATION",
        "TEMPLATESENDJOBFINISH",
        "kf_create_session",
        "kf_switch_session",
        "SOMETHING_NEW",
    ],
)
def test_other_events_get_no_answer(event):
    assert action_for(event_xml("o", event, EventKey="k")) == NoAnswer()


def test_an_agent_closing_the_session_is_noted():
    closed = event_xml("o", "kf_close_session", KfAccount="kf2001@gh_0123456789ab")
    assert action_for(closed) == SessionClosed()


def test_retries_share_a_key_and_different_events_in_one_second_do_not():
    assert dedupe_key(read_message(text_xml("alice", "a", msg_id=42))) == dedupe_key(
        read_message(text_xml("alice", "b", msg_id=42))
    )
    assert dedupe_key(read_message(text_xml("alice", "a", msg_id=42))) != dedupe_key(
        read_message(text_xml("bob", "a", msg_id=42))
    )
    subscribe = event_xml("alice", "subscribe", create_time=1700000000)
    click = event_xml("alice", "CLICK", create_time=1700000000, EventKey="MENU_CARD_LOST")
    assert dedupe_key(read_message(subscribe)) == dedupe_key(read_message(subscribe))
    assert dedupe_key(read_message(subscribe)) != dedupe_key(read_message(click))


def test_metadata_records_the_channel_and_the_message():
    received = read_message(text_xml("alice", "你好", msg_id=42))
    data = metadata(received, "text")
    assert data["channel"] == "wechat"
    assert data["msg_type"] == "text"
    assert data["msg_id"] == "42"
    assert data["official_account"] == OFFICIAL_ACCOUNT
    assert isinstance(data["create_time"], int)
    click = metadata(read_message(event_xml("alice", "CLICK", EventKey="MENU_CARD_LOST")), "menu")
    assert click["event"] == "CLICK" and click["source"] == "menu"


@pytest.mark.parametrize(
    "body, reason",
    [
        ("<xml><unclosed></xml>", "well-formed"),
        ("not xml at all", "well-formed"),
        ("", "well-formed"),
        (
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><a>&a;</a></xml>',
            "well-formed",
        ),
        ("<other><MsgType>text</MsgType></other>", "<xml>"),
        ("<xml>just text</xml>", "<xml>"),
    ],
)
def test_what_is_not_a_wechat_xml_document_is_malformed(body, reason):
    with pytest.raises(MalformedMessage, match=reason):
        parse_xml(body)


@pytest.mark.parametrize(
    "xml, reason",
    [
        ("<xml><ToUserName>gh</ToUserName></xml>", "<FromUserName>"),
        (
            message_xml("o", "text", create_time=1, Content="x").replace(
                "<CreateTime>1</CreateTime>", "<CreateTime>soon</CreateTime>"
            ),
            "<CreateTime>",
        ),
        (message_xml("o", "text", Content="x", MsgId="abc"), "<MsgId>"),
        (message_xml("o", "text", Content="x").replace("<![CDATA[x]]>", "<b>x</b>"), "<Content>"),
        (message_xml("o", "event"), "<Event>"),
        (message_xml("", "text", Content="x"), "<FromUserName>"),
    ],
)
def test_messages_without_the_fields_wechat_always_sends_are_malformed(xml, reason):
    with pytest.raises(MalformedMessage, match=reason):
        read_message(xml)


def test_an_encrypted_envelope_needs_its_encrypt_element():
    assert encrypted_part(parse_xml("<xml><Encrypt>abc</Encrypt></xml>")) == "abc"
    with pytest.raises(MalformedMessage):
        encrypted_part(parse_xml("<xml><ToUserName>gh</ToUserName></xml>"))
