"""Rasa's Redis lock store, with every change to a conversation's tickets made atomic.

Rasa's RedisLockStore reads a conversation's lock from Redis, changes it (a new ticket, a
finished ticket, expired tickets) and writes it back. When two Rasa servers do that at the same
moment, one overwrites the other's change: a waiting message loses its ticket and fails with
"Could not acquire lock", or two messages hold the same ticket and run at once. Here each of
those read-change-write steps runs under a short Redis mutex of its own per conversation, so
the servers take turns and the conversation's messages stay strictly one after the other.
"""

from __future__ import annotations

from typing import Any, Optional, Text

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

MUTEX_SECONDS = 5  # a step takes milliseconds; the mutex expires on its own if a server dies


class SerialRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs}
        super().__init__(**kwargs)

    def _mutex(self, conversation_id: Text) -> Any:
        return self.red.lock(
            f"{self.key_prefix}{conversation_id}:mutex",
            timeout=MUTEX_SECONDS,
            blocking_timeout=MUTEX_SECONDS,
            sleep=0.005,
        )

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: Text) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
