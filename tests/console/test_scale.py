"""The scale data generator and the benchmark of the console's reports, on small data sets
(the 100,000-conversation figures are in docs/console.md)."""

import json

import pytest
import sqlalchemy as sa

from console import bench, generate
from console.store import LATE_COMMIT_MARGIN, Store
from tests.services import fresh_database


def _check(url, conversations):
    assert generate.main(["--url", url, "--conversations", str(conversations), "--days", "10"]) == 0
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        senders, users = connection.execute(
            sa.text(
                "SELECT COUNT(DISTINCT sender_id), "
                "SUM(CASE WHEN type_name = 'user' THEN 1 ELSE 0 END) FROM events"
            )
        ).one()
        sample = connection.execute(
            sa.text("SELECT data FROM events WHERE type_name = 'bot' ORDER BY id LIMIT 1")
        ).scalar()
    engine.dispose()
    assert senders == conversations and users >= conversations
    assert json.loads(sample)["event"] == "bot"
    result = bench.run(url, days=(7, 10))
    assert result["conversations"] == conversations and result["events"] > 10 * conversations
    week, everything = result["ranges"]
    assert 0 < week["conversations"] < everything["conversations"] <= conversations
    assert everything["unanswered_messages"] > 0 and everything["groups"] > 0
    assert result["overview_seconds"] > 0 and result["unanswered_seconds"] > 0
    with pytest.raises(SystemExit, match="not empty"):
        generate.insert(url, iter([]))
    return result


def test_generate_and_bench_on_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path / 'scale.db'}", 300)


@pytest.fixture
def scratch_postgres():
    yield from fresh_database()


@pytest.mark.server
def test_generate_and_bench_on_postgresql(scratch_postgres):
    database = scratch_postgres
    url = (
        f"postgresql://{database.user}:{database.password}@{database.host}:{database.port}/"
        f"{database.name}"
    )
    _check(url, 300)
    store = Store(url)
    with store.engine.connect() as connection:
        newest_event = connection.execute(sa.text("SELECT MAX(id) FROM events")).scalar()
        newest_fact = connection.execute(
            sa.text("SELECT MAX(id) FROM console_event_facts")
        ).scalar()
    # Nothing new: only the margin below the newest copied event is read again (and the events
    # after it that are no facts, such as a last action_listen).
    assert store.catch_up() == LATE_COMMIT_MARGIN + newest_event - newest_fact
    store.engine.dispose()
