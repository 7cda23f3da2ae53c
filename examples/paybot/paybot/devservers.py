"""Throwaway PostgreSQL and Redis servers on 127.0.0.1, for the tests and ``python -m paybot dev``.

PostgreSQL comes from Debian's ``postgresql`` package (its binaries in
``/usr/lib/postgresql/<version>/bin``, or ``PAYBOT_PG_BIN``, or on PATH),
Redis from ``redis-server``. Each server gets a fresh folder and a free port,
listens on 127.0.0.1 only, keeps nothing on disk that matters (no fsync, no
snapshots), and is stopped and removed when its context ends. ``initdb``
refuses to run as root, so as root the PostgreSQL commands run as the
``postgres`` user (``runuser``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis

START_TIMEOUT = 120.0  # seconds; only to stop waiting for a server that never comes up


class ServerError(RuntimeError):
    """A server that could not be started, with what it said."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def postgres_bin() -> Path:
    """The folder of PostgreSQL's server binaries."""
    configured = os.environ.get("PAYBOT_PG_BIN", "").strip()
    if configured:
        return Path(configured)
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    if found is None:
        raise ServerError(
            "PostgreSQL's initdb was not found: install Debian's `postgresql` package "
            "(apt-get install postgresql) or set PAYBOT_PG_BIN to its bin folder"
        )
    return Path(found).parent


def _as_postgres(command: list[str]) -> list[str]:
    """``command`` as the ``postgres`` user when this process is root (initdb refuses root)."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=START_TIMEOUT
    )
    if done.returncode != 0:
        said = (done.stdout + done.stderr).strip()[-2000:]
        raise ServerError(f"{what} exited {done.returncode}: {said}")


@dataclass(frozen=True, slots=True)
class Postgres:
    """A running PostgreSQL server; ``url(db)`` connects to one of its databases."""

    host: str
    port: int
    user: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        return f"host={self.host} port={self.port} user={self.user} dbname={database}"

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.dsn(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{_identifier(name)}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.dsn(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{_identifier(name)}" WITH (FORCE)')


def _identifier(name: str) -> str:
    if not name.replace("_", "").isalnum() or not name.isascii():
        raise ValueError(f"not a plain database name: {name!r}")
    return name


@contextlib.contextmanager
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL server in a temporary folder, for as long as the context lasts."""
    binaries = postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="paybot-pg-"))
    data, log = folder / "data", folder / "server.log"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    initdb = [str(binaries / "initdb"), "-D", str(data), "-U", "paybot", "--auth=trust"]
    _run(_as_postgres([*initdb, "--no-sync", "-E", "UTF8", "--locale=C"]), "initdb")
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
    )
    pg_ctl = str(binaries / "pg_ctl")
    try:
        _run(
            _as_postgres(
                [pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "120", "start"]
            ),
            "pg_ctl start",
        )
        yield Postgres(host="127.0.0.1", port=port, user="paybot")
    finally:
        if (data / "postmaster.pid").exists():
            _run(_as_postgres([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"]), "pg_ctl stop")
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A Redis server in a temporary folder; yields its ``redis://`` URL (database 0)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise ServerError("redis-server was not found: install Debian's `redis-server` package")
    folder = Path(tempfile.mkdtemp(prefix="paybot-redis-"))
    port = free_port()
    command = [
        binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", str(folder), "--databases", "64", "--logfile", str(folder / "redis.log"),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_for_redis(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for_redis(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    client = redis.Redis.from_url(url)
    try:
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise ServerError(
                        f"redis-server did not start (exit {process.poll()})"
                    ) from None
                time.sleep(0.05)
    finally:
        client.close()
