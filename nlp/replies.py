"""A reply read in the light of what the assistant just offered, for every channel.

The last component of the NLU pipeline. Rasa gives it the conversation's tracker, so it knows
what the citizen is answering:

- in a consultation the form reads every reply itself (actions/consultation.py): nothing changes;
- a reply that picks one of the options the assistant's last turn offered — the numbered menu
  of topics or buttons — by number (3, ３, 第三个, 选三) or by title takes that option's intent;
- a bare figure with nothing to answer (6000, 三个月) is not understood (nlu_fallback), never
  taken for a goodbye or a topic.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from understanding.choices import chosen_option, options_of
from understanding.text import is_bare_figure

FALLBACK_INTENT = "nlu_fallback"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ReplyReader(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ReplyReader":
        return cls()

    def process(
        self, messages: List[Message], tracker: Optional[DialogueStateTracker] = None
    ) -> List[Message]:
        if tracker is not None and tracker.active_loop_name:
            return messages
        offered = options_of(last_bot_turn(tracker)) if tracker is not None else []
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue  # a button's payload: Rasa reads the intent itself
            option = chosen_option(text, offered)
            if option is not None and option.payload.startswith("/"):
                _set_intent(message, option.payload[1:].split("{", 1)[0], 1.0)
            elif option is None and is_bare_figure(text):
                _set_intent(message, FALLBACK_INTENT, 1.0)
        return messages


def last_bot_turn(tracker: DialogueStateTracker) -> List[Dict[str, Any]]:
    """The assistant's messages since the citizen's last message, as event dictionaries."""
    said: List[Dict[str, Any]] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            said.append(event.as_dict())
    return list(reversed(said))


def _set_intent(message: Message, name: str, confidence: float) -> None:
    intent = {"name": name, "confidence": confidence}
    ranking = [item for item in message.get(INTENT_RANKING_KEY) or [] if item.get("name") != name]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent] + ranking, add_to_output=True)
