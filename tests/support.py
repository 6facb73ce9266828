"""What the tests share: the repository's paths, one client of the REST channel, new sender
ids, and the assistant's words the tests look for."""

from __future__ import annotations

import uuid
from typing import Any, Dict, List, Optional

import requests

from tools.servers import ROOT, Server

TESTS = ROOT / "tests"
REST_WEBHOOK = "/webhooks/rest/webhook"
# The assistant's words the tests look for.
FINDABLE = "卡还有可能找回来吗？比如可能落在家里了。"  # the first question about a lost card
TEMPORARY_LOSS = "已经办了临时挂失吗？"
GOODBYE = "感谢您的咨询，再见"
SOURCES = "（依据："


def new_sender() -> str:
    return uuid.uuid4().hex


def new_openid() -> str:
    """A WeChat follower's OpenID (28 characters, as WeChat's)."""
    return "o" + uuid.uuid4().hex[:27]


def post_rest(
    url: str, sender: str, message: Any, timeout: float = 60, **fields: Any
) -> requests.Response:
    """The REST channel's response to a message, whatever its status."""
    return requests.post(
        url + REST_WEBHOOK, json={"sender": sender, "message": message, **fields}, timeout=timeout
    )


def rest_messages(server: Server, sender: str, text: str) -> List[Dict[str, Any]]:
    """The messages the REST channel answers with; fails unless HTTP 200."""
    response = post_rest(server.url, sender, text)
    assert response.status_code == 200, response.text
    return response.json()


def rest_texts(server: Server, sender: str, text: str) -> List[str]:
    return [message.get("text", "") for message in rest_messages(server, sender, text)]


def tracker(server: Server, sender: str) -> Dict[str, Any]:
    response = requests.get(f"{server.url}/conversations/{sender}/tracker", timeout=30)
    response.raise_for_status()
    return response.json()


class Conversation:
    """A citizen's conversation over the REST channel."""

    def __init__(self, server: Server, sender: Optional[str] = None) -> None:
        self.server = server
        self.sender = sender or new_sender()

    def say(self, text: str) -> str:
        """What the assistant answers, its messages one per line."""
        return "\n".join(rest_texts(self.server, self.sender, text))

    def slots(self) -> Dict[str, Any]:
        return tracker(self.server, self.sender)["slots"]


STORY_FILES = [ROOT / "tests" / "stories", ROOT / "data" / "stories"]


def story_states(agent: Any) -> List[Any]:
    """Every state of every story and test conversation at which the loaded agent predicts
    an action, as trackers."""
    from rasa.core.test import _create_data_generator
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.trackers import DialogueStateTracker

    slots = agent.domain.slots
    states = []
    for path in STORY_FILES:
        generator = _create_data_generator(str(path), agent, use_conversation_test_files=False)
        for story in generator.generate_story_trackers():
            events = list(story.events)
            states += [
                DialogueStateTracker.from_events(story.sender_id, events[:index], slots)
                for index, event in enumerate(events)
                if isinstance(event, ActionExecuted) and index > 0
            ]
    return states
