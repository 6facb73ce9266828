"""The telephone line: a voice gateway speaks with the assistant (docs/voice-gateway.md).

POST /webhooks/voice12333/webhook. This module is the I/O: it checks the request, keeps the
call's state in the tracker store and passes the caller's words to the assistant through
channels/core/turns.py, which notices a failed or too slow turn (the caller then hears an
apology and is offered a person). Personal numbers in the recognised speech and the caller's
number are masked (channels/core/masking.py) before anything stores or logs them. What a turn
does is decided in channels/voice/call.py; the protocol is channels/voice/protocol.py.

Every turn of a call runs under a lock from Rasa's lock store (`voice-turn:<call_id>`), so a
repeated turn waits for the first one and gets its stored reply. The call's state is a slot
in the tracker, written after each turn: with a shared tracker store and a shared (Redis)
lock store, any server process can serve any turn of a call. When the tracker store or the
lock store cannot be reached, the gateway gets a 503 with the reason and a transfer to play.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from typing import Any, Dict, Optional, Sequence, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request

from channels.core.channel import AssistantChannel, Handler, health, rejected
from channels.core.masking import mask_text, mask_value
from channels.core.requests import RequestRejected
from channels.core.turns import (
    StoreUnavailable,
    TurnOutcome,
    TurnRunner,
    fail_instead_of_forgetting,
    store_problem,
)
from channels.voice.call import (
    END_SESSION,
    FAILURE,
    FAILURE_REASON,
    FINISH,
    HAND_OVER,
    SAY,
    CallState,
    Decision,
    assistant_failed,
    assistant_turn,
    decide,
    max_digits,
    speak_reply,
    transfer_context,
    unavailable_reply,
)
from channels.voice.protocol import (
    HANG_UP,
    TRANSFER,
    GatewayReply,
    GatewayTurn,
    Settings,
    authorised,
    parse_turn,
    response_body,
    settings_from,
)
from knowledge.topics import all_question_slots, all_topics

logger = logging.getLogger(__name__)

CHANNEL_NAME = "voice12333"
STATE_SLOT = "voice_call"
TURN_LOCK_PREFIX = "voice-turn:"
LOCK_POLL_SECONDS = 0.05
KEYED_REPLY_INTENT = "nlu_fallback"


class VoiceOutput(CollectingOutputChannel):
    """Collects the assistant's messages; its name selects `channel: voice12333` responses."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME


def _error(status: int, reason: str) -> response.HTTPResponse:
    return response.json({"error": reason}, status=status)


def masked(turn: GatewayTurn) -> GatewayTurn:
    """The turn with ID, mobile and bank-card numbers masked in the speech and the caller's
    number; the gateway itself still knows whom a transferred call comes from."""
    return dataclasses.replace(turn, text=mask_text(turn.text), caller=mask_value(turn.caller))


class VoiceInput(AssistantChannel):
    """The voice gateway's webhook."""

    title = "telephone"

    def __init__(self, settings: Optional[Settings] = None, problems: Sequence[str] = ()) -> None:
        super().__init__(problems)
        self.settings = settings or Settings()
        # A late answer could not be heard: a turn over the timeout is stopped. The reply is
        # read from the tracker, so a turn without messages is no failure here.
        self.turns = self.turn_runner(cancel_late_turns=True, apologise_for_silence=False)

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        settings, problems = settings_from(credentials, os.environ)
        return cls(settings, problems)

    def add_routes(self, blueprint: Blueprint, on_new_message: Handler) -> None:
        blueprint.add_route(health, "/", methods=["GET"])

        @blueprint.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> response.HTTPResponse:
            refused = self.unavailable()
            if refused:
                return refused
            if not authorised(request.headers.get("Authorization"), self.settings.token or ""):
                return _error(401, "missing or wrong bearer token")
            try:
                turn = masked(parse_turn(request.body or b""))
            except RequestRejected as problem:
                return rejected(problem)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return _error(503, "the assistant is not ready")
            call = VoiceCall(request.app, on_new_message, self.turns, self.settings)
            try:
                body = await call.answer(turn)
            except RequestRejected as problem:
                return rejected(problem)
            except StoreUnavailable as unavailable:
                return self._store_unavailable(turn, str(unavailable))
            except Exception as error:  # a person takes over: the caller is never left in silence
                problem = store_problem(error)
                if problem is not None:
                    logger.error("Conversation store unavailable: %s", error)
                    return self._store_unavailable(turn, problem)
                logger.exception("voice turn %s of call %s failed", turn.turn_id, turn.call_id)
                failure = GatewayReply([FAILURE], TRANSFER, transfer_reason=FAILURE_REASON)
                body = response_body(turn, failure, self.settings)
            return response.json(body, dumps=json.dumps, ensure_ascii=False)

    def _store_unavailable(self, turn: GatewayTurn, reason: str) -> response.HTTPResponse:
        """503 with the reason, and a transfer the gateway can carry out so that the caller
        is not left in silence."""
        body = {
            "error": reason,
            **response_body(turn, unavailable_reply(turn.caller), self.settings),
        }
        return response.json(body, status=503, dumps=json.dumps, ensure_ascii=False)


class VoiceCall:
    """One turn of a call: load the call's state, carry out the turn, store the reply."""

    def __init__(
        self, app: Any, on_new_message: Handler, turns: TurnRunner, settings: Settings
    ) -> None:
        self.app = app
        self.agent = app.ctx.agent
        self.on_new_message = on_new_message
        self.turns = turns
        self.settings = settings

    async def answer(self, turn: GatewayTurn) -> Dict[str, Any]:
        fail_instead_of_forgetting(self.app)  # reading the state must not forget the call
        async with self.agent.lock_store.lock(
            TURN_LOCK_PREFIX + turn.call_id, wait_time_in_seconds=LOCK_POLL_SECONDS
        ):
            before = await self.agent.tracker_store.retrieve(turn.call_id)
            state = CallState.from_slot(before.get_slot(STATE_SLOT) if before else None)
            repeated = state.reply_to_repeat(turn.turn_id)
            if repeated is not None:
                return response_body(turn, repeated, self.settings)
            if state.answered_before(turn.turn_id):
                raise RequestRejected(
                    409,
                    f"turn {turn.turn_id!r} was answered before; "
                    "only the latest turn can be repeated",
                )
            reply, state = await self._carry_out(turn, state, before)
            if reply.action == HANG_UP and not state.ended:
                await self._tell(turn, END_SESSION)
                state = dataclasses.replace(state, ended=True)
            await self._save(turn.call_id, state.after(turn.turn_id, reply))
        return response_body(turn, reply, self.settings)

    async def _carry_out(
        self, turn: GatewayTurn, state: CallState, before: Optional[DialogueStateTracker]
    ) -> Tuple[GatewayReply, CallState]:
        decision, state = decide(state, turn, self.settings.confidence_threshold)
        if decision.kind == SAY:
            reply = GatewayReply(
                list(decision.prompts),
                max_digits=max_digits(state.keys_on_offer(), state.free_text),
            )
            return reply, dataclasses.replace(state, ask=state.ask or decision.prompts)
        if decision.kind == FINISH:
            return GatewayReply([], HANG_UP), state
        if decision.kind == HAND_OVER:
            return self._hand_over(decision, state, before), state
        outcome = await self._tell(turn, decision.text, decision.keyed_reply)
        after = await self._tracker(turn.call_id)
        if outcome.failed:
            logger.warning(
                "voice turn %s of call %s got the apology: %s",
                turn.turn_id,
                turn.call_id,
                outcome.reason,
            )
            reply, new_state = assistant_failed(state)
        else:
            events = [event.as_dict() for event in after.events]
            reply, new_state = speak_reply(assistant_turn(events, turn.turn_id), state)
        if reply.action == TRANSFER:
            reply = dataclasses.replace(reply, transfer_context=self._context(after, state))
        return reply, new_state

    def _hand_over(
        self, decision: Decision, state: CallState, tracker: Optional[DialogueStateTracker]
    ) -> GatewayReply:
        return GatewayReply(
            list(decision.prompts),
            TRANSFER,
            transfer_reason=decision.reason,
            transfer_context=self._context(tracker, state),
        )

    @staticmethod
    def _context(tracker: Optional[DialogueStateTracker], state: CallState) -> Dict[str, Any]:
        slots = tracker.current_slot_values() if tracker else {}
        events = [event.as_dict() for event in tracker.events] if tracker else []
        titles = {topic.intent: topic.title for topic in all_topics()}
        return transfer_context(slots, all_question_slots(), titles, state, events)

    async def _tell(self, turn: GatewayTurn, text: str, keyed_reply: bool = False) -> TurnOutcome:
        """Passes the caller's words (or an /intent) to the assistant; the outcome says
        whether it failed (StoreUnavailable when the conversation cannot be read or saved).

        A reply given by keypad to the open question skips NLU (which could take a bare
        number for a goodbye): it carries the intent nlu_fallback, so the form takes it as
        the answer and the question's own parser reads it.
        """
        metadata = {
            "voice": {
                "turn_id": turn.turn_id,
                "event": turn.event,
                "digits": turn.digits or None,
                "confidence": turn.confidence,
                "caller": turn.caller or None,
            }
        }
        parse_data = (
            {
                "text": text,
                "intent": {"name": KEYED_REPLY_INTENT, "confidence": 1.0},
                "entities": [],
            }
            if keyed_reply
            else None
        )
        return await self.turns.run(
            self.app,
            self.on_new_message,
            UserMessage(
                text,
                VoiceOutput(),
                turn.call_id,
                parse_data=parse_data,
                input_channel=CHANNEL_NAME,
                metadata=metadata,
            ),
        )

    async def _tracker(self, call_id: str) -> DialogueStateTracker:
        async with self.agent.lock_store.lock(call_id, wait_time_in_seconds=LOCK_POLL_SECONDS):
            return await self.agent.processor.fetch_tracker_with_initial_session(
                call_id, VoiceOutput()
            )

    async def _save(self, call_id: str, state: CallState) -> None:
        """Writes the call's state into the tracker, under the conversation's lock."""
        async with self.agent.lock_store.lock(call_id, wait_time_in_seconds=LOCK_POLL_SECONDS):
            tracker = await self.agent.processor.fetch_tracker_with_initial_session(
                call_id, VoiceOutput()
            )
            tracker.update(SlotSet(STATE_SLOT, state.as_slot()))
            await self.agent.tracker_store.save(tracker)
