"""The console's reports on a large tracker store: a scratch PostgreSQL database filled with
100,000 generated conversations (console/generate.py), timed by console/bench.py, then dropped.

PostgreSQL is reached through BENCH_POSTGRES_URL, else TEST_POSTGRES_URL, else the local server;
without one the figures are left out and the report says why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from typing import Any, Dict
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa

from bench.nlu import ROOT

CONVERSATIONS = 100_000
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _admin_url() -> str:
    environ = os.environ
    return environ.get("BENCH_POSTGRES_URL") or environ.get("TEST_POSTGRES_URL") or DEFAULT_URL


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def run_console_scale(conversations: int = CONVERSATIONS) -> Dict[str, Any]:
    admin_url = _admin_url()
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as error:
        admin.dispose()
        return {"skipped": f"PostgreSQL is not reachable: {error.orig}"}
    name = f"assistant_bench_console_{uuid.uuid4().hex[:8]}"
    url = _with_database(admin_url, name)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        # Separate processes, as the console runs: the generator's and the reports' memory is
        # theirs, not the benchmark's.
        subprocess.run(
            [sys.executable, "-m", "console.generate", "--url", url]
            + ["--conversations", str(conversations)],
            cwd=ROOT,
            check=True,
        )
        timed = subprocess.run(
            [sys.executable, "-m", "console.bench", "--url", url],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return json.loads(timed.stdout)
