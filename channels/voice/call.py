"""What the telephone line does with each turn of a call, and how the assistant's reply is spoken.

Pure functions over plain data: the call's state (kept in the tracker by channels/voice/channel.py),
the gateway's turn, and the tracker's events as dictionaries.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from channels.voice.keypad import (
    HUMAN_KEY,
    MAIN_MENU,
    MENU,
    REPLAY,
    SEND,
    Key,
    Menu,
    all_menus,
    announcement,
    find,
    keys_for_buttons,
)
from channels.voice.keypad import (
    TRANSFER as KEY_TRANSFER,
)
from channels.voice.protocol import (
    HANG_UP,
    HANGUP,
    LISTEN,
    NO_INPUT,
    SPEECH,
    START,
    TRANSFER,
    GatewayReply,
    GatewayTurn,
)
from channels.voice.speech import pack, prompts_for, spoken_answer
from understanding.choices import chosen_number, structure_of

# What the line says by itself (the assistant's own words come from domain.yml).
ASK_TO_REPEAT = "抱歉，我没听清，请您再说一遍。"
OFFER_KEYS = "还是没听清。您也可以按键选择。"
NOT_HEARD = "抱歉，没有听到您的声音。"
NOT_HEARD_TWICE = "一直没有听到您的声音，现在为您转接人工服务，请稍候。"
TO_HUMAN = "好的，正在为您转接人工服务，请稍候。"
UNKNOWN_KEY = "您按的键不在选项里。"
WHAT_NEXT = "您可以接着说出问题，听菜单请按9。"
ANSWER_KEYS = "按1重听，按2返回主菜单。"
ANSWER_KEYS_AFTER_SUMMARY = "以上是要点。按1重听完整内容，按2返回主菜单。"
FAILURE = "抱歉，系统暂时出了点问题，现在为您转接人工服务，请稍候。"
# The assistant could not answer a turn (an action failed, or no answer in time): a person is
# offered, and 12333 named; when it fails again, the call goes to a person.
BUSY = (
    "抱歉，系统暂时有点忙。",
    "转人工请按0，或者稍后再说一遍。",
    "着急的话，也可以拨打12333人社服务热线。",
)
STILL_BUSY = "抱歉，系统还是有点忙，现在为您转接人工服务，请稍候。"

GREETING = "/greet"
END_SESSION = "/session_start"
# Kinds of the assistant's messages (the structure the actions send beside the text).
MENU_KIND, ANSWER_KIND, FOLLOW_UP_KIND = "menu", "answer", "follow_up"
QUESTION_KIND, HUMAN_KIND, GOODBYE_KIND = "question", "human", "goodbye"
CALLER_REQUEST, NO_INPUT_REASON, FAILURE_REASON = "caller_request", "no_input", "error"
UNAVAILABLE_REASON = "assistant_unavailable"
MAX_ASSISTANT_FAILURES = 2  # failed assistant turns in a row before the call goes to a person
MAX_REMEMBERED_TURNS = 50
MAX_FREE_DIGITS = 8
RECENT_UTTERANCES = 5


@dataclass(frozen=True)
class CallState:
    """Everything the line remembers between turns of one call."""

    keys: Tuple[Key, ...] = ()  # keys on offer; none: the main menu's, unless `free_text`
    free_text: bool = False  # a question is open: digits that are no key are the reply
    ask: Tuple[str, ...] = ()  # the prompts asking for the caller's next input
    replay: Tuple[str, ...] = ()  # the latest answer in full, for the replay key
    low_confidence: int = 0  # speech turns in a row not understood well enough
    no_input: int = 0  # silent turns in a row
    assistant_failures: int = 0  # turns the assistant could not answer, since it last answered
    ended: bool = False  # the conversation's session was ended (the call hung up)
    turns: Tuple[str, ...] = ()  # ids of the turns answered, the latest last
    reply: Optional[GatewayReply] = None  # the reply to the latest turn
    caller: Dict[str, str] = field(default_factory=dict)  # the caller's number, as last given

    def as_slot(self) -> Dict[str, Any]:
        return {
            "keys": [key.as_dict() for key in self.keys],
            "free_text": self.free_text,
            "ask": list(self.ask),
            "replay": list(self.replay),
            "low_confidence": self.low_confidence,
            "no_input": self.no_input,
            "assistant_failures": self.assistant_failures,
            "ended": self.ended,
            "turns": list(self.turns),
            "reply": self.reply.as_dict() if self.reply else None,
            "caller": dict(self.caller),
        }

    @staticmethod
    def from_slot(value: Any) -> "CallState":
        """The state kept in the tracker; a fresh one when there is none or it is unreadable."""
        if not isinstance(value, dict):
            return CallState()
        try:
            return CallState(
                keys=tuple(Key.from_dict(key) for key in value.get("keys", [])),
                free_text=bool(value.get("free_text")),
                ask=tuple(str(text) for text in value.get("ask", [])),
                replay=tuple(str(text) for text in value.get("replay", [])),
                low_confidence=int(value.get("low_confidence", 0)),
                no_input=int(value.get("no_input", 0)),
                assistant_failures=int(value.get("assistant_failures", 0)),
                ended=bool(value.get("ended")),
                turns=tuple(str(turn) for turn in value.get("turns", [])),
                reply=GatewayReply.from_dict(value["reply"]) if value.get("reply") else None,
                caller={str(k): str(v) for k, v in (value.get("caller") or {}).items()},
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return CallState()

    def reply_to_repeat(self, turn_id: str) -> Optional[GatewayReply]:
        """The reply already given to this turn id, if it was the latest turn."""
        return self.reply if self.turns and self.turns[-1] == turn_id else None

    def answered_before(self, turn_id: str) -> bool:
        return turn_id in self.turns

    def after(self, turn_id: str, reply: GatewayReply) -> "CallState":
        turns = (self.turns + (turn_id,))[-MAX_REMEMBERED_TURNS:]
        return replace(self, turns=turns, reply=reply)

    def keys_on_offer(self) -> Tuple[Key, ...]:
        if self.keys or self.free_text:
            return self.keys
        return main_menu().keys


def main_menu() -> Menu:
    return all_menus()[MAIN_MENU]


def menu_prompts(menu: Menu) -> List[str]:
    return pack([menu.prompt] + announcement(menu.keys))


def max_digits(keys: Sequence[Key], free_text: bool) -> int:
    """One key press, unless a question is open that also takes a number (years, a wage)."""
    return MAX_FREE_DIGITS if free_text and len(keys) < 2 else 1


# Decisions: what to do with a turn before the assistant is involved.
SAY, TELL, HAND_OVER, FINISH = "say", "tell", "hand_over", "finish"


@dataclass(frozen=True)
class Decision:
    kind: str  # SAY: the line answers itself; TELL: send `text` to the assistant;
    #            HAND_OVER: transfer to a human; FINISH: the call ended
    prompts: Tuple[str, ...] = ()
    text: str = ""
    reason: str = ""
    keyed_reply: bool = False  # `text` answers the open question by keypad: not for NLU


def decide(state: CallState, turn: GatewayTurn, threshold: float) -> Tuple[Decision, CallState]:
    """What to do with the turn, and the call's state after it."""
    if turn.caller:
        state = replace(state, caller=dict(turn.caller))
    if turn.event == HANGUP:
        return Decision(FINISH), state
    state = replace(state, ended=False)
    if turn.event == START:
        fresh = CallState(turns=state.turns, reply=state.reply, caller=state.caller)
        return Decision(TELL, text=GREETING), fresh
    if turn.event == NO_INPUT:
        if state.no_input + 1 >= 2:
            return Decision(HAND_OVER, (NOT_HEARD_TWICE,), reason=NO_INPUT_REASON), replace(
                state, no_input=0
            )
        repeat = state.ask or tuple(menu_prompts(main_menu()))
        return Decision(SAY, (NOT_HEARD,) + repeat), replace(state, no_input=1)
    state = replace(state, no_input=0)
    if turn.event == SPEECH:
        return _speech(state, turn, threshold)
    return _keys(state, turn.digits.rstrip("#"))


def _speech(state: CallState, turn: GatewayTurn, threshold: float) -> Tuple[Decision, CallState]:
    text = turn.text.strip().lstrip("/").strip()
    confident = turn.confidence is None or turn.confidence >= threshold
    if text and confident:
        key = spoken_key(state, text)
        if key is not None:
            return _keys(state, key)
        return Decision(TELL, text=text), replace(state, low_confidence=0)
    misses = state.low_confidence + 1
    if misses == 1:
        return Decision(SAY, (ASK_TO_REPEAT,)), replace(state, low_confidence=misses)
    if state.keys:  # the open question's own keys: what it asks stays the same
        return Decision(SAY, (OFFER_KEYS,) + tuple(pack(announcement(state.keys)))), replace(
            state, low_confidence=misses
        )
    menu = tuple(menu_prompts(main_menu()))
    return Decision(SAY, (OFFER_KEYS,) + menu), replace(
        state, low_confidence=misses, keys=main_menu().keys, ask=menu
    )


def spoken_key(state: CallState, text: str) -> Optional[str]:
    """The key a caller names instead of pressing it (一, 第二个, 选二), when it is on offer.
    While a question that takes a figure is open (years, a wage), a number is the answer."""
    number = chosen_number(text)
    keys = state.keys_on_offer()
    if number is None or number > 9 or (state.free_text and len(keys) < 2):
        return None
    return str(number) if find(keys, str(number)) else None


def _keys(state: CallState, digits: str) -> Tuple[Decision, CallState]:
    state = replace(state, low_confidence=0)
    if digits == HUMAN_KEY:
        return Decision(HAND_OVER, (TO_HUMAN,), reason=CALLER_REQUEST), state
    if digits == "*" and state.ask:
        return Decision(SAY, state.ask), state
    key = find(state.keys_on_offer(), digits)
    if key is None:
        if state.free_text and digits.isdigit():
            return Decision(TELL, text=digits, keyed_reply=True), state
        keys = state.keys_on_offer()
        return Decision(SAY, (UNKNOWN_KEY,) + tuple(pack(announcement(keys)))), state
    if key.kind == SEND:
        keyed_reply = state.free_text and not key.value.startswith("/")
        return Decision(TELL, text=key.value, keyed_reply=keyed_reply), state
    if key.kind == KEY_TRANSFER:
        return Decision(HAND_OVER, (TO_HUMAN,), reason=CALLER_REQUEST), state
    if key.kind == REPLAY:
        # After an answer, the first prompt asked for keys after its summary; now all was heard.
        ask = (ANSWER_KEYS,) + state.ask[1:]
        return Decision(SAY, state.replay + ask), replace(state, ask=ask)
    menu = all_menus()[key.value]
    prompts = tuple(menu_prompts(menu))
    return Decision(SAY, prompts), replace(state, keys=menu.keys, ask=prompts, free_text=False)


# The assistant's reply, as recorded in the tracker.


@dataclass(frozen=True)
class BotMessage:
    action: str  # the action that sent it
    text: str
    buttons: Tuple[Dict[str, Any], ...] = ()
    response: str = ""  # the domain response it was made from, if any
    structure: Mapping[str, Any] = field(default_factory=dict)  # what it is (menu, answer …)

    @property
    def kind(self) -> str:
        return str(self.structure.get("kind") or "")


@dataclass(frozen=True)
class AssistantTurn:
    intent: str
    messages: Tuple[BotMessage, ...]


def turn_id_of(event: Mapping[str, Any]) -> Optional[str]:
    voice = (event.get("metadata") or {}).get("voice") or {}
    return voice.get("turn_id")


def assistant_turn(events: Sequence[Mapping[str, Any]], turn_id: str) -> AssistantTurn:
    """The intent understood and the messages sent in reply to the turn's user message."""
    start = next(
        (
            index
            for index in range(len(events) - 1, -1, -1)
            if events[index].get("event") == "user" and turn_id_of(events[index]) == turn_id
        ),
        None,
    )
    if start is None:
        return AssistantTurn("", ())
    intent = ((events[start].get("parse_data") or {}).get("intent") or {}).get("name") or ""
    action, messages = "", []
    for event in events[start + 1 :]:
        if event.get("event") == "action":
            action = event.get("name") or ""
        elif event.get("event") == "bot":
            data, metadata = event.get("data") or {}, event.get("metadata") or {}
            messages.append(
                BotMessage(
                    action,
                    event.get("text") or "",
                    tuple(data.get("buttons") or ()),
                    metadata.get("utter_action") or "",
                    structure_of(event),
                )
            )
    return AssistantTurn(intent, tuple(messages))


def speak_reply(turn: AssistantTurn, state: CallState) -> Tuple[GatewayReply, CallState]:
    """The assistant's messages as a spoken reply, with the keys they offer: what each message
    is comes from its structure (a menu, an answer, a question, a transfer, a goodbye)."""
    state = replace(state, assistant_failures=0)
    if not turn.messages:  # nothing said: the caller hears the open question again
        return GatewayReply(
            list(state.ask) or [WHAT_NEXT],
            LISTEN,
            max_digits(state.keys_on_offer(), state.free_text),
        ), state
    spoken: List[str] = []
    ask: List[str] = []
    keys: List[Key] = []
    replay: Tuple[str, ...] = ()
    for message in turn.messages:
        if message.kind == HUMAN_KIND:
            return GatewayReply(
                spoken + prompts_for(message.text), TRANSFER, transfer_reason=CALLER_REQUEST
            ), state
        if message.kind == MENU_KIND:
            part = menu_prompts(main_menu())
            keys, ask = list(main_menu().keys), part
        elif message.kind == ANSWER_KIND:
            spoken_part, full = spoken_answer(message.structure)
            replay = tuple(full)
            ask = [ANSWER_KEYS_AFTER_SUMMARY if len(full) > len(spoken_part) else ANSWER_KEYS]
            keys = [Key("1", "重听", REPLAY), Key("2", "返回主菜单", MENU, MAIN_MENU)]
            part = spoken_part + ask
        elif message.buttons:
            follows_answer = bool(keys) and keys[0].kind == REPLAY
            new_keys = keys_for_buttons(message.buttons, len(keys) + 1 if follows_answer else 1)
            part = pack(prompts_for(message.text) + announcement(new_keys))
            keys = (keys if follows_answer else []) + new_keys
            ask = (ask if follows_answer else []) + part
        else:
            part = prompts_for(message.text)
            ask = part
        spoken += part
    if any(message.kind == GOODBYE_KIND for message in turn.messages):
        return GatewayReply(spoken, HANG_UP), state
    # A question is open (a number or words answer it), unless the last thing asked was
    # 还有其他问题吗 or the menu, which take keys.
    free_text = turn.messages[-1].kind == QUESTION_KIND
    if not keys and not free_text:
        spoken.append(WHAT_NEXT)
        ask = ask + [WHAT_NEXT]
    state = replace(state, keys=tuple(keys), ask=tuple(ask), free_text=free_text, replay=replay)
    return GatewayReply(spoken, LISTEN, max_digits(keys, free_text)), state


def assistant_failed(state: CallState) -> Tuple[GatewayReply, CallState]:
    """The reply when the assistant could not answer a turn.

    The first time the caller hears an apology naming 12333 and is offered a person (0, which
    works from anywhere) or to say it again; the open question, its keys and the replay stay as
    they were. When the next turn that reaches the assistant fails too, the call goes to a
    person (the caller's context is added by the channel).
    """
    failures = state.assistant_failures + 1
    if failures >= MAX_ASSISTANT_FAILURES:
        return GatewayReply([STILL_BUSY], TRANSFER, transfer_reason=UNAVAILABLE_REASON), replace(
            state, assistant_failures=0
        )
    return GatewayReply(
        pack(BUSY), LISTEN, max_digits(state.keys_on_offer(), state.free_text)
    ), replace(state, assistant_failures=failures)


def unavailable_reply(caller: Mapping[str, str]) -> GatewayReply:
    """The reply when the call's conversation cannot be read or saved: a person takes over."""
    context = transfer_context({}, (), {}, CallState(caller=dict(caller)), ())
    return GatewayReply(
        [FAILURE], TRANSFER, transfer_reason=UNAVAILABLE_REASON, transfer_context=context
    )


def transfer_context(
    slots: Mapping[str, Any],
    question_slots: Sequence[str],
    topic_titles: Mapping[str, str],
    state: CallState,
    events: Sequence[Mapping[str, Any]],
) -> Dict[str, Any]:
    """What a human agent needs to take over: the topic, the answers given, the open question."""
    topic = slots.get("topic")
    said = [
        event["text"]
        for event in events
        if event.get("event") == "user" and event.get("text") and not event["text"].startswith("/")
    ]
    return {
        "topic": topic,
        "topic_title": topic_titles.get(topic) if topic else None,
        "slots": {slot: slots[slot] for slot in question_slots if slots.get(slot) is not None},
        "last_prompt": "".join(state.ask),
        "recent_utterances": said[-RECENT_UTTERANCES:],
        "caller": dict(state.caller),
    }
