"""The web chat in a real browser (Debian's Chromium, tests/browser.py) against the real Rasa
server of tests/channels/web/conftest.py: consultations typed and tapped (and by keyboard), a
reload, the large-text mode, a script-injection message, the widget on another site, the
action server and the server itself away. Every test also checks that the page logged no
error but the ones it provoked. The screenshots of docs/webchat/ are taken here."""

from __future__ import annotations

import re
from typing import List

import pytest

from channels.core.turns import APOLOGY
from tests.browser import PHONE
from tests.channels.web.chat import (
    DESKTOP,
    ChatPage,
    answer_start_on_screen,
    overflowing,
    screenshot,
)
from tests.support import FINDABLE, GOODBYE, TEMPORARY_LOSS
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.server

LOST_CARD_TOPIC = "社保卡丢了，怎么挂失、补办"
HOSTILE = "<img src=x onerror=alert(1)>"
# The page's own words (channels/web/static/chat.js).
FAILED = "这次没能回答您。可以点“重试”再问一次。"
UNREACHABLE = "暂时连不上服务器。请检查网络，然后点“重试”。"
WIDGET_REFUSED = "The web chat is not shown"


def large_text_on(page) -> bool:
    return page.evaluate("() => document.documentElement.classList.contains('large-text')")


def line_font_size(page) -> float:
    return page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.line')).fontSize)"
    )


def test_a_citizen_types_a_whole_consultation_and_gets_the_answer_with_its_sources(
    web_server, browser_page
):
    chat = ChatPage(browser_page).open(web_server.url)
    assert [(b.speaker, b.kind) for b in chat.bubbles()] == [
        ("assistant", "greeting"),
        ("assistant", "menu"),
    ]
    assert LOST_CARD_TOPIC in chat.open_options()  # the menu of topics on first open

    assert chat.say("社保卡丢了怎么办") == FINDABLE
    assert chat.open_options() == ["可能还能找到", "找不回来了"]
    assert chat.say("找不着了") == TEMPORARY_LOSS
    chat.say("还没呢")
    answer, follow_up = chat.latest_turn()
    assert answer.kind == "answer" and "临时挂失" in answer.lines[0]
    assert answer.sources and not any("依据：" in line for line in answer.lines)
    assert browser_page.locator(".sources-title").last.inner_text() == "依据"
    assert "没有了，谢谢" in chat.open_options()
    said = [b.text for b in chat.bubbles() if b.speaker == "citizen"]
    assert said == ["社保卡丢了怎么办", "找不着了", "还没呢"]
    assert browser_page.errors == []


def test_on_a_phone_a_citizen_asks_taps_the_answers_and_reads_the_cited_answer(
    web_server, phone_page
):
    chat = ChatPage(phone_page, touch=True).open(web_server.url)
    assert overflowing(phone_page) == []
    assert chat.say("社保卡丢了怎么办") == FINDABLE
    assert chat.tap("找不回来了") == TEMPORARY_LOSS
    screenshot(phone_page, "phone-question")
    chat.tap("还没挂失")
    answer, follow_up = chat.latest_turn()
    assert answer.kind == "answer" and answer.sources and follow_up.options
    assert answer_start_on_screen(phone_page)  # read from its first line, not from its end
    assert phone_page.evaluate("() => document.documentElement.clientWidth") == PHONE["width"]
    assert overflowing(phone_page) == []
    normal_size = line_font_size(phone_page)
    screenshot(phone_page, "phone-normal")

    phone_page.tap("#large-text")
    assert large_text_on(phone_page)
    assert line_font_size(phone_page) >= normal_size * 1.25
    assert overflowing(phone_page) == []
    screenshot(phone_page, "phone-large")
    assert phone_page.errors == []


def test_a_citizen_answers_by_clicking_and_by_keyboard_and_a_reload_keeps_the_conversation(
    web_server, browser_page
):
    chat = ChatPage(browser_page).open(web_server.url)
    assert chat.tap(LOST_CARD_TOPIC) == FINDABLE
    assert chat.tap("找不回来了") == TEMPORARY_LOSS
    # By keyboard: Tab goes to the open buttons (those of earlier questions are closed).
    browser_page.keyboard.press("Tab")
    assert browser_page.evaluate("() => document.activeElement.innerText").endswith("已经挂失了")
    browser_page.keyboard.press("Tab")
    assert browser_page.evaluate("() => document.activeElement.innerText").endswith("还没挂失")
    before = chat.assistant_count()
    browser_page.keyboard.press("Enter")
    chat.wait_for_assistant(before)
    answer, follow_up = chat.latest_turn()
    assert answer.kind == "answer" and answer.sources
    shown = chat.bubbles()
    assert [b.text for b in shown if b.speaker == "citizen"] == [
        LOST_CARD_TOPIC,
        "找不回来了",
        "还没挂失",
    ]

    browser_page.reload()
    chat.wait_for_assistant(len([b for b in shown if b.speaker == "assistant"]) - 1)
    assert chat.bubbles() == shown
    assert chat.open_options() == [option.split(" ", 1)[1] for option in follow_up.options]
    assert GOODBYE in chat.tap("没有了，谢谢")  # the conversation goes on after the reload
    assert browser_page.errors == []


def test_on_a_desktop_the_answer_reads_well_in_both_text_sizes(web_server, browser_page):
    browser_page.set_viewport_size(DESKTOP)
    chat = ChatPage(browser_page).open(web_server.url)
    chat.say("社保卡丢了怎么办")
    chat.tap("找不回来了")
    chat.tap("还没挂失")
    assert [bubble.kind for bubble in chat.latest_turn()] == ["answer", "follow_up"]
    assert overflowing(browser_page) == []
    screenshot(browser_page, "desktop-normal")
    browser_page.click("#large-text")
    assert large_text_on(browser_page)
    assert overflowing(browser_page) == []
    screenshot(browser_page, "desktop-large")
    assert browser_page.errors == []


def test_the_large_text_mode_is_remembered_across_reloads(web_server, browser_page):
    chat = ChatPage(browser_page).open(web_server.url)
    button = browser_page.locator("#large-text")
    assert button.get_attribute("aria-pressed") == "false" and not large_text_on(browser_page)
    button.click()
    assert button.get_attribute("aria-pressed") == "true"

    browser_page.reload()
    chat.wait_for_assistant(0)
    assert large_text_on(browser_page) and button.get_attribute("aria-pressed") == "true"
    button.click()
    browser_page.reload()
    chat.wait_for_assistant(0)
    assert not large_text_on(browser_page) and button.get_attribute("aria-pressed") == "false"
    assert browser_page.errors == []


def test_a_message_with_markup_is_shown_as_its_characters(web_server, browser_page):
    dialogs: List[str] = []
    browser_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    chat = ChatPage(browser_page).open(web_server.url)
    chat.say(HOSTILE)
    shown_as_text(browser_page, chat)
    browser_page.reload()  # and from the history, after a reload
    chat.wait_for_assistant(1)
    shown_as_text(browser_page, chat)
    assert dialogs == []
    assert browser_page.errors == []


def shown_as_text(page, chat: ChatPage) -> None:
    assert [b.text for b in chat.bubbles() if b.speaker == "citizen"] == [HOSTILE]
    assert page.locator(".from-citizen .line").inner_text() == HOSTILE
    assert page.locator("img").count() == 0


def widget_page(site, server_url: str, name: str) -> str:
    return site.page(f"/{name}.html", f'<script src="{server_url}/webchat/widget.js"></script>')


def test_one_script_tag_puts_the_chat_on_an_allowed_site(web_server, other_site, browser_page):
    page = browser_page
    page.goto(widget_page(other_site, web_server.url, "guide"))
    launcher = page.locator("[data-webchat] button")
    launcher.wait_for()
    assert launcher.inner_text() == "在线咨询"
    launcher.click()
    frame = page.wait_for_selector("[data-webchat] iframe").content_frame()
    assert frame.url.startswith(web_server.url + "/webchat/")
    chat = ChatPage(frame).wait_for_assistant(0)
    assert LOST_CARD_TOPIC in chat.open_options()
    assert chat.say("社保卡丢了怎么办") == FINDABLE
    assert chat.tap("找不回来了") == TEMPORARY_LOSS
    assert page.evaluate("() => location.origin") == other_site.origin

    frame.click("#close")  # the chat's own close button closes the panel on the site
    closed(page)
    launcher.click()  # and opens it again where it was
    assert page.locator("[data-webchat] iframe").is_visible()
    assert ChatPage(frame).latest_text() == TEMPORARY_LOSS
    frame.press("#input", "Escape")  # so does Escape
    closed(page)
    assert page.errors == []


def closed(page) -> None:
    """Waits until the widget's panel is closed."""
    page.wait_for_function(
        "() => document.querySelector('[data-webchat]').shadowRoot"
        ".querySelector('button').getAttribute('aria-expanded') === 'false'"
    )
    assert not page.locator("[data-webchat] iframe").is_visible()
    assert page.locator("[data-webchat] button").inner_text() == "在线咨询"


def test_a_site_not_allowed_gets_no_chat_and_the_console_says_why(
    web_server, refused_site, browser_page
):
    page = browser_page
    warnings: List[str] = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    # The widget, and the page put in a frame directly.
    url = refused_site.page(
        "/refused.html",
        f'<script src="{web_server.url}/webchat/widget.js"></script>'
        f'<iframe id="direct" src="{web_server.url}/webchat/"></iframe>',
    )
    with page.expect_console_message(lambda message: WIDGET_REFUSED in message.text):
        page.goto(url)
    assert page.locator("[data-webchat]").count() == 0
    [warning] = [w for w in warnings if WIDGET_REFUSED in w]
    assert refused_site.origin in warning and "WEBCHAT_ALLOWED_ORIGINS" in warning
    # The browser refuses to show the page inside this site (frame-ancestors).
    framed = page.locator("#direct").element_handle().content_frame()
    assert not framed.url.startswith(web_server.url)
    assert framed.evaluate("() => document.querySelector('#log')") is None
    # The errors the refusals provoke, and no other.
    assert page.errors
    expected = re.compile(r"CORS policy|ERR_FAILED|403|frame-ancestors|Refused to (frame|display)")
    assert [error for error in page.errors if not expected.search(error)] == []


def test_with_the_action_server_away_the_citizen_gets_the_apology_and_a_retry(
    web_server, browser_page
):
    chat = ChatPage(browser_page).open(web_server.url)
    proxy = web_server.action_proxy
    proxy.close()
    try:
        chat.say("社保卡丢了怎么办")
        [apology] = chat.latest_turn()
        assert apology.kind == "apology" and apology.text == APOLOGY
        assert chat.notice() == FAILED
        assert browser_page.evaluate("() => document.activeElement.id") == "retry"
    finally:
        proxy.open()
    assert chat.retry() == FINDABLE
    assert chat.notice() == ""

    proxy.close()
    try:
        chat.tap("找不回来了")
        assert chat.latest_turn()[-1].text == APOLOGY
        assert chat.open_options() == ["可能还能找到", "找不回来了"]  # open again
    finally:
        proxy.open()
    assert chat.retry() == TEMPORARY_LOSS
    assert browser_page.errors == []


def test_when_the_server_cannot_be_reached_the_page_says_so_and_retries(web_server, browser_page):
    proxy = TcpProxy("127.0.0.1", web_server.port).open()  # the citizen's way to the server
    try:
        way = f"http://127.0.0.1:{proxy.port}"
        chat = ChatPage(browser_page).open(way)
        assert browser_page.url == way + "/webchat/"
        proxy.close()
        chat.type_and_send("社保卡丢了怎么办")
        assert chat.wait_for_notice() == UNREACHABLE
        assert browser_page.locator("#retry").is_visible()
        proxy.open()
        assert chat.retry() == FINDABLE
        assert chat.notice() == ""
    finally:
        proxy.close()
    # The failed request is the one error the browser logs.
    assert browser_page.errors and all("ERR_" in error for error in browser_page.errors)
