"""SQL text for Rasa's `events` table (SQLTrackerStore) and the console's own tables, for
SQLite and PostgreSQL.

Pure builders: each returns the statement and its parameters; console/store.py runs them. Rasa
keeps each event as JSON text in `data`; `action_name` holds the event's `name` (an action's, a
slot's or a loop's name) and `intent_name` a user message's intent. The few JSON fields the
figures need are read in SQL (json_extract in SQLite, jsonb operators in PostgreSQL) once per
event, into the console's table of facts.
"""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

Statement = Tuple[str, Dict[str, object]]

# Slots the figures follow: the topic, the question open, the telephone line's call state.
FOLLOWED_SLOTS = ("topic", "requested_slot", "voice_call")

# The console's compact copy of the fields its figures need, one row per followed event
# (console_event_facts, console/store.py): filled from `events` incrementally, so that every
# event's JSON is read once, not at every page view. It keeps no message text.
FACTS = "console_event_facts"
FACT_COLUMNS = ("id", "sender_id", "type_name", "name", "intent", "timestamp", "a", "b", "c", "d")
# Indexes the console creates when they are missing (CREATE INDEX IF NOT EXISTS).
INDEXES: Sequence[Tuple[str, str]] = (("console_event_facts_timestamp", f"{FACTS} (timestamp)"),)

# a…d depend on the event's type:
#   user: a input_channel, b intent confidence, c confidence of the runner-up intent (the best
#         real intent when the fallback classifier stepped in), d keypad digits
#   bot:  a structure.kind, b utter_action, c structure.slot
#   slot: a the value (topic, requested_slot) or the reply's action (voice_call),
#         b the reply's transfer reason (voice_call)

# PostgreSQL's JSON types refuse the escape \u0000 (a NUL typed into a message): it is dropped,
# unless its backslash is itself escaped, before the data is read as JSON.
PG_JSON = (
    "(CASE WHEN strpos(data, '\\u0000') > 0 "
    "THEN regexp_replace(data, '((?:^|[^\\\\])(?:\\\\\\\\)*)\\\\u0000', '\\1', 'g') "
    "ELSE data END)::jsonb"
)


def _path(dialect: str, *keys: object) -> str:
    """The text of the JSON value at `keys` of the event's data."""
    if dialect == "postgresql":
        return "(j #>> '{" + ",".join(str(key) for key in keys) + "}')"
    path = "$" + "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in keys)
    return f"json_extract(data, '{path}')"


def _case(user: str, bot: str, slot: str = "NULL", voice: str = "NULL") -> str:
    return (
        f"CASE WHEN type_name = 'user' THEN {user} WHEN type_name = 'bot' THEN {bot} "
        f"WHEN action_name = 'voice_call' THEN {voice} "
        f"WHEN type_name = 'slot' THEN {slot} ELSE NULL END"
    )


def _extracted(dialect: str) -> List[str]:
    p = lambda *keys: _path(dialect, *keys)  # noqa: E731
    return [
        _case(
            p("input_channel"),
            p("metadata", "structure", "kind"),
            p("value"),
            p("value", "reply", "action"),
        ),
        _case(
            p("parse_data", "intent", "confidence"),
            p("metadata", "utter_action"),
            voice=p("value", "reply", "transfer_reason"),
        ),
        _case(
            p("parse_data", "intent_ranking", 1, "confidence"), p("metadata", "structure", "slot")
        ),
        _case(p("metadata", "voice", "digits"), "NULL"),
    ]


def _followed() -> str:
    slots = ", ".join(f"'{slot}'" for slot in FOLLOWED_SLOTS)
    return f"(type_name IN ('user', 'bot') OR (type_name = 'slot' AND action_name IN ({slots})))"


def catch_up(dialect: str) -> Statement:
    """Copies the followed events with after < id <= upto into the facts table."""
    columns = ", ".join(_extracted(dialect))
    where = f"id > :after AND id <= :upto AND {_followed()}"
    base = "id, sender_id, type_name, action_name, intent_name, timestamp"
    target = f"{FACTS} ({', '.join(FACT_COLUMNS)})"
    if dialect == "postgresql":
        # The JSON is parsed once per row (OFFSET 0 keeps the subquery from being inlined).
        inner = f"SELECT {base}, {PG_JSON} AS j FROM events WHERE {where} OFFSET 0"
        sql = (
            f"INSERT INTO {target} SELECT {base}, {columns} FROM ({inner}) AS e "
            "ON CONFLICT (id) DO NOTHING"
        )
    else:
        sql = f"INSERT OR IGNORE INTO {target} SELECT {base}, {columns} FROM events WHERE {where}"
    return sql, {}


def facts_in_range(start: float, end: float) -> Statement:
    """The facts with start <= timestamp < end, in the order the events happened."""
    return (
        f"SELECT {', '.join(FACT_COLUMNS)} FROM {FACTS} "
        "WHERE timestamp >= :start AND timestamp < :end ORDER BY id",
        {"start": float(start), "end": float(end)},
    )


def texts_of(dialect: str, count: int) -> str:
    """The texts of the user messages with the ids given, in the driver's own parameter style
    (one array on PostgreSQL, `count` values on SQLite)."""
    if dialect == "postgresql":
        text = "(" + PG_JSON.replace("::jsonb", "::json") + " ->> 'text')"
        return f"SELECT id, {text} FROM events WHERE id = ANY(%(ids)s)"
    listed = ", ".join("?" for _ in range(count)) or "NULL"
    return f"SELECT id, json_extract(data, '$.text') FROM events WHERE id IN ({listed})"


def id_bounds() -> Statement:
    return "SELECT MIN(id), MAX(id) FROM events", {}


def conversation_events(sender_id: str, limit: int) -> Statement:
    """One conversation's latest `limit` events, oldest first (type, timestamp, JSON data)."""
    sql = (
        "SELECT id, type_name, timestamp, data FROM events WHERE sender_id = :sender "
        "ORDER BY id DESC LIMIT :limit"
    )
    return sql, {"sender": sender_id, "limit": int(limit)}


def event_count() -> Statement:
    return "SELECT COUNT(*) FROM events", {}


def index_statements() -> List[str]:
    return [f"CREATE INDEX IF NOT EXISTS {name} ON {target}" for name, target in INDEXES]
