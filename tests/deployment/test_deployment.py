"""The container deployment: official base images, the compose file as a compose tool reads
it, and an nginx front that passes on the channels and nothing else."""

import os
import re
import shutil
import subprocess

import pytest
import yaml

from tests.support import ROOT

SECRETS = {"POSTGRES_PASSWORD": "example-db-password", "REDIS_PASSWORD": "example-redis-password"}


def compose_command():
    """`docker compose` when the Docker CLI has the plugin, else `docker-compose`, else None."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_images_build_on_the_official_rasa_images():
    assert re.search(
        r"^FROM rasa/rasa:3\.6\.21$",
        (ROOT / "docker" / "rasa.Dockerfile").read_text(),
        re.MULTILINE,
    )
    assert re.search(
        r"^FROM rasa/rasa-sdk:3\.6\.2$",
        (ROOT / "docker" / "actions.Dockerfile").read_text(),
        re.MULTILINE,
    )


def test_the_front_passes_on_the_channels_only():
    conf = (ROOT / "docker" / "nginx.conf").read_text()
    locations = re.findall(r"location (\S+) \{", conf)
    assert sorted(locations) == [
        "/",
        "/webchat/",
        "/webhooks/rest/",
        "/webhooks/voice12333/",
        "/webhooks/web/",
        "/webhooks/wechat/",
    ]
    assert re.search(r"location / \{\s*return 404;", conf)
    # Every channel, WeChat and the web chat too, is spread over both replicas.
    passes = dict(re.findall(r"location (/\w\S+) \{\s*proxy_pass (\S+);", conf))
    assert passes == {location: "http://rasa" for location in locations if location != "/"}
    assert re.search(r"upstream rasa \{\s*server rasa-1:5005;\s*server rasa-2:5005;\s*\}", conf)


@pytest.mark.skipif(compose_command() is None, reason="no compose tool on this machine")
def test_compose_file_is_valid_and_runs_two_replicas_on_shared_stores():
    result = subprocess.run(
        compose_command() + ["-f", "docker-compose.yml", "config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **SECRETS},
    )
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert set(services) == {"db", "redis", "actions", "rasa-1", "rasa-2", "nginx"}
    for replica in ("rasa-1", "rasa-2"):
        environment = services[replica]["environment"]
        assert environment["RASA_DB_HOST"] == "db" and environment["RASA_REDIS_HOST"] == "redis"
        assert environment["RASA_DB_PASSWORD"] == SECRETS["POSTGRES_PASSWORD"]
        assert environment["ACTION_SERVER_URL"] == "http://actions:5055/webhook"
    assert [port["published"] for port in services["nginx"]["ports"]] in ([8080], ["8080"])


@pytest.mark.skipif(compose_command() is None, reason="no compose tool on this machine")
def test_compose_refuses_to_start_without_the_passwords():
    environment = {name: value for name, value in os.environ.items() if name not in SECRETS}
    result = subprocess.run(
        compose_command() + ["-f", "docker-compose.yml", "config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment,
    )
    assert result.returncode != 0
    assert "set POSTGRES_PASSWORD" in result.stderr or "set REDIS_PASSWORD" in result.stderr
