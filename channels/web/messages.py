"""What the page shows: the assistant's messages and the citizen's, as plain data the page puts
on screen as text.

Pure functions, no I/O. A message for the page is

    {"from": "assistant" | "citizen", "kind": str,
     "paragraphs": [{"text": str, "personal": bool}],
     "sources": [str], "options": [{"number": int | None, "title": str, "payload": str}],
     "latest": bool}

An answer's lines become its paragraphs (`personal`: what applies to this citizen), its sources
a list; buttons, and the numbered menu of topics, become options. Options are numbered across
the assistant's turn as the assistant reads a typed number (understanding/choices.py), so that
typing 2 picks the option shown with 2. The same messages come from a turn (`turn_messages`) and
from the conversation's tracker (`history`), so a reload shows what was shown before, the
apology of a failed turn included.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from channels.core.masking import mask_text, mask_value
from channels.core.turns import APOLOGY
from knowledge.questions import all_questions
from understanding.choices import Option, options_of, structure_of

ASSISTANT = "assistant"
CITIZEN = "citizen"
# The most messages a history returns: the latest ones.
MAX_HISTORY = 200
# The key of a user event's metadata that keeps the title of a pressed button.
CHOICE_METADATA = "choice"

_NUMBERED_LINE = re.compile(r"^\s*[0-9]{1,2}\s*[.、．]\s*(.+?)\s*$")


def _paragraphs(text: str) -> List[Dict[str, Any]]:
    return [{"text": line, "personal": False} for line in text.splitlines() if line.strip()]


def _answered_in_own_words(structure: Mapping[str, Any]) -> bool:
    """A question answered in the citizen's own words (a wage, a date): its buttons are a
    shortcut (跳过), not numbered choices."""
    question = all_questions().get(str(structure.get("slot") or ""))
    return question is not None and question.answered_in_own_words


def assistant_message(
    text: str,
    buttons: Optional[Sequence[Mapping[str, Any]]],
    structure: Mapping[str, Any],
    first_number: int = 1,
) -> Dict[str, Any]:
    """One message of the assistant; its options numbered from `first_number`."""
    text = mask_text(text or "")
    kind = str(structure.get("kind") or "message")
    options: List[Option] = options_of([{"buttons": buttons or [], "structure": structure}])
    paragraphs = _paragraphs(text)
    sources: List[str] = []
    lines = structure.get("lines")
    if kind == "answer" and isinstance(lines, list) and lines:
        paragraphs = [
            {"text": mask_text(str(line.get("text", ""))), "personal": bool(line.get("personal"))}
            for line in lines
            if isinstance(line, Mapping) and str(line.get("text", "")).strip()
        ]
        sources = [mask_text(str(source)) for source in structure.get("sources") or []]
    if options and not buttons:
        # The options are listed in the text as numbered lines (the menu): shown once, as options.
        titles = {option.title for option in options}
        paragraphs = [
            paragraph
            for paragraph in paragraphs
            if not _is_listed_option(paragraph["text"], titles)
        ]
    for button in buttons or []:
        if isinstance(button, Mapping) and button.get("url"):
            title = str(button.get("title") or "").strip()
            url = str(button["url"])
            paragraphs.append({"text": f"{title}：{url}" if title else url, "personal": False})
    numbered = not _answered_in_own_words(structure)
    return {
        "from": ASSISTANT,
        "kind": kind,
        "paragraphs": paragraphs,
        "sources": sources,
        "options": [
            {
                "number": first_number + index if numbered else None,
                "title": mask_text(option.title),
                "payload": option.payload,
            }
            for index, option in enumerate(options)
        ],
        "latest": True,
    }


def _is_listed_option(line: str, titles: Iterable[str]) -> bool:
    match = _NUMBERED_LINE.match(line)
    return match is not None and match.group(1) in titles


def notice(text: str, kind: str) -> Dict[str, Any]:
    """A message of the channel itself (the apology, the note that a message was cut)."""
    return {
        "from": ASSISTANT,
        "kind": kind,
        "paragraphs": _paragraphs(text),
        "sources": [],
        "options": [],
        "latest": True,
    }


def citizen_message(text: str) -> Dict[str, Any]:
    return {
        "from": CITIZEN,
        "kind": "message",
        "paragraphs": _paragraphs(mask_text(text)),
        "sources": [],
        "options": [],
        "latest": True,
    }


def turn_messages(messages: Iterable[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """The assistant's messages of one turn (as channels/core/output.py collects them)."""
    shown: List[Dict[str, Any]] = []
    number = 1
    for message in messages:
        page_message = assistant_message(
            str(message.get("text") or ""), message.get("buttons"), structure_of(message), number
        )
        number += len(page_message["options"])
        if page_message["paragraphs"] or page_message["options"]:
            shown.append(page_message)
    return shown


def _citizen_text(event: Mapping[str, Any]) -> Optional[str]:
    """What the citizen is shown to have said: the button's title for a pressed button; None
    for what the page sent by itself (the greeting's /greet)."""
    choice = (event.get("metadata") or {}).get(CHOICE_METADATA)
    if isinstance(choice, str) and choice.strip():
        return choice
    text = str(event.get("text") or "")
    if not text.strip() or text.startswith("/"):
        return None
    return text


def _turns(events: Iterable[Mapping[str, Any]]) -> List[List[Mapping[str, Any]]]:
    """The conversation cut into turns, each the citizen's user event (none for the first)
    followed by the assistant's bot events."""
    turns: List[List[Mapping[str, Any]]] = [[]]
    for event in events:
        if event.get("event") == "user":
            turns.append([event])
        elif event.get("event") == "bot":
            turns[-1].append(event)
    return turns


def _said(turn: Sequence[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    return [event for event in turn if event.get("event") == "bot"]


def history(events: Iterable[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """The conversation as the page showed it, from the tracker's events (masked).

    A turn in which the assistant said nothing was answered with the apology, which the tracker
    does not keep: it is shown again where it was. The options of the latest turn in which the
    assistant said something are `latest` (they may still be pressed), the earlier ones are
    not: as `offered_options` decides."""
    turns = _turns(events)
    answered = [index for index, turn in enumerate(turns) if _said(turn)]
    latest = answered[-1] if answered else 0
    shown: List[Dict[str, Any]] = []
    for index, turn in enumerate(turns):
        messages: List[Dict[str, Any]] = []
        if turn and turn[0].get("event") == "user":
            said = _citizen_text(turn[0])
            if said is not None:
                messages.append(citizen_message(said))
        bot_messages = [
            {
                "text": event.get("text"),
                "buttons": (event.get("data") or {}).get("buttons"),
                "structure": structure_of(event),
            }
            for event in _said(turn)
        ]
        if bot_messages:
            messages.extend(turn_messages(bot_messages))
        elif index > 0:
            messages.append(notice(APOLOGY, "apology"))
        for message in messages:
            message["latest"] = index >= latest
        shown.extend(messages)
    return mask_value(shown[-MAX_HISTORY:])


def offered_options(events: Sequence[Mapping[str, Any]]) -> List[Option]:
    """The options a pressed button may choose: those of the latest turn in which the assistant
    said something. A turn answered with the apology (the assistant said nothing) leaves the
    options before it on offer, so that the citizen can press the button again."""
    answered = [turn for turn in _turns(events) if _said(turn)]
    return options_of(_said(answered[-1])) if answered else []
