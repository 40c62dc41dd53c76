"""The sealed batch B of the second author: the issue's targets on lines nobody developing the understanding has read.

It runs only when asked, once, at the end (whoever develops must never read or evaluate batch B):
    SOBESEDNIK_SEALED=1 .venv/bin/python -m pytest -s tests/test_understanding_sealed.py
and prints a per-label report (precision, recall, F1) for the issue's note.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.understanding import Understanding
from tests.nlu_data import (KINDS, SECOND_AUTHOR, batch, copies_between, evaluate, holdout, independent, kind_of,
                            read_rows, repeats, rows_of, taught)

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"client": 0.95, "operator": 0.92, "topic": 0.95}  # intent macro-F1, move micro-F1 (13), topic accuracy
SIZES = {"client": 300, "operator": 150, "topic": 150}  # the second author's lines, batches A and B together

pytestmark = pytest.mark.skipif(os.environ.get("SOBESEDNIK_SEALED") != "1",
                                reason="batch B is sealed: the lead runs it once with SOBESEDNIK_SEALED=1")


def test_batch_b_is_there_and_the_second_authors_sets_are_big_enough() -> None:
    assert {kind_of(path) for path in batch("B")} == set(KINDS), f"batch B files in {SECOND_AUTHOR}"
    for kind, size in SIZES.items():
        assert len(rows_of(batch("A"), kind)) + len(rows_of(batch("B"), kind)) >= size, kind


def test_batch_b_shares_no_rows_with_anything_seen() -> None:
    seen = {"tuning": taught(), "held-out": [row for kind in KINDS for row in holdout(kind)],
            "independent": [row for kind in KINDS for row in independent(kind)],
            "second author A": [row for kind in KINDS for row in rows_of(batch("A"), kind)]}
    sealed = [row for path in batch("B") for row in read_rows(path)]
    found = [copy for copy in copies_between({**seen, "B": sealed}) if copy.second in sealed]
    for kind in KINDS:
        found += repeats(rows_of(batch("B"), kind))
    assert found == [], "\n".join(str(copy) for copy in found)


@pytest.mark.parametrize("kind", KINDS)
def test_batch_b_meets_the_issues_targets(kind: str) -> None:
    nlu = Understanding.load(ROOT / "dialogues")
    rows = rows_of(batch("B"), kind)
    assert rows, f"no {kind} file in batch B"
    evaluation = evaluate(nlu, kind, rows)
    print("\n" + evaluation.report(f"second author, batch B (sealed), {kind}"))
    assert evaluation.figure >= TARGETS[kind]
