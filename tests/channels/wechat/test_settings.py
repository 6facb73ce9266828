"""WeChat channel settings: credentials.yml, overridden by environment variables, never fatal."""

import pytest
import yaml

from channels.wechat.settings import (
    DEFAULT_MAX_TEXT_CHARS,
    DEFAULT_REPLY_DEADLINE,
    WECHAT_API_BASE_URL,
    load_settings,
    valid_encoding_aes_key,
)
from tests.wechat_simulator import ENCODING_AES_KEY
from tools.servers import ROOT

COMPLETE = {"token": "t", "app_id": "wx1", "app_secret": "s"}


def test_nothing_set_is_reported_not_raised():
    settings, problems = load_settings(None, {})
    assert len(problems) == 3
    assert all("is not set" in problem for problem in problems)
    assert "WECHAT_TOKEN" in problems[0]
    assert settings.reply_deadline == DEFAULT_REPLY_DEADLINE
    assert settings.max_text_chars == DEFAULT_MAX_TEXT_CHARS
    assert settings.api_base_url == WECHAT_API_BASE_URL
    assert not settings.safe_mode


def test_the_projects_credentials_file_starts_the_channel_unconfigured():
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))
    settings, problems = load_settings(credentials["channels.wechat.WeChatInput"], {})
    assert problems and settings.reply_deadline == 4.5 and settings.max_text_chars == 500


def test_environment_variables_take_precedence_over_the_file():
    environ = {
        "WECHAT_TOKEN": "env-token",
        "WECHAT_APP_ID": "wx-env",
        "WECHAT_APP_SECRET": "env-secret",
        "WECHAT_ENCODING_AES_KEY": ENCODING_AES_KEY,
        "WECHAT_API_BASE_URL": "http://127.0.0.1:9/",
        "WECHAT_REPLY_DEADLINE": "0.01",
        "WECHAT_MAX_TEXT_CHARS": "200",
    }
    settings, problems = load_settings({**COMPLETE, "reply_deadline": 3}, environ)
    assert problems == []
    assert settings.token == "env-token" and settings.app_id == "wx-env"
    assert settings.safe_mode and settings.encoding_aes_key == ENCODING_AES_KEY
    assert settings.api_base_url == "http://127.0.0.1:9"
    assert settings.reply_deadline == 0.01 and settings.max_text_chars == 200


def test_empty_environment_variables_leave_the_file_values():
    settings, problems = load_settings(COMPLETE, {"WECHAT_TOKEN": " "})
    assert problems == [] and settings.token == "t"


@pytest.mark.parametrize(
    "setting, value, complaint",
    [
        ("reply_deadline", "5", "reply_deadline"),
        ("reply_deadline", "0", "reply_deadline"),
        ("reply_deadline", "soon", "reply_deadline"),
        ("max_text_chars", "0", "max_text_chars"),
        ("max_text_chars", "1.5", "max_text_chars"),
        ("encoding_aes_key", "too-short", "encoding_aes_key"),
        ("encoding_aes_key", "!" * 43, "encoding_aes_key"),
        ("api_base_url", "api.weixin.qq.com", "api_base_url"),
        ("late_answers", "email", "late_answers"),
        ("handoff_account", "kf2001", "handoff_account"),
        ("handoff_account", "kf]]>@gh_x", "handoff_account"),
        ("handoff_idle_minutes", "0", "handoff_idle_minutes"),
    ],
)
def test_invalid_values_are_reported_and_defaults_kept(setting, value, complaint):
    settings, problems = load_settings({**COMPLETE, setting: value}, {})
    assert len(problems) == 1 and complaint in problems[0]
    assert settings.reply_deadline == DEFAULT_REPLY_DEADLINE


def test_encoding_aes_keys_are_43_base64_characters():
    assert valid_encoding_aes_key(ENCODING_AES_KEY)
    assert not valid_encoding_aes_key(ENCODING_AES_KEY[:-1])


def test_late_answers_and_the_handoff_are_set_by_environment_variables():
    settings, problems = load_settings(COMPLETE, {})
    assert problems == [] and not settings.keeps_late_answers
    assert settings.handoff_account == "" and settings.handoff_idle_minutes == 30
    environ = {
        "WECHAT_LATE_ANSWERS": "next_message",
        "WECHAT_HANDOFF_ACCOUNT": "kf2001@gh_0123456789ab",
        "WECHAT_HANDOFF_IDLE_MINUTES": "5",
    }
    settings, problems = load_settings(COMPLETE, environ)
    assert problems == [] and settings.keeps_late_answers
    assert settings.handoff_account == "kf2001@gh_0123456789ab"
    assert settings.handoff_idle_minutes == 5
