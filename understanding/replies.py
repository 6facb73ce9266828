"""What a reply to an open question says: an answer first, and only otherwise something else.

`read_reply` is the one place that decides. In order:

1. a button of the question, by its number, title or payload, means what the button says;
2. an answer the question's own reader finds (its words, a number, a date, a wage …);
3. a correction of an earlier answer of the consultation (不对，是三年); after an answer this
   comes first;
4. a refusal (不想说, 跳过): the question is skipped;
5. a move: to a person, why it is asked, what it means, to hear it again, a moment to check,
   to stop, to leave, another question (data/replies.yml);
6. a yes or no said in general words (嗯, 对的, 还没呢);
7. what the intent classifier heard: another topic, a stop or farewell, an aside (a thanks, a
   question out of scope, whether this is a robot), a yes or no;
8. answers to other questions of the consultation, with none to this one (出不了门 asked where
   the retiree lives): kept, and the question asked again;
9. otherwise the reply is unclear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from knowledge.calculators import is_vague
from knowledge.periods import Contribution
from knowledge.questions import UNKNOWN, Question, Vocabulary, all_questions, vocabulary
from knowledge.regions import places_in, transfer_scope_from_places
from understanding.choices import Option, chosen_option
from understanding.contributions import parse_contribution
from understanding.dates import DateProblem, parse_employment
from understanding.money import parse_wage
from understanding.text import asks_question, normalise

TOPIC_CONFIDENCE = 0.8  # a classified topic this certain may interrupt a consultation
MOVE_CONFIDENCE = 0.7  # likewise a classified stop, farewell, request for a person or "why"
ASIDE_CONFIDENCE = 0.6  # likewise thanks, a question out of scope, "are you a robot"
# A greeting or a request for the menu in the middle of a question is rare, and hesitations
# (这个嘛) are easily taken for one: only a classification this certain counts.
RARE_ASIDE_CONFIDENCE = 0.9
RARE_ASIDES = ("greet", "help")

# Intents that interrupt a consultation with a move, and what they ask for.
MOVE_OF_INTENT = {
    "stop": "stop",
    "goodbye": "farewell",
    "request_human": "human",
    "ask_why": "why",
    "repeat": "repeat",
}
# Intents that are answered in passing, after which the question is asked again.
ASIDE_INTENTS = ("out_of_scope", "bot_challenge", "thank", "greet", "help")
# Particles that may close a short reply without changing it (是的啊, 没有呢).
_PARTICLES = "啊呀吧呢的了哦嘛哈啦呗么噢喔"
# Where a spoken reply's first words end (嗯，挂了 / 对的 已经办了).
_FIRST_WORDS = re.compile(r"^\s*([^\s,，。.!！?？、;；:：~～…]+)")


@dataclass(frozen=True)
class Answered:
    value: Any  # the slot value; UNKNOWN when the citizen does not know or will not say
    also: Mapping[str, Any] = field(default_factory=dict)  # other questions answered too
    refused: bool = False  # an optional question the citizen chose not to answer


@dataclass(frozen=True)
class Correction:
    slot: str  # an earlier question of the consultation
    value: Any


@dataclass(frozen=True)
class Restated:
    slot: str  # an earlier answer said again as if to correct it (不对，我已经挂失了): it stands


@dataclass(frozen=True)
class Move:
    move: str  # one of knowledge.questions.MOVES


@dataclass(frozen=True)
class OtherTopic:
    intent: str


@dataclass(frozen=True)
class Aside:
    intent: str  # answered in passing (utter_<intent>), then the question is asked again


@dataclass(frozen=True)
class Invalid:
    reason: str  # why the answer cannot be right (a date in the future …), said to the citizen


@dataclass(frozen=True)
class Noted:
    """No answer to the open question, but answers to others of the consultation (出不了门 to
    where the retiree lives): they are kept and the open question is asked again."""

    answers: Mapping[str, Any]


@dataclass(frozen=True)
class Unclear:
    pass


Reading = Union[Answered, Correction, Restated, Move, OtherTopic, Aside, Invalid, Noted, Unclear]


@dataclass(frozen=True)
class Asked:
    """The open question and what the consultation knows around it."""

    question: Question
    options: Sequence[Option] = ()  # the buttons offered with the question, in order
    topic: str = ""  # the topic being consulted on
    slots: Sequence[str] = ()  # the topic's questions
    answers: Mapping[str, Any] = field(default_factory=dict)  # the answers so far


@dataclass(frozen=True)
class Heard:
    """The reply and what the intent classifier made of it."""

    text: str
    intent: Optional[str] = None
    confidence: float = 0.0


def read_reply(
    asked: Asked, heard: Heard, today: date, is_topic: Callable[[str], bool] = lambda intent: False
) -> Reading:
    """What the reply says about the open question (see the module's docstring)."""
    words = vocabulary()
    heard = replace(heard, text=respelled(heard.text, words))
    question, text = asked.question, heard.text
    said = normalise(text)

    option = chosen_option(text, asked.options)
    if option is not None and not (
        question.kind in NUMERIC_KINDS and _reads_as(question, text, today)
    ):
        if option.payload.startswith("/"):
            return _by_intent(asked, Heard(option.payload, option.payload[1:], 1.0), is_topic)
        chosen = read_reply(replace(asked, options=()), Heard(option.payload), today, is_topic)
        if isinstance(chosen, Answered):
            return chosen

    correction = read_correction(asked, text, today, words)
    if correction is not None and question.corrections_first:
        return correction

    value = read_answer(question, text, today, words)
    if isinstance(value, Invalid):
        return value
    if value is not None and not _is_other_question(asked, value, heard, is_topic):
        also = volunteered_answers(asked, text, today, skip=question.slot)
        return Answered(value, also)

    if correction is not None:
        return correction

    if _contains(said, words.refusal):
        return Answered(UNKNOWN, refused=question.optional)

    move = read_move(said, words)
    if move == "more" and _asks_other_topic(asked, heard, is_topic):
        return OtherTopic(heard.intent or "")  # 我还想问一下单位不签合同怎么办
    if move is not None:
        return Move(move)

    if question.kind == "yes_no":
        general = _general_yes_no(text, words)
        if general is not None:
            return Answered(general, volunteered_answers(asked, text, today, skip=question.slot))

    reading = _by_intent(asked, heard, is_topic)
    if isinstance(reading, Unclear):
        others = volunteered_answers(asked, text, today, skip=question.slot)
        if others:
            return Noted(others)
    return reading


NUMERIC_KINDS = ("years", "duration", "money")


def _reads_as(question: Question, text: str, today: date) -> bool:
    value = read_answer(question, text, today, vocabulary())
    return value is not None and not isinstance(value, Invalid) and value != UNKNOWN


def _is_other_question(
    asked: Asked, value: Any, heard: Heard, is_topic: Callable[[str], bool]
) -> bool:
    """Words of a yes/no answer, or of not knowing, inside a question on another matter are no
    answer: 挂失了电子社保卡还能用吗 asks about the electronic card, 社保卡密码忘了怎么办 about
    a password. Figures and options keep their meaning."""
    if asked.question.kind != "yes_no" and value != UNKNOWN:
        return False
    intent = heard.intent or ""
    elsewhere = (is_topic(intent) and intent != asked.topic) or intent in ASIDE_INTENTS
    return asks_question(heard.text) and elsewhere and heard.confidence >= TOPIC_CONFIDENCE


def _asks_other_topic(asked: Asked, heard: Heard, is_topic: Callable[[str], bool]) -> bool:
    intent = heard.intent or ""
    return intent != asked.topic and is_topic(intent) and heard.confidence >= TOPIC_CONFIDENCE


def _by_intent(asked: Asked, heard: Heard, is_topic: Callable[[str], bool]) -> Reading:
    intent, confident = heard.intent or "", heard.confidence
    if _asks_other_topic(asked, heard, is_topic):
        return OtherTopic(intent)
    if intent in ("affirm", "deny") and heard.text.startswith("/"):
        return Answered(intent == "affirm")
    if intent in MOVE_OF_INTENT and confident >= MOVE_CONFIDENCE:
        return Move(MOVE_OF_INTENT[intent])
    if intent in ASIDE_INTENTS and confident >= (
        RARE_ASIDE_CONFIDENCE if intent in RARE_ASIDES else ASIDE_CONFIDENCE
    ):
        return Aside(intent)
    if asked.question.kind == "yes_no" and not asks_question(heard.text):
        weak = _weak_yes_no(heard.text, intent if confident >= ASIDE_CONFIDENCE else None)
        if weak is not None:
            return Answered(weak)
    return Unclear()


# How a reply starts, when nothing else told: 有点… is a yes, 不太… a no.
_YES_START = ("是", "对", "嗯", "有", "已经", "会", "能", "可以", "好", "行", "要", "办了")
_NO_START = ("不", "没", "否", "还没", "别", "无")


def _weak_yes_no(text: str, intent: Optional[str]) -> Optional[bool]:
    """Yes or no from the affirm/deny intents, else from how the reply starts."""
    if intent in ("affirm", "deny"):
        return intent == "affirm"
    said = normalise(text)
    if said.startswith(_NO_START):
        return False
    if said.startswith(_YES_START):
        return True
    return None


# Readers of each kind of question.


def read_answer(
    question: Question, text: str, today: date, words: Optional[Vocabulary] = None
) -> Union[Any, Invalid, None]:
    """The answer the reply gives to the question by the question's own reader: a slot value,
    UNKNOWN, Invalid, or None when the reply gives none. General yes/no words (嗯, 对) are not
    read here (see `read_reply`)."""
    words = words or vocabulary()
    said = normalise(text)
    if question.kind in ("yes_no", "choice"):
        return _by_phrases(question, said, words)
    reader = _VALUE_READERS[question.kind]
    value = reader(text, today, False)
    if value is not None:
        return value
    return UNKNOWN if _contains(said, words.unknown) else None


def volunteered(
    question: Question, text: str, today: date, words: Optional[Vocabulary] = None
) -> Any:
    """An answer to the question said without being asked it, or None: only its said_yes and
    said_no phrases for yes/no questions, one option's words for choices, and figures tied to
    what they measure (交了十二年, 干了三个月, 月薪五千)."""
    words = words or vocabulary()
    text = respelled(text, words)
    said = normalise(text)
    if question.kind == "yes_no":
        found = _longest_matches(
            said,
            [(phrase, False) for phrase in question.said_no]
            + [(phrase, True) for phrase in question.said_yes],
        )
        values = {value for _, value in found}
        return values.pop() if len(values) == 1 else None
    if question.kind == "choice":
        if said.isdigit() or _contains(said, _ALTERNATIVES):
            return None  # 挂失或注销后…: options named as alternatives are a question, not a fact
        value = _by_phrases(question, said, words, with_unknown=False, said_not_asked=True)
        return value if value not in (None, question.mixed) else None
    if question.kind == "evidence":
        return None
    value = _VALUE_READERS[question.kind](text, today, True)
    return value if not isinstance(value, Invalid) else None


def volunteered_answers(asked: Asked, text: str, today: date, skip: str = "") -> Dict[str, Any]:
    """Answers to the consultation's other questions not yet answered, said in the reply."""
    questions = all_questions()
    found = {}
    for slot in asked.slots:
        if slot == skip or asked.answers.get(slot) is not None or slot not in questions:
            continue
        value = volunteered(questions[slot], text, today)
        if value is not None:
            found[slot] = value
    return found


def read_correction(
    asked: Asked, text: str, today: date, words: Optional[Vocabulary] = None
) -> Union[Correction, Restated, None]:
    """A new answer to an earlier question of the consultation: said with a word of correction
    (不对，是三年), or a figure of the same kind said again with other words. An earlier answer
    said again with a word of correction is Restated."""
    words = words or vocabulary()
    said = normalise(text)
    marked = _contains(said, words.corrections)
    questions = all_questions()
    restated = None
    for slot in asked.slots:
        earlier = asked.answers.get(slot)
        if slot == asked.question.slot or earlier is None or slot not in questions:
            continue
        question = questions[slot]
        value = read_answer(question, text, today, words) if marked else None
        if value is None or value == UNKNOWN or isinstance(value, Invalid):
            value = volunteered(question, text, today, words)
        if (
            question.kind == "years"
            and isinstance(value, dict)
            and value.get("adds")
            and isinstance(earlier, dict)
        ):
            value = added_periods(earlier, value)
        if value is not None and value != earlier:
            return Correction(slot, value)
        if marked and value == earlier:
            restated = Restated(slot)
    return restated


def added_periods(earlier: Mapping[str, Any], more: Mapping[str, Any]) -> Dict[str, Any]:
    """Years of contributions with the periods of a later reply added (还有在老家交的6年)."""
    first, second = Contribution.from_slot(earlier), Contribution.from_slot(more)
    return Contribution(first.periods + second.periods, first.holder or second.holder).as_slot()


def respelled(text: str, words: Vocabulary) -> str:
    """The text with the domain's usual misspellings put right (挂视了 → 挂失了)."""
    for wrong in sorted(words.spelling, key=len, reverse=True):
        if wrong in text:
            text = text.replace(wrong, words.spelling[wrong])
    return text


def read_move(said: str, words: Vocabulary) -> Optional[str]:
    """The move the reply's words ask for, the most specific first."""
    for move in ("human", "why", "explain", "repeat", "wait", "more", "stop", "farewell"):
        if _contains(said, words.moves[move]):
            return move
    return None


def _general_yes_no(text: str, words: Vocabulary) -> Optional[Any]:
    """Yes or no said in general words: the whole reply (是的, 还没呢) or its first words
    before a pause (嗯，已经去过了), unless what follows asks for something else."""
    said = normalise(text).rstrip(_PARTICLES) or normalise(text)
    for value, vocabulary_words in ((True, words.yes), (False, words.no)):
        if said in vocabulary_words or _repeated(said, vocabulary_words):
            return value
    first = _FIRST_WORDS.match(text)
    if first is None or first.group(1) == text.strip():
        return None
    head = normalise(first.group(1)).rstrip(_PARTICLES)
    rest = normalise(text[first.end() :])
    if read_move(rest, words) is not None:
        return None
    if head in words.yes:
        return True
    if head in words.no:
        return False
    return None


def _repeated(said: str, words: Sequence[str]) -> bool:
    """是的是的, 对对对, 没有没有."""
    return any(
        len(said) > len(word) and said == word * (len(said) // len(word)) for word in words if word
    )


# Phrases of yes/no and choice questions.

_NEGATIONS = ("不是", "没有", "不", "没", "非")
_ALTERNATIVES = ("或", "还是")


def _by_phrases(
    question: Question,
    said: str,
    words: Vocabulary,
    with_unknown: bool = True,
    said_not_asked: bool = False,
) -> Any:
    """The value named by the longest phrases of the question in the reply: its yes/no words or
    option words, and the words of not knowing. A phrase inside a longer one found (不知道 in
    不知道怎么挂) does not count; an option word right after a negation (不是临时挂失) neither."""
    if question.from_places:
        scope = transfer_scope_from_places(places_in(said))
        if scope is not None:
            return scope
    phrases: List[Tuple[str, Any]] = []
    if question.kind == "yes_no":
        phrases += [(word, True) for word in question.yes + question.said_yes]
        phrases += [(word, False) for word in question.no + question.said_no]
    else:
        phrases += [
            (word, key) for key, option_words in question.options.items() for word in option_words
        ]
    if with_unknown:
        phrases += [(word, UNKNOWN) for word in words.unknown]
    found = _longest_matches(said, phrases, negation=question.kind, said_not_asked=said_not_asked)
    values = list(dict.fromkeys(value for _, value in found))
    if not values:
        return None
    if UNKNOWN in values:
        return UNKNOWN
    if len(values) == 1:
        return values[0]
    if question.kind == "yes_no":
        # 老人不会，我会 (someone can) — or else 申请了，还没拿到新卡: the first said answers it.
        return True if question.yes_wins else values[0]
    if question.mixed:
        return question.mixed
    return None


def _longest_matches(
    said: str, phrases: Sequence[Tuple[str, Any]], negation: str = "", said_not_asked: bool = False
) -> List[Tuple[str, Any]]:
    """The phrases found in the text in the order said, leaving out those inside a longer
    phrase found, and those right after a negation: for a choice (不是临时挂失) they name no
    option, for a yes/no question a yes becomes a no (不会用). With `said_not_asked`, words
    the citizen asks about (还能用吗) are left out too."""
    spans = []
    for phrase, value in phrases:
        start = said.find(phrase) if phrase else -1
        while start >= 0:
            spans.append((start, start + len(phrase), phrase, value))
            start = said.find(phrase, start + 1)
    spans.sort(key=lambda span: (span[0], span[0] - span[1]))
    kept = []
    for start, end, phrase, value in spans:
        inside = any(s <= start and end <= e and (e - s) > (end - start) for s, e, _, _ in spans)
        negated = bool(negation) and said[:start].endswith(_NEGATIONS)
        same_as_question_word = value == UNKNOWN and any(
            (s, e) == (start, end) and v != UNKNOWN for s, e, _, v in spans
        )
        asked_about = said_not_asked and said[end : end + 1] in ("吗", "么", "不")
        if inside or same_as_question_word or asked_about:
            continue
        if negated and negation == "yes_no" and value is True:
            kept.append((phrase, False))
        elif not negated or value == UNKNOWN or negation != "choice":
            kept.append((phrase, value))
    return kept


def _contains(said: str, words: Sequence[str]) -> bool:
    return any(word and word in said for word in words)


# Readers of figures: (text, today, volunteered) -> value, Invalid or None.

# What the citizen hears when a date cannot be right, before the question is asked again.
DATE_PROBLEMS = {
    "future": "您说的{said}还没到呢。",
    "impossible": "{said}好像不是一个日子。",
    "signed_before_start": "签合同的时间比入职的时间还早，好像不太对。",
    "ended_before_start": "离职的时间比入职的时间还早，好像不太对。",
}
TOO_VAGUE = "能说得具体一点吗？比如干了几个月，或者哪年哪月入职的。"


def _read_years(text: str, today: date, volunteered: bool) -> Any:
    contribution = parse_contribution(text, require_context=volunteered)
    return contribution.as_slot() if contribution else None


def _read_duration(text: str, today: date, volunteered: bool) -> Any:
    employment = parse_employment(text, today, require_context=volunteered)
    if isinstance(employment, DateProblem):
        return Invalid(DATE_PROBLEMS[employment.reason].format(said=employment.said))
    if employment is not None and not volunteered and is_vague(employment, today):
        return Invalid(TOO_VAGUE)
    return employment.as_slot() if employment else None


def _read_money(text: str, today: date, volunteered: bool) -> Any:
    return parse_wage(text, require_context=volunteered)


def _read_evidence(text: str, today: date, volunteered: bool) -> Any:
    words = vocabulary()
    said = normalise(text)
    phrases = [(word, label) for label, labels in words.evidence.items() for word in labels]
    named = {label for _, label in _longest_matches(said, phrases)}
    found = [label for label in words.evidence if label in named]  # in the order listed
    if found:
        return found
    if _contains(said, words.no_evidence) or said == "无":
        return []
    return None


_VALUE_READERS: Dict[str, Callable[[str, date, bool], Any]] = {
    "years": _read_years,
    "duration": _read_duration,
    "money": _read_money,
    "evidence": _read_evidence,
}
