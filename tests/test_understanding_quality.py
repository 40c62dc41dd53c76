"""Quality of the understanding on the labelled sets in tests/data (the held-out part was never tuned on)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from engine.understanding import Understanding

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
INTENTS = ("agree", "decline", "think", "objection_price", "objection_need", "objection_have", "objection_time",
           "question", "complaint", "churn", "relocation", "tech_problem", "opt_out", "greeting", "other")
TAGS = ("greeting", "bridge", "offer", "price", "price_per_day", "empathy", "clarify", "benefit", "summary",
        "call_to_action", "check_questions", "farewell", "cliche")
BY_NAME = "by_name"


def _rows(name: str, parts: int) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [[field.strip() for field in line.split(" | ", parts - 1)]
            for line in lines if line.strip() and not line.startswith("#")]


def client_rows(part: str) -> list[tuple[str, str]]:
    return [(intent, text) for intent, text in _rows(f"nlu_client_{part}.txt", 2)]


def operator_rows(part: str) -> list[tuple[frozenset[str], bool, str | None, str]]:
    rows = []
    for tags, name, text in _rows(f"nlu_operator_{part}.txt", 3):
        labels = {t for t in tags.split(",") if t != "-"}
        rows.append((frozenset(labels - {BY_NAME}), BY_NAME in labels, None if name == "-" else name, text))
    return rows


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    tp, fp, fn = Counter(), Counter(), Counter()
    for gold, got in pairs:
        if gold == got:
            tp[gold] += 1
        else:
            fp[got] += 1
            fn[gold] += 1
    scores = []
    for label in sorted({gold for gold, _ in pairs}):
        denominator = 2 * tp[label] + fp[label] + fn[label]
        scores.append(2 * tp[label] / denominator if denominator else 0.0)
    return sum(scores) / len(scores)


def micro_f1(pairs: list[tuple[frozenset[str], frozenset[str]]]) -> float:
    tp = sum(len(gold & got) for gold, got in pairs)
    fp = sum(len(got - gold) for gold, got in pairs)
    fn = sum(len(gold - got) for gold, got in pairs)
    return 2 * tp / (2 * tp + fp + fn)


@pytest.fixture(scope="module")
def nlu() -> Understanding:
    return Understanding.load(ROOT / "dialogues")


def test_the_labelled_sets_are_big_and_well_formed() -> None:
    client = client_rows("tune") + client_rows("holdout")
    operator = operator_rows("tune") + operator_rows("holdout")
    per_intent = Counter(intent for intent, _ in client)
    assert len(client) >= 400 and len(operator) >= 200
    assert set(per_intent) == set(INTENTS) and min(per_intent.values()) >= 20
    assert all(tags <= set(TAGS) for tags, *_ in operator)
    assert {tag for tags, *_ in operator for tag in tags} == set(TAGS)
    texts = [text for _, text in client]
    assert len(set(texts) & {text for _, text in client_rows("holdout")}) == len(client_rows("holdout"))


def test_held_out_customer_macro_f1(nlu: Understanding) -> None:
    pairs = [(intent, nlu.client_intent(text).intent) for intent, text in client_rows("holdout")]
    assert macro_f1(pairs) >= 0.90


def test_held_out_operator_micro_f1(nlu: Understanding) -> None:
    pairs = [(tags, nlu.operator_moves(text, name).tags) for tags, _, name, text in operator_rows("holdout")]
    assert micro_f1(pairs) >= 0.85


def test_held_out_addressing_by_name(nlu: Understanding) -> None:
    rows = operator_rows("holdout")
    right = sum(nlu.operator_moves(text, name).addresses_by_name is by_name for _, by_name, name, text in rows)
    assert right / len(rows) >= 0.95


def test_tuning_part_stays_learned(nlu: Understanding) -> None:
    client = [(intent, nlu.client_intent(text).intent) for intent, text in client_rows("tune")]
    operator = [(tags, nlu.operator_moves(text, name).tags) for tags, _, name, text in operator_rows("tune")]
    assert macro_f1(client) >= 0.97
    assert micro_f1(operator) >= 0.95


def test_independent_customer_set_by_a_second_author(nlu: Understanding) -> None:
    """Written by someone who did not author the lexicon, after it was finished: guards against a lexicon that only
    knows its own author's phrasing."""
    rows = client_rows("independent")
    assert {intent for intent, _ in rows} == set(INTENTS)
    pairs = [(intent, nlu.client_intent(text).intent) for intent, text in rows]
    assert macro_f1(pairs) >= 0.90
