"""The web chat as a citizen uses it in the browser: type, tap, read what is on the screen.

`ChatPage` wraps a page of tests/browser.py (or a frame of it, for the chat inside another
site) and waits as a citizen does: until the typing indicator is gone and the assistant's
answer is on the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List

from tests.support import ROOT

SCREENSHOTS = ROOT / "docs" / "webchat"
DESKTOP = {"width": 1280, "height": 860}
REPLY_TIMEOUT_MS = 60_000
ASSISTANT = ".message.from-assistant:not(.typing)"
# The buttons the citizen can press now (those of earlier turns are closed).
OPEN_OPTIONS = ".options:not(.done) button.option"


@dataclass
class Bubble:
    speaker: str  # "citizen" or "assistant"
    kind: str
    lines: List[str]
    sources: List[str]
    options: List[str]  # the buttons' titles, with their numbers: "2 找不回来了"

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


_BUBBLES = """() => Array.from(document.querySelectorAll('.message:not(.typing)')).map(m => ({
  speaker: m.classList.contains('from-citizen') ? 'citizen' : 'assistant',
  kind: (Array.from(m.classList).find(c => c.startsWith('kind-')) || '').slice(5),
  lines: Array.from(m.querySelectorAll('.line')).map(l => l.textContent),
  sources: Array.from(m.querySelectorAll('.sources li')).map(l => l.textContent),
  options: Array.from(m.querySelectorAll('button.option')).map(b =>
    Array.from(b.children).map(c => c.textContent).join(' ')),
}))"""


class ChatPage:
    def __init__(self, page: Any, touch: bool = False) -> None:
        self.page = page  # a page or a frame: both have the calls used here
        self.touch = touch  # buttons are tapped (a phone_page), not clicked

    def open(self, url: str) -> "ChatPage":
        self.page.goto(url + "/webchat/")
        return self.wait_for_assistant(0)

    def bubbles(self) -> List[Bubble]:
        return [Bubble(**item) for item in self.page.evaluate(_BUBBLES)]

    def assistant_count(self) -> int:
        return self.page.locator(ASSISTANT).count()

    def wait_for_assistant(self, before: int) -> "ChatPage":
        """Waits until the assistant has said more than `before` messages and stopped typing."""
        self.page.wait_for_function(
            """before => !document.querySelector('.typing')
              && document.querySelectorAll('.message.from-assistant:not(.typing)').length > before
              && !document.querySelector('#send').disabled""",
            arg=before,
            timeout=REPLY_TIMEOUT_MS,
        )
        return self

    def latest_turn(self) -> List[Bubble]:
        """The assistant's messages after the citizen's latest one."""
        bubbles = self.bubbles()
        said = [i for i, bubble in enumerate(bubbles) if bubble.speaker == "citizen"]
        return bubbles[said[-1] + 1 :] if said else bubbles

    def latest_text(self) -> str:
        return "\n".join(bubble.text for bubble in self.latest_turn())

    def said_since(self, count: int) -> str:
        """What the assistant said in the bubbles after the first `count`, one per line."""
        return "\n".join(b.text for b in self.bubbles()[count:] if b.speaker == "assistant")

    def _answer_to(self, act: Any) -> str:
        shown, before = len(self.bubbles()), self.assistant_count()
        act()
        self.wait_for_assistant(before)
        return self.said_since(shown)

    def say(self, text: str) -> str:
        """Types `text` and sends it with Enter; what the assistant answers."""
        return self._answer_to(lambda: self.type_and_send(text))

    def tap(self, title: str) -> str:
        """Presses the open button titled `title`; what the assistant answers."""
        button = self.option(title)
        return self._answer_to(button.tap if self.touch else button.click)

    def type_and_send(self, text: str) -> None:
        """Types `text` and sends it, without waiting for anything."""
        self.page.fill("#input", text)
        self.page.press("#input", "Enter")

    def notice(self) -> str:
        """The notice under the conversation, "" when there is none."""
        box = self.page.locator("#notice")
        return box.locator("#notice-text").inner_text() if box.is_visible() else ""

    def wait_for_notice(self) -> str:
        self.page.wait_for_selector("#notice", state="visible", timeout=REPLY_TIMEOUT_MS)
        self.page.wait_for_function("() => !document.querySelector('.typing')")
        return self.notice()

    def retry(self) -> str:
        """Presses 重试; what the assistant answers."""
        return self._answer_to(lambda: self.page.click("#retry"))

    def option(self, title: str) -> Any:
        return self.page.locator(OPEN_OPTIONS, has_text=title).first

    def open_options(self) -> List[str]:
        return [
            text.strip()
            for text in self.page.locator(OPEN_OPTIONS + " .option-title").all_inner_texts()
        ]


_ANSWER_TOP = """() => {
  const answers = document.querySelectorAll('.message.kind-answer');
  const answer = answers[answers.length - 1];
  const log = document.getElementById('log').getBoundingClientRect();
  const top = answer.getBoundingClientRect().top;
  return top >= log.top - 1 && top < log.bottom;
}"""


def answer_start_on_screen(page: Any) -> bool:
    """Whether the first line of the latest answer is in view in the conversation."""
    return page.evaluate(_ANSWER_TOP)


def screenshot(page: Any, name: str) -> None:
    """docs/webchat/<name>.png, with the latest answer, if any, scrolled into view from its
    start (as the page shows it when it arrives; a change of text size moves it)."""
    page.evaluate(
        """() => {
          const answers = document.querySelectorAll('.message.kind-answer');
          if (answers.length) answers[answers.length - 1].scrollIntoView({block: 'start'});
        }"""
    )
    page.mouse.move(0, 0)  # no button under the pointer
    page.screenshot_to(SCREENSHOTS / f"{name}.png")


_OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const wide = Array.from(document.querySelectorAll('body *')).filter(node => {
    const box = node.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5);
  }).map(node => node.tagName.toLowerCase() + '.' + node.className);
  const root = document.documentElement;
  return {scroll: root.scrollWidth, width, height: root.clientHeight, tall: root.scrollHeight,
          wide};
}"""


def overflowing(page: Any) -> List[str]:
    """What sticks out of the screen: elements wider than it, a page that scrolls sideways, or
    one that scrolls as a whole (only the conversation scrolls, between the header and the
    input). Nothing, on a screen the chat fits."""
    found = page.evaluate(_OVERFLOWING)
    wide = list(found["wide"])
    if found["scroll"] > found["width"]:
        wide.append(f"page: {found['scroll']} px wide on a {found['width']} px screen")
    if found["tall"] > found["height"]:
        wide.append(f"page: {found['tall']} px tall on a {found['height']} px screen")
    return wide
