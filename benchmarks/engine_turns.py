"""Engine turns per second and turn latency, per mode and call type: the engine alone, and with the records a front
end writes (each turn durable before it returns)."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from bot.runner import ConversationRunner
from engine.conversation import Event
from engine.dialogue import DialogueEngine
from engine.records import Records

from .dialogues import SEED, Dialogue


@dataclass
class Turns:
    """Latencies of every turn taken (seconds) and the wall time they took together."""

    latencies: list[float]
    wall: float

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

    def merged(self, other: Turns) -> Turns:
        return Turns(self.latencies + other.latencies, self.wall + other.wall)

    def figures(self) -> dict[str, float]:
        return {"turns_per_s": round(self.per_second, 1), "p50_ms": round(self.quantile(0.5) * 1000, 3),
                "p99_ms": round(self.quantile(0.99) * 1000, 3), "turns": len(self.latencies)}


def replay(engine: DialogueEngine, dialogue: Dialogue, events: list[Event], conversations: int,
           records: Records | None = None) -> Turns:
    """``conversations`` whole calls, start included as a turn; through a ConversationRunner when ``records``."""
    runner = ConversationRunner(engine, records, "bench") if records is not None else None
    latencies: list[float] = []
    clock = time.perf_counter
    began = clock()
    for n in range(conversations):
        started = clock()
        if runner is not None:
            result = runner.start(dialogue.mode, "bench", n, seed=SEED, **dialogue.options)
        else:
            result = engine.start(dialogue.mode, seed=SEED, **dialogue.options)
        latencies.append(clock() - started)
        snapshot = result.snapshot
        for event in events:
            started = clock()
            if runner is not None:
                snapshot = runner.turn(snapshot, event, "bench", n).snapshot
            else:
                snapshot = engine.handle(snapshot, event).snapshot
            latencies.append(clock() - started)
    return Turns(latencies, clock() - began)


def with_records(engine: DialogueEngine, dialogue: Dialogue, events: list[Event], conversations: int,
                 folder: Path) -> Turns:
    records = Records(folder / "bench-records.sqlite")
    try:
        return replay(engine, dialogue, events, conversations, records)
    finally:
        records.close()
