"""The SQL tracker store writes the rows Rasa's writes, without counting on every save."""

import asyncio
import json

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from stores.sql_tracker_store import KnownCountSQLTrackerStore
from tests.support import ROOT

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def turn(text, at):
    """A user turn and the assistant's answer, at fixed times so two stores write alike."""
    return [
        UserUttered(text, {"name": "card_lost", "confidence": 1.0}, timestamp=at),
        ActionExecuted("action_start_topic", timestamp=at + 0.1),
        SlotSet("topic", "card_lost", timestamp=at + 0.2),
        BotUttered(f"回答{text}", timestamp=at + 0.3),
        ActionExecuted("action_listen", timestamp=at + 0.4),
    ]


def conversation(store, sender):
    """A new conversation: three turns, then one that starts a new session. Each turn reads
    the conversation and saves it once, as Rasa's processor does."""
    session_start = [
        ActionExecuted("action_session_start", timestamp=2000.0),
        SessionStarted(timestamp=2000.1),
        ActionExecuted("action_listen", timestamp=2000.2),
    ]
    turns = [turn(f"第{number}句", 1000.0 + number) for number in range(3)]
    turns.append(session_start + turn("新会话", 2001.0))

    async def run():
        await store.get_or_create_tracker(sender)
        for events in turns:
            tracker = await store.retrieve(sender)
            for event in events:
                tracker.update(event)
            await store.save(tracker)
        return await store.retrieve(sender)

    return asyncio.run(run())


def rows(store):
    with store.engine.connect() as connection:
        result = connection.execute(
            sa.text("SELECT sender_id, type_name, action_name, intent_name, data FROM events")
        )
        return [
            (sender, kind, action, intent, _without_timestamp(json.loads(data)))
            for sender, kind, action, intent, data in result
        ]


def _without_timestamp(event):
    """The event without its time (a new conversation's first event is stamped now)."""
    return {key: value for key, value in event.items() if key != "timestamp"}


def counts(store):
    """The COUNT statements the store sends from now on."""
    seen = []

    @sa.event.listens_for(store.engine, "before_cursor_execute")
    def note(_conn, _cursor, statement, *_):
        if "count(" in statement.lower():
            seen.append(statement)

    return seen


@pytest.fixture
def sqlite_stores(tmp_path):
    return [
        store_class(DOMAIN, dialect="sqlite", db=str(tmp_path / f"{store_class.__name__}.db"))
        for store_class in (SQLTrackerStore, KnownCountSQLTrackerStore)
    ]


def test_the_same_rows_as_rasas_store_and_no_count_for_a_known_tracker(sqlite_stores):
    rasa_store, ours = sqlite_stores
    rasa_counts, our_counts = counts(rasa_store), counts(ours)
    rasa_last = conversation(rasa_store, "citizen")
    our_last = conversation(ours, "citizen")
    assert rows(ours) == rows(rasa_store)
    assert len(rows(ours)) == 1 + 4 * 5 + 3
    assert [_without_timestamp(event.as_dict()) for event in our_last.events] == [
        _without_timestamp(event.as_dict()) for event in rasa_last.events
    ]
    assert len(rasa_counts) == 5
    # Only the new conversation is counted: its tracker was created, not retrieved.
    assert len(our_counts) == 1


def test_rasas_store_and_ours_read_the_same_tracker_from_the_same_rows(sqlite_stores):
    rasa_store, ours = sqlite_stores
    conversation(ours, "citizen")
    rasa_reading = SQLTrackerStore(DOMAIN, dialect="sqlite", db=ours.engine.url.database)

    async def both():
        return [await store.retrieve_full_tracker("citizen") for store in (ours, rasa_reading)] + [
            await store.retrieve("citizen") for store in (ours, rasa_reading)
        ]

    full, rasa_full, latest, rasa_latest = asyncio.run(both())
    assert [e.as_dict() for e in full.events] == [e.as_dict() for e in rasa_full.events]
    assert [e.as_dict() for e in latest.events] == [e.as_dict() for e in rasa_latest.events]
    assert full.current_state() == rasa_full.current_state()
    assert len(full.events) > len(latest.events) > 5


def test_a_tracker_the_store_has_not_seen_is_counted(sqlite_stores):
    _, ours = sqlite_stores
    conversation(ours, "citizen")
    seen = counts(ours)

    async def replaced():
        tracker = await ours.retrieve("citizen")
        copy = type(tracker).from_events("citizen", list(tracker.events), DOMAIN.slots)
        copy.update(BotUttered("再补一句", timestamp=3000.0))
        await ours.save(copy)
        return await ours.retrieve("citizen")

    after = asyncio.run(replaced())
    assert len(seen) == 1
    assert after.events[-1].text == "再补一句"
    assert [row[1] for row in rows(ours)].count("bot") == 4 + 1


def test_the_projects_store_in_postgresql(postgres):
    """The production profile's store on a real PostgreSQL database."""
    store = KnownCountSQLTrackerStore(
        DOMAIN,
        dialect="postgresql",
        host=postgres.host,
        port=postgres.port,
        db=postgres.name,
        username=postgres.user,
        password=postgres.password,
    )
    seen = counts(store)
    last = conversation(store, "citizen-pg")
    assert len(seen) == 1
    assert [event.type_name for event in last.events][-5:] == [
        "user",
        "action",
        "slot",
        "bot",
        "action",
    ]
    # Other tests' conversations may share the database: only this one's rows count.
    assert len([row for row in rows(store) if row[0] == "citizen-pg"]) == 1 + 4 * 5 + 3
