"""A small asynchronous client for WeChat's customer-service message API.

Replies that miss the 5-second window go out through `message/custom/send`. The access token
comes from `/cgi-bin/token`; it is cached until shortly before it expires and fetched again
when WeChat says it has expired or is invalid (the request is then retried once).
wechatpy's own client is synchronous and fetches tokens from a fixed address, so this one is
built on aiohttp and takes the API's base URL (tests point it at a local server).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, Callable, Dict, Optional, Sequence

import aiohttp

logger = logging.getLogger(__name__)

# invalid credential, invalid access_token, access_token expired
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
# Fetch a new token this long before WeChat's expiry time (tokens live 7200 seconds).
TOKEN_REFRESH_MARGIN = 300.0
REQUEST_TIMEOUT_SECONDS = 10.0


class WeChatApiError(Exception):
    def __init__(self, message: str, errcode: Optional[int] = None) -> None:
        super().__init__(message)
        self.errcode = errcode

    def __str__(self) -> str:
        message = str(self.args[0]) if self.args else ""
        return message if self.errcode is None else f"{message} (errcode {self.errcode})"


def token_lifetime(expires_in: Any) -> float:
    """How long to use a token WeChat says lives `expires_in` seconds."""
    try:
        seconds = float(expires_in)
    except (TypeError, ValueError):
        seconds = 7200.0
    return max(seconds - TOKEN_REFRESH_MARGIN, seconds / 2)


class CustomerServiceClient:
    def __init__(
        self,
        app_id: str,
        app_secret: str,
        base_url: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._app_id = app_id
        self._app_secret = app_secret
        self._base_url = base_url.rstrip("/")
        self._clock = clock
        self._session: Optional[aiohttp.ClientSession] = None
        self._token: Optional[str] = None
        self._token_valid_until = 0.0
        # Created in the server's event loop (Python 3.8 and 3.9 bind a lock to the loop it is
        # created in, and the channel is built before the server's loop runs).
        self._token_lock: Optional[asyncio.Lock] = None

    async def send_text(self, openid: str, content: str) -> None:
        """Sends one text message to a follower; raises WeChatApiError when WeChat refuses it."""
        body = {"touser": openid, "msgtype": "text", "text": {"content": content}}
        await self._post_with_token("/cgi-bin/message/custom/send", body)

    async def send_texts(self, openid: str, texts: Sequence[str]) -> None:
        """Sends messages in order; stops at the first one WeChat refuses (WeChatApiError)."""
        for number, text in enumerate(texts, start=1):
            try:
                await self.send_text(openid, text)
            except WeChatApiError as error:
                error.args = (f"message {number} of {len(texts)} not sent: {error.args[0]}",)
                raise

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _post_with_token(self, path: str, body: Dict[str, Any]) -> Dict[str, Any]:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        token = await self._access_token()
        result = await self._request("POST", path, {"access_token": token}, data)
        if result.get("errcode") in TOKEN_ERRORS:
            logger.info(
                "WeChat refused the access token (errcode %s); fetching a new one",
                result["errcode"],
            )
            self._forget_token(token)
            token = await self._access_token()
            result = await self._request("POST", path, {"access_token": token}, data)
        if result.get("errcode"):
            raise WeChatApiError(f"{path}: {result.get('errmsg', '')}", result["errcode"])
        return result

    async def _access_token(self) -> str:
        if self._token_lock is None:
            self._token_lock = asyncio.Lock()
        async with self._token_lock:
            if self._token is None or self._clock() >= self._token_valid_until:
                result = await self._request(
                    "GET",
                    "/cgi-bin/token",
                    {
                        "grant_type": "client_credential",
                        "appid": self._app_id,
                        "secret": self._app_secret,
                    },
                )
                token = result.get("access_token")
                if not isinstance(token, str) or not token:
                    raise WeChatApiError(
                        f"no access token: {result.get('errmsg', '')}", result.get("errcode")
                    )
                self._token = token
                self._token_valid_until = self._clock() + token_lifetime(result.get("expires_in"))
            return self._token

    def _forget_token(self, token: str) -> None:
        # Only the refused token: another request may have fetched a new one meanwhile.
        if self._token == token:
            self._token = None

    async def _request(
        self, method: str, path: str, params: Dict[str, str], data: Optional[bytes] = None
    ) -> Dict[str, Any]:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
            )
        headers = {"Content-Type": "application/json; charset=utf-8"} if data else None
        # Error messages name the path only: the query holds the secret or the token.
        try:
            async with self._session.request(
                method, self._base_url + path, params=params, data=data, headers=headers
            ) as response:
                text = await response.text(encoding="utf-8")
                status = response.status
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise WeChatApiError(f"{path}: {type(error).__name__}") from None
        if status != 200:
            raise WeChatApiError(f"{path}: HTTP {status}")
        try:
            result = json.loads(text)
        except ValueError:
            raise WeChatApiError(f"{path}: the answer is not JSON") from None
        if not isinstance(result, dict):
            raise WeChatApiError(f"{path}: the answer is not a JSON object")
        return result
