"""Talks to the WeChat channel as WeChat's servers do: signed requests, XML and safe-mode
encryption."""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Union

import requests
import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

TOKEN = "test-token"
APP_ID = "wx0123456789abcdef"
APP_SECRET = "test-app-secret"
# 43 characters, as the Official Account's settings page generates them.
ENCODING_AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
OFFICIAL_ACCOUNT = "gh_0123456789ab"
WEBHOOK = "/webhooks/wechat/webhook"

_msg_ids = itertools.count(random.randrange(10**15, 9 * 10**15))


def next_msg_id() -> int:
    return next(_msg_ids)


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def message_xml(
    openid: str, msg_type: str, create_time: Optional[int] = None, **fields: Union[str, int]
) -> str:
    """A message as WeChat posts it: text fields in CDATA, numbers bare."""
    values: Dict[str, Union[str, int]] = {
        "ToUserName": OFFICIAL_ACCOUNT,
        "FromUserName": openid,
        "CreateTime": create_time or int(time.time()),
        "MsgType": msg_type,
        **fields,
    }
    nodes = "".join(
        f"<{name}>{value}</{name}>"
        if isinstance(value, int)
        else f"<{name}><![CDATA[{value}]]></{name}>"
        for name, value in values.items()
    )
    return f"<xml>{nodes}</xml>"


def text_xml(openid: str, content: str, msg_id: Optional[int] = None) -> str:
    return message_xml(openid, "text", Content=content, MsgId=msg_id or next_msg_id())


def event_xml(openid: str, event: str, create_time: Optional[int] = None, **fields: str) -> str:
    return message_xml(openid, "event", create_time=create_time, Event=event, **fields)


@dataclass
class Reply:
    response: requests.Response
    xml: Optional[Dict] = None  # the reply's fields, decrypted in safe mode

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def body(self) -> str:
        return self.response.text

    @property
    def content(self) -> str:
        assert self.xml is not None, f"not a message reply: {self.body!r}"
        return self.xml["Content"]


class WeChatSimulator:
    def __init__(
        self,
        base_url: str,
        token: str = TOKEN,
        encoding_aes_key: Optional[str] = None,
        app_id: str = APP_ID,
    ) -> None:
        self.url = base_url + WEBHOOK
        self.token = token
        self.crypto = WeChatCrypto(token, encoding_aes_key, app_id) if encoding_aes_key else None

    def signed_query(self) -> Dict[str, str]:
        timestamp, nonce = str(int(time.time())), str(random.randrange(10**9))
        return {
            "signature": sign(self.token, timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
        }

    def verify(self, echostr: str = "echo-12345", **overrides: str) -> requests.Response:
        query = {**self.signed_query(), "echostr": echostr, **overrides}
        return requests.get(self.url, params=query, timeout=30)

    def post(
        self,
        xml: Union[str, bytes],
        encrypted: bool = False,
        timeout: float = 30,
        **overrides: Optional[str],
    ) -> Reply:
        """Posts a message (encrypting it in safe mode) and reads the reply."""
        query: Dict[str, Optional[str]] = self.signed_query()
        body = xml.encode("utf-8") if isinstance(xml, str) else xml
        if encrypted:
            assert self.crypto is not None
            sealed = xmltodict.parse(
                self.crypto.encrypt_message(
                    body.decode("utf-8"), query["nonce"], query["timestamp"]
                )
            )
            encrypt = sealed["xml"]["Encrypt"]
            body = (
                f"<xml><ToUserName><![CDATA[{OFFICIAL_ACCOUNT}]]></ToUserName>"
                f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
            ).encode("utf-8")
            query.update(
                encrypt_type="aes",
                msg_signature=sign(self.token, query["timestamp"], query["nonce"], encrypt),
            )
        query.update(overrides)
        response = requests.post(
            self.url,
            params={k: v for k, v in query.items() if v is not None},
            data=body,
            headers={"Content-Type": "text/xml"},
            timeout=timeout,
        )
        return Reply(response, self._read_reply(response, encrypted))

    def post_envelope(self, encrypt: str) -> Reply:
        """Posts a safe-mode envelope around `encrypt`, correctly signed, as it is."""
        query = self.signed_query()
        query.update(
            encrypt_type="aes",
            msg_signature=sign(self.token, query["timestamp"], query["nonce"], encrypt),
        )
        body = f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>".encode("utf-8")
        response = requests.post(self.url, params=query, data=body, timeout=30)
        return Reply(response)

    def _read_reply(self, response: requests.Response, encrypted: bool) -> Optional[Dict]:
        if response.status_code != 200 or not response.text.startswith("<xml>"):
            return None
        fields = xmltodict.parse(response.text)["xml"]
        if encrypted:
            assert self.crypto is not None
            plain = self.crypto.decrypt_message(
                response.text, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"]
            )
            return xmltodict.parse(plain)["xml"]
        assert "Encrypt" not in fields, "a plaintext request got an encrypted reply"
        return fields


def write_credentials(path: Path, api_base_url: str) -> Path:
    """A credentials file with the REST channel, the WeChat channel set up (safe mode on) and
    the voice line (its token comes from VOICE_GATEWAY_TOKEN)."""
    path.write_text(
        "channels.rest.CheckedRestInput:\n"
        "channels.wechat.WeChatInput:\n"
        f"  token: {TOKEN}\n"
        f"  encoding_aes_key: {ENCODING_AES_KEY}\n"
        f"  app_id: {APP_ID}\n"
        f"  app_secret: {APP_SECRET}\n"
        f"  api_base_url: {api_base_url}\n"
        "channels.voice.VoiceInput:\n",
        encoding="utf-8",
    )
    return path


def user_events(rasa_url: str, sender_id: str) -> List[Dict]:
    """The follower's messages as the tracker recorded them (Rasa's HTTP API)."""
    response = requests.get(f"{rasa_url}/conversations/{sender_id}/tracker", timeout=30)
    response.raise_for_status()
    return [event for event in response.json()["events"] if event["event"] == "user"]
