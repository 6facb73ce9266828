"""The tracker store's database: read Rasa's events, keep the console's own tables.

Rasa owns the `events` table: the console only reads it. The console's own tables are created
when missing, with the indexes of `queries.INDEXES` (PostgreSQL builds them CONCURRENTLY):

- `console_event_facts`: the few fields of each followed event that the figures need (no
  message text), copied from `events` incrementally (`catch_up`, before every report), so that
  an event's JSON is parsed once rather than at every page view. Events Rasa's retention
  removed from the start of `events` are removed here too; the table can be dropped at any time
  and is rebuilt.
- `console_reviews`: the reviewers' marks.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import URL

from console import queries
from console.figures import DateRange

metadata = sa.MetaData()
REVIEWS = sa.Table(
    "console_reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # The group's normalised text (console/grouping.py): one mark per text.
    sa.Column("normalised", sa.String(1000), nullable=False, unique=True),
    sa.Column("outcome", sa.String(32), nullable=False),
    # The intent the texts should have had; out_of_scope when confirmed out of scope.
    sa.Column("intent", sa.String(255), nullable=False),
    # The group's texts as stored, with how often each was asked: JSON [{"text", "count"}].
    sa.Column("examples", sa.Text, nullable=False),
    sa.Column("asked", sa.Integer, nullable=False),  # messages in the group when marked
    sa.Column("last_asked", sa.Float),  # the newest of them (epoch seconds)
    sa.Column("sender_id", sa.String(255)),  # a conversation it was asked in
    sa.Column("marked_at", sa.Float, nullable=False),
)
FACTS = sa.Table(
    queries.FACTS,
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),  # events.id
    sa.Column("sender_id", sa.String(255), nullable=False),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("name", sa.String(255)),
    sa.Column("intent", sa.String(255)),
    sa.Column("timestamp", sa.Float),
    *(sa.Column(name, sa.Text) for name in ("a", "b", "c", "d")),  # queries.FACT_COLUMNS
)
CONVERSATION_LIMIT = 2000  # events shown of one conversation (the latest)
CATCH_UP_BATCH = 100000  # event ids copied per transaction
# Events are re-read this far below the newest copied one: a turn that committed late (its ids
# were taken before another turn's, which committed first) is not missed.
LATE_COMMIT_MARGIN = 2000
TEXT_BATCH = 500


class StoreError(Exception):
    """The database cannot be used as the console needs it; the message says why."""


def create_engine(url: Union[str, URL]) -> Engine:
    url = sa.engine.url.make_url(url) if isinstance(url, str) else url
    if url.get_backend_name() == "sqlite":
        return sa.create_engine(url, connect_args={"timeout": 15})
    connect_args: Dict[str, Any] = {"connect_timeout": 10}
    schema = os.environ.get("POSTGRESQL_SCHEMA")  # as Rasa's SQLTrackerStore reads it
    if schema:
        connect_args["options"] = f"-csearch_path={schema}"
    return sa.create_engine(
        url, pool_size=4, max_overflow=4, pool_pre_ping=True, connect_args=connect_args
    )


class Store:
    def __init__(self, url: Union[str, URL]) -> None:
        self.engine = create_engine(url)
        self.dialect = self.engine.dialect.name

    @property
    def errors(self) -> tuple:
        """What reading or writing the database raises when it cannot be used."""
        return (sa.exc.SQLAlchemyError, self.engine.dialect.dbapi.Error)

    def prepare(self) -> None:
        """Checks that Rasa's table is there, adds the missing indexes and the review table."""
        if not sa.inspect(self.engine).has_table("events"):
            raise StoreError(
                "the database has no 'events' table yet: start the Rasa server "
                "with this endpoints file once, so that it creates its tables"
            )
        metadata.create_all(self.engine, tables=[REVIEWS, FACTS])
        ensure_indexes(self.engine)

    def catch_up(self, progress: Optional[Callable[[int, int], None]] = None) -> int:
        """Copies the events added since the last call into the facts; returns how many ids
        were read."""
        sql, _ = queries.catch_up(self.dialect)
        with self.engine.begin() as connection:
            first, last = connection.execute(sa.text(queries.id_bounds()[0])).one()
            done = connection.execute(sa.select(sa.func.max(FACTS.c.id))).scalar()
            if first is None:
                connection.execute(FACTS.delete())
                return 0
            if done is not None and done > last:  # the events table was emptied and refilled
                connection.execute(FACTS.delete())
                done = None
            connection.execute(FACTS.delete().where(FACTS.c.id < first))
        after = first - 1 if done is None else max(done - LATE_COMMIT_MARGIN, first - 1)
        start = after
        while after < last:
            upto = min(after + CATCH_UP_BATCH, last)
            with self.engine.begin() as connection:
                connection.execute(sa.text(sql), {"after": after, "upto": upto})
            after = upto
            if progress:
                progress(after - start, last - start)
        return last - start

    def rows(self, period: DateRange) -> List[tuple]:
        """The facts of the range, as tuples of queries.FACT_COLUMNS, in event order."""
        self.catch_up()
        sql, params = queries.facts_in_range(period.start, period.end)
        marker = "%({})s" if self.dialect == "postgresql" else ":{}"
        for name in params:
            sql = sql.replace(f":{name}", marker.format(name))
        return self._fetch(sql, params)

    def texts(self, ids: Sequence[int]) -> Dict[int, str]:
        """The texts of these user messages, as stored."""
        ids = [int(value) for value in ids]
        if self.dialect == "postgresql":
            batches = [(queries.texts_of(self.dialect, len(ids)), {"ids": ids})]
        else:
            batches = [
                (
                    queries.texts_of(self.dialect, len(ids[n : n + TEXT_BATCH])),
                    ids[n : n + TEXT_BATCH],
                )
                for n in range(0, len(ids), TEXT_BATCH)
            ]
        texts: Dict[int, str] = {}
        for sql, params in batches:
            for event_id, text in self._fetch(sql, params):
                texts[int(event_id)] = text if isinstance(text, str) else ""
        return texts

    def _fetch(self, sql: str, params: Any) -> List[tuple]:
        """Rows of plain tuples from the driver's own cursor: several times faster than
        SQLAlchemy's rows for the large results of the reports."""
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            cursor.close()
            return rows
        finally:
            connection.close()

    def conversation(self, sender_id: str, limit: int = CONVERSATION_LIMIT) -> List[Dict]:
        """The conversation's latest events as Rasa's event dictionaries, oldest first."""
        sql, params = queries.conversation_events(sender_id, limit)
        with self.engine.connect() as connection:
            rows = list(connection.execute(sa.text(sql), params))
        events = []
        for _, type_name, timestamp, data in reversed(rows):
            try:
                event = json.loads(data)
            except (TypeError, ValueError):
                event = {}
            if not isinstance(event, dict):
                event = {}
            event.setdefault("event", type_name)
            event.setdefault("timestamp", timestamp)
            events.append(event)
        return events

    def event_count(self) -> int:
        sql, params = queries.event_count()
        with self.engine.connect() as connection:
            return int(connection.execute(sa.text(sql), params).scalar() or 0)

    # The console's review marks.

    def reviews(self) -> List[Dict[str, Any]]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(REVIEWS).order_by(REVIEWS.c.marked_at.desc(), REVIEWS.c.id.desc())
            )
            return [_review(dict(row._mapping)) for row in rows]

    def mark(
        self,
        normalised: str,
        outcome: str,
        intent: str,
        examples: Sequence[Dict[str, Any]],
        asked: int,
        last_asked: Optional[float],
        sender_id: Optional[str],
        marked_at: Optional[float] = None,
    ) -> None:
        """Marks a group; a text marked before gets the new mark."""
        values = dict(
            normalised=normalised,
            outcome=outcome,
            intent=intent,
            examples=json.dumps(list(examples), ensure_ascii=False),
            asked=int(asked),
            last_asked=last_asked,
            sender_id=(sender_id or "")[:255],
            marked_at=time.time() if marked_at is None else marked_at,
        )
        with self.engine.begin() as connection:
            connection.execute(REVIEWS.delete().where(REVIEWS.c.normalised == normalised))
            connection.execute(REVIEWS.insert().values(**values))

    def unmark(self, review_id: int) -> bool:
        with self.engine.begin() as connection:
            result = connection.execute(REVIEWS.delete().where(REVIEWS.c.id == review_id))
            return bool(result.rowcount)


def _review(row: Dict[str, Any]) -> Dict[str, Any]:
    try:
        examples = json.loads(row["examples"])
    except (TypeError, ValueError):
        examples = []
    row["examples"] = [item for item in examples if isinstance(item, dict) and item.get("text")]
    return row


def ensure_indexes(engine: Engine) -> List[str]:
    """Creates the console's indexes on `events` when missing; returns those created."""
    created = []
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            for name, target in queries.INDEXES:
                valid = connection.execute(
                    sa.text(
                        "SELECT i.indisvalid FROM pg_index i "
                        "JOIN pg_class c ON c.oid = i.indexrelid "
                        "WHERE c.relname = :name AND pg_table_is_visible(c.oid)"
                    ),
                    {"name": name},
                ).scalar()
                if valid:
                    continue
                if valid is False:  # a concurrent build that was interrupted
                    connection.execute(sa.text(f"DROP INDEX CONCURRENTLY IF EXISTS {name}"))
                connection.execute(
                    sa.text(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {target}")
                )
                created.append(name)
        return created
    with engine.begin() as connection:
        existing = {
            row[0]
            for row in connection.execute(
                sa.text("SELECT name FROM sqlite_master WHERE type = 'index'")
            )
        }
        for (name, _), statement in zip(queries.INDEXES, queries.index_statements(), strict=False):
            if name not in existing:
                connection.execute(sa.text(statement))
                created.append(name)
    return created
