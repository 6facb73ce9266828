"""Rasa's event rows folded into what the figures count: turns, consultations and transfers.

Pure functions over the rows of `queries.facts_in_range`: tuples of `queries.FACT_COLUMNS`, in
the order the events happened.

- A **turn** is a citizen's message (a user event) with the bot messages that followed it up to
  the next message. Messages Rasa sends itself (`/session_start` when a call hangs up,
  `/restart`) are no turns.
- A **consultation** starts when the `topic` slot is set (action_start_topic, or another topic
  asked in the middle of one) and lasts until the next topic starts or the conversation stops.
  It is *answered* when a bot message of kind `answer` was sent in it; *switched* when another
  topic started before an answer; otherwise *abandoned*: at the question open when the citizen
  stopped it (utter_consultation_stopped), or else at the last question asked (`requested_slot`).
- A **transfer** is a telephone turn whose reply (the `voice_call` slot) hands the call to a
  person, with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence

FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "out_of_scope"
HUMAN_INTENT = "request_human"
LOW_CONFIDENCE = 0.5  # the FallbackClassifier's threshold in config.yml
NOT_TURNS = ("session_start", "restart")  # intents of messages Rasa sends itself
FALLBACK_RESPONSES = ("utter_ask_rephrase", "utter_default")
OUT_OF_SCOPE_RESPONSE = "utter_out_of_scope"
HUMAN_RESPONSE = "utter_request_human"
STOPPED_RESPONSE = "utter_consultation_stopped"
ANSWER_KIND = "answer"
NOT_UNDERSTOOD_KINDS = ("not_understood", "skipped")  # a question asked again, then skipped
TRANSFER_ACTION = "transfer"

# What happened to a message the assistant could not answer, most telling first.
STOPPED, NOT_UNDERSTOOD, OUT_OF_SCOPE, FALLBACK, LOW = (
    "stopped",
    "not_understood",
    "out_of_scope",
    "fallback",
    "low_confidence",
)
OUTCOMES = (STOPPED, NOT_UNDERSTOOD, OUT_OF_SCOPE, FALLBACK, LOW)


@dataclass(slots=True)
class Turn:
    event_id: int
    sender_id: str
    timestamp: float
    channel: str
    intent: Optional[str]
    confidence: Optional[float]
    best_confidence: Optional[float]  # of the best intent other than nlu_fallback
    payload: bool  # a keypad press or a button payload (/intent): not for the classifier
    question: Optional[str]  # the question open when the message came (requested_slot)
    topic: Optional[str]
    # What the bot messages after it were: how many, their domain responses (utter_action),
    # their structure's kinds, and the questions a not_understood message was about.
    bot_messages: int = 0
    actions: List[str] = field(default_factory=list)
    kinds: List[str] = field(default_factory=list)
    retried: List[str] = field(default_factory=list)


@dataclass
class Consultation:
    sender_id: str
    topic: str
    started: float
    answered: bool = False
    switched: bool = False
    stopped: bool = False
    last_question: Optional[str] = None

    @property
    def abandoned(self) -> bool:
        return not self.answered and not self.switched


class Transfer(NamedTuple):
    sender_id: str
    timestamp: float
    reason: str


@dataclass
class Folded:
    turns: List[Turn] = field(default_factory=list)
    consultations: List[Consultation] = field(default_factory=list)
    transfers: List[Transfer] = field(default_factory=list)


def _number(value: object) -> Optional[float]:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class _Conversation:
    """What the fold remembers of one conversation while reading its events."""

    __slots__ = ("turn", "consultation", "question")

    def __init__(self) -> None:
        self.turn: Optional[Turn] = None
        self.consultation: Optional[Consultation] = None
        self.question: Optional[str] = None


def fold(rows: Iterable[Sequence]) -> Folded:
    """Turns, consultations and transfers of the rows (events in the order they happened;
    conversations may interleave)."""
    folded = Folded()
    conversations: Dict[str, _Conversation] = {}
    for row in rows:
        event_id, sender_id, kind, name, intent, timestamp, a, b, c, d = row
        state = conversations.get(sender_id)
        if state is None:
            state = conversations[sender_id] = _Conversation()
        consultation = state.consultation
        if kind == "user":
            if intent in NOT_TURNS:
                state.turn = None
                continue
            confidence, runner_up = _number(b), _number(c)
            # A keypad press, or a payload (/intent: certain, with no other intent ranked).
            payload = bool(d) or (confidence == 1.0 and runner_up is None)
            state.turn = Turn(
                event_id,
                sender_id,
                float(timestamp or 0.0),
                str(a) if a else "unknown",
                intent,
                confidence,
                runner_up if intent == FALLBACK_INTENT else confidence,
                payload,
                state.question,
                consultation.topic if consultation else None,
            )
            folded.turns.append(state.turn)
        elif kind == "bot":
            turn = state.turn
            if turn is not None:
                turn.bot_messages += 1
                if b:
                    turn.actions.append(b)
                if a:
                    turn.kinds.append(a)
                    if c and a in NOT_UNDERSTOOD_KINDS:
                        turn.retried.append(c)
            if consultation is not None:
                if a == ANSWER_KIND:
                    consultation.answered = True
                if b == STOPPED_RESPONSE and not consultation.stopped:
                    consultation.stopped = True  # at the question the stopping reply answered
                    if state.turn is not None and state.turn.question:
                        consultation.last_question = state.turn.question
        elif name == "topic":
            if a:
                if consultation is not None and not consultation.answered:
                    consultation.switched = True
                state.consultation = Consultation(sender_id, str(a), float(timestamp or 0))
                folded.consultations.append(state.consultation)
        elif name == "requested_slot":
            state.question = str(a) if a else None
            if (
                consultation is not None
                and state.question
                and not (consultation.answered or consultation.stopped)
            ):
                consultation.last_question = state.question
        elif name == "voice_call":
            if a == TRANSFER_ACTION:
                folded.transfers.append(
                    Transfer(sender_id, float(timestamp or 0), str(b or "unknown"))
                )
    return folded


# What each turn counts as. The overview's shares follow the classifier and the responses;
# they overlap (a fallback is mostly also below the confidence threshold).


def is_fallback(turn: Turn) -> bool:
    """The classifier fell back (nlu_fallback), or the assistant asked to rephrase."""
    return (turn.intent == FALLBACK_INTENT and not turn.payload) or any(
        action in FALLBACK_RESPONSES for action in turn.actions
    )


def is_out_of_scope(turn: Turn) -> bool:
    return turn.intent == OUT_OF_SCOPE_INTENT or OUT_OF_SCOPE_RESPONSE in turn.actions


def is_low_confidence(turn: Turn) -> bool:
    """The best intent's confidence was below the threshold (keypad presses and payloads aside)."""
    return (
        not turn.payload
        and turn.best_confidence is not None
        and turn.best_confidence < LOW_CONFIDENCE
    )


def asks_for_human(turn: Turn) -> bool:
    return turn.intent == HUMAN_INTENT or HUMAN_RESPONSE in turn.actions


def failed(turn: Turn) -> bool:
    """No bot message followed: the channel answered with its apology instead."""
    return not turn.bot_messages


def unanswered_outcome(turn: Turn) -> Optional[str]:
    """Why the message went unanswered, or None when it was answered.

    The responses say so (a stopped consultation, a question asked again, out of scope, a
    request to rephrase). Inside a consultation the form reads every reply whatever the
    classifier says, so the classifier's verdict counts only when no question was open.
    """
    actions, kinds = turn.actions, turn.kinds
    if not actions and not kinds and (turn.question or turn.payload):
        return None
    if STOPPED_RESPONSE in actions:
        return STOPPED
    if any(kind in NOT_UNDERSTOOD_KINDS for kind in kinds):
        return NOT_UNDERSTOOD
    if OUT_OF_SCOPE_RESPONSE in actions:
        return OUT_OF_SCOPE
    if any(action in FALLBACK_RESPONSES for action in actions):
        return FALLBACK
    if turn.question or turn.payload:
        return None
    if turn.intent == OUT_OF_SCOPE_INTENT:
        return OUT_OF_SCOPE
    if turn.intent == FALLBACK_INTENT:
        return FALLBACK
    if is_low_confidence(turn):
        return LOW
    return None


def asked_about(turn: Turn) -> Optional[str]:
    """The question a message was a reply to, when the reply was not understood."""
    return turn.retried[0] if turn.retried else turn.question
