"""Rasa's SQL tracker store, without counting the stored events on every save.

Rasa's SQLTrackerStore finds the events to add by counting, on every save, the events stored
since the conversation's latest session start (`SELECT COUNT(*)`). The tracker a turn saves
is the one it retrieved a moment before, under the conversation's lock, with exactly those
events; so the store remembers how many events each tracker it retrieved or saved holds in
the database and counts only for a tracker it has not seen (a new conversation, a tracker
replaced through the HTTP API). A turn (a read, then a save) writes the rows Rasa's store
writes.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any, Dict, Iterator, Optional, Text, Tuple

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker


class KnownCountSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # id(tracker) -> (a weak reference to it, how many of its events are stored)
        self._stored: Dict[int, Tuple["weakref.ref[DialogueStateTracker]", int]] = {}

    def _remember(self, tracker: DialogueStateTracker, stored: int) -> None:
        key = id(tracker)
        self._stored[key] = (weakref.ref(tracker, lambda _: self._stored.pop(key, None)), stored)

    def stored_events(self, tracker: DialogueStateTracker) -> Optional[int]:
        """How many of the tracker's events are in the database, when this store knows."""
        known = self._stored.get(id(tracker))
        if known is None or known[0]() is not tracker:
            return None
        return known[1]

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            self._remember(tracker, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        self._remember(tracker, len(tracker.events))

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = self.stored_events(tracker)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))
