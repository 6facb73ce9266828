"""Fixtures that start the real servers and services, and the `server` marker for every test
that uses one (`make test-unit` runs the others, `make test-servers` these)."""

import pytest

from tests.fake_wechat_api import FakeWeChatApi
from tests.services import fresh_database, redis_service
from tests.wechat_simulator import APP_ID, APP_SECRET, TOKEN, write_credentials
from tools.servers import start_action_server, start_rasa_server

# The voice line's token for the test servers, given as VOICE_GATEWAY_TOKEN (the project's
# credentials.yml leaves it empty).
VOICE_TOKEN = "test-gateway-token"


@pytest.fixture(scope="session")
def action_server(tmp_path_factory):
    server = start_action_server(tmp_path_factory.mktemp("action-server"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rasa_server(tmp_path_factory, action_server):
    server = start_rasa_server(
        tmp_path_factory.mktemp("rasa-server"),
        action_server.url,
        env={"VOICE_GATEWAY_TOKEN": VOICE_TOKEN},
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def fake_wechat_api():
    api = FakeWeChatApi(APP_ID, APP_SECRET).start()
    yield api
    api.stop()


@pytest.fixture(scope="module")
def wechat_server(tmp_path_factory, action_server, fake_wechat_api):
    """A Rasa server whose WeChat channel is set up in its credentials file (safe mode on)."""
    log_dir = tmp_path_factory.mktemp("wechat-server")
    credentials = write_credentials(log_dir / "credentials.yml", fake_wechat_api.url)
    server = start_rasa_server(log_dir, action_server.url, credentials=credentials)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def slow_wechat_server(tmp_path_factory, action_server, fake_wechat_api):
    """A Rasa server whose WeChat channel is set up by environment variables alone, with a reply
    deadline too short for any turn that calls the action server: those answers go out late."""
    log_dir = tmp_path_factory.mktemp("slow-wechat-server")
    server = start_rasa_server(
        log_dir,
        action_server.url,
        credentials="channels.wechat.WeChatInput:\n",
        env={
            "WECHAT_TOKEN": TOKEN,
            "WECHAT_APP_ID": APP_ID,
            "WECHAT_APP_SECRET": APP_SECRET,
            "WECHAT_API_BASE_URL": fake_wechat_api.url,
            "WECHAT_REPLY_DEADLINE": "0.01",
        },
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres():
    """A fresh PostgreSQL database for this test run (TEST_POSTGRES_URL), dropped afterwards."""
    yield from fresh_database()


@pytest.fixture(scope="session")
def redis_lock_store():
    """Redis (TEST_REDIS_URL) with a key prefix of this test run's own."""
    return redis_service()


# Fixtures that start a real server or browser, or reach PostgreSQL or Redis; a test using any
# of them, directly or through another fixture, is a server test.
SERVER_FIXTURES = {
    "action_server",
    "rasa_server",
    "wechat_server",
    "slow_wechat_server",
    "fake_wechat_api",
    "postgres",
    "redis_lock_store",
    "shell",
    "chromium",
    "web_server",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.server)
