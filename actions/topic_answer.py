"""Answers a topic question.

For now this confirms the topic and points to 12333; the policy answers with their
follow-up questions replace it topic by topic.
"""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.topics import topic_for_intent


class ActionAnswerTopic(Action):
    def name(self) -> Text:
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        topic = topic_for_intent(tracker.get_intent_of_latest_message())
        if topic is None:
            dispatcher.utter_message(response="utter_default")
            return []
        dispatcher.utter_message(
            text=(
                f"您问的是：{topic.title}。\n"
                "这个问题的详细解答还在完善中。"
                "您可以先拨打12333人社服务热线咨询，或到当地社保服务网点问一问。"
            )
        )
        return []
