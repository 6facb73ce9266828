"""Which websites may use the web chat: the setting that names them, the check of a request's
origin, and the headers that tell a browser so (CORS for the API, frame-ancestors for the page).

Pure functions, no I/O. The chat's own site (same origin) is always allowed; other sites only
when named in `allowed_origins` (WEBCHAT_ALLOWED_ORIGINS), which is empty by default.
"""

from __future__ import annotations

import re
from typing import Dict, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from channels.core.settings import Setting

# An origin as browsers send it: scheme, host and an optional port, nothing else.
_ORIGIN = re.compile(r"^https?://(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$")


def parse_origins(text: str) -> Tuple[str, ...]:
    """The origins named in the setting, lower-cased; ValueError when one is not an origin."""
    origins = []
    for item in re.split(r"[\s,]+", text.strip()):
        if not item:
            continue
        origin = item.lower().rstrip("/")
        if not _ORIGIN.match(origin):
            raise ValueError(item)
        origins.append(origin)
    return tuple(dict.fromkeys(origins))


ALLOWED_ORIGINS = Setting(
    "allowed_origins",
    "WEBCHAT_ALLOWED_ORIGINS",
    (),
    parse_origins,
    requirement="origins such as https://www.example.gov.cn, separated by spaces or commas "
    "(scheme, host and port only; no path, no '*')",
)


def is_same_origin(origin: str, host: str) -> bool:
    """Whether the page that sent `Origin` is served by this server, reached as `host` (the
    Host header). The scheme is not compared: behind a TLS proxy the server itself sees http."""
    netloc = urlsplit(origin).netloc.lower()
    return bool(netloc) and netloc == host.strip().lower()


def origin_allowed(origin: Optional[str], host: str, allowed: Tuple[str, ...]) -> bool:
    """Whether a request may use the chat: no Origin (not sent by a browser page), the chat's
    own site, or a site named in the setting."""
    if not origin:
        return True
    origin = origin.strip().lower()
    return is_same_origin(origin, host) or origin in allowed


def cors_headers(origin: Optional[str], allowed: Tuple[str, ...]) -> Dict[str, str]:
    """What lets the page of an allowed site read the answers (none for the chat's own site,
    which needs none, nor for other sites)."""
    if not origin or origin.strip().lower() not in allowed:
        return {"Vary": "Origin"}
    return {"Access-Control-Allow-Origin": origin.strip(), "Vary": "Origin"}


def content_security_policy(allowed: Tuple[str, ...]) -> str:
    """The page's policy: its own scripts, styles and API only, framed by the allowed sites."""
    ancestors = " ".join(("'self'",) + allowed)
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            f"frame-ancestors {ancestors}",
        ]
    )


def page_headers(allowed: Tuple[str, ...]) -> Mapping[str, str]:
    """The security headers of the page and its files."""
    headers = {
        "Content-Security-Policy": content_security_policy(allowed),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
    if not allowed:  # for browsers that know no frame-ancestors
        headers["X-Frame-Options"] = "SAMEORIGIN"
    return headers
