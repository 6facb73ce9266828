"""The web chat's API as the page uses it, over real HTTP: start a session, send turns, read the
history (docs/webchat.md). Every call returns the response, whatever its status."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

import requests

from channels.web.protocol import sender_of

API = "/webhooks/web/"


def post(
    url: str, path: str, body: Any = None, raw: Optional[bytes] = None, origin: str = ""
) -> requests.Response:
    """POSTs as the page does: JSON sent as text/plain, with the page's Origin if given."""
    data = raw if raw is not None else json.dumps(body or {}, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "text/plain;charset=UTF-8"}
    if origin:
        headers["Origin"] = origin
    return requests.post(url + API + path, data=data, headers=headers, timeout=60)


def start(url: str) -> Tuple[str, List[Dict[str, Any]]]:
    """A new session and the messages it opens with."""
    response = post(url, "session")
    assert response.status_code == 200, response.text
    body = response.json()
    return body["session"], body["messages"]


def say(url: str, session: str, text: str) -> requests.Response:
    return post(url, "webhook", {"session": session, "message": text})


def press(url: str, session: str, title: str, payload: Optional[str] = None) -> requests.Response:
    choice = {"title": title, "payload": title if payload is None else payload}
    return post(url, "webhook", {"session": session, "choice": choice})


def messages(response: requests.Response) -> List[Dict[str, Any]]:
    """The messages of a turn answered 200."""
    assert response.status_code == 200, response.text
    return response.json()["messages"]


def history(url: str, session: str) -> List[Dict[str, Any]]:
    return messages(post(url, "history", {"session": session}))


def texts(message: Dict[str, Any]) -> List[str]:
    return [paragraph["text"] for paragraph in message["paragraphs"]]


def option(messages_: List[Dict[str, Any]], title: str) -> Dict[str, Any]:
    """The option titled `title` among the messages'."""
    [found] = [o for m in messages_ for o in m["options"] if o["title"] == title]
    return found


def stored_events(url: str, session: str) -> List[Dict[str, Any]]:
    """The events of the session's conversation as the Rasa server keeps it (its HTTP API)."""
    response = requests.get(f"{url}/conversations/{sender_of(session)}/tracker", timeout=30)
    response.raise_for_status()
    return response.json()["events"]


def user_texts(url: str, session: str) -> List[str]:
    """What the conversation's user messages say, as stored."""
    return [e.get("text") or "" for e in stored_events(url, session) if e["event"] == "user"]
