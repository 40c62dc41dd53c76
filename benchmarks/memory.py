"""Memory per live conversation: the snapshots of many unfinished calls held at once (as the memory storage holds
them), measured as the Python memory they take (tracemalloc), and the size of a stored snapshot."""
from __future__ import annotations

import gc
import json
import tracemalloc

from engine.conversation import Event
from engine.dialogue import DialogueEngine

from .dialogues import SEED, Dialogue


def live_conversations(engine: DialogueEngine, dialogue: Dialogue, events: list[Event], count: int) -> dict:
    """``count`` conversations each taken half way, all kept; figures per conversation."""
    half = events[:max(1, len(events) // 2)]
    gc.collect()
    tracemalloc.start()
    kept = []
    for _ in range(count):
        snapshot = engine.start(dialogue.mode, seed=SEED, **dialogue.options).snapshot
        for event in half:
            snapshot = engine.handle(snapshot, event).snapshot
        kept.append(snapshot)
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0]  # what is still held: the snapshots and what only they refer to
    tracemalloc.stop()
    sizes = [len(json.dumps(snapshot.model_dump(mode="json"), ensure_ascii=False).encode()) for snapshot in kept[:200]]
    return {"conversations": count, "kb_each": round(grown / count / 1024, 1),
            "snapshot_kb_mean": round(sum(sizes) / len(sizes) / 1024, 2), "snapshot_kb_max": round(max(sizes) / 1024, 2)}
