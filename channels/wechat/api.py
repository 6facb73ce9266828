"""A small asynchronous client for WeChat's customer-service APIs.

Replies that miss the 5-second window go out through `message/custom/send`; a follower is
handed to a person with `customservice/kfsession/create`. The access token comes from
`/cgi-bin/token` and is kept in the channel's state (state.py), shared by every replica: one
replica fetches it, under a lock in the state, and the others wait for it. It is used until
shortly before it expires and fetched again, once, when WeChat says it has expired or is
invalid (the request is then retried once).
wechatpy's own client is synchronous and fetches tokens from a fixed address, so this one is
built on aiohttp and takes the API's base URL (tests point it at a local server).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from typing import Any, Dict, Optional, Sequence

import aiohttp

logger = logging.getLogger(__name__)

# invalid credential, invalid access_token, access_token expired
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
# Fetch a new token this long before WeChat's expiry time (tokens live 7200 seconds).
TOKEN_REFRESH_MARGIN = 300.0
REQUEST_TIMEOUT_SECONDS = 10.0
# How long one replica may hold the token fetch, and how often the others look for its token.
TOKEN_LOCK_SECONDS = REQUEST_TIMEOUT_SECONDS + 2
TOKEN_POLL_SECONDS = 0.05


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
    def __init__(self, app_id: str, app_secret: str, base_url: str, tokens: Any) -> None:
        """`tokens` keeps the access token: the channel's state (LocalState or RedisState)."""
        self._app_id = app_id
        self._app_secret = app_secret
        self._base_url = base_url.rstrip("/")
        self._tokens = tokens
        self._owner = uuid.uuid4().hex
        self._session: Optional[aiohttp.ClientSession] = None

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

    async def create_session(self, kf_account: str, openid: str, text: str) -> None:
        """Opens a session of the follower with a customer-service agent; `text` is shown to the
        agent in the customer-service client (WeChat's 附加信息)."""
        body = {"kf_account": kf_account, "openid": openid, "text": text}
        await self._post_with_token("/customservice/kfsession/create", body)

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
            # Only the refused token: another replica may have fetched a new one meanwhile.
            await self._tokens.forget_access_token(token)
            token = await self._access_token()
            result = await self._request("POST", path, {"access_token": token}, data)
        if result.get("errcode"):
            raise WeChatApiError(f"{path}: {result.get('errmsg', '')}", result["errcode"])
        return result

    async def _access_token(self) -> str:
        """The shared token; fetched here when there is none and no other replica is fetching."""
        waited_until = time.monotonic() + TOKEN_LOCK_SECONDS
        while True:
            token = await self._tokens.access_token()
            if token:
                return token
            if await self._tokens.lock_token_fetch(self._owner, TOKEN_LOCK_SECONDS):
                try:
                    return await self._tokens.access_token() or await self._fetch_token()
                finally:
                    await self._tokens.unlock_token_fetch(self._owner)
            if time.monotonic() > waited_until:
                raise WeChatApiError("/cgi-bin/token: another replica's fetch did not finish")
            await asyncio.sleep(TOKEN_POLL_SECONDS)

    async def _fetch_token(self) -> str:
        result = await self._request(
            "GET",
            "/cgi-bin/token",
            {"grant_type": "client_credential", "appid": self._app_id, "secret": self._app_secret},
        )
        token = result.get("access_token")
        if not isinstance(token, str) or not token:
            raise WeChatApiError(
                f"no access token: {result.get('errmsg', '')}", result.get("errcode")
            )
        await self._tokens.put_access_token(token, token_lifetime(result.get("expires_in")))
        return token

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
