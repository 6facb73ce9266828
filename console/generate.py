"""A scratch tracker store of realistic shape, to see how the console's queries scale.

    python -m console.generate --url postgresql://postgres@127.0.0.1:5432/scratch \
        --conversations 100000

The `events` table is created the way Rasa creates it (an SQLTrackerStore is instantiated once),
then filled with bulk inserts (COPY on PostgreSQL). Conversations follow the event sequences a
real Rasa server writes for this assistant (session start, user message, featurization, actions,
slots, bot messages with their structure): consultations answered, left at a question, stopped
or retried, questions out of scope, fallbacks, requests for a person, failed turns, telephone
calls with keypad replies and transfers. Citizens' texts come from the training data (topics)
and from combinations of everyday words (the long tail the unanswered page groups). Starts are
spread over `--days` days (busier in office hours and on weekdays), about 20 events each. A
database that already holds events is refused: point it at a scratch database.
"""

from __future__ import annotations

import argparse
import csv
import heapq
import io
import json
import random
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

import yaml

from console.settings import DEFAULT_TIMEZONE, ROOT

MODEL_ID = "0" * 24 + "scaletest"
ASSISTANT_ID = "social_security_assistant"
CHANNELS = (
    ("wechat", 0.40),
    ("rest", 0.28),
    ("voice12333", 0.25),
    ("web", 0.06),
    ("cmdline", 0.01),
)
# The intents of the domain, for the runner-up intents of each message's ranking.
INTENTS: List[str] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"]
# The long tail of questions the assistant does not cover, and vague messages.
SUBJECTS = [
    "医保",
    "公积金",
    "失业金",
    "生育津贴",
    "工伤",
    "个税",
    "退休",
    "居住证",
    "灵活就业",
    "社保补缴",
    "异地就医",
    "医保卡",
    "低保",
    "养老院",
    "残疾证",
    "护照",
    "驾照",
    "户口迁移",
    "孩子上学",
    "大病保险",
    "门诊报销",
    "电子医保凭证",
    "住房补贴",
    "人才引进",
]
ASKS = [
    "怎么办理",
    "在哪里办",
    "需要什么材料",
    "多久能到账",
    "能不能线上办",
    "怎么查询",
    "标准是多少",
    "怎么申请",
    "有什么条件",
    "可以代办吗",
    "要交多少钱",
    "找哪个部门",
]
PREFIXES = ["", "", "", "请问", "你好，", "我想问一下", "麻烦问下", "那个", "问一下"]
SUFFIXES = ["", "", "？", "?", "啊", "呢", "。", "吗", "谢谢"]
VAGUE = [
    "那个啥",
    "怎么弄",
    "帮我查一下",
    "呃",
    "嗯那个",
    "我要办那个",
    "你好在吗在吗",
    "这个怎么搞",
    "不知道怎么说",
    "我上次问的那个",
    "就是那个事",
    "xyz",
    "？？",
    "1234",
    "我要投诉",
    "有人吗",
    "之前说的那个怎么弄啊",
    "我卡的事",
]
UNCLEAR_REPLIES = [
    "香蕉苹果",
    "不太懂",
    "你说啥",
    "我也不知道啊说不清",
    "这个嘛",
    "啥",
    "随便吧",
    "你们说呢",
]
TRANSFER_REASONS = (
    ("caller_request", 0.6),
    ("no_input", 0.25),
    ("assistant_unavailable", 0.1),
    ("error", 0.05),
)
HOURS = [1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 15, 12, 8, 10, 15, 16, 14, 10, 7, 6, 5, 4, 3, 2]


def _examples(paths: Sequence[str]) -> Dict[str, List[str]]:
    examples: Dict[str, List[str]] = {}
    for name in paths:
        path = ROOT / "data" / "nlu" / name
        if not path.exists():
            continue
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if isinstance(block, dict) and "intent" in block:
                lines = [
                    line.strip()[2:].strip()
                    for line in str(block["examples"]).splitlines()
                    if line.strip().startswith("- ")
                ]
                examples.setdefault(block["intent"], []).extend(
                    line for line in lines if "[" not in line
                )
    return examples


@dataclass
class Texts:
    by_intent: Dict[str, List[str]]
    topics: List[Tuple[str, List[str]]]  # topic intent and its question slots
    questions: Dict[str, str]  # slot -> question text

    @staticmethod
    def load() -> "Texts":
        from console.labels import load_labels
        from knowledge.topics import all_topics

        examples = _examples(
            [
                "card.yml",
                "contract.yml",
                "pension.yml",
                "chitchat.yml",
                "out_of_scope.yml",
                "form_answers.yml",
            ]
        )
        labels = load_labels(ROOT / "domain.yml")
        topics = [
            (topic.intent, topic.slots or [])
            for topic in all_topics()
            if examples.get(topic.intent)
        ]
        return Texts(examples, topics, labels.questions)

    def of(self, rng: random.Random, intent: str, default: str) -> str:
        return rng.choice(self.by_intent.get(intent) or [default])


def weighted(rng: random.Random, pairs: Sequence[Tuple[str, float]]) -> str:
    return rng.choices([name for name, _ in pairs], [weight for _, weight in pairs])[0]


def long_tail(rng: random.Random) -> str:
    """A question out of the assistant's scope, Zipf-like: a few asked often, many rarely."""
    subject = SUBJECTS[min(int(rng.paretovariate(1.2)) - 1, len(SUBJECTS) - 1)]
    ask = ASKS[min(int(rng.paretovariate(1.0)) - 1, len(ASKS) - 1)]
    return rng.choice(PREFIXES) + subject + ask + rng.choice(SUFFIXES)


@dataclass
class Conversation:
    """The events one conversation writes, in order, as the tracker store's rows."""

    sender_id: str
    channel: str
    t: float
    rng: random.Random
    rows: List[Tuple[str, str, float, Optional[str], Optional[str], str]] = field(
        default_factory=list
    )

    def _add(self, event: Dict[str, Any], intent: Optional[str] = None) -> None:
        self.t += self.rng.uniform(0.00001, 0.0003)
        event = {
            "event": event.pop("event"),
            "timestamp": self.t,
            "metadata": {
                **event.pop("metadata", {}),
                "model_id": MODEL_ID,
                "assistant_id": ASSISTANT_ID,
            },
            **event,
        }
        self.rows.append(
            (self.sender_id, event["event"], self.t, intent, event.get("name"), json.dumps(event))
        )

    def wait(self, low: float = 4.0, high: float = 40.0) -> None:
        self.t += self.rng.uniform(low, high)

    def action(self, name: str, policy: Optional[str] = "RulePolicy", hide: bool = False) -> None:
        self._add(
            {
                "event": "action",
                "name": name,
                "policy": policy,
                "confidence": 1.0 if policy else None,
                "action_text": None,
                "hide_rule_turn": hide,
            }
        )

    def session(self) -> None:
        self.action("action_session_start", None)
        self._add({"event": "session_started"})
        self.action("action_listen", None)

    def user(
        self,
        text: str,
        intent: str,
        confidence: float,
        digits: Optional[str] = None,
        runner_up: Optional[float] = None,
    ) -> None:
        message_id = uuid.UUID(int=self.rng.getrandbits(128)).hex
        voice = (
            {
                "voice": {
                    "turn_id": f"turn-{len(self.rows)}",
                    "event": "dtmf" if digits else "speech",
                    "digits": digits,
                    "confidence": None,
                    "caller": None,
                }
            }
            if self.channel == "voice12333"
            else {}
        )
        others = [name for name in self.rng.sample(INTENTS, 10) if name != intent][:9]
        rest = runner_up if runner_up is not None else (1 - confidence) * 0.6
        ranking = [{"name": intent, "confidence": confidence}] + [
            {"name": name, "confidence": rest / (2**n)} for n, name in enumerate(others)
        ]
        parse_data = {
            "intent": {"name": intent, "confidence": confidence},
            "entities": [],
            "text": text,
            "message_id": message_id,
            "metadata": voice,
            "text_tokens": [[i, i + 1] for i in range(min(len(text), 12))],
        }
        if not digits:
            parse_data["intent_ranking"] = ranking
        self._add(
            {
                "event": "user",
                "metadata": voice,
                "text": text,
                "parse_data": parse_data,
                "input_channel": self.channel,
                "message_id": message_id,
            },
            intent,
        )
        self._add({"event": "user_featurization", "use_text_for_featurization": False})

    def bot(
        self,
        text: str,
        utter_action: Optional[str] = None,
        structure: Optional[Dict[str, Any]] = None,
        buttons: Optional[List] = None,
    ) -> None:
        metadata: Dict[str, Any] = {}
        if structure:
            metadata["structure"] = structure
        if utter_action:
            metadata["utter_action"] = utter_action
        self._add(
            {
                "event": "bot",
                "metadata": metadata,
                "text": text,
                "data": {
                    "elements": None,
                    "quick_replies": None,
                    "buttons": buttons,
                    "attachment": None,
                    "image": None,
                    "custom": None,
                },
            }
        )

    def slot(self, name: str, value: Any) -> None:
        self._add({"event": "slot", "name": name, "value": value})

    def loop(self, name: Optional[str]) -> None:
        self._add({"event": "active_loop", "name": name})

    def call_state(self, action: str = "listen", reason: str = "") -> None:
        if self.channel == "voice12333":
            self.slot(
                "voice_call",
                {
                    "keys": [],
                    "free_text": False,
                    "ask": ["请直接说出您的问题。"],
                    "replay": [],
                    "low_confidence": 0,
                    "no_input": 0,
                    "assistant_failures": 0,
                    "ended": False,
                    "turns": [f"turn-{len(self.rows)}"],
                    "reply": {
                        "prompts": ["好的。"],
                        "action": action,
                        "max_digits": 1,
                        "transfer_reason": reason,
                        "transfer_context": {},
                    },
                    "caller": {},
                },
            )


class Scenarios:
    """How conversations with this assistant go, as Rasa records them."""

    def __init__(self, texts: Texts, rng: random.Random) -> None:
        self.texts, self.rng = texts, rng

    def menu(self, c: Conversation) -> None:
        c.action("action_show_menu")
        c.bot(
            "我可以解答这些问题：……",
            structure={
                "kind": "menu",
                "options": [
                    {"title": f"问题{n}", "payload": f"/{intent}"}
                    for n, (intent, _) in enumerate(self.texts.topics[:15])
                ],
            },
        )

    def simple(
        self,
        c: Conversation,
        text: str,
        intent: str,
        response: str,
        confidence: float = 0.95,
        menu: bool = False,
    ) -> None:
        c.user(text, intent, confidence)
        c.action(response)
        c.bot("（" + response + "）" * 8, response)
        if menu:
            self.menu(c)
        c.action("action_listen", hide=True)
        c.call_state()

    def ask(self, c: Conversation, slot: str) -> None:
        c.slot("requested_slot", slot)
        c.bot(
            self.texts.questions.get(slot, slot),
            f"utter_ask_{slot}",
            buttons=[{"title": "是", "payload": "是"}, {"title": "不是", "payload": "不是"}],
        )
        c.action("action_listen", hide=True)
        c.call_state()

    def reply(
        self,
        c: Conversation,
        text: str,
        intent: str,
        confidence: float,
        digits: Optional[str] = None,
    ) -> None:
        c.wait()
        c.user(text, intent, confidence, digits)
        c.action("consultation_form", hide=True)

    def consultation(self, c: Conversation, outcome: str) -> None:
        rng = self.rng
        topic, slots = rng.choice(self.texts.topics)
        keyed = c.channel == "voice12333" and rng.random() < 0.5
        c.user(
            f"/{topic}" if keyed else self.texts.of(rng, topic, "社保卡"),
            topic,
            1.0 if keyed else rng.uniform(0.75, 1.0),
            "1" if keyed else None,
        )
        c.action("action_start_topic")
        c.slot("topic", topic)
        c.slot("previous_topic", None)
        c.action("consultation_form")
        c.loop("consultation_form")
        asked = slots[: rng.randint(1, max(1, min(3, len(slots))))] if slots else []
        leave_at = rng.randrange(len(asked)) if asked and outcome in ("left", "stopped") else None
        for index, slot in enumerate(asked):
            self.ask(c, slot)
            if index == leave_at:
                if outcome == "stopped":
                    self.reply(c, rng.choice(["算了", "不问了", "算了吧"]), "stop", 0.93)
                    c.bot("好的，这个问题先不问了。", "utter_consultation_stopped")
                    c.slot("requested_slot", None)
                    c.loop(None)
                    c.action("action_listen", hide=True)
                    c.call_state()
                return
            if outcome == "retried" and index == 0:
                self.reply(c, rng.choice(UNCLEAR_REPLIES), "nlu_fallback", 0.5)
                c.bot("抱歉，我没太明白。", structure={"kind": "not_understood", "slot": slot})
                c.slot(slot, None)
                c.slot("retried_slot", slot)
                self.ask(c, slot)
            self.reply(
                c,
                rng.choice(["是的", "没有", "对", "还没", "已经办了", "两年"]),
                rng.choice(["affirm", "deny", "nlu_fallback"]),
                rng.uniform(0.5, 0.99),
                "1" if keyed else None,
            )
            c.slot(slot, True)
            c.slot("retried_slot", None)
        c.slot("requested_slot", "follow_up")
        c.bot(
            "根据您的情况……" * 20,
            structure={
                "kind": "answer",
                "topic": topic,
                "lines": [
                    {
                        "statement": f"{topic}.{n}",
                        "text": "请携带有效身份证件到服务网点办理。" * 3,
                        "personal": n % 2 == 0,
                    }
                    for n in range(4)
                ],
                "sources": ["《社会保险法》", "人社部门社保卡业务办理公开指引"],
            },
        )
        c.bot(
            "还有其他问题吗？您可能还想问：",
            structure={"kind": "follow_up", "topic": topic, "options": []},
        )
        c.slot("answer_given", json.dumps([topic, {}]))
        c.action("action_listen", hide=True)
        c.call_state()
        if rng.random() < 0.6:
            self.reply(c, rng.choice(["没有了，谢谢", "好的谢谢", "明白了"]), "thank", 0.96)
            c.bot("感谢您的咨询，再见！", "utter_goodbye")
            c.slot("requested_slot", None)
            c.loop(None)
            c.action("action_listen")
            c.call_state()

    def conversation(self, c: Conversation) -> None:
        rng = self.rng
        c.session()
        if c.channel == "voice12333":
            c.user("/greet", "greet", 1.0)
            c.action("utter_greet")
            c.bot("您好，欢迎致电。", "utter_greet")
            self.menu(c)
            c.action("action_listen")
            c.call_state()
            c.wait(2, 10)
        for turn in range(rng.choice([1, 1, 1, 1, 2])):
            if turn:
                c.wait()
            kind = weighted(
                rng,
                (
                    ("answered", 0.30),
                    ("left", 0.08),
                    ("stopped", 0.03),
                    ("retried", 0.05),
                    ("out_of_scope", 0.17),
                    ("fallback", 0.10),
                    ("human", 0.08),
                    ("greet", 0.11),
                    ("failed", 0.02),
                    ("transfer", 0.06),
                ),
            )
            if kind in ("answered", "left", "stopped", "retried"):
                self.consultation(c, kind)
            elif kind == "out_of_scope":
                self.simple(
                    c, long_tail(rng), "out_of_scope", "utter_out_of_scope", rng.uniform(0.6, 1.0)
                )
            elif kind == "fallback":
                c.user(
                    rng.choice(VAGUE) if rng.random() < 0.6 else long_tail(rng),
                    "nlu_fallback",
                    0.5,
                    runner_up=rng.uniform(0.1, 0.49),
                )
                c.action("utter_ask_rephrase")
                c.bot("抱歉，我没太明白您的意思。请换个说法再说一遍。", "utter_ask_rephrase")
                self.menu(c)
                c.action("action_listen", hide=True)
                c.call_state()
            elif kind == "human":
                self.simple(
                    c,
                    rng.choice(["转人工", "人工客服", "我要找人工", "有没有真人"]),
                    "request_human",
                    "utter_request_human",
                    rng.uniform(0.8, 1.0),
                )
            elif kind == "greet":
                self.simple(
                    c, rng.choice(["你好", "您好", "在吗"]), "greet", "utter_greet", menu=True
                )
            elif kind == "failed":
                topic, _ = rng.choice(self.texts.topics)
                c.user(self.texts.of(rng, topic, "社保卡"), topic, rng.uniform(0.8, 1.0))
                c.action("action_start_topic")
                c.action("action_listen")
            elif kind == "transfer" and c.channel == "voice12333":
                c.call_state("transfer", weighted(rng, TRANSFER_REASONS))
                return
        if c.channel == "voice12333":
            c.wait(1, 5)
            c.user("/session_start", "session_start", 1.0)
            c.session()
            c.call_state("hangup")


def start_times(
    count: int, days: int, end: float, timezone: str, rng: random.Random
) -> List[float]:
    """Conversation starts over the last `days` days: more in office hours and on weekdays."""
    zone = ZoneInfo(timezone)
    last = datetime.fromtimestamp(end, zone).date()
    dates = [last - timedelta(days=n) for n in range(days)]
    weights = [1.0 if day.weekday() < 5 else 0.55 for day in dates]
    starts = []
    for day in rng.choices(dates, weights, k=count):
        hour = rng.choices(range(24), HOURS)[0]
        moment = datetime(day.year, day.month, day.day, hour, tzinfo=zone).timestamp()
        starts.append(min(moment + rng.uniform(0, 3600), end - 3600))
    return sorted(starts)


def sender_for(channel: str, rng: random.Random) -> str:
    token = uuid.UUID(int=rng.getrandbits(128)).hex
    if channel == "wechat":
        return "o" + token[:27]
    if channel == "voice12333":
        return "call-" + token
    return token


def rows(
    count: int,
    days: int,
    seed: int = 12333,
    end: Optional[float] = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> Iterator[Tuple]:
    """The events of `count` conversations, in the order they happened (interleaved)."""
    rng = random.Random(seed)
    scenarios = Scenarios(Texts.load(), rng)
    pending: List[Tuple[float, int, Tuple]] = []
    sequence = 0
    for start in start_times(count, days, end or time.time(), timezone, rng):
        while pending and pending[0][0] < start:
            yield heapq.heappop(pending)[2]
        channel = weighted(rng, CHANNELS)
        conversation = Conversation(sender_for(channel, rng), channel, start, rng)
        scenarios.conversation(conversation)
        for row in conversation.rows:
            sequence += 1
            heapq.heappush(pending, (row[2], sequence, row))
    while pending:
        yield heapq.heappop(pending)[2]


def create_events_table(url: str) -> None:
    """The events table, created by Rasa's own SQLTrackerStore."""
    from rasa.core.tracker_store import SQLTrackerStore

    store = SQLTrackerStore(host=url)
    store.engine.dispose()


def insert(url: str, events: Iterator[Tuple], batch: int = 20000) -> int:
    import sqlalchemy as sa

    from console.store import create_engine

    engine = create_engine(url)
    columns = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
    written = 0
    with engine.begin() as connection:
        if connection.execute(sa.text("SELECT COUNT(*) FROM events")).scalar():
            raise SystemExit("the events table is not empty: generate into a scratch database")
    while True:
        chunk = [row for _, row in zip(range(batch), events, strict=False)]
        if not chunk:
            break
        if engine.dialect.name == "postgresql":
            buffer = io.StringIO()
            csv.writer(buffer).writerows(chunk)
            buffer.seek(0)
            raw = engine.raw_connection()
            try:
                with raw.cursor() as cursor:
                    cursor.copy_expert(
                        f"COPY events ({', '.join(columns)}) FROM STDIN " "WITH (FORMAT csv)",
                        buffer,
                    )
                raw.commit()
            finally:
                raw.close()
        else:
            with engine.begin() as connection:
                connection.execute(
                    sa.text(
                        f"INSERT INTO events ({', '.join(columns)}) VALUES "
                        "(:sender_id, :type_name, :timestamp, :intent_name, :action_name, :data)"
                    ),
                    [dict(zip(columns, row, strict=False)) for row in chunk],
                )
        written += len(chunk)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.execute(sa.text("ANALYZE events"))
    engine.dispose()
    return written


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Fill a scratch tracker store with conversations.")
    parser.add_argument("--url", required=True, help="database URL (postgresql://…, sqlite:///…)")
    parser.add_argument("--conversations", type=int, default=100000)
    parser.add_argument("--days", type=int, default=30, help="spread over the last N days")
    parser.add_argument("--seed", type=int, default=12333)
    args = parser.parse_args(argv)
    if args.conversations < 1 or args.days < 1:
        parser.error("--conversations and --days must be at least 1")
    began = time.monotonic()
    create_events_table(args.url)
    written = insert(args.url, rows(args.conversations, args.days, args.seed))
    from console.store import Store

    Store(args.url).prepare()  # the console's own tables and indexes
    print(
        f"{args.conversations} conversations, {written} events in "
        f"{time.monotonic() - began:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
