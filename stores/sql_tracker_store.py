"""Rasa's SQL tracker store, without counting the stored events on every save.

Rasa's SQLTrackerStore finds the events to add by counting, on every save, the events stored
since the conversation's latest session start (`SELECT COUNT(*)`). The tracker a turn saves
is the one it retrieved a moment before, under the conversation's lock, with exactly those
events; so the store remembers how many events each tracker it retrieved or saved holds in
the database and counts only for a tracker it has not seen (a new conversation, a tracker
replaced through the HTTP API). A turn (a read, then a save) writes the rows Rasa's store
writes.

Reading a conversation, Rasa finds the class of every stored event by walking all subclasses
of Event; here each event type's class is looked up once (by Rasa's own lookup) and kept.
The tracker read is the same.
"""

from __future__ import annotations

import itertools
import json
import logging
import weakref
from typing import Any, Dict, Iterator, List, Optional, Text, Tuple, Type

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)


class KnownCountSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # id(tracker) -> (a weak reference to it, how many of its events are stored)
        self._stored: Dict[int, Tuple["weakref.ref[DialogueStateTracker]", int]] = {}
        self._event_classes: Dict[Text, Type[Event]] = {}

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

    async def _retrieve(
        self, sender_id: Text, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        """Rasa's SQLTrackerStore._retrieve, deserialising with the kept event classes."""
        with self.session_scope() as session:
            rows = self._event_query(
                session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
            ).all()
            stored = [json.loads(row.data) for row in rows]
        if not (self.domain and stored):
            return None
        return DialogueStateTracker.from_events(
            sender_id, self.deserialise(stored), self.domain.slots
        )

    def deserialise(self, stored: List[Dict[Text, Any]]) -> List[Event]:
        """rasa.shared.core.events.deserialise_events, finding each type's class once."""
        events = []
        for parameters in stored:
            if "event" not in parameters:
                continue
            event_class = self._event_class(parameters["event"])
            event = event_class._from_parameters(parameters) if event_class else None
            if event:
                events.append(event)
            else:
                logger.warning("An event could not be read: %s", parameters.get("event"))
        return events

    def _event_class(self, type_name: Optional[Text]) -> Optional[Type[Event]]:
        if type_name is None:
            return None
        found = self._event_classes.get(type_name)
        if found is None:
            found = Event.resolve_by_type(type_name)
            if found is not None:
                self._event_classes[type_name] = found
        return found

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        self._remember(tracker, len(tracker.events))

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = self.stored_events(tracker)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))
