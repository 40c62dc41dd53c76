"""Thousands of simulated conversations on every core: the content of each version is loaded once, then worker
processes forked from this one share it and talk to their slices of the synthetic customers."""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass

from ..content.loader import Content
from ..dialogue import DialogueEngine
from ..understanding import Understanding
from .operator import Conversation, ModelOperator
from .population import synthetic, with_customers

CHUNK = 50  # conversations per task: small enough for a smooth progress bar, large enough to keep workers busy


@dataclass(frozen=True)
class Version:
    """One version of the script: its name in the comparison and its content."""

    name: str
    content: Content


@dataclass
class Prepared:
    operator: ModelOperator
    customers: list[str]


_PREPARED: list[Prepared] = []  # what the forked workers inherit


def prepare(version: Version, call_type: str, count: int, seed: int) -> Prepared:
    """The version's engine over the same synthetic customers (seeded) that every version meets."""
    customers = synthetic(version.content, call_type, count, seed)
    content = with_customers(version.content, customers)
    engine = DialogueEngine(content, Understanding.load(content.dialogues))
    return Prepared(ModelOperator(engine, content.populations[call_type]), list(customers))


def conversation_seed(seed: int, index: int) -> int:
    return (seed * 1_000_003 + index) % 2**31


def _talk(task: tuple[int, int, int, int]) -> tuple[int, int, list[Conversation]]:
    version, start, stop, seed = task
    prepared = _PREPARED[version]
    return version, start, [prepared.operator.talk(prepared.customers[i], conversation_seed(seed, i))
                            for i in range(start, stop)]


def simulate(prepared: list[Prepared], seed: int, workers: int | None = None,
             progress: Callable[[int], None] = lambda done: None) -> list[list[Conversation]]:
    """Every version's conversations, in the order of its customers; the same whatever the number of workers."""
    tasks = [(v, start, min(start + CHUNK, len(p.customers)), seed)
             for v, p in enumerate(prepared) for start in range(0, len(p.customers), CHUNK)]
    results: list[list[Conversation | None]] = [[None] * len(p.customers) for p in prepared]
    workers = workers or os.cpu_count() or 1
    _PREPARED[:] = prepared
    try:
        if workers == 1:
            done = map(_talk, tasks)
            _collect(done, results, progress)
        else:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                _collect(pool.imap_unordered(_talk, tasks), results, progress)
    finally:
        _PREPARED.clear()
    return results  # type: ignore[return-value]


def _collect(done, results, progress) -> None:
    for version, start, conversations in done:
        results[version][start:start + len(conversations)] = conversations
        progress(len(conversations))
