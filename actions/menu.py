"""Shows the menu of topics."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from knowledge.topics import all_topics, menu_text


class ActionShowMenu(Action):
    def name(self) -> Text:
        return "action_show_menu"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=menu_text(all_topics()))
        return []
