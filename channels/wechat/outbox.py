"""Late answers on their way through the customer-service API, kept until they are sent.

An answer that missed WeChat's 5 seconds is written to the channel's state (Redis under the
production profile) before it is sent, and removed once every part went out. A send that fails
for a passing reason (the network, WeChat busy) is tried again later, with a growing pause; one
that WeChat refuses for good (the follower's 48 hours are over, they no longer follow the
account) is dropped with a log line. A sweeper on every replica sends what another replica
left behind when it stopped: an answer being sent is claimed for `SENDING_SECONDS`.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any, Dict, List, Set

from channels.wechat.api import CustomerServiceClient, WeChatApiError

logger = logging.getLogger(__name__)

# Refusals that a later try would get again.
PERMANENT_ERRORS = {
    40003: "not a follower of this account (invalid openid)",
    43004: "the follower no longer follows the account",
    45015: "the follower wrote more than 48 hours ago",
    45047: "too many messages sent to the follower since they last wrote",
    48001: "the account may not use the customer-service API",
}
MAX_TRIES = 6
FIRST_PAUSE_SECONDS = 2.0
MAX_PAUSE_SECONDS = 60.0
SWEEP_SECONDS = 3.0
SENDING_SECONDS = 30.0  # an answer being sent is left alone this long by other senders
BATCH = 20


def pause_after(tries: int) -> float:
    """Seconds to wait before the next try, after `tries` failed ones."""
    return min(FIRST_PAUSE_SECONDS * 2 ** (tries - 1), MAX_PAUSE_SECONDS)


class Outbox:
    def __init__(self, state: Any, api: CustomerServiceClient) -> None:
        self._state = state
        self._api = api
        self._owner = uuid.uuid4().hex
        self._sending: Set["asyncio.Future[None]"] = set()

    async def add(self, delivery_id: str, openid: str, texts: List[str]) -> None:
        """Keeps the answer, then sends it in the background."""
        item = {
            "openid": openid,
            "texts": list(texts),
            "sent": 0,
            "tries": 0,
            "next_try": time.time() + SENDING_SECONDS,  # the sweepers wait while it is sent here
        }
        await self._state.add_delivery(delivery_id, item)
        task = asyncio.ensure_future(self._send_logged(delivery_id, item))
        self._sending.add(task)  # keeps the task alive until it is done
        task.add_done_callback(self._sending.discard)

    async def sweep(self) -> int:
        """Sends the answers that are due; how many were taken."""
        claimed = await self._state.claim_deliveries(self._owner, SENDING_SECONDS, BATCH)
        for delivery_id, item in claimed:
            await self._send_logged(delivery_id, item)
        return len(claimed)

    async def keep_sweeping(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                await self.sweep()
            except Exception as error:  # the state is unreachable; the next sweep may work
                logger.error("Late WeChat answers could not be swept: %s", error)

    async def _send_logged(self, delivery_id: str, item: Dict[str, Any]) -> None:
        try:
            await self._send(delivery_id, item)
        except Exception:
            logger.exception("A late WeChat answer could not be sent; it stays for the sweeper")

    async def _send(self, delivery_id: str, item: Dict[str, Any]) -> None:
        texts = item["texts"]
        while item["sent"] < len(texts):
            try:
                await self._api.send_text(item["openid"], texts[item["sent"]])
            except WeChatApiError as error:
                await self._failed(delivery_id, item, error)
                return
            item["sent"] += 1
            if item["sent"] < len(texts):
                await self._state.update_delivery(delivery_id, item)
        await self._state.remove_delivery(delivery_id)
        logger.info(
            "A late WeChat answer went out through the customer-service API (%d message%s)",
            len(texts),
            "" if len(texts) == 1 else "s",
        )

    async def _failed(self, delivery_id: str, item: Dict[str, Any], error: WeChatApiError) -> None:
        part = f"message {item['sent'] + 1} of {len(item['texts'])}"
        reason = PERMANENT_ERRORS.get(error.errcode or 0)
        tries = item["tries"] + 1
        if reason is not None or tries >= MAX_TRIES:
            await self._state.remove_delivery(delivery_id)
            logger.error(
                "A late WeChat answer was dropped at %s: %s (%s)",
                part,
                reason or f"{tries} tries failed",
                error,
            )
            return
        item.update(tries=tries, next_try=time.time() + pause_after(tries))
        await self._state.update_delivery(delivery_id, item)
        await self._state.release_delivery(delivery_id)
        logger.warning(
            "A late WeChat answer is tried again in %.0f s (%s, try %d): %s",
            pause_after(tries),
            part,
            tries,
            error,
        )
