"""Settings of the WeChat channel: credentials.yml values, each overridable by an environment
variable (read the one way every channel reads them: channels/core/settings.py)."""

from __future__ import annotations

import base64
import binascii
import re
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
# How late answers reach the follower: through the customer-service API, or kept until the
# follower writes again (accounts without the customer-service API).
CUSTOMER_SERVICE, NEXT_MESSAGE = "customer_service", "next_message"
DEFAULT_HANDOFF_IDLE_MINUTES = 30.0
# A customer-service account: its prefix, @, the Official Account's WeChat ID.
KF_ACCOUNT = re.compile(r"[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+")


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
    Setting(
        "late_answers",
        "WECHAT_LATE_ANSWERS",
        CUSTOMER_SERVICE,
        accept=lambda mode: mode in (CUSTOMER_SERVICE, NEXT_MESSAGE),
        requirement=f"{CUSTOMER_SERVICE} or {NEXT_MESSAGE}",
    ),
    Setting(
        "handoff_account",
        "WECHAT_HANDOFF_ACCOUNT",
        "",
        accept=lambda account: KF_ACCOUNT.fullmatch(account) is not None,
        requirement="a customer-service account such as kf2001@gh_0123456789ab",
    ),
    Setting(
        "handoff_idle_minutes",
        "WECHAT_HANDOFF_IDLE_MINUTES",
        DEFAULT_HANDOFF_IDLE_MINUTES,
        float,
        positive,
        "a number of minutes above 0",
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
    late_answers: str = CUSTOMER_SERVICE
    handoff_account: str = ""  # empty: 转人工 gets the 12333 pointer
    handoff_idle_minutes: float = DEFAULT_HANDOFF_IDLE_MINUTES

    @property
    def safe_mode(self) -> bool:
        return bool(self.encoding_aes_key)

    @property
    def keeps_late_answers(self) -> bool:
        """Late answers wait for the follower's next message instead of being sent."""
        return self.late_answers == NEXT_MESSAGE


def load_settings(
    credentials: Optional[Mapping[str, Any]], environ: Mapping[str, str]
) -> Tuple[WeChatSettings, List[str]]:
    """The channel's settings and the problems that keep it from serving (empty when none)."""
    values, problems = read_settings(SETTINGS, credentials, environ)
    values["api_base_url"] = str(values["api_base_url"]).rstrip("/")
    return WeChatSettings(**values), problems
