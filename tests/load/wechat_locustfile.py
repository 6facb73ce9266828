"""Load test of the WeChat channel (`make load LOAD_CHANNEL=wechat`): every simulated follower
holds one conversation of the scenario (tests/load/scenario.json) in signed plaintext XML, as
WeChat's servers post it, each turn to the next replica (LOAD_HOSTS).

WeChat's API is the local fake (tests/fake_wechat_api.py) on LOAD_WECHAT_API_PORT, started
here: an answer that missed the deadline is awaited there before the follower's next message.
Every fourth message is also posted again to the other replica shortly after, as WeChat
retries a message. Per turn, an answer is one passive reply or customer-service messages:

- duplicates: turns answered both in a response (to the message or its retry) and through
  the API, retries answered differently, and messages the tracker holds more than once (by
  MsgId);
- lost: turns with neither within LATE_SECONDS, and messages the tracker does not hold.

The figures go to LOAD_REPORT as JSON.
"""

import hashlib
import itertools
import json
import os
import random
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import gevent
from common import user_events
from locust import HttpUser, constant, events, task
from locust.exception import StopUser

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.fake_wechat_api import FakeWeChatApi  # noqa: E402

SCENARIO = json.loads((Path(__file__).parent / "scenario.json").read_text(encoding="utf-8"))
CONVERSATIONS = SCENARIO["conversations"]
PAUSE_SECONDS = SCENARIO["pause_seconds"]
HOSTS = [host.rstrip("/") for host in os.environ["LOAD_HOSTS"].split(",") if host]
TOKEN = os.environ["WECHAT_TOKEN"]
WEBHOOK = "/webhooks/wechat/webhook"
OFFICIAL_ACCOUNT = "gh_load0000000"
LATE_SECONDS = 30.0  # a late answer not sent by then is lost
RETRY_EVERY = 4
RETRY_AFTER_SECONDS = 0.2
APOLOGY_MARK = "抱歉，系统暂时有点忙"

API = FakeWeChatApi(
    os.environ["WECHAT_APP_ID"],
    os.environ["WECHAT_APP_SECRET"],
    port=int(os.environ["LOAD_WECHAT_API_PORT"]),
)
_msg_ids = itertools.count(random.randrange(10**15, 9 * 10**15))
_lock = threading.Lock()
_turns = []  # one dict per turn
_followers = {}  # openid -> MsgIds sent
_finished = 0
_times = {}


@events.test_start.add_listener
def start_api(**_):
    API.start()
    _times["start"] = time.monotonic()


def signed_query():
    timestamp, nonce = str(int(time.time())), str(random.randrange(10**9))
    signature = hashlib.sha1("".join(sorted([TOKEN, timestamp, nonce])).encode()).hexdigest()
    return {"signature": signature, "timestamp": timestamp, "nonce": nonce}


def text_xml(openid, text, msg_id):
    return (
        f"<xml><ToUserName><![CDATA[{OFFICIAL_ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    ).encode("utf-8")


class Follower(HttpUser):
    wait_time = constant(PAUSE_SECONDS)

    def on_start(self):
        self.openid = "o" + uuid.uuid4().hex[:27]
        with _lock:
            self.script = CONVERSATIONS[len(_followers) % len(CONVERSATIONS)]
            self.first_host = len(_followers) % len(HOSTS)
            _followers[self.openid] = []

    def post(self, host, body, name):
        """The passive reply's text, "" for `success`, None for an error."""
        with self.client.post(
            host + WEBHOOK,
            params=signed_query(),
            data=body,
            headers={"Content-Type": "text/xml"},
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            if response.text == "success":
                return ""
            if "<MsgType><![CDATA[text]]></MsgType>" not in response.text:
                response.failure("not a text reply")
                return None
            content = response.text.split("<Content><![CDATA[", 1)[1].split("]]></Content>")[0]
            if APOLOGY_MARK in content:
                response.failure("apology")
            return content

    @task
    def converse(self):
        global _finished
        for number, text in enumerate(self.script):
            host = HOSTS[(self.first_host + number) % len(HOSTS)]
            other = HOSTS[(self.first_host + number + 1) % len(HOSTS)]
            msg_id = next(_msg_ids)
            body = text_xml(self.openid, text, msg_id)
            with _lock:
                _followers[self.openid].append(msg_id)
            sent_before = len(API.sent_to(self.openid))
            started = time.monotonic()
            retry = None
            if number % RETRY_EVERY == RETRY_EVERY - 1:
                retry = gevent.spawn_later(RETRY_AFTER_SECONDS, self.post, other, body, "retry")
            passive = self.post(host, body, "message")
            answered = time.monotonic() if passive else None
            if passive == "":  # the answer comes through the customer-service API
                deadline = started + LATE_SECONDS
                while len(API.sent_to(self.openid)) == sent_before and time.monotonic() < deadline:
                    time.sleep(0.05)
                if len(API.sent_to(self.openid)) > sent_before:
                    answered = time.monotonic()
            if retry is not None:
                retry.join()
            time.sleep(PAUSE_SECONDS)  # any further message for this turn arrives by now
            late_messages = len(API.sent_to(self.openid)) - sent_before
            with _lock:
                _turns.append(
                    {
                        "passive": bool(passive),
                        "late_messages": late_messages,
                        "seconds": None if answered is None else answered - started,
                        "retried": retry is not None,
                        "retry_reply": retry.value if retry is not None else None,
                        "reply": passive,
                    }
                )
        with _lock:
            _finished += 1
            everyone_done = _finished >= self.environment.runner.target_user_count
        if everyone_done:
            _times["end"] = time.monotonic()
            self.environment.runner.quit()
        raise StopUser()


def percentile(values, share):
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000)


@events.quitting.add_listener
def report(environment, **_):
    token = os.environ.get("RASA_API_TOKEN", "")
    stored_twice = stored_missing = 0
    for openid, msg_ids in _followers.items():
        stored = Counter(event.get("message_id") for event in user_events(HOSTS[0], openid, token))
        stored_twice += sum(count - 1 for count in stored.values() if count > 1)
        stored_missing += sum(1 for msg_id in msg_ids if stored[str(msg_id)] == 0)
    answered = [turn["seconds"] for turn in _turns if turn["seconds"] is not None]
    passive_and_late = sum(
        1 for turn in _turns if (turn["reply"] or turn["retry_reply"]) and turn["late_messages"]
    )
    retry_differs = sum(
        1
        for turn in _turns
        if turn["retried"] and turn["passive"] and turn["retry_reply"] not in ("", turn["reply"])
    )
    unanswered = sum(1 for turn in _turns if turn["seconds"] is None)
    elapsed = _times.get("end", time.monotonic()) - _times.get("start", time.monotonic())
    total = environment.stats.total
    figures = {
        "channel": "wechat",
        "conversations": len(_followers),
        "turns_sent": len(_turns),
        "retries_sent": sum(1 for turn in _turns if turn["retried"]),
        "errors": total.num_failures,
        "throughput_per_s": round(len(answered) / elapsed, 2) if elapsed > 0 else 0,
        "p50_ms": percentile(answered, 0.50) if answered else None,
        "p95_ms": percentile(answered, 0.95) if answered else None,
        "p99_ms": percentile(answered, 0.99) if answered else None,
        "max_ms": round(max(answered) * 1000) if answered else None,
        "passive_share": round(sum(t["passive"] for t in _turns) / max(1, len(_turns)), 3),
        "duplicates": passive_and_late + retry_differs + stored_twice,
        "duplicates_by_kind": {
            "answered in a response and through the API": passive_and_late,
            "a retry answered differently": retry_differs,
            "a message stored twice": stored_twice,
        },
        "lost": unanswered + stored_missing,
        "token_fetches": len(API.token_requests),
        "failures": {
            f"{e.method} {e.name}: {e.error}": e.occurrences
            for e in environment.stats.errors.values()
        },
    }
    API.stop()
    with open(os.environ.get("LOAD_REPORT", "reports/load/figures.json"), "w") as out:
        json.dump(figures, out, ensure_ascii=False, indent=2)
    if figures["errors"] or figures["duplicates"] or figures["lost"]:
        environment.process_exit_code = 1
