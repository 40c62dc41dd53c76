"""Engine turns per second and turn latency, per mode and call type: the engine alone, and with the records the bot
writes (each turn durable before it counts as done)."""
from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path

from bot.telegram.services import Live, Services
from engine.content.loader import DEFAULT_DIALOGUES, DEFAULT_SCRIPTS
from engine.conversation import Event
from engine.dialogue import DialogueEngine
from engine.records import Records

from .dialogues import SEED, Dialogue
from .latencies import Latencies


class Turns(Latencies):
    """Latencies of every turn taken."""

    def figures(self) -> dict[str, float]:
        return self.summary("turns", 3)


def replay(engine: DialogueEngine, dialogue: Dialogue, events: list[Event], conversations: int) -> Turns:
    """``conversations`` whole calls one after another, the start included as a turn."""
    latencies: list[float] = []
    clock = time.perf_counter
    began = clock()
    for _ in range(conversations):
        started = clock()
        snapshot = engine.start(dialogue.mode, seed=SEED, **dialogue.options).snapshot
        latencies.append(clock() - started)
        for event in events:
            started = clock()
            snapshot = engine.handle(snapshot, event).snapshot
            latencies.append(clock() - started)
    return Turns(latencies, clock() - began)


def with_records(engine: DialogueEngine, dialogue: Dialogue, events: list[Event], conversations: int,
                 concurrent: int, folder: Path) -> Turns:
    """The bot's own path (bot/telegram/services.py): the engine on its thread, each turn durable in the records
    (GroupCommit) before it counts as done; ``concurrent`` conversations in flight, as many users write at once.
    A turn's latency runs from its start to its commit."""
    return asyncio.run(_durable(engine, dialogue, events, conversations, concurrent, folder))


async def _durable(engine: DialogueEngine, dialogue: Dialogue, events: list[Event], conversations: int,
                   concurrent: int, folder: Path) -> Turns:
    folder.mkdir(parents=True, exist_ok=True)
    services = Services(Live(engine.content, engine), Records.from_env(folder / "bench-records.sqlite"),
                        dialogues=DEFAULT_DIALOGUES, scripts=DEFAULT_SCRIPTS)
    latencies: list[float] = []
    waiting = iter(range(conversations))
    update_ids = itertools.count(1)
    clock = time.perf_counter

    async def lane() -> None:
        for user in waiting:
            started = clock()
            snapshot = (await services.start(dialogue.mode, user, next(update_ids), seed=SEED,
                                             **dialogue.options)).snapshot
            latencies.append(clock() - started)
            for event in events:
                started = clock()
                snapshot = (await services.turn(snapshot, event, user, next(update_ids))).snapshot
                latencies.append(clock() - started)

    try:
        began = clock()
        await asyncio.gather(*(lane() for _ in range(concurrent)))
        return Turns(latencies, clock() - began)
    finally:
        services.close()
