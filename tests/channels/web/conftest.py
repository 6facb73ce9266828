"""What the web chat's server and browser tests share: Chromium (tests/browser.py), websites on
loopback ports of their own (one allowed to embed the chat, one not), and one Rasa server for
every test of this folder.

That server (`web_server`) lets `other_site` embed the chat (WEBCHAT_ALLOWED_ORIGINS) and
reaches its action server through `action_proxy`, which the tests close to take the action
server away. When the test run has PostgreSQL (TEST_POSTGRES_URL), conversations are kept there
and reached through `store_proxy`, which the tests close to take the conversation store away;
without it they are kept in memory and the tests that need the store proxy are skipped.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, Optional

import pytest

from tests.browser import (  # noqa: F401 (fixtures for the browser tests)
    browser_page,
    launched_chromium,
    phone_page,
)
from tests.services import Database, fresh_database
from tests.tcp_proxy import TcpProxy
from tools.servers import Server, free_port, start_action_server, start_rasa_server


class OtherSite:
    """A website on another origin than the assistant's: pages by path, set by the tests."""

    def __init__(self) -> None:
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.pages: Dict[str, str] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                page = site.pages.get(self.path)
                body = (page or "not found").encode("utf-8")
                self.send_response(200 if page else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, path: str, body: str) -> str:
        """Serves `body` inside a plain page at `path`; the page's URL."""
        self.pages[path] = (
            '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<title>某市人力资源和社会保障局</title><link rel="icon" href="data:,"></head>'
            f"<body><h1>某市人力资源和社会保障局</h1><p>办事指南</p>{body}</body></html>"
        )
        return self.origin + path

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class WebServer:
    server: Server
    action_proxy: TcpProxy  # between the Rasa server and its action server
    database: Optional[Database]  # the conversations' PostgreSQL database, if any
    store_proxy: Optional[TcpProxy]  # between the Rasa server and PostgreSQL, if any

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


@pytest.fixture(scope="package")
def chromium():
    """Chromium for this folder's tests, closed after them (so that the tests after them can
    run asyncio event loops of their own)."""
    yield from launched_chromium()


@pytest.fixture(scope="package")
def other_site():
    """A site the web server lets embed the chat."""
    site = OtherSite()
    yield site
    site.stop()


@pytest.fixture(scope="package")
def refused_site():
    """A site nobody named in WEBCHAT_ALLOWED_ORIGINS."""
    site = OtherSite()
    yield site
    site.stop()


def _database_if_any():
    """The test run's fresh PostgreSQL database and what drops it, or None when there is none
    (outside CI; under CI a missing database fails the run)."""
    databases = fresh_database()
    try:
        return next(databases), databases
    except pytest.skip.Exception:
        return None, None


@pytest.fixture(scope="package")
def web_server(tmp_path_factory, other_site):
    log_dir = tmp_path_factory.mktemp("web-server")
    database, databases = _database_if_any()
    actions_port = free_port()
    actions = start_action_server(log_dir, port=actions_port, name="web-actions")
    action_proxy = TcpProxy("127.0.0.1", actions_port).open()
    store_proxy = stores = None
    if database is not None:
        store_proxy = TcpProxy(database.host, database.port).open()
        stores = database.tracker_store_yaml("127.0.0.1", store_proxy.port)
    try:
        server = start_rasa_server(
            log_dir,
            f"http://127.0.0.1:{action_proxy.port}",
            name="web-server",
            env={"WEBCHAT_ALLOWED_ORIGINS": other_site.origin},
            stores=stores or "",
        )
        yield WebServer(server, action_proxy, database, store_proxy)
        server.stop()
    finally:
        action_proxy.close()
        actions.stop()
        if store_proxy is not None:
            store_proxy.close()
        if databases is not None:
            next(databases, None)  # drops the database
