"""The console's settings (environment variables) and the tracker store it reads.

The database is the one the endpoints file's `tracker_store` names, read the way Rasa reads it:
`${VAR}` is replaced by the environment variable (a missing one is an error), a SQL store is
given by `dialect`, `url` (the host, or a full database URL), `port`, `db`, `username`,
`password` and `query`; a relative SQLite path is relative to the working directory.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional
from urllib.parse import urlsplit

import yaml
from sqlalchemy.engine.url import URL, make_url

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TIMEZONE = "Asia/Shanghai"
DIALECTS = ("sqlite", "postgresql")
# The profiles' tracker store: Rasa's SQL store, saving without a count (stores/).
KNOWN_COUNT_STORE = "stores.sql_tracker_store.KnownCountSQLTrackerStore"
_ENV_VAR = re.compile(r"\$\{([^}]*)\}")


class SettingsError(Exception):
    """A setting is missing or wrong; the message says which and what to do."""


@dataclass(frozen=True)
class Settings:
    token: str  # CONSOLE_TOKEN: the login token, also accepted as a bearer token
    database_url: URL
    rasa_url: str = ""  # CONSOLE_RASA_URL: a Rasa server whose /model/parse checks reviews
    rasa_token: str = ""  # CONSOLE_RASA_TOKEN: that server's auth token (?token=)
    timezone: str = DEFAULT_TIMEZONE  # CONSOLE_TIMEZONE: the days of the figures
    secure_cookie: bool = False  # CONSOLE_SECURE_COOKIE=1 when served over HTTPS
    domain_file: Path = ROOT / "domain.yml"

    @property
    def dialect(self) -> str:
        return self.database_url.get_backend_name()


def expand_variables(value: str, environ: Mapping[str, str]) -> str:
    """`${VAR}` replaced by the environment's value, as Rasa does; a missing one is an error."""
    missing = [name for name in _ENV_VAR.findall(value) if name not in environ]
    if missing:
        raise SettingsError(
            f"the endpoints file uses {', '.join(sorted(set(missing)))}, "
            "which is not set in the environment"
        )
    return _ENV_VAR.sub(lambda match: environ[match.group(1)], value)


def _expanded(value: Any, environ: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return expand_variables(value, environ)
    if isinstance(value, dict):
        return {key: _expanded(item, environ) for key, item in value.items()}
    if isinstance(value, list):
        return [_expanded(item, environ) for item in value]
    return value


def tracker_store_config(document: Any, environ: Mapping[str, str]) -> Dict[str, Any]:
    """The endpoints file's `tracker_store` section with its variables expanded."""
    if not isinstance(document, dict) or not isinstance(document.get("tracker_store"), dict):
        raise SettingsError(
            "the endpoints file has no tracker_store: the conversations are kept "
            "in memory and the console has nothing to read"
        )
    config = _expanded(document["tracker_store"], environ)
    kind = str(config.get("type", ""))
    if kind.lower() != "sql" and kind != KNOWN_COUNT_STORE:
        raise SettingsError(
            f"the tracker store is of type {config.get('type')!r}; the console "
            "reads SQL tracker stores (SQLite or PostgreSQL) only"
        )
    return config


def database_url(config: Mapping[str, Any]) -> URL:
    """The SQLAlchemy URL of a SQL tracker store's settings, built as SQLTrackerStore builds it."""
    host = config.get("url") or config.get("host")
    if host and "://" in str(host):
        url = make_url(str(host))
    else:
        dialect = str(config.get("dialect") or "sqlite")
        port = config.get("port")
        if host:
            parsed = urlsplit(f"scheme://{host}")
            host, port = parsed.hostname or host, parsed.port or port
        try:
            port = int(port) if port not in (None, "") else None
        except ValueError:
            raise SettingsError(f"the tracker store's port {port!r} is not a number") from None
        url = URL.create(
            dialect,
            username=config.get("username") or None,
            password=config.get("password") if config.get("password") else None,
            host=host or None,
            port=port,
            database=str(config.get("db") or "rasa.db"),
            query=config.get("query") or {},
        )
    if url.get_backend_name() not in DIALECTS:
        raise SettingsError(
            f"the tracker store's dialect {url.get_backend_name()!r} is not "
            "supported; the console reads SQLite and PostgreSQL"
        )
    return url


def read_endpoints(path: Path, environ: Mapping[str, str]) -> URL:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"no endpoints file at {path}") from None
    except yaml.YAMLError as error:
        raise SettingsError(f"the endpoints file {path} is not valid YAML: {error}") from None
    url = database_url(tracker_store_config(document, environ))
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:"):
            raise SettingsError("the SQLite tracker store is in memory; the console needs a file")
        if not Path(database).exists():
            raise SettingsError(
                f"no conversations database at {database}: start the assistant "
                "(make run) so that Rasa creates it"
            )
    return url


def settings_from(endpoints: Path, environ: Optional[Mapping[str, str]] = None) -> Settings:
    """The console's settings; raises SettingsError when it must not start."""
    environ = os.environ if environ is None else environ
    token = environ.get("CONSOLE_TOKEN", "")
    if not token.strip():
        raise SettingsError(
            "the console is off: set CONSOLE_TOKEN to the token people log in "
            "with (and scripts send as 'Authorization: Bearer <token>')"
        )
    if len(token) < 12:
        raise SettingsError("CONSOLE_TOKEN is too short: use at least 12 characters")
    timezone = environ.get("CONSOLE_TIMEZONE", "") or DEFAULT_TIMEZONE
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(timezone)
    except Exception:
        raise SettingsError(
            f"CONSOLE_TIMEZONE {timezone!r} is not a time zone " "such as Asia/Shanghai"
        ) from None
    rasa_url = environ.get("CONSOLE_RASA_URL", "").strip().rstrip("/")
    if rasa_url and urlsplit(rasa_url).scheme not in ("http", "https"):
        raise SettingsError(f"CONSOLE_RASA_URL {rasa_url!r} must be an http:// or https:// URL")
    return Settings(
        token=token,
        database_url=read_endpoints(endpoints, environ),
        rasa_url=rasa_url,
        rasa_token=environ.get("CONSOLE_RASA_TOKEN", ""),
        timezone=timezone,
        secure_cookie=environ.get("CONSOLE_SECURE_COOKIE", "").lower() in ("1", "true", "yes"),
    )
