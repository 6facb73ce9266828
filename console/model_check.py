"""Whether the current model gets reviewed texts right: asks a running Rasa server's
/model/parse (CONSOLE_RASA_URL, with CONSOLE_RASA_TOKEN as its auth token when set). When no
server is set, or it cannot be reached, the result says so instead of failing."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Dict, Optional, Sequence

import aiohttp

TIMEOUT_SECONDS = 5.0
MAX_TEXTS = 300
PARALLEL = 4
OFF, UNREACHABLE, CHECKED = "off", "unreachable", "checked"


@dataclass
class ModelCheck:
    status: str
    message: str = ""
    intents: Dict[str, str] = field(default_factory=dict)  # text -> intent the model gives

    def intent_of(self, text: str) -> Optional[str]:
        return self.intents.get(text)


async def check_texts(rasa_url: str, token: str, texts: Sequence[str]) -> ModelCheck:
    if not rasa_url:
        return ModelCheck(OFF, "CONSOLE_RASA_URL is not set: the current model is not asked")
    unique = list(dict.fromkeys(texts))[:MAX_TEXTS]
    params = {"token": token} if token else {}
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS * 4, sock_connect=TIMEOUT_SECONDS)
    gate = asyncio.Semaphore(PARALLEL)
    intents: Dict[str, str] = {}

    async def parse(session: aiohttp.ClientSession, text: str) -> None:
        async with gate:
            async with session.post(
                f"{rasa_url}/model/parse", json={"text": text}, params=params
            ) as response:
                if response.status != 200:
                    raise RuntimeError(f"HTTP {response.status}")
                body = await response.json(content_type=None)
                intents[text] = str(((body or {}).get("intent") or {}).get("name") or "")

    async def probe(session: aiohttp.ClientSession) -> None:
        async with session.get(f"{rasa_url}/") as response:  # Rasa's "Hello from Rasa"
            if response.status >= 500:
                raise RuntimeError(f"HTTP {response.status}")

    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            if not unique:  # nothing to check: is the server there at all?
                await probe(session)
            await asyncio.gather(*(parse(session, text) for text in unique))
    except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError, ValueError) as error:
        reason = str(error) or type(error).__name__
        return ModelCheck(
            UNREACHABLE,
            f"the Rasa server at {rasa_url} could not be asked "
            f"({reason}): the current model is not checked",
        )
    return ModelCheck(CHECKED, f"checked with the model of {rasa_url}", intents)
