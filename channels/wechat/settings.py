"""Settings of the WeChat channel: credentials.yml values, each overridable by an environment
variable (read the one way every channel reads them: channels/core/settings.py)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, List, Mapping, Optional, Tuple

from channels.core.requests import MAX_INPUT_CHARS
from channels.core.settings import Setting, positive, read_settings

WECHAT_API_BASE_URL = "https://api.weixin.qq.com"
DEFAULT_REPLY_DEADLINE = 4.5
DEFAULT_MAX_TEXT_CHARS = MAX_INPUT_CHARS
# WeChat drops the connection after 5 seconds; a passive reply must be sent before that.
WECHAT_TIMEOUT_SECONDS = 5.0
ENCODING_AES_KEY_LENGTH = 43


def valid_encoding_aes_key(key: str) -> bool:
    """An EncodingAESKey is 43 base64 characters that decode to a 32-byte AES key."""
    if len(key) != ENCODING_AES_KEY_LENGTH:
        return False
    try:
        return len(base64.b64decode(key + "=", validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def _whole_number(text: str) -> int:
    return int(text)


SETTINGS = (
    Setting("token", "WECHAT_TOKEN", "", required=True, secret=True),
    Setting(
        "encoding_aes_key",
        "WECHAT_ENCODING_AES_KEY",
        "",
        accept=valid_encoding_aes_key,
        requirement=f"the {ENCODING_AES_KEY_LENGTH} characters shown on the Official "
        "Account's server settings page",
        secret=True,
    ),
    Setting("app_id", "WECHAT_APP_ID", "", required=True),
    Setting("app_secret", "WECHAT_APP_SECRET", "", required=True, secret=True),
    Setting(
        "api_base_url",
        "WECHAT_API_BASE_URL",
        WECHAT_API_BASE_URL,
        accept=lambda url: url.startswith(("http://", "https://")),
        requirement="an http(s) URL",
    ),
    Setting(
        "reply_deadline",
        "WECHAT_REPLY_DEADLINE",
        DEFAULT_REPLY_DEADLINE,
        float,
        lambda seconds: 0 < seconds < WECHAT_TIMEOUT_SECONDS,
        f"a number of seconds above 0 and below {WECHAT_TIMEOUT_SECONDS:g}",
    ),
    Setting(
        "max_text_chars",
        "WECHAT_MAX_TEXT_CHARS",
        DEFAULT_MAX_TEXT_CHARS,
        _whole_number,
        positive,
        "a positive whole number",
    ),
)


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


def load_settings(
    credentials: Optional[Mapping[str, Any]], environ: Mapping[str, str]
) -> Tuple[WeChatSettings, List[str]]:
    """The channel's settings and the problems that keep it from serving (empty when none)."""
    values, problems = read_settings(SETTINGS, credentials, environ)
    values["api_base_url"] = str(values["api_base_url"]).rstrip("/")
    return WeChatSettings(**values), problems
