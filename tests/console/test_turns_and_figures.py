"""Unit tests: events folded into turns, consultations and transfers, and the overview's figures."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from console.figures import RangeError, date_range, overview
from console.labels import Labels
from console.turns import (
    FALLBACK,
    LOW,
    NOT_UNDERSTOOD,
    OUT_OF_SCOPE,
    STOPPED,
    asked_about,
    failed,
    fold,
    is_fallback,
    is_low_confidence,
    is_out_of_scope,
    unanswered_outcome,
)

ZONE = "Asia/Shanghai"
DAY = date(2026, 3, 2)
T0 = datetime.combine(DAY, time(10), ZoneInfo(ZONE)).timestamp()


class Events:
    """Fact rows (queries.FACT_COLUMNS) of conversations, as the tracker store holds them."""

    def __init__(self):
        self.rows, self.t = [], T0

    def _add(self, sender, kind, name=None, intent=None, a=None, b=None, c=None, d=None):
        self.t += 1
        self.rows.append((len(self.rows) + 1, sender, kind, name, intent, self.t, a, b, c, d))
        return self

    def user(self, sender, intent, confidence=0.95, channel="rest", runner_up=0.01, digits=None):
        return self._add(sender, "user", None, intent, channel, confidence, runner_up, digits)

    def bot(self, sender, utter=None, kind=None, slot=None):
        return self._add(sender, "bot", None, None, kind, utter, slot)

    def slot(self, sender, name, value=None, reason=None):
        return self._add(sender, "slot", name, None, value, reason)


def consultation_start(events, sender, topic="card_lost", first="card_findable"):
    events.user(sender, topic).slot(sender, "topic", topic).slot(sender, "requested_slot", first)
    return events.bot(sender, f"utter_ask_{first}")


def test_a_consultation_answered_and_one_abandoned_at_its_question():
    events = consultation_start(Events(), "a")
    events.user("a", "deny", 0.6).slot("a", "requested_slot", "temporary_loss_done").bot(
        "a", "utter_ask_temporary_loss_done"
    )
    events.user("a", "affirm").slot("a", "requested_slot", "follow_up").bot("a", kind="answer").bot(
        "a", kind="follow_up"
    )
    consultation_start(events, "b")
    events.user("b", "affirm").slot("b", "requested_slot", "temporary_loss_done").bot(
        "b", "utter_ask_temporary_loss_done"
    )
    folded = fold(events.rows)
    answered, left = folded.consultations
    assert answered.answered and not answered.abandoned
    assert left.abandoned and left.last_question == "temporary_loss_done"
    assert [turn.question for turn in folded.turns if turn.sender_id == "a"] == [
        None,
        "card_findable",
        "temporary_loss_done",
    ]


def test_a_stopped_consultation_gives_up_at_the_question_the_stop_replied_to():
    events = consultation_start(Events(), "s")
    events.user("s", "stop", 0.93).slot("s", "requested_slot", None).bot(
        "s", "utter_consultation_stopped"
    ).slot("s", "requested_slot", "temporary_loss_done").slot("s", "requested_slot", None)
    (consultation,) = fold(events.rows).consultations
    assert consultation.stopped and consultation.abandoned
    assert consultation.last_question == "card_findable"
    assert unanswered_outcome(fold(events.rows).turns[-1]) == STOPPED


def test_another_topic_before_an_answer_is_a_switch_not_an_abandon():
    events = consultation_start(Events(), "w")
    events.user("w", "pension_certification").slot("w", "topic", "pension_certification").slot(
        "w", "requested_slot", "retiree_location"
    ).bot("w", kind="switched").bot("w", "utter_ask_retiree_location")
    first, second = fold(events.rows).consultations
    assert first.switched and not first.abandoned and second.abandoned


def test_conversations_may_interleave():
    events = Events()
    consultation_start(events, "x")
    consultation_start(events, "y")
    events.user("x", "affirm").bot("x", kind="answer")
    events.user("y", "stop").bot("y", "utter_consultation_stopped")
    x, y = fold(events.rows).consultations
    assert (x.sender_id, x.answered) == ("x", True)
    assert (y.sender_id, y.stopped, y.last_question) == ("y", True, "card_findable")


def test_what_a_turn_counts_as():
    events = Events()
    events.user("f", "nlu_fallback", 0.5, runner_up=0.3).bot("f", "utter_ask_rephrase").bot(
        "f", kind="menu"
    )
    events.user("o", "out_of_scope", 0.99).bot("o", "utter_out_of_scope")
    events.user("k", "nlu_fallback", 1.0, channel="voice12333", runner_up=None, digits="2").bot(
        "k", "utter_ask_x"
    )
    events.user("p", "greet", 1.0, runner_up=None).bot("p", "utter_greet")  # a /greet payload
    events.user("d", "greet", 0.9).bot("d", "utter_default")
    events.user("n", "card_lost")  # no bot message: the apology
    fallback, out, keyed, payload, default, silent = fold(events.rows).turns
    assert is_fallback(fallback) and is_low_confidence(fallback)
    assert unanswered_outcome(fallback) == FALLBACK
    assert is_out_of_scope(out) and unanswered_outcome(out) == OUT_OF_SCOPE
    assert keyed.payload and not is_fallback(keyed) and not is_low_confidence(keyed)
    assert unanswered_outcome(keyed) is None
    assert payload.payload and unanswered_outcome(payload) is None
    assert is_fallback(default) and unanswered_outcome(default) == FALLBACK
    assert failed(silent) and not failed(default)


def test_inside_a_consultation_only_the_response_tells_what_was_not_understood():
    events = consultation_start(Events(), "r")
    events.user("r", "nlu_fallback", 0.5, runner_up=0.2).bot(
        "r", kind="not_understood", slot="card_findable"
    ).bot("r", "utter_ask_card_findable")
    events.user("r", "nlu_fallback", 0.5, runner_up=0.4).slot("r", "requested_slot", "x").bot(
        "r", "utter_ask_x"
    )  # understood by the form as an answer
    events.user("r", "out_of_scope", 0.99).bot("r", "utter_out_of_scope").bot("r", "utter_ask_x")
    _, retried, answered, aside = fold(events.rows).turns
    assert unanswered_outcome(retried) == NOT_UNDERSTOOD
    assert asked_about(retried) == "card_findable"
    assert unanswered_outcome(answered) is None and is_fallback(answered)
    assert unanswered_outcome(aside) == OUT_OF_SCOPE


def test_low_confidence_outside_a_consultation():
    events = Events().user("l", "nlu_fallback", 0.5, runner_up=0.3).bot("l", "utter_ask_rephrase")
    events.user("m", "help", 0.45).bot("m", "utter_help")
    turn = fold(events.rows).turns[1]
    assert is_low_confidence(turn) and unanswered_outcome(turn) == LOW


def test_messages_rasa_sends_itself_are_no_turns():
    events = Events().user("c", "greet", 1.0, "voice12333", runner_up=None).bot("c", "utter_greet")
    events.user("c", "session_start", 1.0, "voice12333", runner_up=None)
    assert len(fold(events.rows).turns) == 1


def test_transfers_of_the_telephone_line():
    events = (
        Events().slot("c", "voice_call", "listen").slot("c", "voice_call", "transfer", "no_input")
    )
    (transfer,) = fold(events.rows).transfers
    assert (transfer.sender_id, transfer.reason) == ("c", "no_input")


def test_overview_figures():
    events = consultation_start(Events(), "a")
    events.user("a", "affirm").bot("a", kind="answer")
    events.user("b", "out_of_scope", channel="wechat").bot("b", "utter_out_of_scope")
    events.user("b", "request_human", channel="wechat").bot("b", "utter_request_human")
    events.user("c", "card_lost", channel="wechat")
    events.slot("v", "voice_call", "transfer", "caller_request")
    labels = Labels(topics={"card_lost": "社保卡丢了"}, questions={"card_findable": "找得回来吗"})
    figures = overview(fold(events.rows), date_range(None, DAY.isoformat(), DAY, ZONE), labels)
    assert figures["conversations"] == 3 and figures["user_turns"] == 5
    assert figures["per_day"][-1] == {
        "date": "2026-03-02",
        "conversations": 3,
        "user_turns": 5,
        "channels": {"rest": 2, "wechat": 3},
    }
    assert [day["user_turns"] for day in figures["per_day"][:-1]] == [0] * 6
    assert figures["per_channel"][0] == {"channel": "wechat", "conversations": 2, "user_turns": 3}
    assert figures["topics"] == [{"topic": "card_lost", "count": 1, "title": "社保卡丢了"}]
    assert figures["consultations"]["answered"] == 1
    assert figures["shares"]["out_of_scope"] == {"turns": 1, "share": 0.2}
    assert figures["human"]["requests"] == 1
    assert figures["human"]["transfer_reasons"] == [{"reason": "caller_request", "count": 1}]
    assert figures["failures"] == {"turns": 1, "share": 0.2}
    assert figures["unanswered"]["by_outcome"]["out_of_scope"] == 1


def test_days_follow_the_time_zone():
    late = datetime(2026, 3, 2, 23, 30, tzinfo=ZoneInfo(ZONE)).timestamp()
    rows = [
        (1, "z", "user", None, "greet", late, "rest", 0.9, 0.01, None),
        (2, "z", "user", None, "greet", late + 3600, "rest", 0.9, 0.01, None),
    ]
    period = date_range("2026-03-02", "2026-03-03", DAY, ZONE)
    days = overview(fold(rows), period, Labels())["per_day"]
    assert [day["user_turns"] for day in days] == [1, 1]
    outside = overview(fold(rows), date_range("2026-03-01", "2026-03-01", DAY, ZONE), Labels())
    assert outside["user_turns"] == 0


def test_date_ranges():
    default = date_range(None, None, DAY, ZONE)
    assert (default.first, default.last) == (date(2026, 2, 24), DAY)
    assert date_range("2026-01-01", None, DAY, ZONE).last == DAY
    for start, end in (
        ("2026-03-05", "2026-03-01"),
        ("x", None),
        (None, "2026-02-30"),
        ("2024-01-01", "2026-01-01"),
    ):
        with pytest.raises(RangeError):
            date_range(start, end, DAY, ZONE)
