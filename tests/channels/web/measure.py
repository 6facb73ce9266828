"""The web chat's figures: what the page weighs and how long a citizen waits for the first answer.

    python -m tests.channels.web.measure [--url http://127.0.0.1:5005] [--runs 5]

Without --url it starts its own action server and Rasa server (tools/servers.py) and stops them
afterwards. Each run opens /webchat/ in a fresh Chromium context on a phone's screen
(tests/browser.py), waits for the menu, asks 社保卡丢了怎么办 and waits for the answer (the first
follow-up question). Prints the median and the range over the runs; nothing is asserted.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

from channels.web.page import static_files
from tests.browser import CHROMIUM, LAUNCH_ARGS, PHONE, open_page
from tests.channels.web.chat import ChatPage
from tests.support import FINDABLE
from tools.servers import start_action_server, start_rasa_server

QUESTION = "社保卡丢了怎么办"
SCRIPTS_AND_STYLES = ("chat.js", "chat.css", "widget.js")


def file_weights() -> Dict[str, int]:
    return {name: len(file.body) for name, file in static_files().items()}


def one_run(browser, url: str) -> Dict[str, float]:
    """Seconds from opening the page to the menu, from sending the question to its answer, and
    from opening the page to that answer; with the bytes the page loaded."""
    page = open_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    loaded: List[int] = []
    page.on("requestfinished", lambda request: loaded.append(request.sizes()["responseBodySize"]))
    try:
        opened = time.perf_counter()
        chat = ChatPage(page).open(url)
        menu = time.perf_counter()
        answer = chat.say(QUESTION)
        answered = time.perf_counter()
        if answer != FINDABLE or page.errors:
            raise RuntimeError(f"unexpected answer {answer!r} or errors {page.errors}")
        return {
            "menu": menu - opened,
            "answer": answered - menu,
            "total": answered - opened,
            "bytes": float(sum(loaded)),
        }
    finally:
        page.page.context.close()


def report(first: Dict[str, float], runs: List[Dict[str, float]]) -> None:
    weights = file_weights()
    page_files = [name for name in weights if name != "widget.js"]
    print("Files (uncompressed / gzip):")
    for name, file in static_files().items():
        print(f"  {name:<11} {len(file.body):>6} B  {len(gzip.compress(file.body, 9)):>6} B")
    print(
        f"  JS + CSS ({', '.join(SCRIPTS_AND_STYLES)}): "
        f"{sum(weights[n] for n in SCRIPTS_AND_STYLES)} B"
    )
    print(
        f"  the page's own files ({', '.join(page_files)}): {sum(weights[n] for n in page_files)} B"
    )
    print(
        f"  everything the page loaded, API answers included (median): "
        f"{statistics.median(r['bytes'] for r in runs):.0f} B"
    )
    print(
        f"First run after the server started: page opened → first answer shown "
        f"{first['total']:.2f} s (the server's first turn loads what it needs)"
    )
    print(f"Runs after it: {len(runs)}")
    for key, label in [
        ("menu", "page opened → menu shown"),
        ("answer", f"{QUESTION} sent → first question shown"),
        ("total", "page opened → first answer shown"),
    ]:
        values = [run[key] for run in runs]
        print(
            f"  {label}: median {statistics.median(values):.2f} s "
            f"(min {min(values):.2f}, max {max(values):.2f})"
        )


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running Rasa server with the web chat")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    servers = []
    url = options.url
    try:
        if not url:
            log_dir = Path(tempfile.mkdtemp(prefix="webchat-measure-"))
            actions = start_action_server(log_dir)
            servers.append(actions)
            servers.append(start_rasa_server(log_dir, actions.url))
            url = servers[-1].url
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True
            )
            first = one_run(browser, url)
            runs = [one_run(browser, url) for _ in range(options.runs)]
            browser.close()
    finally:
        for server in reversed(servers):
            server.stop()
    report(first, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
