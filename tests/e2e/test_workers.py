"""The reference deployment (deploy/, README) on this machine: a real redis-server and PostgreSQL on 127.0.0.1, two
bot workers started with the unit's command and deploy/bot.env, nginx with deploy/nginx.conf in front. Users'
conversations go through nginx, then alternate update by update between the two workers; one worker is killed
(kill -9) mid-run, and every conversation must still finish with every line recorded exactly once."""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from benchmarks.bot_load import conversations, seed_customers, workers
from benchmarks.webhook_load import BOT_COMMAND, DEPLOY, TOKEN, drive, stop_process
from engine.records import Records

from .. import servers
from ..servers import free_port
from .fake_telegram import FakeTelegram

USERS = 12
FIRST_USER = 800_000
KILL_AFTER = 20  # updates answered before worker 0 is killed


@contextmanager
def nginx(worker_ports: list[int], folder: Path) -> Iterator[str]:
    """deploy/nginx.conf with this run's ports (its listen port and its upstream's two workers)."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(binary):
        pytest.fail("nginx is not installed: run `./dev test` or apt-get install nginx-light")
    port = free_port()
    text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    text = text.replace("listen 127.0.0.1:8080", f"listen 127.0.0.1:{port}")
    text = text.replace("127.0.0.1:8081", f"127.0.0.1:{worker_ports[0]}").replace("127.0.0.1:8082",
                                                                                   f"127.0.0.1:{worker_ports[1]}")
    conf = folder / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    command = [binary, "-p", str(folder), "-c", str(conf), "-g",
               f"daemon off; pid {folder / 'nginx.pid'}; error_log {folder / 'nginx.error.log'};"]
    for temp in ("client_body_temp", "proxy_temp", "fastcgi_temp", "uwsgi_temp", "scgi_temp"):
        (folder / temp).mkdir(exist_ok=True)
    subprocess.run([*command[:-2], "-t", "-g", command[-1]], check=True, capture_output=True)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_listening(port, process)
        yield f"http://127.0.0.1:{port}/telegram"
    finally:
        stop_process(process)


def _wait_listening(port: int, process: subprocess.Popen) -> None:
    for _ in range(600):  # a guard against an nginx that never listens, not a timing assertion
        if process.poll() is not None:
            pytest.fail("nginx exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail("nginx did not listen")


def _recorded(records: Records, user_id: int) -> list[dict]:
    sessions = list(records.sessions_of(str(user_id), "customer"))
    assert len(sessions) == 1, f"user {user_id}: {len(sessions)} sessions"
    return sessions


def test_the_unit_runs_the_bot_command() -> None:
    assert BOT_COMMAND[1:] == ("main.py", "bot")


async def test_two_workers_share_conversations_and_survive_a_kill(tmp_path: Path) -> None:
    try:
        with servers.redis_server() as redis_url, servers.postgres_server() as database_url:
            records = Records(url=database_url)
            seed_customers(records, 200, FIRST_USER)
            records.close()
            tg = await FakeTelegram(TOKEN).start()
            try:
                async with workers(tg, BOT_COMMAND, 2, tmp_path, REDIS_URL=redis_url,
                                   DATABASE_URL=database_url) as running:
                    with nginx(running.ports, tmp_path) as front:
                        through_nginx = await drive([front], conversations(4, FIRST_USER))
                    killed = running.processes[0]
                    calls = conversations(USERS, FIRST_USER + 100)
                    load = asyncio.ensure_future(drive(running.urls, calls, first_update=10_000))
                    await tg.wait_for(lambda: load.done() or len(tg.calls_of("sendMessage")) >= KILL_AFTER * 2)
                    killed.send_signal(signal.SIGKILL)
                    killed.wait()
                    alternated = await load
            finally:
                await tg.stop()
            records = Records(url=database_url)
            try:
                users = {**conversations(4, FIRST_USER), **calls}
                for user_id, lines in users.items():
                    [session] = _recorded(records, user_id)
                    turns = records.turns(session["id"])
                    assert session["status"] == "finished", (user_id, session["stage"])
                    assert [turn["n"] for turn in turns] == list(range(1, len(turns) + 1))
                    said = [turn["text"] for turn in turns if turn["role"] == "client"]
                    assert said == [line for line in lines if re.search(r"\d", line) or line != lines[0]]
                    assert records.orders(session["id"]), user_id
            finally:
                records.close()
    except servers.ServerMissing as exc:
        pytest.fail(str(exc))
    assert through_nginx.retries == 0
    assert alternated.retries > 0  # the kill was felt: updates went to the other worker
    assert all(len(ids) == 6 for ids in alternated.delivered.values())
