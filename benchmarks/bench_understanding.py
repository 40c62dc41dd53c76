"""Speed of the understanding: start-up (trained model from the cache, and training when the lexicon changed) and
microseconds per utterance on one core for texts it has not seen (the word cache warm, the message cache cold).

Run: .venv/bin/python benchmarks/bench_understanding.py [--seconds 3]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.understanding import Understanding  # noqa: E402
from engine.understanding import model  # noqa: E402
from engine.understanding.understanding import _load  # noqa: E402
from tests.nlu_data import holdout, independent, taught  # noqa: E402


def _per_utterance(read: Callable[[str], object], texts: list[str], seconds: float) -> float:
    """µs per call, each text new to the message caches (suffixed by a counter), its words already known."""
    done = 0
    round_ = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        round_ += 1
        for text in texts:
            read(f"{text} {round_}")
        done += len(texts)
    return (time.perf_counter() - start) / done * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    dialogues = ROOT / "dialogues"

    with tempfile.TemporaryDirectory() as cache:
        model.CACHE_DIR = Path(cache)
        start = time.perf_counter()
        Understanding.load(dialogues)
        print(f"start-up, training (lexicon changed): {time.perf_counter() - start:.2f} s")
        _load.cache_clear()
        start = time.perf_counter()
        nlu = Understanding.load(dialogues)
        print(f"start-up, trained model from the cache: {time.perf_counter() - start:.2f} s")

    client = [row.text for row in holdout("client") + independent("client")]
    operator = [row.text for row in holdout("operator")]
    topics = [row.text for row in holdout("topic")]
    for text in {row.text for row in taught()} | set(client + operator + topics):
        nlu.client_intent(text)  # the words of every text analysed once: as after a while in service
        nlu.operator_moves(text)
    print(f"customer intent: {_per_utterance(nlu.client_intent, client, args.seconds):.0f} µs per utterance")
    print(f"operator moves:  {_per_utterance(nlu.operator_moves, operator, args.seconds):.0f} µs per utterance")
    print(f"topic:           {_per_utterance(nlu.topic, topics, args.seconds):.0f} µs per utterance")
    repeated = client[:50]
    for text in repeated:
        nlu.client_intent(text)
    start = time.perf_counter()
    for _ in range(200):
        for text in repeated:
            nlu.client_intent(text)
    print(f"customer intent, a message seen before: {(time.perf_counter() - start) / (200 * len(repeated)) * 1e6:.1f} µs")


if __name__ == "__main__":
    main()
