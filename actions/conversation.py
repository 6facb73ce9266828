"""Actions outside a consultation: the menu of topics, and saying the last turn again."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.consultation import show_menu

# What a bot event keeps that a message can be sent with again.
RESENT_KEYS = ("buttons", "image", "attachment", "custom", "elements", "quick_replies")


class ActionShowMenu(Action):
    """The numbered menu of topics: the citizen may answer with a number (3, 第三个)."""

    def name(self) -> Text:
        return "action_show_menu"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        show_menu(dispatcher)
        return []


class ActionRepeat(Action):
    """Says again what the assistant said in its turn before the latest message."""

    def name(self) -> Text:
        return "action_repeat"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        said = last_turn(tracker.events)
        if not said:
            dispatcher.utter_message(response="utter_ask_question")
        for event in said:
            data = {
                key: value
                for key, value in (event.get("data") or {}).items()
                if key in RESENT_KEYS and value
            }
            if "custom" in data:
                data["json_message"] = data.pop("custom")
            structure = (event.get("metadata") or {}).get("structure")
            extra = {"structure": structure} if structure else {}
            dispatcher.utter_message(text=event.get("text"), **data, **extra)
        return []


def last_turn(events: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """The bot events between the last two user messages."""
    users = [index for index, event in enumerate(events) if event.get("event") == "user"]
    if len(users) < 2:
        return []
    return [event for event in events[users[-2] + 1 : users[-1]] if event.get("event") == "bot"]
