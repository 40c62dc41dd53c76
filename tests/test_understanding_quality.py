"""Quality of the understanding on labelled sets that provably share no rows (tests/nlu_data.py).

Run with ``-s`` to see the per-label reports (precision, recall, F1) and the rows read wrong.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.understanding import Understanding
from tests.nlu_data import (DATA, KINDS, Evaluation, Row, copies, copies_between, evaluate, holdout, independent,
                            kind_of, read_rows, repeats, taught)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def nlu() -> Understanding:
    return Understanding.load(ROOT / "dialogues")


def _evaluation_sets() -> dict[str, list[Row]]:
    """The sets of this module (the second authors' sealed batch has its own, tests/test_understanding_sealed.py)."""
    return {"held-out": [row for kind in KINDS for row in holdout(kind)],
            "independent": [row for kind in KINDS for row in independent(kind)]}


def _show(title: str, evaluation: Evaluation) -> None:
    print("\n" + evaluation.report(title))
    for error in evaluation.errors:
        print("    ", error)


# --- no set copies another -------------------------------------------------------------------------------------------
def test_the_sets_share_no_rows() -> None:
    """The taught examples are the tuning set; no held-out or independent row is one of them or a near copy
    (fuzz.ratio ≥ 90 or token_sort_ratio ≥ 95 after lower case, ё→е, punctuation collapsed), nor of each other."""
    found = copies_between({"tuning": taught(), **_evaluation_sets()})
    for kind in KINDS:
        found += repeats(holdout(kind)) + repeats(independent(kind))
    assert found == [], "\n".join(str(copy) for copy in found)


def test_the_copy_check_finds_a_planted_copy() -> None:
    """A held-out row copied into the tuning set (exactly, or with other case, punctuation or one letter) is found;
    rows that only share a topic are not."""
    held = holdout("client")
    exact, near, reordered = held[3], held[10], held[20]
    planted = [Row(exact.labels, exact.text, "tuning:1"),
               Row(near.labels, near.text.upper().rstrip("?!.") + "!!!", "tuning:2"),
               Row(reordered.labels, " ".join(reversed(reordered.text.split())), "tuning:3")]
    found = copies([*taught(), *planted], held)
    assert {copy.second.where for copy in found} == {exact.where, near.where, reordered.where}
    assert copies([Row(frozenset(), "у меня медленный интернет", "a")],
                  [Row(frozenset(), "подскажите, почему списали деньги", "b")]) == []


def test_a_held_out_row_taught_in_the_yaml_breaks_the_real_check(content_copy: Path) -> None:
    """The same check over a content copy in which a trainer pasted a held-out row as an example."""
    row = holdout("topic")[5]
    topics = content_copy / "dialogues" / "lexicon" / "topics.yaml"
    text = topics.read_text(encoding="utf-8")
    at = text.index("    examples:\n", text.index("  slow_internet:\n")) + len("    examples:\n")
    topics.write_text(f"{text[:at]}      - {json.dumps(row.text, ensure_ascii=False)}\n{text[at:]}", encoding="utf-8")
    found = copies_between({"tuning": taught(content_copy / "dialogues"), **_evaluation_sets()})
    assert [copy.second.where for copy in found] == [row.where]


# --- figures ---------------------------------------------------------------------------------------------------------
HELD_OUT = {  # file: (at least so many rows, at least this figure)
    "nlu_client_holdout.txt": (250, 0.92),
    "nlu_client_retention_holdout.txt": (15, 0.9),
    "nlu_operator_holdout.txt": (150, 0.92),
    "nlu_topic_holdout.txt": (100, 0.95),
    "nlu_reason_holdout.txt": (40, 0.9),
}


@pytest.mark.parametrize("name", HELD_OUT)
def test_held_out(nlu: Understanding, name: str) -> None:
    """Written by the author of the examples, never trained on; each file read as its call would read it."""
    path = DATA / name
    kind = kind_of(path)
    evaluation = evaluate(nlu, kind, read_rows(path))
    _show(f"held-out {name}", evaluation)
    size, figure = HELD_OUT[name]
    assert evaluation.size >= size and evaluation.figure >= figure


def test_held_out_addressing_by_name(nlu: Understanding) -> None:
    rows = holdout("operator")
    named = sum(nlu.operator_moves(row.text, row.client_name).addresses_by_name is row.by_name for row in rows)
    assert named / len(rows) >= 0.97


def test_independent_customer_intents(nlu: Understanding) -> None:
    """Written by a second author after an earlier lexicon; the rows that copied tuning or held-out rows are gone."""
    evaluation = evaluate(nlu, "client", independent("client"))
    _show("independent customer intents (first second-author set)", evaluation)
    assert evaluation.figure >= 0.95
