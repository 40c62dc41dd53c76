"""Every figure of issue 13 in one run: ``python -m benchmarks`` prints them as tables and saves them as JSON.

Sections (each can be picked with ``--only``): ``engine`` (turns/s, p50/p99 per mode and call type), ``records``
(the same with the records written and durable before the turn returns), ``memory`` (per live conversation),
``peer`` (the customer call on chatsky, when the ``bench`` extra is installed), ``bot`` (start-up to serving and
updates/s of ``main.py bot`` against a fake Bot API, beside a bare aiogram echo bot), ``workers`` (1, 2, 4 bot
workers on Redis and PostgreSQL; needs redis-server and PostgreSQL binaries).
Figures are measured, never asserted: the machine may be busy.
"""
from __future__ import annotations

import importlib.util
import json
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

SECTIONS = ("engine", "records", "memory", "peer", "bot", "workers")
TARGETS = {"engine customer turns/s": 2500, "engine trainee turns/s": 1500, "engine p99 ms": 2.0,
           "records turns/s": 1000, "bot / echo": 0.5, "start-up s": 2.0}


@dataclass(frozen=True)
class Config:
    conversations: int = 300  # per dialogue, engine alone
    record_conversations: int = 100  # per mode, with records
    concurrent: int = 32  # conversations in flight at once through the single writer
    live: int = 2000  # conversations held for the memory figure
    users: int = 100  # simultaneous Telegram users
    workers: tuple[int, ...] = (1, 2, 4)

    @classmethod
    def quick(cls) -> Config:
        return cls(conversations=3, record_conversations=2, concurrent=2, live=20, users=2, workers=(1,))


def _engine():
    from engine.content.loader import DEFAULT_DIALOGUES, DEFAULT_SCRIPTS, load_content
    from engine.customers import CustomerBase
    from engine.dialogue import DialogueEngine
    from engine.records import Records
    from engine.understanding import Understanding

    content = load_content(DEFAULT_DIALOGUES, DEFAULT_SCRIPTS)
    return DialogueEngine(content, Understanding.load(content.dialogues),
                          customers=CustomerBase(content, Records(":memory:")))


def engine_section(config: Config, engine) -> dict[str, Any]:
    from .dialogues import DIALOGUES, events_of
    from .engine_turns import replay

    figures = {}
    for dialogue in DIALOGUES:
        events = events_of(engine, dialogue)
        replay(engine, dialogue, events, max(1, config.conversations // 10))  # warm caches
        figures[dialogue.name] = replay(engine, dialogue, events, config.conversations).figures()
    return figures


def records_section(config: Config, engine, folder: Path) -> dict[str, Any]:
    from .dialogues import DIALOGUES, events_of
    from .engine_turns import with_records

    figures = {}
    for dialogue in DIALOGUES:
        events = events_of(engine, dialogue)
        figures[dialogue.name] = with_records(engine, dialogue, events, config.record_conversations,
                                              config.concurrent, folder / dialogue.call_type).figures()
    return figures


def memory_section(config: Config, engine) -> dict[str, Any]:
    from .dialogues import DIALOGUES, events_of
    from .memory import live_conversations

    return {dialogue.name: live_conversations(engine, dialogue, events_of(engine, dialogue), config.live)
            for dialogue in DIALOGUES[:1] + DIALOGUES[2:3]}


def peer_section(config: Config, engine_figures: dict[str, Any]) -> dict[str, Any]:
    if importlib.util.find_spec("chatsky") is None:
        return {"skipped": "chatsky is not installed (pip install -e '.[bench]')"}
    done = subprocess.run([sys.executable, "-m", "benchmarks.peer_chatsky", str(config.conversations)],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], check=True)
    chatsky = json.loads(done.stdout.strip().splitlines()[-1])
    ours = engine_figures.get("customer / inbound_upsell")
    return {"chatsky / customer inbound_upsell": chatsky,
            "engine / chatsky": round(ours["turns_per_s"] / chatsky["turns_per_s"], 2) if ours else None}


def bot_section(config: Config, folder: Path) -> dict[str, Any]:
    from .bot_load import run

    return run(config.users, folder)


def workers_section(config: Config, folder: Path) -> dict[str, Any]:
    from .scaling import run

    return run(config.workers, config.users, folder)


def run(config: Config, sections: tuple[str, ...]) -> dict[str, Any]:
    result: dict[str, Any] = {"machine": {"python": platform.python_version(), "cpus": _cpus(),
                                          "at": time.strftime("%Y-%m-%dT%H:%M:%S")}, "config": config.__dict__}
    with tempfile.TemporaryDirectory(prefix="sobesednik-bench-") as tmp:
        folder = Path(tmp)
        engine = _engine() if {"engine", "records", "memory", "peer"} & set(sections) else None
        if "engine" in sections or "peer" in sections:
            result["engine"] = engine_section(config, engine)
        if "records" in sections:
            result["records"] = records_section(config, engine, folder)
        if "memory" in sections:
            result["memory"] = memory_section(config, engine)
        if "peer" in sections:
            result["peer"] = peer_section(config, result["engine"])
        if "bot" in sections:
            result["bot"] = bot_section(config, folder)
        if "workers" in sections:
            result["workers"] = workers_section(config, folder)
    result["targets"] = targets(result)
    return result


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


def targets(result: dict[str, Any]) -> dict[str, Any]:
    """Each target of issue 13 beside the figure measured for it (the worst dialogue of its kind)."""
    found: dict[str, Any] = {}
    engine = result.get("engine") or {}
    for mode in ("customer", "trainee"):
        rates = [f["turns_per_s"] for name, f in engine.items() if name.startswith(mode)]
        if rates:
            found[f"engine {mode} turns/s"] = min(rates)
    if engine:
        found["engine p99 ms"] = max(f["p99_ms"] for f in engine.values())
    if result.get("records"):
        found["records turns/s"] = min(f["turns_per_s"] for f in result["records"].values())
    if result.get("bot"):
        found["bot / echo"] = result["bot"]["ratio"]
        found["start-up s"] = result["bot"]["bot"]["startup_s"]
    return {name: {"target": TARGETS[name], "measured": value,
                   "met": value <= TARGETS[name] if name.endswith(("ms", " s")) else value >= TARGETS[name]}
            for name, value in found.items()}


def print_tables(result: dict[str, Any], console: Console) -> None:
    for section in ("engine", "records", "memory"):
        rows = result.get(section)
        if rows:
            _table(console, section, rows)
    peer = result.get("peer")
    if peer:
        _table(console, "peer", {k: v for k, v in peer.items() if isinstance(v, dict)} or {"chatsky": peer})
        if peer.get("engine / chatsky"):
            console.print(f"engine / chatsky on the same call: ×{peer['engine / chatsky']}")
    bot = result.get("bot")
    if bot:
        _table(console, f"bot vs echo ({bot['users']} users × {bot['lines_per_user']} lines, webhook)",
               {"echo bot": bot["echo"], "main.py bot": bot["bot"]})
        console.print(f"bot / echo: ×{bot['ratio']}")
    workers = result.get("workers")
    if workers:
        rows = workers.get("runs") or {"workers": workers}
        _table(console, "workers (Redis + " + workers.get("records", "?") + ")", rows)
    if result["targets"]:
        table = Table(title="targets")
        for column in ("figure", "target", "measured", "met"):
            table.add_column(column)
        for name, row in result["targets"].items():
            table.add_row(name, str(row["target"]), str(row["measured"]), "yes" if row["met"] else "NO")
        console.print(table)


def _table(console: Console, title: str, rows: dict[str, dict[str, Any]]) -> None:
    columns = list(dict.fromkeys(key for row in rows.values() for key in row))
    table = Table(title=title)
    table.add_column("")
    for column in columns:
        table.add_column(column, justify="right")
    for name, row in rows.items():
        table.add_row(name, *(str(row.get(column, "")) for column in columns))
    console.print(table)
