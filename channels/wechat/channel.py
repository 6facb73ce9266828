"""The WeChat Official Account channel (/webhooks/wechat/webhook).

GET verifies the server URL; POST receives messages and events, in plaintext or safe mode.
WeChat waits 5 seconds for an answer: a reply ready within `reply_deadline` goes back in the
HTTP response (a passive reply). A later or longer one goes out through the customer-service
message API (outbox.py) while WeChat is told `success` at once, or, with
`late_answers: next_message`, is kept and given when the follower next writes.
Retries of a message get the answer of its one turn, on whichever replica they arrive
(turns.py); what the replicas share lives in the channel's state (state.py: Redis under the
production profile). With `handoff_account` set, 转人工 or two failed turns in a row hand the
follower to a person (handoff.py), and the assistant stays silent until the person closes the
session or the follower has been quiet for `handoff_idle_minutes`.
Personal data is masked before Rasa sees the text; a failed or too slow turn, or an unreachable
conversation store or state, is answered with an apology naming 12333 (channels/core/turns.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import struct
import time
from typing import Any, Dict, List, Optional, Sequence, Text

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
from channels.core.turns import (
    APOLOGY,
    INPUT_CUT,
    StoreUnavailable,
    fail_instead_of_forgetting,
    store_problem,
)
from channels.wechat.api import CustomerServiceClient, WeChatApiError
from channels.wechat.handoff import (
    ASKED,
    FAILURE_WINDOW_SECONDS,
    FAILURES_BEFORE_HANDOFF,
    NOTICES,
    STUCK,
    asks_for_person,
    summary,
    turn_failed,
)
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
    SessionClosed,
    dedupe_key,
    encrypted_part,
    inbound,
    metadata,
    parse_xml,
    read_message,
)
from channels.wechat.outbox import Outbox
from channels.wechat.redis_state import state_for
from channels.wechat.reply import (
    RenderedReply,
    render_reply,
    said_to,
    split_message,
    split_reply,
    transfer_xml,
)
from channels.wechat.settings import WeChatSettings, load_settings
from channels.wechat.turns import Answer, Turns
from knowledge.topics import all_topics

logger = logging.getLogger(__name__)

SUCCESS = "success"  # stops WeChat's retries without sending the follower anything
SIGNED_PARAMS = ("signature", "timestamp", "nonce")
# With `late_answers: next_message`: the passive reply when the answer is not ready in time,
# and the end of a kept part after which more are kept.
PREPARING = "正在为您查询，请稍等片刻。答案准备好后，回复任意内容即可查看。"
MORE_KEPT = "答案已准备好，回复任意内容查看。"
KEEP_ANSWERS_SECONDS = 24 * 3600.0


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
        self.intents_by_key = intents_by_key(wechat_menu())
        self.topic_titles = {topic.intent: topic.title for topic in all_topics()}
        # Built from the agent's lock store once the server runs (`_connect`).
        self.state: Any = None
        self.api: Optional[CustomerServiceClient] = None
        self.outbox: Optional[Outbox] = None
        self.turns: Optional[Turns] = None
        self._sweeper: Optional["asyncio.Task[None]"] = None
        if not self.problems:
            logger.info(
                "WeChat channel ready: %s mode, passive replies within %.2f s, late answers %s",
                "safe" if settings.safe_mode else "plaintext",
                settings.reply_deadline,
                "kept for the next message"
                if settings.keeps_late_answers
                else "by the customer-service API",
            )

    def _connect(self, app: Any) -> None:
        """The channel's state beside the agent's lock store, and what uses it."""
        if self.state is not None:
            return
        agent = getattr(app.ctx, "agent", None)
        self.state = state_for(getattr(agent, "lock_store", None))
        settings = self.settings
        self.api = CustomerServiceClient(
            settings.app_id, settings.app_secret, settings.api_base_url, self.state
        )
        self.outbox = Outbox(self.state, self.api)
        self.turns = Turns(self.state, self._deliver_late)
        logger.info(
            "WeChat retries, late answers and the access token are kept %s",
            "in Redis, shared by every replica" if self.state.shared else "in this process",
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
            reply = Reply(self, received, encrypted, request.args.get("nonce"))
            try:
                return await self._answer(request.app, received, reply, arrived, on_new_message)
            except Exception as error:  # the follower gets an answer whatever failed
                problem = store_problem(error)
                if problem is None:
                    logger.exception("A WeChat message failed; it was answered with the apology")
                else:
                    logger.error("A WeChat message was answered with the apology: %s", problem)
                return reply.text(APOLOGY)

        @wechat.listener("after_server_start")
        async def start_sweeping(app: Any, _: Any) -> None:
            if self.problems:
                return
            self._connect(app)
            if not self.settings.keeps_late_answers and self.outbox is not None:
                self._sweeper = asyncio.ensure_future(self.outbox.keep_sweeping())

        @wechat.listener("before_server_stop")
        async def stop_sweeping(*_: Any) -> None:
            if self._sweeper is not None:
                self._sweeper.cancel()

        @wechat.listener("after_server_stop")
        async def close_connections(*_: Any) -> None:
            if self.api is not None:
                await self.api.close()
            if self.state is not None:
                await self.state.close()

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
        app: Any,
        received: Received,
        reply: "Reply",
        arrived: float,
        on_new_message: Handler,
    ) -> HTTPResponse:
        action = inbound(received, self.settings.max_text_chars, self.intents_by_key)
        if isinstance(action, NoAnswer):
            return response.text(SUCCESS)
        self._connect(app)
        openid = received.openid
        if isinstance(action, SessionClosed):
            await self.state.end_handoff(openid)
            logger.info("A WeChat agent closed their session; the assistant answers again")
            return response.text(SUCCESS)
        if await self._served_by_person(received):
            return reply.transfer()
        key = dedupe_key(received)

        async def compute(restarted: bool) -> Answer:
            return await self._compute(app, received, action, key, restarted, on_new_message)

        remaining = self.settings.reply_deadline - (time.monotonic() - arrived)
        answer = await self.turns.result_within(key, openid, compute, remaining)
        passive = answer is not None and (answer.transfer or len(answer.parts) <= 1)
        if passive and await self.turns.answer_passively(key):
            logger.debug("WeChat passive reply after %.3f s", time.monotonic() - arrived)
            return reply.transfer() if answer.transfer else reply.text(*answer.parts)
        mine = await self.turns.hand_over(key)  # None when it went out late meanwhile
        if self.settings.keeps_late_answers:
            if mine is None or not mine.parts:
                return reply.text(PREPARING)
            first, rest = mine.parts[0], list(mine.parts[1:])
            await self.state.keep_answers(openid, rest, KEEP_ANSWERS_SECONDS)
            return reply.text(f"{first}\n\n{MORE_KEPT}")
        if mine is not None:
            await self._deliver_late(key, openid, mine)
        return response.text(SUCCESS)

    async def _served_by_person(self, received: Received) -> bool:
        """Whether a person serves the follower: their messages go to the person."""
        if not self.settings.handoff_account or received.msg_type == "event":
            return False
        idle = self.settings.handoff_idle_minutes * 60
        return await self.state.handoff_active(received.openid, idle)

    async def _compute(
        self,
        app: Any,
        received: Received,
        action: Any,
        key: str,
        restarted: bool,
        on_new_message: Handler,
    ) -> Answer:
        """The answer to a message, computed once for all its retries."""
        openid = received.openid
        if self.settings.keeps_late_answers:
            kept, remaining = await self.state.take_kept_answer(openid)
            if kept is not None:
                return Answer((f"{kept}\n\n{MORE_KEPT}" if remaining else kept,))
        if isinstance(action, FixedAnswer):
            return Answer(tuple(split_message(action.text)))
        messages = await self._said_before(app, received) if restarted else None
        apology = False
        if messages is None:
            try:
                outcome = await self.runner.run(
                    app, on_new_message, self._user_message(received, action)
                )
            except StoreUnavailable as unavailable:  # the follower still gets an answer
                logger.error("A WeChat message was answered with the apology: %s", unavailable)
                return Answer((APOLOGY,))
            messages, apology = outcome.messages, outcome.failed
        if self.settings.handoff_account:
            reason = await self._handoff_reason(openid, messages, apology)
            if reason is not None:
                return await self._hand_over_to_person(app, openid, key, reason)
        blocks = render_reply(messages).blocks
        if action.source == "subscribe":
            blocks = [WELCOME] + blocks + [MENU_HINT]
        if action.cut:
            blocks = [INPUT_CUT.format(limit=self.settings.max_text_chars)] + blocks
        return Answer(tuple(split_reply(RenderedReply(blocks))))

    @staticmethod
    def _user_message(received: Received, action: AskAssistant) -> UserMessage:
        return UserMessage(
            text=mask_text(action.text),
            output_channel=WeChatOutput(),
            sender_id=received.openid,
            input_channel=CHANNEL,
            message_id=received.text_field("MsgId") or None,
            metadata=metadata(received, action.source),
        )

    async def _said_before(self, app: Any, received: Received) -> Optional[List[Dict]]:
        """What the assistant answered to the message, if its turn is in the conversation: a
        replica that stopped after the turn was stored (the turn is never run twice)."""
        msg_id = received.text_field("MsgId")
        if not msg_id:
            return None
        fail_instead_of_forgetting(app)
        tracker = await app.ctx.agent.tracker_store.retrieve(received.openid)
        if tracker is None:
            return None
        messages = said_to([event.as_dict() for event in tracker.events], msg_id)
        if messages is not None:
            logger.info("WeChat message %s was answered before; its answer is given again", msg_id)
        return messages

    async def _handoff_reason(
        self, openid: str, messages: List[Dict], apology: bool
    ) -> Optional[str]:
        if asks_for_person(messages):
            return ASKED
        if not turn_failed(messages, apology):
            await self.state.clear_failures(openid)
            return None
        failures = await self.state.count_failure(openid, FAILURE_WINDOW_SECONDS)
        return STUCK if failures >= FAILURES_BEFORE_HANDOFF else None

    async def _hand_over_to_person(self, app: Any, openid: str, key: str, reason: str) -> Answer:
        """Opens a session with the agent, who first reads the summary; the follower is told
        (through the customer-service API) and their messages go to the agent from now on."""
        tracker = await app.ctx.agent.tracker_store.retrieve(openid)
        events = [event.as_dict() for event in tracker.events] if tracker else []
        slots = tracker.current_slot_values() if tracker else {}
        account = self.settings.handoff_account
        try:
            await self.api.create_session(
                account, openid, summary(reason, slots, events, self.topic_titles)
            )
        except WeChatApiError as error:
            logger.error(
                "No WeChat session with %s was opened (%s); WeChat queues it", account, error
            )
        await self.state.start_handoff(openid, self.settings.handoff_idle_minutes * 60)
        await self.state.clear_failures(openid)
        if not self.settings.keeps_late_answers:
            await self.outbox.add(f"{key}:handoff", openid, [NOTICES[reason]])
        logger.info("A WeChat follower was handed over to %s (%s)", account, reason)
        return Answer(transfer=True)

    async def _deliver_late(self, key: str, openid: str, answer: Answer) -> None:
        """Sends a late answer once (or keeps it for the follower's next message)."""
        if answer.transfer or not answer.parts:
            return
        if self.settings.keeps_late_answers:
            await self.state.keep_answers(openid, list(answer.parts), KEEP_ANSWERS_SECONDS)
            logger.info("A late WeChat answer is kept for the follower's next message")
            return
        logger.info("A WeChat answer goes out through the customer-service API")
        await self.outbox.add(key, openid, list(answer.parts))


class Reply:
    """The passive replies to one request, encrypted when the request was."""

    def __init__(
        self, channel: WeChatInput, received: Received, encrypted: bool, nonce: Optional[str]
    ) -> None:
        self._channel = channel
        self._received = received
        self._encrypted = encrypted
        self._nonce = nonce

    def text(self, *parts: str) -> HTTPResponse:
        """One text message, or `success` when there is nothing to say."""
        if not parts:
            return response.text(SUCCESS)
        return self._xml(create_reply(parts[0], self._received.message, render=True))

    def transfer(self) -> HTTPResponse:
        """Passes the message to the customer-service agent."""
        received = self._received
        return self._xml(
            transfer_xml(
                received.text_field("ToUserName"),
                received.openid,
                self._channel.settings.handoff_account,
            )
        )

    def _xml(self, xml: str) -> HTTPResponse:
        crypto = self._channel.crypto
        if self._encrypted and crypto is not None:
            xml = crypto.encrypt_message(xml, self._nonce)
        return response.text(xml, content_type="application/xml")
