"""The channel itself, without a server: its settings, its name for responses (pure)."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.trackers import DialogueStateTracker

from channels.web.channel import WebChatInput, WebOutput


def test_by_default_no_other_site_may_embed_the_chat(monkeypatch):
    monkeypatch.delenv("WEBCHAT_ALLOWED_ORIGINS", raising=False)
    channel = WebChatInput.from_credentials({"allowed_origins": ""})
    assert channel.allowed_origins == () and channel.problems == []
    assert channel.unavailable() is None


def test_the_environment_names_the_sites_that_may_embed_it(monkeypatch):
    monkeypatch.setenv("WEBCHAT_ALLOWED_ORIGINS", "https://www.example.gov.cn")
    channel = WebChatInput.from_credentials({"allowed_origins": "https://old.example.org"})
    assert channel.allowed_origins == ("https://www.example.gov.cn",)


def test_a_bad_setting_makes_the_api_answer_503_with_what_is_wrong(monkeypatch):
    monkeypatch.setenv("WEBCHAT_ALLOWED_ORIGINS", "*")
    channel = WebChatInput.from_credentials({})
    refused = channel.unavailable()
    assert refused is not None and refused.status == 503
    error = json.loads(refused.body)["error"]
    assert "web chat channel is not configured" in error and "'allowed_origins' must be" in error


def test_responses_can_have_web_variants():
    generator = TemplatedNaturalLanguageGenerator(
        {
            "utter_where": [
                {"text": "请到社保卡服务网点办理。"},
                {"text": "请点下面的链接办理。", "channel": WebOutput.name()},
            ]
        }
    )
    tracker = DialogueStateTracker("web-test", slots=[])

    def generated(channel):
        # In a thread of its own: the browser tests' Chromium may hold this thread's event loop.
        coroutine = generator.generate("utter_where", tracker, channel)
        with ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, coroutine).result()["text"]

    assert WebOutput.name() == WebChatInput.name() == "web"
    assert generated(WebOutput.name()) == "请点下面的链接办理。"
    assert generated("collector") == "请到社保卡服务网点办理。"
