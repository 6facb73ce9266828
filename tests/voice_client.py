"""A voice gateway for tests: places calls to the voice line of a real server over HTTP."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ElementTree
from typing import Any, Dict, List, Optional

import requests

from channels.voice.speech import SSML_NAMESPACE
from tests.support import FINDABLE, TEMPORARY_LOSS

WEBHOOK = "/webhooks/voice12333/webhook"
CALLER = {"number": "13800000000", "area_code": "010"}
# The caller as the line stores it and hands it on: a mobile number is masked like any other.
MASKED_CALLER = {"number": "138****0000", "area_code": "010"}
# The first two questions of the card-loss consultation, as the line speaks them.
SPOKEN_FINDABLE = FINDABLE + "可能还能找到，请按1。找不回来了，请按2。"
SPOKEN_TEMPORARY_LOSS = TEMPORARY_LOSS + "已经挂失了，请按1。还没挂失，请按2。"


def check_ssml(document: str) -> ElementTree.Element:
    """Parses an SSML prompt; fails unless it is a well-formed <speak> document."""
    root = ElementTree.fromstring(document)
    assert root.tag == f"{{{SSML_NAMESPACE}}}speak"
    return root


class Call:
    """One call: numbered turns posted to the gateway webhook, every response checked."""

    def __init__(
        self,
        server_url: str,
        token: str,
        call_id: Optional[str] = None,
        caller: Optional[Dict[str, str]] = None,
    ) -> None:
        self.server_url = server_url
        self.token = token
        self.call_id = call_id or f"call-{uuid.uuid4().hex}"
        self.caller = caller
        self.turns = 0
        self.responses: List[Dict[str, Any]] = []

    def post(self, event: str, turn_id: Optional[str] = None, **fields: Any) -> Dict[str, Any]:
        if turn_id is None:
            self.turns += 1
            turn_id = f"turn-{self.turns}"
        body = {
            "version": "1",
            "call_id": self.call_id,
            "turn_id": turn_id,
            "event": event,
            **fields,
        }
        if self.caller:
            body["caller"] = self.caller
        response = requests.post(
            self.server_url + WEBHOOK,
            json=body,
            timeout=60,
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert response.status_code == 200, response.text
        answer = response.json()
        check_response(answer, self.call_id, turn_id)
        self.responses.append(answer)
        return answer

    def start(self) -> Dict[str, Any]:
        return self.post("start")

    def say(self, text: str, confidence: float = 0.92) -> Dict[str, Any]:
        return self.post("speech", text=text, confidence=confidence)

    def press(self, digits: str) -> Dict[str, Any]:
        return self.post("dtmf", digits=digits)

    def silence(self) -> Dict[str, Any]:
        return self.post("no_input")

    def hang_up(self) -> Dict[str, Any]:
        return self.post("hangup")

    def tracker(self) -> Dict[str, Any]:
        response = requests.get(
            f"{self.server_url}/conversations/{self.call_id}/tracker", timeout=30
        )
        response.raise_for_status()
        return response.json()


def check_response(answer: Dict[str, Any], call_id: str, turn_id: str) -> None:
    """Every response follows the protocol: ids, short prompts with valid SSML, one action."""
    assert answer["version"] == "1"
    assert (answer["call_id"], answer["turn_id"]) == (call_id, turn_id)
    for prompt in answer["prompts"]:
        assert 0 < len(prompt["text"]) <= 60, prompt["text"]
        assert "http" not in prompt["text"] and "**" not in prompt["text"]
        check_ssml(prompt["ssml"])
    assert answer["action"] in ("listen", "transfer", "hangup")
    assert ("listen" in answer) == (answer["action"] == "listen")
    assert ("transfer" in answer) == (answer["action"] == "transfer")
    if answer["action"] == "listen":
        assert answer["listen"]["input"] == ["speech", "dtmf"]
        assert answer["listen"]["no_input_timeout_ms"] > 0 and answer["listen"]["max_digits"] >= 1


def spoken(answer: Dict[str, Any]) -> str:
    return "".join(prompt["text"] for prompt in answer["prompts"])
