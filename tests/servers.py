"""Throwaway servers on 127.0.0.1 for the tests and the benchmarks: redis-server and PostgreSQL from the Debian
packages (`./dev test` installs them where they are missing), each stopped when its block ends."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_USER = "sobesednik"


class ServerMissing(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def redis_server() -> Iterator[str]:
    """A redis-server without persistence; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise ServerMissing("redis-server is not installed: run `./dev test` or apt-get install redis-server")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in process.stdout:
            if "Ready to accept connections" in line:
                break
        else:
            raise RuntimeError("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def _pg_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)),
                                       None)
    if found is None:
        raise ServerMissing("PostgreSQL is not installed: run `./dev test` or apt-get install postgresql")
    return found


@contextmanager
def postgres_server() -> Iterator[str]:
    """A PostgreSQL cluster of its own in a temporary folder (run as the ``postgres`` user when this is root, as
    PostgreSQL refuses root); yields its URL."""
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
    folder = Path(tempfile.mkdtemp(prefix="sobesednik-pg-"))
    data = folder / "data"
    if as_user:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    run = dict(check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        subprocess.run([*as_user, _pg_bin("initdb"), "-D", str(data), "-U", PG_USER, "--auth=trust",
                        "--encoding=UTF8", "--locale=C.UTF-8"], **run)
        subprocess.run([*as_user, _pg_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} "
                        "-c max_connections=200", "start"], **run)
        try:
            yield f"postgresql://{PG_USER}@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run([*as_user, _pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], **run)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def empty_postgres(url: str) -> None:
    """Drop every table, so the next Records() migrates a fresh schema."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("drop schema public cascade")
        conn.execute("create schema public")
