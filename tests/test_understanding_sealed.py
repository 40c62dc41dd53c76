"""The second authors' batches L, U, V, W, X, Y, Z and ZA: the issue's targets on lines nobody developing the understanding had
read.

Batches B, C and D were each sealed until one measurement (docs/measurements/batch_{b,c,d}_first_opening_*.txt:
intents 0.762 · 0.888 · 0.912, moves 0.845 · 0.874 · 0.886, topics 0.890 · 0.917 · 0.927), then read while developing;
so were F (0.929 · 0.901 · 0.953), G (0.885 · 0.923 · 0.943), H (0.919 · 0.930 · 0.911), I (0.933 · 0.903 · 0.944), J
(0.931 · 0.909 · 0.984), K (0.921 · 0.937 · 0.978) and M (0.920 · 0.921 · 0.972;
docs/measurements/batch_*_first_opening_2026-12-02.txt). The labelled lines of A–D, F–K and M–Q teach the understanding
(dialogues/lexicon/labelled_*.yaml, a corpus of lines labelled by other annotators), and so do R's; their files left
tests/data.
Batch L, by seven more new authors who saw neither the lexicon nor any earlier batch, was sealed until its one
measurement (docs/measurements/batch_l_first_opening_2026-12-02.txt: 0.9515 · 0.937 · 0.989); so were N, O, P and Q
(N 0.928 · 0.946 · 0.988, O 0.925 · 0.935 · 0.994, P 0.945 · 0.941 · 0.983, Q 0.936 · 0.929 · 0.988), whose lines
teach since. L's misses have been read since (development). So was R
(docs/measurements/batch_r_first_opening_2026-12-03.txt: 0.925 · 0.948 · 0.970), whose lines teach since. Batch S,
by seven more new authors, was sealed until its one measurement (docs/measurements/batch_s_first_opening_2026-12-03.txt:
0.920 · 0.919 · 0.988); its misses have been read since, and its lines teach since session 26. Batch T, by seven
more new authors who saw neither S nor the lexicon, was sealed until its one measurement
(docs/measurements/batch_t_first_opening_2026-12-03.txt: 0.933 · 0.941 · 0.984); its misses were read and its lines
teach since. Batch U, by seven more new authors who saw neither S nor T, was sealed until its one measurement
(docs/measurements/batch_u_first_opening_2026-12-03.txt: 0.975 · 0.938 · 0.987), and so was V, written after T was
opened, measured on the same model (docs/measurements/batch_v_first_opening_2026-12-03.txt: 0.963 · 0.945 · 0.977),
and so was W, written after U and V were opened (docs/measurements/batch_w_first_opening_2026-12-03.txt: 0.958 ·
0.936 · 0.994). X and Y, written while U, V and W were being opened, were opened together on the next model
(docs/measurements/batch_{x,y}_first_opening_2026-12-03.txt: 0.962 · 0.950 · 0.968 and 0.963 · 0.943 · 0.982); Z
and ZA, written while X and Y lay sealed or had just been opened, were opened together on the model after that
(0.983 · 0.951 · 0.974 and 0.963 · 0.935 · 0.981). All eight
run on every test run: the understanding may not get worse on them. Rows of a batch that happen to copy a taught
example (the corpus included), a held-out row or a row of an earlier batch are left out (their line numbers are
printed). Run with -s for the per-label
report (precision, recall, F1).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from engine.understanding import Understanding
from tests.nlu_data import (KINDS, SECOND_AUTHOR, Row, batch, copies, evaluate, holdout, independent, kind_of,
                            read_rows, repeats, rows_of, taught)

pytestmark = pytest.mark.xdist_group("sealed_batch")  # one worker finds the batch's copies once (_copied)

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"client": 0.95, "operator": 0.92, "topic": 0.95}  # intent macro-F1, move micro-F1 (13), topic accuracy
FLOORS = {
    "L": {"client": 0.966, "operator": 0.944, "topic": 0.995},  # 0.9515 · 0.937 · 0.989 at its opening; read since
    "U": {"client": 0.974, "operator": 0.937, "topic": 0.986},  # 0.975 · 0.938 · 0.987 at its opening
    "V": {"client": 0.962, "operator": 0.944, "topic": 0.976},  # 0.963 · 0.945 · 0.977 at its opening
    "W": {"client": 0.957, "operator": 0.935, "topic": 0.993},  # 0.958 · 0.936 · 0.994 at its opening
    "X": {"client": 0.961, "operator": 0.949, "topic": 0.967},  # 0.962 · 0.950 · 0.968 at its opening
    "Y": {"client": 0.962, "operator": 0.942, "topic": 0.981},  # 0.963 · 0.943 · 0.982 at its opening
    "Z": {"client": 0.982, "operator": 0.950, "topic": 0.973},  # 0.983 · 0.951 · 0.974 at its opening
    "ZA": {"client": 0.962, "operator": 0.934, "topic": 0.980},  # 0.963 · 0.935 · 0.981 at its opening
}
SIZES = {"client": 300, "operator": 150, "topic": 150}  # the sizes of an independent set
# The rows each figure was measured on: what is left when the rows that copy anything taught or held out are left
# out (F: 78 of 365 customer lines — short «нет, спасибо»-like replies — so 287, below the 300).
MEASURED_ON = {"L": {"client": 408, "operator": 245, "topic": 184}, "U": {"client": 365, "operator": 239, "topic": 158},
               "V": {"client": 363, "operator": 245, "topic": 176}, "W": {"client": 387, "operator": 240, "topic": 162},
               "X": {"client": 353, "operator": 238, "topic": 158}, "Y": {"client": 369, "operator": 224, "topic": 168},
               "Z": {"client": 365, "operator": 222, "topic": 152}, "ZA": {"client": 361, "operator": 248, "topic": 161}}


@pytest.mark.parametrize("letter", sorted(FLOORS))
def test_the_batch_is_there_and_big_enough(letter: str) -> None:
    assert {kind_of(path) for path in batch(letter)} == set(KINDS), f"batch {letter} files in {SECOND_AUTHOR}"
    for kind, size in SIZES.items():
        assert len(rows_of(batch(letter), kind)) >= size, kind


def _seen(letter: str) -> list[Row]:
    """Taught, held out, or in a batch opened (and so read) before this one."""
    earlier = [row for other in sorted(FLOORS) if other < letter for path in batch(other) for row in read_rows(path)]
    return [*taught(), *(row for kind in KINDS for row in holdout(kind) + independent(kind)), *earlier]


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
    # the lexicon teaches ~8 500 lines, more with every batch folded in: a short «нет, спасибо» of an independent
    # author may coincide (L: 166 of 1 003; X: 253 of 1 002; Z: 264 of 1 003 — the share grows as the corpus does).
    # The rows left out are out of every figure, and SIZES keeps what is measured big enough; a batch that shares
    # much more was written by someone who saw what we teach
    assert len(left_out) <= 0.27 * len(rows)


@pytest.mark.parametrize("letter", sorted(FLOORS))
def test_the_batch_is_measured_on_the_rows_it_was_measured_on(letter: str) -> None:
    """A taught example that copies a row of the batch takes that row out of the measurement: the figure would then
    be measured on fewer rows than reported."""
    for kind, size in MEASURED_ON[letter].items():
        assert len(_unseen(letter, rows_of(batch(letter), kind))) == size, kind


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
