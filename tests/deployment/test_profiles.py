"""The endpoints profiles and the secure defaults of `make run` (scripts/run-rasa)."""

import pytest
import requests
from rasa.core.utils import read_endpoints_from_path
from rasa.shared.exceptions import RasaException

from console.settings import KNOWN_COUNT_STORE
from stores.sql_tracker_store import KnownCountSQLTrackerStore
from tools.servers import MODEL, ROOT, free_port, start

# These tests start their own Rasa servers.
pytestmark = pytest.mark.server

PRODUCTION_ENVIRONMENT = {
    "ACTION_SERVER_URL": "http://actions:5055/webhook",
    "RASA_DB_HOST": "db",
    "RASA_DB_PORT": "5432",
    "RASA_DB_NAME": "rasa",
    "RASA_DB_USER": "rasa",
    "RASA_DB_PASSWORD": "",
    "RASA_REDIS_HOST": "redis",
    "RASA_REDIS_PORT": "6379",
    "RASA_REDIS_DB": "1",
    "RASA_REDIS_PASSWORD": "",
    "RASA_REDIS_KEY_PREFIX": "assistant",
}


def test_the_profiles_name_the_projects_tracker_store():
    store = KnownCountSQLTrackerStore
    assert KNOWN_COUNT_STORE == f"{store.__module__}.{store.__name__}"


def test_the_embedded_profile_keeps_conversations_in_sqlite_under_var():
    endpoints = read_endpoints_from_path(ROOT / "endpoints.yml")
    assert endpoints.tracker_store.type == KNOWN_COUNT_STORE
    assert endpoints.tracker_store.kwargs == {"dialect": "sqlite", "db": "var/conversations.db"}
    assert endpoints.action.url == "http://127.0.0.1:5055/webhook"
    assert endpoints.action.kwargs == {"enable_selective_domain": True}
    # var/ is in every clone (Rasa's own commands write there before any make target runs),
    # its contents never in git.
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "var/*" in ignored and "!var/.gitkeep" in ignored
    assert (ROOT / "var" / ".gitkeep").is_file()


def test_the_production_profile_takes_everything_from_the_environment(monkeypatch):
    for name, value in PRODUCTION_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    endpoints = read_endpoints_from_path(ROOT / "endpoints.production.yml")
    assert endpoints.action.url == "http://actions:5055/webhook"
    store = endpoints.tracker_store
    assert endpoints.action.kwargs == {"enable_selective_domain": True}
    assert (store.type, store.url, store.kwargs["dialect"], store.kwargs["db"]) == (
        KNOWN_COUNT_STORE,
        "db",
        "postgresql",
        "rasa",
    )
    assert endpoints.lock_store.type == "stores.redis_lock_store.SerialRedisLockStore"
    assert endpoints.lock_store.url == "redis"
    assert endpoints.lock_store.kwargs["key_prefix"] == "assistant"


def test_the_production_profile_names_a_missing_variable(monkeypatch):
    for name, value in PRODUCTION_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("RASA_DB_HOST")
    with pytest.raises(RasaException, match="RASA_DB_HOST"):
        read_endpoints_from_path(ROOT / "endpoints.production.yml")


def test_no_secrets_in_the_configuration_files():
    for name in ("credentials.yml", "endpoints.yml", "endpoints.production.yml"):
        text = (ROOT / name).read_text(encoding="utf-8")
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if any(word in key.lower() for word in ("secret", "password", "token", "aes_key")):
                value = value.split("#")[0].strip()
                assert value in ('""', "") or value.startswith("${"), line


def run_rasa(tmp_path, name, token=None):
    """The Rasa server as `make run` starts it, with the conversations kept in memory."""
    endpoints = tmp_path / f"{name}.yml"
    endpoints.write_text('action_endpoint:\n  url: "http://127.0.0.1:9/webhook"\n')
    port = free_port()
    env = {"RASA_API_TOKEN": token} if token else {"RASA_API_TOKEN": ""}
    return start(
        name,
        [str(ROOT / "scripts" / "run-rasa"), str(MODEL), str(port), str(endpoints)],
        port,
        "/webhooks/rest/",
        tmp_path,
        env=env,
    )


def test_without_a_token_the_http_api_is_off_and_cors_closed(tmp_path):
    server = run_rasa(tmp_path, "no-token")
    try:
        assert requests.get(f"{server.url}/status", timeout=30).status_code == 404
        assert requests.get(f"{server.url}/conversations/x/tracker", timeout=30).status_code == 404
        answer = requests.post(
            f"{server.url}/webhooks/rest/webhook",
            json={"sender": "a", "message": "谢谢"},
            headers={"Origin": "https://elsewhere.example"},
            timeout=30,
        )
        assert answer.status_code == 200 and answer.json()
        assert "Access-Control-Allow-Origin" not in answer.headers
    finally:
        server.stop()
    assert "The HTTP API is off" in server.log.read_text(encoding="utf-8")


def test_with_a_token_the_http_api_needs_it(tmp_path):
    server = run_rasa(tmp_path, "with-token", token="s3cret-test-token")
    try:
        assert requests.get(f"{server.url}/status", timeout=30).status_code == 401
        assert (
            requests.get(f"{server.url}/status", params={"token": "wrong"}, timeout=30).status_code
            == 401
        )
        assert (
            requests.get(
                f"{server.url}/status", params={"token": "s3cret-test-token"}, timeout=30
            ).status_code
            == 200
        )
    finally:
        server.stop()
