"""Collecting the assistant's messages of a turn whole, with what each message is."""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa.core.channels.channel import CollectingOutputChannel

from understanding.choices import structure_of

# What a message keeps: its content, the response it was made from, and its structure (what
# kind of message it is, the topic, the answer's lines and sources, the options).
KEPT = ("text", "buttons", "image", "attachment", "custom", "utter_action")


class StructuredOutput(CollectingOutputChannel):
    """Collects each message as one dictionary, text unsplit, structure and response kept.

    Subclasses name the channel (`name`), which selects the `channel:` variants of responses
    in domain.yml.
    """

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        kept = {key: message[key] for key in KEPT if message.get(key)}
        structure = structure_of(message)
        if structure:
            kept["structure"] = dict(structure)
        if kept:
            await self._persist_message({"recipient_id": recipient_id, **kept})
