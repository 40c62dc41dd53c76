"""Speed of the understanding: lexicon load time and utterances per second on one core (prints figures).

Run: .venv/bin/python benchmarks/bench_understanding.py [--seconds 3]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.understanding import Understanding  # noqa: E402
from tests.test_understanding_quality import client_rows, operator_rows, macro_f1, micro_f1  # noqa: E402


def _rate(function, texts: list[str], seconds: float) -> float:
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for text in texts:
            function(text)
        done += len(texts)
    return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()

    start = time.perf_counter()
    nlu = Understanding.load(ROOT / "dialogues")
    load = time.perf_counter() - start
    print(f"load (morphology + lexicon, cold): {load:.3f} s")

    client = client_rows("tune") + client_rows("holdout")
    operator = operator_rows("tune") + operator_rows("holdout")
    # new combinations of known messages so the word cache is warm but no message is seen twice in a row
    texts = [text for _, text in client]
    mixed = texts + [f"{a}, {b}" for a, b in zip(texts, reversed(texts))]
    for text in mixed:  # warm-up
        nlu.client_intent(text)
    print(f"customer intents: {_rate(nlu.client_intent, mixed, args.seconds):,.0f} utterances/s "
          f"({len(mixed)} distinct, one core)")
    operator_texts = [text for *_, text in operator]
    print(f"operator moves:   {_rate(nlu.operator_moves, operator_texts, args.seconds):,.0f} utterances/s")

    held = [(intent, nlu.client_intent(text).intent) for intent, text in client_rows("holdout")]
    moves = [(tags, nlu.operator_moves(text, name).tags) for tags, _, name, text in operator_rows("holdout")]
    print(f"held-out customer macro-F1: {macro_f1(held):.3f} ({len(held)} utterances)")
    print(f"held-out operator micro-F1: {micro_f1(moves):.3f} ({len(moves)} utterances)")


if __name__ == "__main__":
    main()
