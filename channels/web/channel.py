"""The web chat channel: the page at /webchat/ and its API under /webhooks/web/.

Rasa mounts a channel's blueprint under /webhooks/<url_prefix>; this channel's prefix is "/",
so that its one blueprint serves both the page (/webchat/, for citizens' browsers) and the API
(/webhooks/web/, like every channel's endpoint). The API:

- POST /webhooks/web/session: a new conversation, greeted with the menu of topics;
- POST /webhooks/web/history: the conversation so far, from the tracker (masked);
- POST /webhooks/web/webhook: one turn, typed text or a button the assistant offered;
- GET /webhooks/web/: health, and whether the asking site may embed the chat.

Sessions are random ids the server hands out; the conversation's name in the tracker store is
derived from the id (channels/web/protocol.py), so one session never reads another's, and a
session the server did not start is answered 404. Other sites may use the chat only when named
in WEBCHAT_ALLOWED_ORIGINS (channels/web/origins.py). Personal data is masked before Rasa sees
the text; a failed or too slow turn is answered with the apology naming 12333, an unreachable
conversation store with 503 and the apology (channels/core/turns.py). docs/webchat.md describes
the API with examples.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any, Dict, List, Mapping, Optional, Text, Tuple

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.core.channel import AssistantChannel, Handler
from channels.core.masking import mask_text
from channels.core.output import StructuredOutput
from channels.core.requests import RequestRejected, cut_input
from channels.core.settings import read_settings
from channels.core.turns import (
    APOLOGY,
    INPUT_CUT,
    StoreUnavailable,
    fail_instead_of_forgetting,
    store_problem,
)
from channels.web.messages import CHOICE_METADATA, history, notice, offered_options, turn_messages
from channels.web.origins import (
    ALLOWED_ORIGINS,
    cors_headers,
    origin_allowed,
    page_headers,
)
from channels.web.page import file_headers, static_file
from channels.web.protocol import (
    Turn,
    new_session,
    read_object,
    read_session,
    read_turn,
    sender_of,
)
from understanding.choices import Option

logger = logging.getLogger(__name__)

CHANNEL = "web"
PAGE_PATH = "/webchat"
API_PATH = "/webhooks/web"
# What the page sends when a conversation starts, as WeChat does for a new follower.
GREETING = "/greet"
UNKNOWN_SESSION = "no conversation has this session: start one with POST /webhooks/web/session"
NOT_READY = "the assistant is not ready"


class WebOutput(StructuredOutput):
    """Named `web`, so that responses can have web variants (`channel: web`)."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL


def _json(body: Mapping[str, Any], status: int = 200, headers: Optional[Dict] = None):
    return response.json(
        body,
        status=status,
        headers=headers,
        dumps=json.dumps,
        ensure_ascii=False,
    )


def _apology(reason: str) -> Dict[str, Any]:
    """The body of a turn that could not be run (503): the reason, and the apology to show."""
    return {"error": reason, "messages": [notice(APOLOGY, "apology")], "failed": True}


class WebChatInput(AssistantChannel):
    title = "web chat"

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        values, problems = read_settings([ALLOWED_ORIGINS], credentials, os.environ)
        return cls(values[ALLOWED_ORIGINS.name], problems)

    def __init__(self, allowed_origins: Tuple[str, ...] = (), problems: Tuple = ()) -> None:
        super().__init__(problems)
        self.allowed_origins = tuple(allowed_origins)
        self.turns = self.turn_runner()
        if allowed_origins and not self.problems:
            logger.info("The web chat may be embedded by %s", ", ".join(allowed_origins))

    def url_prefix(self) -> Text:
        """Mounted at the root: the blueprint names its full paths (/webchat/, /webhooks/web/)."""
        return "/"

    def add_routes(self, blueprint: Blueprint, on_new_message: Handler) -> None:
        @blueprint.route(PAGE_PATH, methods=["GET"], strict_slashes=True)
        async def page_without_slash(request: Request) -> HTTPResponse:
            return response.redirect(PAGE_PATH + "/")

        @blueprint.route(PAGE_PATH + "/", methods=["GET"], strict_slashes=True)
        async def page(request: Request) -> HTTPResponse:
            return self._file(request, "")

        @blueprint.route(PAGE_PATH + "/<name:str>", methods=["GET"], strict_slashes=True)
        async def page_file(request: Request, name: str) -> HTTPResponse:
            return self._file(request, name)

        @blueprint.route(API_PATH + "/", methods=["GET"])
        async def check_health(request: Request) -> HTTPResponse:
            return self._refused(request) or self._answer(request, {"status": "ok"})

        @blueprint.route(API_PATH + "/session", methods=["POST"])
        async def start_session(request: Request) -> HTTPResponse:
            refused = self._refused(request)
            if refused:
                return refused
            try:
                read_object(request.body or b"")
            except RequestRejected as problem:
                return self._rejected(request, problem)
            session = new_session()
            message = UserMessage(
                GREETING,
                WebOutput(),
                sender_of(session),
                input_channel=CHANNEL,
                metadata={"channel": CHANNEL, "source": "open"},
            )
            body, status = await self._run(request, message, on_new_message, cut=False)
            if status == 200:  # a conversation that could not be stored has no session
                body = {"session": session, **body}
            return self._answer(request, body, status)

        @blueprint.route(API_PATH + "/history", methods=["POST"])
        async def read_history(request: Request) -> HTTPResponse:
            refused = self._refused(request)
            if refused:
                return refused
            try:
                session = read_session(read_object(request.body or b""))
                events = await self._conversation(request, session)
            except RequestRejected as problem:
                return self._rejected(request, problem)
            return self._answer(request, {"messages": history(events)})

        @blueprint.route(API_PATH + "/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refused = self._refused(request)
            if refused:
                return refused
            try:
                turn = read_turn(request.body or b"")
                message, cut = await self._message(request, turn)
            except RequestRejected as problem:
                if problem.status == 503:
                    return self._answer(request, _apology(problem.reason), 503)
                return self._rejected(request, problem)
            body, status = await self._run(request, message, on_new_message, cut)
            return self._answer(request, body, status)

    async def _message(self, request: Request, turn: Turn) -> Tuple[UserMessage, bool]:
        """The turn as a message to the assistant, and whether its text was cut."""
        sender = sender_of(turn.session)
        events = await self._conversation(request, turn.session)
        metadata: Dict[str, Any] = {"channel": CHANNEL, "source": "text"}
        cut = False
        if turn.choice is not None:
            chosen = Option(turn.choice.title, turn.choice.payload)
            if chosen not in offered_options(events):
                raise RequestRejected(409, "that button is no longer on offer; type the answer")
            text = turn.choice.payload
            metadata.update({"source": "button", CHOICE_METADATA: mask_text(turn.choice.title)})
        else:
            text, cut = cut_input(mask_text(turn.text))
        message = UserMessage(text, WebOutput(), sender, input_channel=CHANNEL, metadata=metadata)
        return message, cut

    async def _run(
        self, request: Request, message: UserMessage, on_new_message: Handler, cut: bool
    ) -> Tuple[Dict[str, Any], int]:
        """The body and status answering a turn."""
        if not self._agent_ready(request):
            return _apology(NOT_READY), 503
        try:
            outcome = await self.turns.run(request.app, on_new_message, message)
        except StoreUnavailable as unavailable:
            return _apology(str(unavailable)), 503
        if outcome.failed:
            logger.warning("A web chat turn got the apology: %s", outcome.reason)
            messages = [notice(APOLOGY, "apology")]
        else:
            messages = turn_messages(outcome.messages)
        if cut:
            messages = [notice(INPUT_CUT.format(limit=len(message.text)), "cut")] + messages
        return {"messages": messages, "failed": outcome.failed}, 200

    async def _conversation(self, request: Request, session: str) -> List[Dict[str, Any]]:
        """The events of the session's conversation, every session of it. RequestRejected:
        404 for a session the server did not start (or whose conversation is gone), 503 when
        the conversation store cannot be read."""
        agent = getattr(request.app.ctx, "agent", None)
        if not self._agent_ready(request):
            raise RequestRejected(503, NOT_READY)
        fail_instead_of_forgetting(request.app)
        try:
            tracker = await agent.tracker_store.retrieve_full_tracker(sender_of(session))
        except Exception as error:
            problem = store_problem(error)
            if problem is None:
                raise
            logger.error("Conversation store unavailable: %s", error)
            raise RequestRejected(503, problem) from None
        if tracker is None:
            raise RequestRejected(404, UNKNOWN_SESSION)
        return [event.as_dict() for event in tracker.events]

    @staticmethod
    def _agent_ready(request: Request) -> bool:
        agent = getattr(request.app.ctx, "agent", None)
        return agent is not None and agent.is_ready()

    def _refused(self, request: Request) -> Optional[HTTPResponse]:
        """503 while the channel is not configured, 403 for a site not allowed to use it."""
        refused = self.unavailable()
        if refused:
            return refused
        origin = request.headers.get("origin")
        if origin_allowed(origin, request.headers.get("host", ""), self.allowed_origins):
            return None
        logger.warning("Web chat request from %s refused: not in allowed_origins", origin)
        return _json(
            {
                "error": f"the origin {origin} may not use the web chat: "
                "it is not named in WEBCHAT_ALLOWED_ORIGINS"
            },
            403,
            {"Vary": "Origin"},
        )

    def _answer(self, request: Request, body: Mapping[str, Any], status: int = 200) -> HTTPResponse:
        headers = {
            "Cache-Control": "no-store",
            **cors_headers(request.headers.get("origin"), self.allowed_origins),
        }
        return _json(body, status, headers)

    def _rejected(self, request: Request, problem: RequestRejected) -> HTTPResponse:
        logger.info("Web chat request rejected with %d: %s", problem.status, problem.reason)
        return self._answer(request, {"error": problem.reason}, problem.status)

    def _file(self, request: Request, name: str) -> HTTPResponse:
        file = static_file(name)
        if file is None:
            return _json({"error": f"no such file: {name}"}, 404)
        allowed = () if self.problems else self.allowed_origins
        headers = file_headers(file, page_headers(allowed))
        if request.headers.get("if-none-match") == file.etag:
            return response.empty(status=304, headers=headers)
        return response.raw(file.body, headers=headers, content_type=file.content_type)
