"""Starts the real Rasa server and action server on free loopback ports, for the tests and the
benchmarks.

Every server started here is also stopped when the test process ends, so a fixture that fails
halfway through starting its servers leaves none running.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Union

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "assistant.tar.gz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    url: str
    log: Path

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to clean up, as in a crash."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


_LAUNCHED: List[Server] = []


@atexit.register
def _stop_servers_left_running() -> None:
    for server in _LAUNCHED:
        server.stop()


def _environment(extra: Optional[dict] = None) -> dict:
    # Channel settings come from the test alone, never from the environment pytest runs in.
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("WECHAT_", "VOICE_"))
    }
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="3",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        SANIC_HOST="127.0.0.1",
    )
    env.update(extra or {})
    return env


def launch(
    name: str, command: List[str], port: int, log_dir: Path, env: Optional[dict] = None
) -> Server:
    """Starts a server process without waiting for it (see `wait_until_ready`)."""
    log = log_dir / f"{name}.log"
    process = subprocess.Popen(
        command, cwd=ROOT, env=_environment(env), stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    server = Server(name, process, f"http://127.0.0.1:{port}", log)
    _LAUNCHED.append(server)
    return server


def wait_until_ready(server: Server, ready_path: str, timeout: float = 180.0) -> Server:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited while starting:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url + ready_path, timeout=2):
                return server
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"{server.name} did not start within {timeout} s:\n{server.log_tail()}")


def start(
    name: str,
    command: List[str],
    port: int,
    ready_path: str,
    log_dir: Path,
    timeout: float = 180.0,
    env: Optional[dict] = None,
) -> Server:
    return wait_until_ready(launch(name, command, port, log_dir, env), ready_path, timeout)


def launch_action_server(
    log_dir: Path, port: Optional[int] = None, name: str = "action-server"
) -> Server:
    """Starts the action server without waiting for it (ready at /health)."""
    port = port or free_port()
    return launch(name, [str(BIN / "rasa"), "run", "actions", "--port", str(port)], port, log_dir)


def start_action_server(
    log_dir: Path, port: Optional[int] = None, name: str = "action-server"
) -> Server:
    return wait_until_ready(launch_action_server(log_dir, port, name), "/health")


def launch_rasa_server(
    log_dir: Path,
    action_server_url: str,
    name: str = "rasa-server",
    env: Optional[dict] = None,
    credentials: Optional[Union[str, Path]] = None,
    stores: str = "",
    endpoints: Optional[Path] = None,
    port: Optional[int] = None,
    debug: bool = False,
) -> Server:
    """Starts the Rasa server with the trained model, without waiting for it.

    `credentials` is the project's file unless a file (Path) or a file's text (str) is given.
    The endpoints file names the action server (sent no domain, as in the profiles) plus
    `stores` (YAML: tracker_store, lock_store; by default conversations are kept in memory);
    `endpoints` replaces it altogether.
    """
    if not MODEL.exists():
        raise RuntimeError(f"no trained model at {MODEL}; run 'make train'")
    port = port or free_port()
    if endpoints is None:
        endpoints = log_dir / f"{name}-endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "{action_server_url}/webhook"\n'
            f"  enable_selective_domain: true\n{stores}",
            encoding="utf-8",
        )
    if isinstance(credentials, str):
        credentials_file = log_dir / f"{name}-credentials.yml"
        credentials_file.write_text(credentials, encoding="utf-8")
    else:
        credentials_file = credentials or ROOT / "credentials.yml"
    return launch(
        name,
        [
            str(BIN / "rasa"),
            "run",
            "--model",
            str(MODEL),
            "--enable-api",
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--credentials",
            str(credentials_file),
            "--endpoints",
            str(endpoints),
        ]
        + (["--debug"] if debug else []),
        port,
        log_dir,
        env,
    )


def start_rasa_server(log_dir: Path, action_server_url: str, **options) -> Server:
    return wait_until_ready(launch_rasa_server(log_dir, action_server_url, **options), "/status")
