"""What the WeChat channel keeps between requests, in one place.

- the turn of each message (by its dedupe key): who runs it, its result, whether it went out late;
- the access token of WeChat's API;
- late answers waiting for the customer-service API, or kept for the follower's next message;
- followers handed over to a person, and runs of failed turns.

Under the embedded profile all of it lives in this process (`LocalState`). Under the
production profile (a Redis lock store) it lives in Redis (`RedisState`, redis_state.py), so
that every replica serves WeChat: each operation there is one atomic step, as here, where no
operation awaits anything between reading and writing.

Times are seconds of the wall clock (`time.time()`), which the replicas share.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

# A message is run again at most once, when its first runner died.
MAX_ATTEMPTS = 2
# Finished turns kept in this process at most (the oldest go first; running ones stay).
MAX_TURNS = 10_000
# Followers with kept answers, a hand-over or a failure count, at most (expired ones go first).
MAX_FOLLOWERS = 100_000

STARTED, RESTARTED, JOINED = "started", "restarted", "joined"
DONE, DELIVER, SUPERSEDED = "done", "deliver", "superseded"
ALREADY, OWNER_DELIVERS = "already", "owner"


@dataclass(frozen=True)
class TurnRecord:
    owner: str
    lease_until: float
    attempts: int
    done: bool
    late: bool
    passive: bool
    result: Optional[Dict[str, Any]]


class LocalState:
    """The channel's state in this process's memory."""

    def __init__(self, clock: Callable[[], float] = time.time, max_turns: int = MAX_TURNS) -> None:
        self._clock = clock
        self._max_turns = max_turns
        # key -> (expires, fields), oldest first: every turn is kept equally long.
        self._turns: "OrderedDict[str, Tuple[float, Dict[str, Any]]]" = OrderedDict()
        self._token: Optional[Tuple[str, float]] = None
        self._token_lock: Optional[Tuple[str, float]] = None
        self._deliveries: Dict[str, Dict[str, Any]] = {}
        self._claims: Dict[str, Tuple[str, float]] = {}
        self._kept = _Expiring(clock)
        self._handoffs = _Expiring(clock)
        self._failures = _Expiring(clock)

    @property
    def shared(self) -> bool:
        return False

    # Turns -----------------------------------------------------------------------------------

    def _turn(self, key: str) -> Optional[Dict[str, Any]]:
        entry = self._turns.get(key)
        if entry is None:
            return None
        if entry[0] <= self._clock():
            del self._turns[key]
            return None
        return entry[1]

    def _forget_old_turns(self) -> None:
        """Drops expired turns, and the oldest finished ones beyond `max_turns`."""
        now = self._clock()
        while self._turns:
            key, (expires, turn) = next(iter(self._turns.items()))
            if expires > now and (len(self._turns) < self._max_turns or not turn["done"]):
                return
            del self._turns[key]

    async def claim_turn(self, key: str, owner: str, lease: float, keep: float) -> str:
        self._forget_old_turns()
        now = self._clock()
        turn = self._turn(key)
        if turn is None:
            self._turns[key] = (
                now + keep,
                {
                    "owner": owner,
                    "lease_until": now + lease,
                    "attempts": 1,
                    "done": False,
                    "late": False,
                    "passive": False,
                    "result": None,
                },
            )
            return STARTED
        if not turn["done"] and turn["lease_until"] < now and turn["attempts"] < MAX_ATTEMPTS:
            turn.update(owner=owner, lease_until=now + lease, attempts=turn["attempts"] + 1)
            return RESTARTED
        return JOINED

    async def renew_turn(self, key: str, owner: str, lease: float) -> None:
        turn = self._turn(key)
        if turn is not None and turn["owner"] == owner and not turn["done"]:
            turn["lease_until"] = self._clock() + lease

    async def finish_turn(self, key: str, owner: str, result: Dict[str, Any]) -> str:
        turn = self._turn(key)
        if turn is None or turn["owner"] != owner or turn["done"]:
            return SUPERSEDED
        turn.update(done=True, result=result)
        return DELIVER if turn["late"] else DONE

    async def answer_turn_passively(self, key: str) -> bool:
        """Notes that a request answers with the finished turn's result; False when the result
        goes out late instead (then it must not be given)."""
        turn = self._turn(key)
        if turn is None or not turn["done"] or turn["late"]:
            return False
        turn["passive"] = True
        return True

    async def hand_over_turn(self, key: str) -> Tuple[str, Optional[Dict[str, Any]]]:
        """Marks the turn to go out late: DELIVER with the result when it is finished (the caller
        sends it), OWNER_DELIVERS when its runner will, ALREADY when it went out late before or
        was answered passively."""
        turn = self._turn(key)
        if turn is None or turn["late"] or turn["passive"]:
            return ALREADY, None
        turn["late"] = True
        if turn["done"]:
            return DELIVER, turn["result"]
        return OWNER_DELIVERS, None

    async def turn(self, key: str) -> Optional[TurnRecord]:
        turn = self._turn(key)
        return None if turn is None else TurnRecord(**turn)

    # The access token ------------------------------------------------------------------------

    async def access_token(self) -> Optional[str]:
        if self._token is None or self._token[1] <= self._clock():
            return None
        return self._token[0]

    async def put_access_token(self, token: str, seconds: float) -> None:
        self._token = (token, self._clock() + seconds)

    async def forget_access_token(self, token: str) -> None:
        if self._token is not None and self._token[0] == token:
            self._token = None

    async def lock_token_fetch(self, owner: str, seconds: float) -> bool:
        now = self._clock()
        if self._token_lock is not None and self._token_lock[1] > now:
            return False
        self._token_lock = (owner, now + seconds)
        return True

    async def unlock_token_fetch(self, owner: str) -> None:
        if self._token_lock is not None and self._token_lock[0] == owner:
            self._token_lock = None

    # Late answers for the customer-service API ------------------------------------------------

    async def add_delivery(self, delivery_id: str, item: Dict[str, Any]) -> None:
        self._deliveries[delivery_id] = dict(item)

    async def claim_deliveries(
        self, owner: str, lease: float, limit: int
    ) -> List[Tuple[str, Dict[str, Any]]]:
        now = self._clock()
        claimed = []
        for delivery_id, item in self._deliveries.items():
            if len(claimed) >= limit:
                break
            claim = self._claims.get(delivery_id)
            if item.get("next_try", 0) <= now and (claim is None or claim[1] <= now):
                self._claims[delivery_id] = (owner, now + lease)
                claimed.append((delivery_id, dict(item)))
        return claimed

    async def update_delivery(self, delivery_id: str, item: Dict[str, Any]) -> None:
        if delivery_id in self._deliveries:
            self._deliveries[delivery_id] = dict(item)

    async def release_delivery(self, delivery_id: str) -> None:
        self._claims.pop(delivery_id, None)

    async def remove_delivery(self, delivery_id: str) -> None:
        self._deliveries.pop(delivery_id, None)
        self._claims.pop(delivery_id, None)

    async def deliveries(self) -> Dict[str, Dict[str, Any]]:
        return {key: dict(item) for key, item in self._deliveries.items()}

    # Late answers kept for the follower's next message ----------------------------------------

    async def keep_answers(self, openid: str, texts: List[str], seconds: float) -> None:
        self._kept.put(openid, (self._kept.get(openid) or []) + list(texts), seconds)

    async def take_kept_answer(self, openid: str) -> Tuple[Optional[str], int]:
        """The first kept text (None if none) and how many remain after it."""
        kept = self._kept.get(openid)
        if not kept:
            return None, 0
        if len(kept) > 1:
            self._kept.replace(openid, kept[1:])
        else:
            self._kept.pop(openid)
        return kept[0], len(kept) - 1

    # Hand-over to a person, failed turns ------------------------------------------------------

    async def start_handoff(self, openid: str, seconds: float) -> None:
        self._handoffs.put(openid, True, seconds)

    async def handoff_active(self, openid: str, seconds: float) -> bool:
        """Whether a person serves the follower; if so, the idle time starts again."""
        if self._handoffs.get(openid) is None:
            return False
        self._handoffs.put(openid, True, seconds)
        return True

    async def end_handoff(self, openid: str) -> None:
        self._handoffs.pop(openid)

    async def count_failure(self, openid: str, seconds: float) -> int:
        """The follower's failed turns in a row, this one included (each within `seconds`)."""
        count = (self._failures.get(openid) or 0) + 1
        self._failures.put(openid, count, seconds)
        return count

    async def clear_failures(self, openid: str) -> None:
        self._failures.pop(openid)

    async def close(self) -> None:
        pass


class _Expiring:
    """Values that expire, per follower; bounded by dropping the oldest entries first."""

    def __init__(self, clock: Callable[[], float], limit: int = MAX_FOLLOWERS) -> None:
        self._clock = clock
        self._limit = limit
        self._entries: "OrderedDict[str, Tuple[float, Any]]" = OrderedDict()

    def get(self, key: str) -> Any:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self._clock():
            self._entries.pop(key, None)
            return None
        return entry[1]

    def put(self, key: str, value: Any, seconds: float) -> None:
        self._entries.pop(key, None)
        self._entries[key] = (self._clock() + seconds, value)
        while len(self._entries) > self._limit:
            self._entries.popitem(last=False)

    def replace(self, key: str, value: Any) -> None:
        """A new value that keeps the entry's expiry."""
        self._entries[key] = (self._entries[key][0], value)

    def pop(self, key: str) -> None:
        self._entries.pop(key, None)
