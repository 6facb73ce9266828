"""The page's files: small, self-contained, and never inserting text as HTML (pure)."""

import re
from html.parser import HTMLParser

import pytest

from channels.core.requests import MAX_INPUT_CHARS
from channels.web.page import CONTENT_TYPES, INDEX, STATIC, static_file

MAX_SCRIPT_AND_STYLE_BYTES = 60 * 1024
SCRIPTS = ("chat.js", "widget.js")
# Ways of turning text into markup or code, none of which the page may use.
UNSAFE = re.compile(
    r"\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|"
    r"setTimeout\(\s*[\"']|DOMParser|createContextualFragment"
)


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def index_tags():
    parser = Tags()
    parser.feed(static_file(INDEX).body.decode("utf-8"))
    return parser.tags


def code_of(name):
    """A file's text without its comments (/* */ blocks, // lines)."""
    text = (STATIC / name).read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line for line in text.splitlines() if not line.strip().startswith("//"))


def test_every_file_is_served_and_nothing_else_is_there():
    assert sorted(path.name for path in STATIC.iterdir()) == sorted(CONTENT_TYPES)
    assert static_file("") is static_file(INDEX)
    assert static_file("../page.py") is None


def test_scripts_and_styles_weigh_less_than_60_kb():
    weight = sum(len((STATIC / name).read_bytes()) for name in ("chat.js", "chat.css", "widget.js"))
    assert 0 < weight < MAX_SCRIPT_AND_STYLE_BYTES


@pytest.mark.parametrize("name", ["index.html", "chat.css", "chat.js", "widget.js"])
def test_nothing_is_loaded_from_elsewhere(name):
    code = code_of(name)
    assert not re.search(r"https?://|url\(|@import|//[a-z0-9.-]+\.[a-z]{2,}/", code), name


@pytest.mark.parametrize("name", SCRIPTS)
def test_text_is_inserted_as_text_only(name):
    code = code_of(name)
    assert UNSAFE.findall(code) == []
    assert "textContent" in code


def test_the_page_has_no_inline_script_or_style_the_policy_would_block():
    tags = index_tags()
    assert all(attrs.get("src") for tag, attrs in tags if tag == "script")
    assert not any(tag == "style" or "style" in attrs for tag, attrs in tags)
    assert not any(name.startswith("on") for _, attrs in tags for name in attrs)
    served = set(CONTENT_TYPES)
    linked = [
        attrs.get("src") or attrs.get("href") for tag, attrs in tags if tag in ("script", "link")
    ]
    assert linked and all(link in served for link in linked)


def test_the_input_takes_as_much_as_the_assistant_reads():
    [field] = [attrs for tag, attrs in index_tags() if tag == "input"]
    assert int(field["maxlength"]) == MAX_INPUT_CHARS


def test_the_page_is_chinese_and_fits_a_phone():
    tags = dict(index_tags())
    assert tags["html"]["lang"] == "zh-CN"
    assert (
        "width=device-width"
        in [a for t, a in index_tags() if a.get("name") == "viewport"][0]["content"]
    )
    assert "Noto Sans CJK SC" in code_of("chat.css") and "@font-face" not in code_of("chat.css")
