"""The Rasa server's calls to the action server, made cheap.

- One HTTP session per event loop, kept alive, instead of a new session (and connection) for
  every call Rasa's EndpointConfig makes; requests and errors are Rasa's own.
- Rasa checks each answer of the action server against its response schema with
  `jsonschema.validate`, which first checks the schema itself against the JSON Schema
  meta-schema, every time. Here the validator is built once; answers are accepted and refused
  exactly as before, with the same error.

`keep_action_server_session` puts both in place for an agent (the validator replaces the
check of Rasa's RemoteAction in the process); the channels call it on every
turn (turns.py), and it does the work once.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional

import aiohttp
from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

logger = logging.getLogger(__name__)

# An idle connection is let go before the action server closes it (rasa_sdk's Sanic closes
# after 5 s), so that no call is sent on a connection the server is closing.
KEEPALIVE_SECONDS = 4.0
_VALIDATOR: Optional[Any] = None
_RASA_VALIDATION = RemoteAction._validate_action_result
# What Rasa adds to the message of a refused answer.
REFUSED_HINT = (
    ". Failed to validate Action server response from API, make sure your response from "
    "the Action endpoint is valid. For more information about the format visit "
    f"{DOCS_BASE_URL}/custom-actions"
)


class _KeptSession:
    """`async with` over a kept session: entering gives it, leaving keeps it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *_: Any) -> None:
        return None


class KeptAliveEndpoint(EndpointConfig):
    """Rasa's EndpointConfig with one kept-alive HTTP session per event loop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sessions: Dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = {}

    @classmethod
    def of(cls, endpoint: EndpointConfig) -> "KeptAliveEndpoint":
        return cls(
            endpoint.url,
            endpoint.params,
            endpoint.headers,
            endpoint.basic_auth,
            endpoint.token,
            endpoint.token_name,
            endpoint.cafile,
            **({"type": endpoint.type} if endpoint.type else {}),
            **endpoint.kwargs,
        )

    def session(self) -> Any:
        loop = asyncio.get_running_loop()
        session = self._sessions.get(loop)
        if session is None or session.closed:
            session = self._new_session()
            self._sessions = {
                other: kept for other, kept in self._sessions.items() if not other.is_closed()
            }
            self._sessions[loop] = session
        return _KeptSession(session)

    def _new_session(self) -> aiohttp.ClientSession:
        """Rasa's session (headers, basic auth, timeout) with a pool of kept connections."""
        auth = None
        if self.basic_auth:
            auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
        return aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
        )

    async def close(self) -> None:
        """Closes the session of the running event loop."""
        session = self._sessions.pop(asyncio.get_running_loop(), None)
        if session is not None:
            await session.close()


def response_validator() -> Any:
    """The validator of action server answers, built once, of the class
    `jsonschema.validate` picks for the schema."""
    global _VALIDATOR
    if _VALIDATOR is None:
        schema = RemoteAction.action_response_format_spec()
        validator_class = validators.validator_for(schema)
        validator_class.check_schema(schema)
        _VALIDATOR = validator_class(schema)
    return _VALIDATOR


def validate_action_result(action: RemoteAction, result: Dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result with the prebuilt validator."""
    error = exceptions.best_match(response_validator().iter_errors(result))
    if error is not None:
        error.message += REFUSED_HINT
        raise error
    return True


def keep_action_server_session(agent: Any) -> None:
    """Makes the agent call its action server through a kept-alive session and check the
    answers with the prebuilt validator."""
    if RemoteAction._validate_action_result is _RASA_VALIDATION:
        RemoteAction._validate_action_result = validate_action_result  # type: ignore[assignment]
    endpoint = getattr(agent, "action_endpoint", None)
    if endpoint is None or isinstance(endpoint, KeptAliveEndpoint):
        return
    kept = KeptAliveEndpoint.of(endpoint)
    agent.action_endpoint = kept
    processor = getattr(agent, "processor", None)
    if processor is not None:
        processor.action_endpoint = kept
    logger.debug("Action server calls share one session (%s)", kept.url)
