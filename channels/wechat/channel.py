"""The WeChat Official Account channel (/webhooks/wechat/webhook).

GET verifies the server URL; POST receives messages and events, in plaintext or safe mode.
WeChat waits 5 seconds for an answer: a reply ready within `reply_deadline` goes back in the
HTTP response (a passive reply); a later or longer one goes out through the customer-service
message API while WeChat is told `success` at once. Retries of a message join its first turn.
Personal data is masked before Rasa sees the text; a failed or too slow turn, or an unreachable
conversation store, is answered with an apology naming 12333 (channels/core/turns.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import struct
import time
from typing import Any, Dict, List, Optional, Sequence, Set, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy import create_reply
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

from channels.core.channel import AssistantChannel, Handler, health
from channels.core.masking import mask_text
from channels.core.output import StructuredOutput
from channels.core.requests import RequestRejected, check_body_size
from channels.core.turns import APOLOGY, INPUT_CUT, StoreUnavailable
from channels.wechat.answers import PendingAnswer, PendingAnswers, finished
from channels.wechat.api import CustomerServiceClient, WeChatApiError
from channels.wechat.menu import intents_by_key, wechat_menu
from channels.wechat.messages import (
    CHANNEL,
    MENU_HINT,
    WELCOME,
    AskAssistant,
    FixedAnswer,
    MalformedMessage,
    NoAnswer,
    Received,
    dedupe_key,
    encrypted_part,
    inbound,
    metadata,
    parse_xml,
    read_message,
)
from channels.wechat.reply import RenderedReply, render_reply, split_message, split_reply
from channels.wechat.settings import WeChatSettings, load_settings

logger = logging.getLogger(__name__)

SUCCESS = "success"  # stops WeChat's retries without sending the follower anything
SIGNED_PARAMS = ("signature", "timestamp", "nonce")


class WeChatOutput(StructuredOutput):
    """Named `wechat`, so that responses can have WeChat variants."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL


def _query(request: Request, names: Sequence[str]) -> Dict[str, str]:
    values = {name: (request.args.get(name) or "").strip() for name in names}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise RequestRejected(400, f"missing query parameters: {', '.join(missing)}")
    return values


def _check_signature(token: str, query: Dict[str, str]) -> None:
    try:
        check_signature(token, query["signature"], query["timestamp"], query["nonce"])
    except InvalidSignatureException:
        raise RequestRejected(403, "signature does not match") from None


class WeChatInput(AssistantChannel):
    title = "WeChat"

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        settings, problems = load_settings(credentials, os.environ)
        return cls(settings, problems)

    def __init__(self, settings: WeChatSettings, problems: Sequence[str] = ()) -> None:
        super().__init__(problems)
        self.settings = settings
        self.runner = self.turn_runner()
        self.crypto: Optional[WeChatCrypto] = None
        if not self.problems and settings.safe_mode:
            self.crypto = WeChatCrypto(settings.token, settings.encoding_aes_key, settings.app_id)
        self.api = CustomerServiceClient(
            settings.app_id, settings.app_secret, settings.api_base_url
        )
        self.answers: PendingAnswers[List[str]] = PendingAnswers()
        self.intents_by_key = intents_by_key(wechat_menu())
        self._deliveries: Set["asyncio.Task[None]"] = set()
        if not self.problems:
            logger.info(
                "WeChat channel ready: %s mode, passive replies within %.2f s",
                "safe" if settings.safe_mode else "plaintext",
                settings.reply_deadline,
            )

    def add_routes(self, wechat: Blueprint, on_new_message: Handler) -> None:
        @wechat.route("/", methods=["GET"])
        async def check_health(request: Request) -> HTTPResponse:
            return self.unavailable() or health(request)

        @wechat.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            refused = self.unavailable()
            if refused:
                return refused
            try:
                query = _query(request, SIGNED_PARAMS + ("echostr",))
                _check_signature(self.settings.token, query)
            except RequestRejected as rejected:
                return self._rejected(rejected)
            return response.text(query["echostr"])

        @wechat.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            arrived = time.monotonic()
            refused = self.unavailable()
            if refused:
                return refused
            try:
                received, encrypted = self._read(request)
            except RequestRejected as rejected:
                return self._rejected(rejected)
            return await self._answer(request, received, encrypted, arrived, on_new_message)

        @wechat.listener("after_server_stop")
        async def close_api_client(*_: Any) -> None:
            await self.api.close()

    @staticmethod
    def _rejected(rejected: RequestRejected) -> HTTPResponse:
        """The reason as plain text: WeChat's servers read only the status."""
        logger.warning("WeChat request rejected with %d: %s", rejected.status, rejected.reason)
        return response.text(rejected.reason, status=rejected.status)

    def _read(self, request: Request) -> "tuple[Received, bool]":
        """The message in a POST request, and whether it came encrypted; RequestRejected if none."""
        body = request.body or b""
        check_body_size(body)
        encrypt_type = (request.args.get("encrypt_type") or "raw").strip().lower()
        if encrypt_type not in ("raw", "aes"):
            raise RequestRejected(400, f"unknown encrypt_type {encrypt_type!r}")
        encrypted = encrypt_type == "aes"
        query = _query(request, SIGNED_PARAMS + (("msg_signature",) if encrypted else ()))
        _check_signature(self.settings.token, query)
        try:
            if not encrypted:
                return read_message(body.decode("utf-8")), False
            if self.crypto is None:
                logger.error("WeChat sends encrypted messages but no encoding_aes_key is set")
                raise RequestRejected(503, "safe mode is not configured")
            envelope = parse_xml(body)
            xml = self.crypto.decrypt_message(
                {"Encrypt": encrypted_part(envelope)},
                query["msg_signature"],
                query["timestamp"],
                query["nonce"],
            )
            return read_message(xml), True
        except InvalidSignatureException:
            raise RequestRejected(403, "msg_signature does not match") from None
        except MalformedMessage as error:
            raise RequestRejected(400, str(error)) from None
        except (ValueError, IndexError, struct.error, InvalidAppIdException) as error:
            # Undecodable text or ciphertext (bad base64, length, padding) or another app's message.
            raise RequestRejected(400, f"cannot read the message: {type(error).__name__}") from None

    async def _answer(
        self,
        request: Request,
        received: Received,
        encrypted: bool,
        arrived: float,
        on_new_message: Handler,
    ) -> HTTPResponse:
        action = inbound(received, self.settings.max_text_chars, self.intents_by_key)
        if isinstance(action, NoAnswer):
            return response.text(SUCCESS)
        key = dedupe_key(received)
        if isinstance(action, FixedAnswer):
            turn, started = self.answers.start_or_join(
                key, lambda: finished(split_message(action.text))
            )
        else:
            turn, started = self.answers.start_or_join(
                key, lambda: self._ask_assistant(request.app, received, action, on_new_message)
            )
        if not started:
            logger.info("WeChat retried %s; it joins the turn already started", key)
        remaining = self.settings.reply_deadline - (time.monotonic() - arrived)
        parts = await turn.result_within(remaining)
        if parts is not None and len(parts) <= 1:
            if not parts:
                return response.text(SUCCESS)
            logger.debug("WeChat passive reply after %.3f s", time.monotonic() - arrived)
            return self._passive_reply(received, parts[0], encrypted, request.args.get("nonce"))
        if turn.hand_over():
            logger.info(
                "WeChat reply goes out through the customer-service API (%s)",
                "over the deadline" if parts is None else f"{len(parts)} messages",
            )
            self._deliver_later(received.openid, turn)
        return response.text(SUCCESS)

    async def _ask_assistant(
        self, app: Any, received: Received, action: AskAssistant, on_new_message: Handler
    ) -> List[str]:
        """What the assistant answers to the message, as the WeChat messages to send."""
        sender_id = received.openid
        message = UserMessage(
            text=mask_text(action.text),
            output_channel=WeChatOutput(),
            sender_id=sender_id,
            input_channel=CHANNEL,
            message_id=received.text_field("MsgId") or None,
            metadata=metadata(received, action.source),
        )
        try:
            outcome = await self.runner.run(app, on_new_message, message)
        except StoreUnavailable as unavailable:  # the follower still gets an answer
            logger.error("A WeChat message was answered with the apology: %s", unavailable)
            return [APOLOGY]
        blocks = render_reply(outcome.messages).blocks
        if action.source == "subscribe":
            blocks = [WELCOME] + blocks + [MENU_HINT]
        if action.cut:
            blocks = [INPUT_CUT.format(limit=self.settings.max_text_chars)] + blocks
        return split_reply(RenderedReply(blocks))

    def _passive_reply(
        self, received: Received, text: str, encrypted: bool, nonce: Optional[str]
    ) -> HTTPResponse:
        xml = create_reply(text, received.message, render=True)
        if encrypted and self.crypto is not None:
            xml = self.crypto.encrypt_message(xml, nonce)
        return response.text(xml, content_type="application/xml")

    def _deliver_later(self, openid: str, turn: PendingAnswer[List[str]]) -> None:
        task = asyncio.ensure_future(self._deliver(openid, turn))
        self._deliveries.add(task)  # keeps the task alive until it is done
        task.add_done_callback(self._deliveries.discard)

    async def _deliver(self, openid: str, turn: PendingAnswer[List[str]]) -> None:
        try:
            await self.api.send_texts(openid, await turn.task)
        except WeChatApiError as error:
            logger.error("A late WeChat reply was not delivered: %s", error)
