"""PostgreSQL and Redis for the tests, from TEST_POSTGRES_URL and TEST_REDIS_URL.

Each test run gets a fresh PostgreSQL database and its own Redis key prefix, so runs never see
each other's conversations or locks. Without a service the tests that need it are skipped,
except under CI (CI=true), where a missing service fails the run.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Iterator
from urllib.parse import urlsplit

import psycopg2
import pytest
import redis
from psycopg2 import sql

from console.settings import KNOWN_COUNT_STORE


def _missing(what: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{what} (CI=true: services are required)")
    pytest.skip(what)


@dataclass(frozen=True)
class Database:
    host: str
    port: int
    user: str
    password: str
    name: str

    def connect(self):
        return psycopg2.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=self.name,
            connect_timeout=5,
        )

    def environment(self, host: str = "", port: int = 0) -> Dict[str, str]:
        """The production profile's settings for this database (optionally via a proxy)."""
        return {
            "RASA_DB_HOST": host or self.host,
            "RASA_DB_PORT": str(port or self.port),
            "RASA_DB_NAME": self.name,
            "RASA_DB_USER": self.user,
            "RASA_DB_PASSWORD": self.password,
        }

    def tracker_store_yaml(self, host: str = "", port: int = 0) -> str:
        return (
            f"tracker_store:\n  type: {KNOWN_COUNT_STORE}\n  dialect: postgresql\n"
            f"  url: {host or self.host}\n  port: {port or self.port}\n  db: {self.name}\n"
            f'  username: {self.user}\n  password: "{self.password}"\n'
        )


@dataclass(frozen=True)
class RedisService:
    host: str
    port: int
    db: int
    password: str
    key_prefix: str

    def client_options(self) -> Dict[str, Any]:
        """What a Redis client needs to reach this server."""
        return {
            "host": self.host,
            "port": self.port,
            "db": self.db,
            "password": self.password or None,
        }

    def environment(self) -> Dict[str, str]:
        return {
            "RASA_REDIS_HOST": self.host,
            "RASA_REDIS_PORT": str(self.port),
            "RASA_REDIS_DB": str(self.db),
            "RASA_REDIS_PASSWORD": self.password,
            "RASA_REDIS_KEY_PREFIX": self.key_prefix,
        }


def fresh_database() -> Iterator[Database]:
    url = os.environ.get("TEST_POSTGRES_URL", "")
    if not url:
        _missing("TEST_POSTGRES_URL is not set")
    parts = urlsplit(url)
    admin = Database(
        parts.hostname or "127.0.0.1",
        parts.port or 5432,
        parts.username or "postgres",
        parts.password or "",
        parts.path.lstrip("/") or "postgres",
    )
    try:
        connection = admin.connect()
    except psycopg2.OperationalError as error:
        _missing(f"PostgreSQL at {admin.host}:{admin.port} is not reachable: {error}")
    name = f"assistant_test_{uuid.uuid4().hex[:12]}"
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield Database(admin.host, admin.port, admin.user, admin.password, name)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        connection.close()


def redis_service() -> RedisService:
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        _missing("TEST_REDIS_URL is not set")
    parts = urlsplit(url)
    service = RedisService(
        parts.hostname or "127.0.0.1",
        parts.port or 6379,
        int(parts.path.lstrip("/") or 0),
        parts.password or "",
        "test" + uuid.uuid4().hex[:12],
    )
    try:
        redis.Redis(
            host=service.host,
            port=service.port,
            db=service.db,
            password=service.password or None,
            socket_timeout=5,
        ).ping()
    except redis.RedisError as error:
        _missing(f"Redis at {service.host}:{service.port} is not reachable: {error}")
    return service


def stored_user_texts(database: Database, sender_id: str) -> list:
    """The texts of the user messages in the tracker store's raw rows, in order."""
    with database.connect() as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id",
            (sender_id,),
        )
        return [json.loads(row[0])["text"] for row in cursor.fetchall()]
