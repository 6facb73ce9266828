"""WeChat's XML messages: checked, parsed with wechatpy, and mapped to what the assistant does.

No network I/O here; the Sanic channel (channel.py) does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Mapping, Union
from xml.parsers.expat import ExpatError

import xmltodict
from wechatpy import parse_message
from wechatpy.messages import BaseMessage

# What the citizen reads when the assistant is not asked.
TEXT_OR_VOICE_ONLY = "抱歉，我暂时只能看懂文字和语音。请发送文字或语音，告诉我您想问的问题。"
VOICE_NOT_RECOGNISED = "抱歉，我没能听清这段语音。请打字告诉我您的问题。"
EMPTY_TEXT = "请发送文字或语音，告诉我您想问的问题。"
# Around the assistant's greeting and menu when someone follows the account.
WELCOME = "欢迎关注！"
MENU_HINT = "您也可以点下方的菜单，或者直接发语音。"
GREETING = "/greet"
MENU = "/help"

REQUIRED_FIELDS = ("ToUserName", "FromUserName", "CreateTime", "MsgType")
CHANNEL = "wechat"


class MalformedMessage(ValueError):
    """The request body is not a WeChat message."""


@dataclass(frozen=True)
class AskAssistant:
    """Send `text` to the assistant as the follower's message."""

    text: str
    source: str  # text, voice or menu
    cut: bool = False  # the message was longer than the channel reads: its end was left out


@dataclass(frozen=True)
class FixedAnswer:
    """Answer with `text` without asking the assistant."""

    text: str


@dataclass(frozen=True)
class NoAnswer:
    """Nothing to say (WeChat is told `success`)."""


@dataclass(frozen=True)
class SessionClosed:
    """A customer-service agent closed their session with the follower (kf_close_session)."""


Inbound = Union[AskAssistant, FixedAnswer, NoAnswer, SessionClosed]


def parse_xml(body: Union[bytes, str]) -> Dict[str, Any]:
    """The fields of a WeChat XML document (<xml>…</xml>); MalformedMessage if it is not one."""
    try:
        document = xmltodict.parse(body)
    except (ExpatError, ValueError) as error:  # ValueError: entity declarations, bad encoding
        raise MalformedMessage(f"body is not well-formed XML: {error}") from None
    fields = document.get("xml") if isinstance(document, dict) else None
    if not isinstance(fields, dict):
        raise MalformedMessage("body is not a WeChat <xml> document")
    return fields


def encrypted_part(fields: Mapping[str, Any]) -> str:
    encrypted = fields.get("Encrypt")
    if not isinstance(encrypted, str) or not encrypted.strip():
        raise MalformedMessage("encrypted message without an <Encrypt> element")
    return encrypted


@dataclass(frozen=True)
class Received:
    """A message or event from WeChat: wechatpy's object (for replies) and the raw fields."""

    message: BaseMessage
    fields: Dict[str, Any]

    @property
    def openid(self) -> str:
        return self.fields["FromUserName"].strip()

    @property
    def msg_type(self) -> str:
        return self.fields["MsgType"].strip().lower()

    @property
    def event(self) -> str:
        return (self.fields.get("Event") or "").strip().lower()

    def text_field(self, name: str) -> str:
        return (self.fields.get(name) or "").strip()


def read_message(xml: str) -> Received:
    """A message or event from plaintext XML, after checking the fields wechatpy relies on."""
    fields = parse_xml(xml)
    for name in REQUIRED_FIELDS:
        value = fields.get(name)
        if not isinstance(value, str) or not value.strip():
            raise MalformedMessage(f"<{name}> is missing or empty")
    if not fields["CreateTime"].strip().isdigit():
        raise MalformedMessage("<CreateTime> is not a number")
    msg_id = fields.get("MsgId")
    if msg_id is not None and not (isinstance(msg_id, str) and msg_id.strip().isdigit()):
        raise MalformedMessage("<MsgId> is not a number")
    for name in ("Event", "EventKey", "Content", "Recognition"):
        if fields.get(name) is not None and not isinstance(fields[name], str):
            raise MalformedMessage(f"<{name}> is not text")
    if fields["MsgType"].strip().lower() == "event" and not (fields.get("Event") or "").strip():
        raise MalformedMessage("event without <Event>")
    return Received(parse_message(xml), fields)


def dedupe_key(received: Received) -> str:
    """WeChat's retries of a message share its MsgId; retries of an event its sender and time.

    The event and its key are part of an event's key too, so that two different events of one
    follower within the same second (a subscribe and a menu click) are both answered.
    """
    msg_id = received.text_field("MsgId")
    if msg_id:
        return f"{received.openid}:msg:{msg_id}"
    return ":".join(
        [
            received.openid,
            "event",
            received.text_field("CreateTime"),
            received.event,
            received.text_field("EventKey"),
        ]
    )


def metadata(received: Received, source: str) -> Dict[str, Any]:
    """What the tracker records about the message besides its text."""
    data = {
        "channel": CHANNEL,
        "msg_type": received.msg_type,
        "source": source,
        "official_account": received.text_field("ToUserName"),
        "create_time": int(received.text_field("CreateTime")),
    }
    for key, name in (("msg_id", "MsgId"), ("event", "Event")):
        if received.text_field(name):
            data[key] = received.text_field(name)
    return data


def inbound(received: Received, max_text_chars: int, intents_by_key: Mapping[str, str]) -> Inbound:
    """What to do with a message: ask the assistant, answer it directly, or say nothing."""
    kind = received.msg_type
    if kind == "text":
        text = received.text_field("Content")
        if not text:
            return FixedAnswer(EMPTY_TEXT)
        return AskAssistant(text[:max_text_chars], "text", len(text) > max_text_chars)
    if kind == "voice":
        recognised = received.text_field("Recognition")
        if recognised:
            return AskAssistant(
                recognised[:max_text_chars], "voice", len(recognised) > max_text_chars
            )
        return FixedAnswer(VOICE_NOT_RECOGNISED)
    if kind == "event":
        if received.event == "subscribe":  # also after scanning a QR code (EventKey qrscene_…)
            return AskAssistant(GREETING, "subscribe")
        if received.event == "click":
            intent = intents_by_key.get(received.text_field("EventKey"))
            return AskAssistant(f"/{intent}" if intent else MENU, "menu")
        if received.event == "kf_close_session":
            return SessionClosed()
        return NoAnswer()  # unsubscribe, view, scan, location reports, delivery reports …
    return FixedAnswer(TEXT_OR_VOICE_ONLY)  # image, location, link, video, file …
