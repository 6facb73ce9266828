"""The WeChat channel's state in Redis, shared by every replica (see state.py).

Each operation that reads and then writes is one Lua script, so it is atomic across replicas.
Keys live under the lock store's key prefix followed by `wechat:` (beside its `lock:` keys).
"""

from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Optional, Tuple, Union

from rasa.core.lock_store import DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX, RedisLockStore
from redis import SSLConnection
from redis.asyncio import Redis

from channels.wechat.state import ALREADY, MAX_ATTEMPTS, OWNER_DELIVERS, LocalState, TurnRecord

# What the lock store's Redis connection and the channel's share.
CONNECTION_OPTIONS = (
    "host",
    "port",
    "db",
    "username",
    "password",
    "socket_timeout",
    "ssl_keyfile",
    "ssl_certfile",
    "ssl_cert_reqs",
    "ssl_ca_certs",
    "ssl_check_hostname",
)


def state_for(lock_store: Any) -> "Union[RedisState, LocalState]":
    """The channel's state beside the agent's conversation locks: in their Redis (server,
    database, key prefix) under a Redis lock store, in this process under any other."""
    if not isinstance(lock_store, RedisLockStore):
        return LocalState()
    pool = lock_store.red.connection_pool
    options = {
        name: value for name, value in pool.connection_kwargs.items() if name in CONNECTION_OPTIONS
    }
    if issubclass(pool.connection_class, SSLConnection):
        options["ssl"] = True
    # The lock store's keys are <prefix>lock:<conversation>; the channel's <prefix>wechat:…
    prefix = lock_store.key_prefix[: -len(DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX)]
    return RedisState(Redis(decode_responses=True, **options), prefix)


_CLAIM_TURN = """
local turn = redis.call('HMGET', KEYS[1], 'lease_until', 'attempts', 'done')
local now, lease = tonumber(ARGV[2]), tonumber(ARGV[3])
if not turn[2] then
  redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'lease_until', now + lease, 'attempts', 1,
             'done', 0, 'late', 0, 'passive', 0)
  redis.call('PEXPIRE', KEYS[1], math.floor(tonumber(ARGV[4]) * 1000))
  return 'started'
end
if turn[3] == '0' and tonumber(turn[1]) < now and tonumber(turn[2]) < tonumber(ARGV[5]) then
  redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'lease_until', now + lease,
             'attempts', tonumber(turn[2]) + 1)
  return 'restarted'
end
return 'joined'
"""

_RENEW_TURN = """
local turn = redis.call('HMGET', KEYS[1], 'owner', 'done')
if turn[1] == ARGV[1] and turn[2] == '0' then
  redis.call('HSET', KEYS[1], 'lease_until', ARGV[2])
end
return 0
"""

_FINISH_TURN = """
local turn = redis.call('HMGET', KEYS[1], 'owner', 'done', 'late')
if turn[1] ~= ARGV[1] or turn[2] ~= '0' then
  return 'superseded'
end
redis.call('HSET', KEYS[1], 'done', 1, 'result', ARGV[2])
if turn[3] == '1' then return 'deliver' end
return 'done'
"""

_ANSWER_PASSIVELY = """
local turn = redis.call('HMGET', KEYS[1], 'late', 'done')
if turn[2] ~= '1' or turn[1] ~= '0' then return 0 end
redis.call('HSET', KEYS[1], 'passive', 1)
return 1
"""

_HAND_OVER_TURN = """
local turn = redis.call('HMGET', KEYS[1], 'late', 'done', 'result', 'passive')
if not turn[1] or turn[1] == '1' or turn[4] == '1' then return {'already', false} end
redis.call('HSET', KEYS[1], 'late', 1)
if turn[2] == '1' then return {'deliver', turn[3]} end
return {'owner', false}
"""

_DELETE_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_CLAIM_DELIVERIES = """
local items = redis.call('HGETALL', KEYS[1])
local now, claimed = tonumber(ARGV[2]), {}
for i = 1, #items, 2 do
  if #claimed >= tonumber(ARGV[4]) * 2 then break end
  local next_try = tonumber(cjson.decode(items[i + 1])['next_try'] or 0)
  if next_try <= now and redis.call('SET', KEYS[2] .. items[i], ARGV[1], 'NX', 'PX',
                                    math.floor(tonumber(ARGV[3]) * 1000)) then
    table.insert(claimed, items[i])
    table.insert(claimed, items[i + 1])
  end
end
return claimed
"""

_UPDATE_DELIVERY = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return 0
"""

_TAKE_KEPT = """
local text = redis.call('LPOP', KEYS[1])
return {text, redis.call('LLEN', KEYS[1])}
"""

_HANDOFF_ACTIVE = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return 1
end
return 0
"""

_COUNT_FAILURE = """
local count = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return count
"""


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


class RedisState:
    """The channel's state in Redis; `redis` decodes responses (decode_responses=True)."""

    def __init__(self, redis: Redis, key_prefix: str = "") -> None:
        self._redis = redis
        self._prefix = f"{key_prefix}wechat:"
        self._claim_turn = redis.register_script(_CLAIM_TURN)
        self._renew_turn = redis.register_script(_RENEW_TURN)
        self._finish_turn = redis.register_script(_FINISH_TURN)
        self._answer_passively = redis.register_script(_ANSWER_PASSIVELY)
        self._hand_over_turn = redis.register_script(_HAND_OVER_TURN)
        self._delete_if = redis.register_script(_DELETE_IF)
        self._claim_deliveries = redis.register_script(_CLAIM_DELIVERIES)
        self._update_delivery = redis.register_script(_UPDATE_DELIVERY)
        self._take_kept = redis.register_script(_TAKE_KEPT)
        self._handoff_active = redis.register_script(_HANDOFF_ACTIVE)
        self._count_failure = redis.register_script(_COUNT_FAILURE)

    @property
    def shared(self) -> bool:
        return True

    def _key(self, *parts: str) -> str:
        return self._prefix + ":".join(parts)

    # Turns -----------------------------------------------------------------------------------

    async def claim_turn(self, key: str, owner: str, lease: float, keep: float) -> str:
        return await self._claim_turn(
            keys=[self._key("turn", key)],
            args=[owner, time.time(), lease, keep, MAX_ATTEMPTS],
        )

    async def renew_turn(self, key: str, owner: str, lease: float) -> None:
        await self._renew_turn(keys=[self._key("turn", key)], args=[owner, time.time() + lease])

    async def finish_turn(self, key: str, owner: str, result: Dict[str, Any]) -> str:
        return await self._finish_turn(
            keys=[self._key("turn", key)], args=[owner, json.dumps(result, ensure_ascii=False)]
        )

    async def answer_turn_passively(self, key: str) -> bool:
        return bool(await self._answer_passively(keys=[self._key("turn", key)]))

    async def hand_over_turn(self, key: str) -> Tuple[str, Optional[Dict[str, Any]]]:
        outcome, result = await self._hand_over_turn(keys=[self._key("turn", key)])
        if outcome not in (ALREADY, OWNER_DELIVERS) and result:
            return outcome, json.loads(result)
        return outcome, None

    async def turn(self, key: str) -> Optional[TurnRecord]:
        fields = await self._redis.hgetall(self._key("turn", key))
        if not fields or "attempts" not in fields:
            return None
        return TurnRecord(
            owner=fields.get("owner", ""),
            lease_until=float(fields.get("lease_until", 0)),
            attempts=int(fields["attempts"]),
            done=fields.get("done") == "1",
            late=fields.get("late") == "1",
            passive=fields.get("passive") == "1",
            result=json.loads(fields["result"]) if fields.get("result") else None,
        )

    # The access token ------------------------------------------------------------------------

    async def access_token(self) -> Optional[str]:
        return await self._redis.get(self._key("token"))

    async def put_access_token(self, token: str, seconds: float) -> None:
        await self._redis.set(self._key("token"), token, px=_ms(seconds))

    async def forget_access_token(self, token: str) -> None:
        await self._delete_if(keys=[self._key("token")], args=[token])

    async def lock_token_fetch(self, owner: str, seconds: float) -> bool:
        return bool(
            await self._redis.set(self._key("token", "lock"), owner, nx=True, px=_ms(seconds))
        )

    async def unlock_token_fetch(self, owner: str) -> None:
        await self._delete_if(keys=[self._key("token", "lock")], args=[owner])

    # Late answers for the customer-service API ------------------------------------------------

    async def add_delivery(self, delivery_id: str, item: Dict[str, Any]) -> None:
        await self._redis.hset(
            self._key("deliveries"), delivery_id, json.dumps(item, ensure_ascii=False)
        )

    async def claim_deliveries(
        self, owner: str, lease: float, limit: int
    ) -> List[Tuple[str, Dict[str, Any]]]:
        flat = await self._claim_deliveries(
            keys=[self._key("deliveries"), self._key("delivery", "claim", "")],
            args=[owner, time.time(), lease, limit],
        )
        return [(flat[i], json.loads(flat[i + 1])) for i in range(0, len(flat), 2)]

    async def update_delivery(self, delivery_id: str, item: Dict[str, Any]) -> None:
        await self._update_delivery(
            keys=[self._key("deliveries")],
            args=[delivery_id, json.dumps(item, ensure_ascii=False)],
        )

    async def release_delivery(self, delivery_id: str) -> None:
        await self._redis.delete(self._key("delivery", "claim", delivery_id))

    async def remove_delivery(self, delivery_id: str) -> None:
        await self._redis.hdel(self._key("deliveries"), delivery_id)
        await self.release_delivery(delivery_id)

    async def deliveries(self) -> Dict[str, Dict[str, Any]]:
        items = await self._redis.hgetall(self._key("deliveries"))
        return {key: json.loads(value) for key, value in items.items()}

    # Late answers kept for the follower's next message ----------------------------------------

    async def keep_answers(self, openid: str, texts: List[str], seconds: float) -> None:
        key = self._key("kept", openid)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, *texts)
            pipe.pexpire(key, _ms(seconds))
            await pipe.execute()

    async def take_kept_answer(self, openid: str) -> Tuple[Optional[str], int]:
        text, remaining = await self._take_kept(keys=[self._key("kept", openid)])
        return (text or None), int(remaining)

    # Hand-over to a person, failed turns ------------------------------------------------------

    async def start_handoff(self, openid: str, seconds: float) -> None:
        await self._redis.set(self._key("handoff", openid), "1", px=_ms(seconds))

    async def handoff_active(self, openid: str, seconds: float) -> bool:
        return bool(
            await self._handoff_active(keys=[self._key("handoff", openid)], args=[_ms(seconds)])
        )

    async def end_handoff(self, openid: str) -> None:
        await self._redis.delete(self._key("handoff", openid))

    async def count_failure(self, openid: str, seconds: float) -> int:
        return int(
            await self._count_failure(keys=[self._key("failures", openid)], args=[_ms(seconds)])
        )

    async def clear_failures(self, openid: str) -> None:
        await self._redis.delete(self._key("failures", openid))

    async def close(self) -> None:
        await self._redis.close()
