"""Turn latency and throughput through the REST channel with the real action server."""
from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Tuple

import aiohttp

from bench.stats import latency_summary
from tests.servers import start_action_server, start_rasa_server

CONVERSATIONS: List[List[str]] = [
    ["你好", "我的社保卡丢了", "找不回来了", "还没挂失", "谢谢", "养老保险断缴了还算吗", "十二年", "再见"],
    ["老板一直不给我签劳动合同", "干了五个月", "5000", "没签合同怎么证明劳动关系", "有工资条和考勤记录", "谢谢", "没有了", "再见"],
    ["我爸退休了养老金资格认证咋弄", "在外地", "不会用", "能出门", "社保卡显示封存是咋回事", "还没领", "谢谢", "拜拜"],
    ["社保从广州转到深圳要换卡吗", "在哪能查社保卡状态", "社保卡坏了换新卡钱会没吗", "手上有两张社保卡怎么办", "不清楚", "离职一年了还能仲裁吗", "是拖欠工资", "已经离职"],
]


def resident_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def _conversation(session: aiohttp.ClientSession, url: str, turns: List[str],
                        latencies: List[float], errors: List[str]) -> None:
    sender = uuid.uuid4().hex
    for text in turns:
        started = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": text}) as response:
                body = await response.json()
                if response.status != 200 or not body:
                    errors.append(f"{response.status} for {text}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            errors.append(f"{type(error).__name__} for {text}")
        latencies.append((time.perf_counter() - started) * 1000)


async def _drive(base_url: str, concurrency: int, conversations: int) -> Dict[str, Any]:
    url = f"{base_url}/webhooks/rest/webhook"
    latencies: List[float] = []
    errors: List[str] = []
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        started = time.perf_counter()
        queue = [CONVERSATIONS[i % len(CONVERSATIONS)] for i in range(conversations)]
        for first in range(0, len(queue), concurrency):
            batch = queue[first:first + concurrency]
            await asyncio.gather(*(_conversation(session, url, turns, latencies, errors) for turns in batch))
        elapsed = time.perf_counter() - started
    return {"concurrency": concurrency, "turns": len(latencies), "errors": len(errors),
            "turns_per_second": len(latencies) / elapsed, **latency_summary(latencies)}


async def _first_answer_seconds(base_url: str, started: float) -> float:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{base_url}/webhooks/rest/webhook",
                                json={"sender": "first", "message": "你好"}) as response:
            await response.json()
    return time.monotonic() - started


def run_load(work: Path, levels: Tuple[int, ...] = (1, 10, 50)) -> Dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    actions = start_action_server(work)
    rasa = start_rasa_server(work, actions.url)
    try:
        startup = asyncio.run(_first_answer_seconds(rasa.url, started))
        memory_loaded = {"rasa_mb": resident_mb(rasa.process.pid), "actions_mb": resident_mb(actions.process.pid)}
        results = [asyncio.run(_drive(rasa.url, level, max(level, 8))) for level in levels]
        memory_after = {"rasa_mb": resident_mb(rasa.process.pid), "actions_mb": resident_mb(actions.process.pid)}
    finally:
        rasa.stop()
        actions.stop()
    return {"startup_to_first_answer_s": startup, "memory_after_loading": memory_loaded,
            "memory_after_load": memory_after, "levels": results}
