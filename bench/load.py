"""Turn latency, throughput, CPU and memory through the REST channel with the real action
server, the embedded profile's tracker store, and a sampling profile under load."""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Tuple

import aiohttp
import yaml

from bench.profile import record, summarise
from bench.stats import latency_summary
from channels.core.turns import APOLOGY
from tools.servers import (
    ROOT,
    Server,
    launch_action_server,
    launch_rasa_server,
    wait_until_ready,
)

SCENARIO = json.loads((ROOT / "tests" / "load" / "scenario.json").read_text(encoding="utf-8"))
CONVERSATIONS: List[List[str]] = SCENARIO["conversations"]
PAUSE_SECONDS: float = SCENARIO["pause_seconds"]
# Concurrent conversations, measured with the scenario's pauses (as citizens converse) and
# without (every answer followed at once by the next message: the most one process answers).
LEVELS = (1, 10, 50)
# The unpaced level sampled by the profiler, for how long, and its longer run.
PROFILED_LEVEL = 10
PROFILE_SECONDS = 15
PROFILED_CONVERSATIONS = 120
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def resident_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def embedded_stores(database: Path) -> str:
    """The embedded profile's tracker store (endpoints.yml), on a database of the run."""
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    store = {**endpoints["tracker_store"], "db": str(database)}
    return yaml.safe_dump({"tracker_store": store})


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


def measured(servers: Dict[str, Server], run: Any) -> Dict[str, Any]:
    """A load level's figures with the CPU milliseconds each server spent per turn."""
    before = {name: cpu_seconds(server.process.pid) for name, server in servers.items()}
    figures = asyncio.run(run)
    for name, server in servers.items():
        spent = cpu_seconds(server.process.pid) - before[name]
        figures[f"{name}_cpu_ms_per_turn"] = 1000 * spent / max(figures["turns"], 1)
    return figures


async def _first_answer_seconds(base_url: str, started: float) -> float:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{base_url}/webhooks/rest/webhook", json={"sender": "first", "message": "你好"}
        ) as response:
            await response.json()
    return time.monotonic() - started


def _profile_while(rasa: Server, work: Path, run: Any) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """Runs a load level while py-spy samples the Rasa server."""
    import threading

    out = work / "profile.txt"
    recorded: List[bool] = []
    sampler = threading.Thread(
        target=lambda: recorded.append(record(rasa.process.pid, PROFILE_SECONDS, out))
    )
    sampler.start()
    figures = run()
    sampler.join()
    if not (recorded and recorded[0]):
        return figures, {"skipped": "py-spy could not sample the server"}
    lines = out.read_text(encoding="utf-8").splitlines()
    return figures, summarise(lines, str(ROOT))


def run_load(work: Path) -> Dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    database = work / "conversations.db"
    database.unlink(missing_ok=True)
    # Both servers start at once, as separate processes do; start-up lasts until the first
    # answer.
    started = time.monotonic()
    actions = launch_action_server(work)
    rasa = launch_rasa_server(work, actions.url, stores=embedded_stores(database))
    servers = {"rasa": rasa, "actions": actions}
    try:
        wait_until_ready(actions, "/health")
        wait_until_ready(rasa, "/status")
        startup = asyncio.run(_first_answer_seconds(rasa.url, started))
        memory_loaded = {name: resident_mb(s.process.pid) for name, s in servers.items()}
        asyncio.run(_drive(rasa.url, 1, 1, 0.0))  # warm-up
        paced = [
            measured(servers, _drive(rasa.url, level, max(2 * level, 8), PAUSE_SECONDS))
            for level in LEVELS
        ]
        unpaced = []
        profile: Dict[str, Any] = {}
        for level in LEVELS:
            if level == PROFILED_LEVEL:
                figures, profile = _profile_while(
                    rasa,
                    work,
                    lambda lv=level: measured(
                        servers, _drive(rasa.url, lv, PROFILED_CONVERSATIONS, 0.0)
                    ),
                )
            else:
                figures = measured(servers, _drive(rasa.url, level, max(2 * level, 8), 0.0))
            unpaced.append(figures)
        memory_after = {name: resident_mb(s.process.pid) for name, s in servers.items()}
    finally:
        rasa.stop()
        actions.stop()
    return {
        "startup_to_first_answer_s": startup,
        "memory_after_loading": {f"{name}_mb": mb for name, mb in memory_loaded.items()},
        "memory_after_load": {f"{name}_mb": mb for name, mb in memory_after.items()},
        "levels": paced,
        "unpaced": unpaced,
        "saturation": max(unpaced, key=lambda level: level["turns_per_second"]),
        "profile": profile,
    }
