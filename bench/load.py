"""Turn latency and throughput through the REST channel with the real action server."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List

import aiohttp

from bench.stats import latency_summary
from channels.core.turns import APOLOGY
from tools.servers import ROOT, start_action_server, start_rasa_server

SCENARIO = json.loads((ROOT / "tests" / "load" / "scenario.json").read_text(encoding="utf-8"))
CONVERSATIONS: List[List[str]] = SCENARIO["conversations"]
PAUSE_SECONDS: float = SCENARIO["pause_seconds"]
# Concurrent conversations measured with the scenario's pauses, as citizens converse.
PACED_LEVELS = (1, 10, 50)
# Concurrent conversations measured without pauses: every answer is followed at once by the
# next message, which shows the most turns per second one server process can answer.
SATURATION_LEVEL = 10


def resident_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def _conversation(
    session: aiohttp.ClientSession,
    url: str,
    turns: List[str],
    pause: float,
    latencies: List[float],
    errors: List[str],
) -> None:
    sender = uuid.uuid4().hex
    for text in turns:
        started = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": text}) as response:
                body = await response.json()
                if response.status != 200 or not body:
                    errors.append(f"{response.status} for {text}")
                elif any(APOLOGY in (message.get("text") or "") for message in body):
                    errors.append(f"apology for {text}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            errors.append(f"{type(error).__name__} for {text}")
        latencies.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(pause)


async def _drive(
    base_url: str, concurrency: int, conversations: int, pause: float
) -> Dict[str, Any]:
    """`concurrency` citizens hold `conversations` conversations, each citizen one after another,
    pausing `pause` seconds after every answer. Citizens arrive spread over the first pause
    rather than all in the same instant. Turns per second are over the run's wall time without
    its final pause."""
    url = f"{base_url}/webhooks/rest/webhook"
    latencies: List[float] = []
    errors: List[str] = []
    waiting = [CONVERSATIONS[i % len(CONVERSATIONS)] for i in range(conversations)]
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=concurrency)

    async def citizen(arrival: float) -> None:
        await asyncio.sleep(arrival)
        while waiting:
            await _conversation(session, url, waiting.pop(0), pause, latencies, errors)

    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(
            *(citizen(pause * index / concurrency) for index in range(concurrency))
        )
        elapsed = time.perf_counter() - started - pause
    return {
        "concurrency": concurrency,
        "pause_s": pause,
        "conversations": conversations,
        "turns": len(latencies),
        "errors": len(errors),
        "error_examples": errors[:5],
        "turns_per_second": len(latencies) / elapsed,
        **latency_summary(latencies),
    }


async def _first_answer_seconds(base_url: str, started: float) -> float:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{base_url}/webhooks/rest/webhook", json={"sender": "first", "message": "你好"}
        ) as response:
            await response.json()
    return time.monotonic() - started


def run_load(work: Path) -> Dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    actions = start_action_server(work)
    rasa = start_rasa_server(work, actions.url)
    try:
        startup = asyncio.run(_first_answer_seconds(rasa.url, started))
        memory_loaded = {
            "rasa_mb": resident_mb(rasa.process.pid),
            "actions_mb": resident_mb(actions.process.pid),
        }
        asyncio.run(_drive(rasa.url, 1, 1, 0.0))  # warm-up
        results = [
            asyncio.run(_drive(rasa.url, level, max(2 * level, 8), PAUSE_SECONDS))
            for level in PACED_LEVELS
        ]
        saturation = asyncio.run(_drive(rasa.url, SATURATION_LEVEL, 2 * SATURATION_LEVEL, 0.0))
        memory_after = {
            "rasa_mb": resident_mb(rasa.process.pid),
            "actions_mb": resident_mb(actions.process.pid),
        }
    finally:
        rasa.stop()
        actions.stop()
    return {
        "startup_to_first_answer_s": startup,
        "memory_after_loading": memory_loaded,
        "memory_after_load": memory_after,
        "levels": results,
        "saturation": saturation,
    }
