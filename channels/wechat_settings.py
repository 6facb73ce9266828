"""Settings of the WeChat channel: credentials.yml values, each overridable by an environment variable.

Reading the settings never fails: what is missing or invalid is returned as a list of
problems, so that `rasa run` starts anyway and the channel answers 503 saying why.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

WECHAT_API_BASE_URL = "https://api.weixin.qq.com"
DEFAULT_REPLY_DEADLINE = 4.5
DEFAULT_MAX_TEXT_CHARS = 500
# WeChat drops the connection after 5 seconds; a passive reply must be sent before that.
WECHAT_TIMEOUT_SECONDS = 5.0
ENCODING_AES_KEY_LENGTH = 43

# setting name -> environment variable that overrides it
ENVIRONMENT_VARIABLES = {
    "token": "WECHAT_TOKEN",
    "encoding_aes_key": "WECHAT_ENCODING_AES_KEY",
    "app_id": "WECHAT_APP_ID",
    "app_secret": "WECHAT_APP_SECRET",
    "api_base_url": "WECHAT_API_BASE_URL",
    "reply_deadline": "WECHAT_REPLY_DEADLINE",
    "max_text_chars": "WECHAT_MAX_TEXT_CHARS",
}
REQUIRED = ("token", "app_id", "app_secret")


@dataclass(frozen=True)
class WeChatSettings:
    token: str = ""
    encoding_aes_key: str = ""  # empty: plaintext mode only
    app_id: str = ""
    app_secret: str = ""
    api_base_url: str = WECHAT_API_BASE_URL
    reply_deadline: float = DEFAULT_REPLY_DEADLINE
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS

    @property
    def safe_mode(self) -> bool:
        return bool(self.encoding_aes_key)


def valid_encoding_aes_key(key: str) -> bool:
    """An EncodingAESKey is 43 base64 characters that decode to a 32-byte AES key."""
    if len(key) != ENCODING_AES_KEY_LENGTH:
        return False
    try:
        return len(base64.b64decode(key + "=", validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def _raw_values(credentials: Mapping[str, Any], environ: Mapping[str, str]) -> Dict[str, str]:
    """Each setting as text: the environment variable if set and non-empty, else credentials.yml."""
    values = {}
    for name, variable in ENVIRONMENT_VARIABLES.items():
        value = environ.get(variable)
        if value is None or not value.strip():
            value = credentials.get(name)
        values[name] = "" if value is None else str(value).strip()
    return values


def _number(
    raw: str, default: Any, convert: Callable[[str], Any], accept: Callable[[Any], bool],
    name: str, requirement: str, problems: List[str],
) -> Any:
    if not raw:
        return default
    try:
        value = convert(raw)
    except ValueError:
        value = None
    if value is None or not accept(value):
        problems.append(f"'{name}' must be {requirement}, got {raw!r}")
        return default
    return value


def load_settings(
    credentials: Optional[Mapping[str, Any]], environ: Mapping[str, str]
) -> Tuple[WeChatSettings, List[str]]:
    """The channel's settings and the problems that keep it from serving (empty when none)."""
    raw = _raw_values(credentials or {}, environ)
    problems = [
        f"'{name}' is not set (credentials.yml or {ENVIRONMENT_VARIABLES[name]})"
        for name in REQUIRED
        if not raw[name]
    ]
    if raw["encoding_aes_key"] and not valid_encoding_aes_key(raw["encoding_aes_key"]):
        problems.append(
            f"'encoding_aes_key' must be the {ENCODING_AES_KEY_LENGTH} characters shown on the "
            "Official Account's server settings page"
        )
    if raw["api_base_url"] and not raw["api_base_url"].startswith(("http://", "https://")):
        problems.append(f"'api_base_url' must be an http(s) URL, got {raw['api_base_url']!r}")
    deadline = _number(
        raw["reply_deadline"], DEFAULT_REPLY_DEADLINE, float,
        lambda seconds: 0 < seconds < WECHAT_TIMEOUT_SECONDS,
        "reply_deadline", f"a number of seconds above 0 and below {WECHAT_TIMEOUT_SECONDS:g}",
        problems,
    )
    max_chars = _number(
        raw["max_text_chars"], DEFAULT_MAX_TEXT_CHARS, int, lambda chars: chars > 0,
        "max_text_chars", "a positive whole number", problems,
    )
    settings = WeChatSettings(
        token=raw["token"],
        encoding_aes_key=raw["encoding_aes_key"],
        app_id=raw["app_id"],
        app_secret=raw["app_secret"],
        api_base_url=(raw["api_base_url"] or WECHAT_API_BASE_URL).rstrip("/"),
        reply_deadline=deadline,
        max_text_chars=max_chars,
    )
    return settings, problems
