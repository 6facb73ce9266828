"""Rasa's Redis lock store, with every change to a conversation's tickets made atomic.

Rasa's RedisLockStore reads a conversation's lock from Redis, changes it (a new ticket, a
finished ticket, expired tickets) and writes it back. When two Rasa servers do that at the same
moment, one overwrites the other's change: a waiting message loses its ticket and fails with
"Could not acquire lock", or two messages hold the same ticket and run at once. Here each of
those read-change-write steps runs under a short Redis mutex of its own per conversation, so
the servers take turns and the conversation's messages stay strictly one after the other.

Rasa gives each ticket 60 seconds, so the tickets of a server that died mid-turn would keep the
conversation locked for up to a minute. Here a ticket lives `ticket_seconds` and the server
that holds it renews it every `renew_seconds` while it holds it: a dead server's tickets run
out within seconds and another server carries on with the conversation.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Optional, Set, Text, Tuple

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

MUTEX_SECONDS = 5  # a step takes milliseconds; the mutex expires on its own if a server dies
TICKET_SECONDS = 6.0
RENEW_SECONDS = 2.0


class SerialRedisLockStore(RedisLockStore):
    ticket_seconds = TICKET_SECONDS
    renew_seconds = RENEW_SECONDS

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs}
        super().__init__(**kwargs)
        self._held: Set[Tuple[Text, int]] = set()  # tickets issued here and not yet finished
        self._held_lock = threading.Lock()
        self._renewer: Optional[threading.Thread] = None

    def _mutex(self, conversation_id: Text) -> Any:
        return self.red.lock(
            f"{self.key_prefix}{conversation_id}:mutex",
            timeout=MUTEX_SECONDS,
            blocking_timeout=MUTEX_SECONDS,
            sleep=0.005,
        )

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            ticket = super().issue_ticket(conversation_id, min(lock_lifetime, self.ticket_seconds))
        with self._held_lock:
            self._held.add((conversation_id, ticket))
            if self._renewer is None:
                self._renewer = threading.Thread(
                    target=self._keep_renewing, name="lock-tickets", daemon=True
                )
                self._renewer.start()
        return ticket

    def update_lock(self, conversation_id: Text) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        with self._held_lock:
            self._held.discard((conversation_id, ticket_number))
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)

    def _keep_renewing(self) -> None:
        while True:
            time.sleep(self.renew_seconds)
            with self._held_lock:
                held = sorted(self._held)
            for conversation_id, number in held:
                try:
                    self._renew(conversation_id, number)
                except Exception as error:  # Redis unreachable: the next round may work
                    logger.error("A conversation lock ticket was not renewed: %s", error)

    def _renew(self, conversation_id: Text, number: int) -> None:
        with self._mutex(conversation_id):
            lock = self.get_lock(conversation_id)
            ticket = lock and next((t for t in lock.tickets if t.number == number), None)
            if ticket is not None:
                ticket.expires = time.time() + self.ticket_seconds
                self.save_lock(lock)
