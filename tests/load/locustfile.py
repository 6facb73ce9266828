"""Load test of the REST channel (`make load`): every simulated citizen holds one conversation
of about eight turns across the topics (tests/load/scenario.json), then leaves.

A turn counts as an error when the answer is not HTTP 200, is empty, or is the apology. After
the run the user turns stored in the tracker store (read through Rasa's HTTP API) are counted
against the turns sent, and the figures are written to LOAD_REPORT as JSON.

LOAD_HOSTS (comma-separated base URLs of Rasa replicas sharing their stores) sends each turn
of a conversation to the next replica; without it every turn goes to --host.
"""

import json
import os
import threading
import time
import uuid
from pathlib import Path

from common import user_events
from locust import HttpUser, constant, events, task
from locust.exception import StopUser

APOLOGY_MARK = "抱歉，系统暂时有点忙"  # the start of the apology (channels/turns.py)
SCENARIO = json.loads((Path(__file__).parent / "scenario.json").read_text(encoding="utf-8"))
CONVERSATIONS = SCENARIO["conversations"]
PAUSE_SECONDS = SCENARIO["pause_seconds"]
HOSTS = [host.rstrip("/") for host in os.environ.get("LOAD_HOSTS", "").split(",") if host]
WEBHOOK = "/webhooks/rest/webhook"

_lock = threading.Lock()
_sent = {}  # sender -> number of turns sent
_finished = 0


class Citizen(HttpUser):
    wait_time = constant(PAUSE_SECONDS)

    def on_start(self):
        self.sender = f"load-{uuid.uuid4().hex}"
        with _lock:
            self.script = CONVERSATIONS[len(_sent) % len(CONVERSATIONS)]
            self.first_host = len(_sent) % max(1, len(HOSTS))
            _sent[self.sender] = 0

    @task
    def converse(self):
        global _finished
        for number, text in enumerate(self.script):
            url = HOSTS[(self.first_host + number) % len(HOSTS)] + WEBHOOK if HOSTS else WEBHOOK
            with self.client.post(
                url, name="turn", catch_response=True, json={"sender": self.sender, "message": text}
            ) as response:
                with _lock:
                    _sent[self.sender] += 1
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")
                elif not response.json():
                    response.failure("no answer")
                elif any(APOLOGY_MARK in (m.get("text") or "") for m in response.json()):
                    response.failure("apology")
            time.sleep(PAUSE_SECONDS)
        with _lock:
            _finished += 1
            everyone_done = _finished >= self.environment.runner.target_user_count
        if everyone_done:
            self.environment.runner.quit()
        raise StopUser()


@events.quitting.add_listener
def report(environment, **_):
    token = os.environ.get("RASA_API_TOKEN", "")
    lost = sum(
        max(0, sent - len(user_events(environment.host, sender, token)))
        for sender, sent in _sent.items()
    )
    total = environment.stats.total
    figures = {
        "conversations": len(_sent),
        "turns_sent": sum(_sent.values()),
        "requests": total.num_requests,
        "errors": total.num_failures,
        "lost_turns": lost,
        "throughput_per_s": round(total.total_rps, 2),
        "p50_ms": total.get_response_time_percentile(0.50),
        "p95_ms": total.get_response_time_percentile(0.95),
        "p99_ms": total.get_response_time_percentile(0.99),
        "max_ms": round(total.max_response_time),
        "failures": {
            f"{e.method} {e.name}: {e.error}": e.occurrences
            for e in environment.stats.errors.values()
        },
    }
    with open(os.environ.get("LOAD_REPORT", "reports/load/figures.json"), "w") as out:
        json.dump(figures, out, ensure_ascii=False, indent=2)
    if figures["errors"] or figures["lost_turns"]:
        environment.process_exit_code = 1
