"""The second authors' batches B, C and D: the issue's targets on lines nobody developing the understanding had read.

Batch B was sealed until one measurement (2026-12-02, commit f6fc0a4; docs/measurements/
batch_b_first_opening_2026-12-02.txt): intent macro-F1 0.762, move micro-F1 0.845, topic accuracy 0.890 — below the
issue's 0.95 / 0.92 / 0.95. From that day (session 17) B is a development set: its misses were read, so its figures
are no longer independent. Batch C, written by five new second authors who saw neither the lexicon nor A or B, was
sealed until its one measurement (docs/measurements/batch_c_first_opening_2026-12-02.txt), then became a development
set too. Batch D, by five more new authors, was sealed until its one measurement (docs/measurements/
batch_d_first_opening_2026-12-02.txt): the latest independent figures of the issue's note. All run on every test
run with floors: the understanding may not get worse on them.
Rows of a batch that happen to copy anything seen while developing are left out (their line numbers are printed).
Run with -s for the per-label report (precision, recall, F1).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from engine.understanding import Understanding
from tests.nlu_data import (KINDS, SECOND_AUTHOR, Row, batch, copies, evaluate, holdout, independent, kind_of,
                            read_rows, repeats, rows_of, taught)

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"client": 0.95, "operator": 0.92, "topic": 0.95}  # intent macro-F1, move micro-F1 (13), topic accuracy
FLOORS = {
    "B": {"client": 0.938, "operator": 0.937, "topic": 0.993},  # a development set: its latest figures
    "C": {"client": 0.887, "operator": 0.873, "topic": 0.917},  # 0.888 · 0.874 · 0.917 at its opening; development since
    "D": {"client": 0.912, "operator": 0.889, "topic": 0.927},  # 0.912 · 0.886 · 0.927 at its opening; development since
}
DEVELOPED_ON = {"B": "A", "C": "AB", "D": "ABC"}  # the batches read while developing, before each one's opening
SIZES = {"client": 300, "operator": 150, "topic": 150}  # the sizes of an independent set


@pytest.mark.parametrize("letter", sorted(FLOORS))
def test_the_batch_is_there_and_big_enough(letter: str) -> None:
    assert {kind_of(path) for path in batch(letter)} == set(KINDS), f"batch {letter} files in {SECOND_AUTHOR}"
    for kind, size in SIZES.items():
        assert len(rows_of(batch(letter), kind)) >= size, kind


def _seen(letter: str) -> list[Row]:
    read = [row for earlier in DEVELOPED_ON[letter] for kind in KINDS for row in rows_of(batch(earlier), kind)]
    return [*taught(), *(row for kind in KINDS for row in holdout(kind) + independent(kind)), *read]


@lru_cache(maxsize=None)
def _copied(letter: str) -> frozenset[str]:
    """Where the rows of a batch copy something seen while developing, or each other (computed once per run)."""
    rows = [row for path in batch(letter) for row in read_rows(path)]
    return frozenset({copy.second.where for copy in copies(_seen(letter), rows)}
                     | {copy.second.where for copy in repeats(rows)})


def _unseen(letter: str, rows: list[Row]) -> list[Row]:
    """The rows of a batch that copy nothing seen while developing (an independent author may write «нет» too)."""
    return [row for row in rows if row.where not in _copied(letter)]


@pytest.mark.parametrize("letter", sorted(FLOORS))
def test_the_batch_shares_few_rows_with_anything_seen(letter: str) -> None:
    """Rows that happen to copy a taught example, a held-out row or an earlier batch are left out of the measurement
    (their line numbers are printed, never their text); few may be."""
    rows = [row for path in batch(letter) for row in read_rows(path)]
    unseen = {row.where for row in _unseen(letter, rows)}
    left_out = [row.where for row in rows if row.where not in unseen]
    print(f"\nbatch {letter}: {len(rows)} rows, {len(left_out)} left out as copies: {', '.join(left_out)}")
    # the lexicon teaches thousands of lines: a short «нет, спасибо» of an independent author may coincide
    assert len(left_out) <= 0.15 * len(rows)


@pytest.mark.parametrize("letter", ["C", "D"])
def test_an_independent_batch_is_big_enough_without_its_copies(letter: str) -> None:
    """What an independent batch was measured on, after its copies are left out, still has the issue's sizes."""
    for kind, size in SIZES.items():
        assert len(_unseen(letter, rows_of(batch(letter), kind))) >= size, kind


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("letter", sorted(FLOORS))
def test_the_batch_stays_at_or_above_its_floor(letter: str, kind: str) -> None:
    nlu = Understanding.load(ROOT / "dialogues")
    rows = _unseen(letter, rows_of(batch(letter), kind))
    assert rows, f"no {kind} file in batch {letter}"
    evaluation = evaluate(nlu, kind, rows)
    target = "met" if evaluation.figure >= TARGETS[kind] else f"below the target {TARGETS[kind]}"
    print("\n" + evaluation.report(f"second author, batch {letter}, {kind} ({target})"))
    assert evaluation.figure >= FLOORS[letter][kind] - 0.0005
