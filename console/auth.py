"""Who may see what: the login token, signed session cookies, CSRF tokens.

Pure functions. Browsers log in with a form (the token) and get a session cookie: its value is
the session (logged in or not, its CSRF token, when it was issued) and an HMAC-SHA256 signature
with a key derived from the token, so a new token ends every session. Every form post carries
the session's CSRF token. Scripts send `Authorization: Bearer <token>` instead, and need no CSRF
token (a browser never sends that header by itself). Everything else is refused: with 401 and
the login page for pages, 401 and JSON for `/api/…`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Optional

COOKIE = "console_session"
SESSION_SECONDS = 12 * 3600
PUBLIC_PATHS = ("/login", "/healthz", "/static/console.css")
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Session:
    authenticated: bool
    csrf: str
    issued: float

    def expired(self, now: float) -> bool:
        return not (self.issued - 60 <= now <= self.issued + SESSION_SECONDS)


def _key(token: str) -> bytes:
    return hmac.new(token.encode("utf-8"), b"console session cookie", hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_session(authenticated: bool, now: Optional[float] = None) -> Session:
    return Session(authenticated, secrets.token_urlsafe(24), time.time() if now is None else now)


def sign(session: Session, token: str) -> str:
    payload = _b64(
        json.dumps(
            {"a": session.authenticated, "c": session.csrf, "t": round(session.issued, 3)},
            separators=(",", ":"),
        ).encode()
    )
    signature = _b64(hmac.new(_key(token), payload.encode("ascii"), hashlib.sha256).digest())
    return f"{payload}.{signature}"


def read_session(
    cookie: Optional[str], token: str, now: Optional[float] = None
) -> Optional[Session]:
    """The session of a cookie value, or None when it is missing, forged, malformed or expired."""
    if not cookie or len(cookie) > 1000 or cookie.count(".") != 1:
        return None
    payload, signature = cookie.split(".")
    expected = _b64(
        hmac.new(_key(token), payload.encode("ascii", "replace"), hashlib.sha256).digest()
    )
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace")):
        return None
    try:
        data = json.loads(_unb64(payload))
        session = Session(data["a"] is True, str(data["c"]), float(data["t"]))
    except (ValueError, KeyError, TypeError):
        return None
    if session.expired(time.time() if now is None else now) or not session.csrf:
        return None
    return session


def token_matches(given: Optional[str], token: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def bearer(authorization: Optional[str]) -> Optional[str]:
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


# Decisions.
ALLOW, LOGIN_PAGE = "allow", "login_page"
UNAUTHORISED_JSON, BAD_CSRF = "unauthorised_json", "bad_csrf"


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def decide(
    method: str,
    path: str,
    authorization: Optional[str],
    session: Optional[Session],
    csrf: Optional[str],
    token: str,
) -> str:
    """What to do with a request to a page or API route that needs a login."""
    given = bearer(authorization)
    if given is not None:
        if token_matches(given, token):
            return ALLOW
        return UNAUTHORISED_JSON if is_api(path) else LOGIN_PAGE
    if session is None or not session.authenticated:
        return UNAUTHORISED_JSON if is_api(path) else LOGIN_PAGE
    if method.upper() in UNSAFE_METHODS and not (
        csrf and hmac.compare_digest(csrf.encode("utf-8"), session.csrf.encode("utf-8"))
    ):
        return BAD_CSRF
    return ALLOW


def login_allowed(session: Optional[Session], csrf: Optional[str]) -> bool:
    """A login form post must carry the CSRF token of the (not yet logged in) session it was
    shown in."""
    return (
        session is not None
        and bool(csrf)
        and hmac.compare_digest(csrf.encode("utf-8"), session.csrf.encode("utf-8"))
    )


def safe_next(target: Optional[str]) -> str:
    """Where to go after logging in: a path of this site only."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(ch) < 32 for ch in target)
        or len(target) > 2000
    ):
        return "/"
    return target
