"""Loads one NLU model and parses texts, printing JSON: resident memory, latencies, and the
entities found in a second list of texts.

Run in its own process so that each model's memory is measured alone:
    python -m bench.parse_profile MODEL TEXTS_FILE ENTITY_TEXTS_FILE
"""

import asyncio
import json
import sys
import time


def resident_mb() -> float:
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def profile(model: str, texts_file: str, entity_texts_file: str) -> dict:
    from rasa.core.agent import Agent

    texts = json.loads(open(texts_file, encoding="utf-8").read())
    started = time.perf_counter()
    agent = Agent.load(model)
    load_seconds = time.perf_counter() - started
    await agent.parse_message(texts[0])  # warm-up
    latencies = []
    for text in texts:
        started = time.perf_counter()
        await agent.parse_message(text)
        latencies.append((time.perf_counter() - started) * 1000)
    entities = []
    for text in json.loads(open(entity_texts_file, encoding="utf-8").read()):
        entities.append((await agent.parse_message(text)).get("entities", []))
    return {
        "rss_mb": resident_mb(),
        "load_seconds": load_seconds,
        "latencies_ms": latencies,
        "entities": entities,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(profile(*sys.argv[1:4]))))
