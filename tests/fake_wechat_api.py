"""A local stand-in for WeChat's API on 127.0.0.1: issues access tokens, records
customer-service sends and the sessions opened with customer-service agents.

It answers like WeChat: a token from /cgi-bin/token for the right app id and secret, errcode
42001 for an expired token, 40001 for an unknown one, and the errcode set for a follower
(e.g. 45015, out of the reply window) instead of delivering to them; sessions are opened
(customservice/kfsession/create) for the agent accounts in `kf_accounts`, 65401 for others.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Dict, List, Optional, Set
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Sent:
    access_token: str
    raw: bytes  # the request body as it came

    @property
    def body(self) -> Dict:
        return json.loads(self.raw.decode("utf-8"))

    @property
    def touser(self) -> str:
        return self.body["touser"]

    @property
    def content(self) -> str:
        return self.body["text"]["content"]


@dataclass(frozen=True)
class Session:
    kf_account: str
    openid: str
    text: str  # what the agent reads first


class FakeWeChatApi:
    def __init__(self, app_id: str, app_secret: str, expires_in: int = 7200, port: int = 0) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.expires_in = expires_in
        self.token_requests: List[Dict[str, str]] = []
        self.sent: List[Sent] = []
        self.refused: List[Sent] = []  # sends answered with an error
        self.errors_for: Dict[str, int] = {}  # openid -> errcode to answer sends to them with
        self.kf_accounts: Set[str] = set()
        self.sessions: List[Session] = []
        # Fails this many sends with errcode -1 (system busy) before delivering again.
        self.busy_sends = 0
        self._tokens: Dict[str, bool] = {}  # token -> still valid
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "FakeWeChatApi":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def expire_tokens(self) -> None:
        with self._lock:
            self._tokens = {token: False for token in self._tokens}

    def sent_to(self, openid: str) -> List[Sent]:
        with self._lock:
            return [sent for sent in self.sent if sent.touser == openid]

    def wait_for(self, condition: Callable[[], bool], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {timeout} s; sent so far: {self.sent}")
            time.sleep(0.05)

    def _issue_token(self, query: Dict[str, str]) -> Dict:
        with self._lock:
            self.token_requests.append(query)
            if query.get("grant_type") != "client_credential":
                return {"errcode": 40002, "errmsg": "invalid grant_type"}
            if query.get("appid") != self.app_id or query.get("secret") != self.app_secret:
                return {"errcode": 40125, "errmsg": "invalid appsecret"}
            token = f"token-{next(self._numbers)}"
            self._tokens[token] = True
            return {"access_token": token, "expires_in": self.expires_in}

    def sessions_of(self, openid: str) -> List[Session]:
        with self._lock:
            return [session for session in self.sessions if session.openid == openid]

    def _token_error(self, token: str) -> int:
        if token not in self._tokens:
            return 40001
        return 0 if self._tokens[token] else 42001

    def _custom_send(self, token: str, raw: bytes) -> Dict:
        sent = Sent(token, raw)
        with self._lock:
            errcode = self._token_error(token) or self.errors_for.get(sent.touser, 0)
            if not errcode and self.busy_sends > 0:
                self.busy_sends -= 1
                errcode = -1
            if errcode:
                self.refused.append(sent)
                return {"errcode": errcode, "errmsg": "refused by the fake API"}
            self.sent.append(sent)
            return {"errcode": 0, "errmsg": "ok"}

    def _create_session(self, token: str, raw: bytes) -> Dict:
        body = json.loads(raw.decode("utf-8"))
        with self._lock:
            errcode = self._token_error(token)
            if not errcode and body.get("kf_account") not in self.kf_accounts:
                errcode = 65401  # invalid customer-service account
            if errcode:
                return {"errcode": errcode, "errmsg": "refused by the fake API"}
            self.sessions.append(Session(body["kf_account"], body["openid"], body.get("text", "")))
            return {"errcode": 0, "errmsg": "ok"}

    def _handler_class(self) -> type:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _query(self) -> Dict[str, str]:
                return {
                    key: values[0] for key, values in parse_qs(urlsplit(self.path).query).items()
                }

            def _answer(self, payload: Optional[Dict], status: int = 200) -> None:
                body = json.dumps(payload or {}, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; encoding=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if urlsplit(self.path).path == "/cgi-bin/token":
                    self._answer(api._issue_token(self._query()))
                else:
                    self._answer({"errcode": 404}, status=404)

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                token = self._query().get("access_token", "")
                path = urlsplit(self.path).path
                if path == "/cgi-bin/message/custom/send":
                    self._answer(api._custom_send(token, raw))
                elif path == "/customservice/kfsession/create":
                    self._answer(api._create_session(token, raw))
                else:
                    self._answer({"errcode": 404}, status=404)

            def log_message(self, *args) -> None:
                pass

        return Handler
