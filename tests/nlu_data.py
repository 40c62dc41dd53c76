"""The labelled sets of the understanding and the honesty of its evaluation: readers, metrics, per-label reports, and
the check that no row of one set is an exact or near copy of a row of another.

Sets: tuning = the examples taught in dialogues/lexicon/ (the model is trained on them), the labelled corpora of
second-author batches A–D included; held-out = tests/data/nlu_*_holdout.txt (same author, never trained on);
independent = tests/data/nlu_client_independent.txt and the sealed second-author batch in tests/data/second_author/
(other authors who never saw the lexicon), read only by tests/test_understanding_sealed.py.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from engine.understanding import Understanding
from engine.understanding.lexicon import Lexicon, comparable, load_lexicon
from tests.contract import OPERATOR_TAGS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SECOND_AUTHOR = DATA / "second_author"
BY_NAME = "by_name"
NEAR_RATIO, NEAR_TOKEN_SORT = 90, 95  # a pair at or above either is a near copy
KINDS = ("client", "operator", "topic")


@dataclass(frozen=True)
class Row:
    """One labelled line: ``labels`` is the intent, the topic(s) («a/b» accepts either) or the set of moves."""

    labels: frozenset[str]
    text: str
    where: str  # file:line
    client_name: str | None = None
    by_name: bool = False


def kind_of(path: Path) -> str:
    """Which reader a file of labelled lines is for, from its name: operator lines, customer-mode openings (topics,
    reasons) or customer intents, in this order («customer_mode_openings» is about topics)."""
    name = path.name.lower()
    for kind, words in (("operator", ("operator", "move")), ("topic", ("topic", "reason", "opening")),
                        ("client", ("client", "intent", "customer"))):
        if any(word in name for word in words):
            return kind
    raise ValueError(f"{path.name}: cannot tell whether it holds client, operator or topic rows")


def read_rows(path: Path) -> list[Row]:
    """``intent | text``, ``tags | client name | text`` (tags comma-separated or ``-``, ``by_name`` extra) or
    ``topic | text`` (``a/b``: either, ``-``: no topic); ``#`` starts a comment line."""
    kind = kind_of(path)
    rows: list[Row] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{path.relative_to(ROOT)}:{number}"
        if kind == "operator":
            tags, name, text = (field.strip() for field in line.split("|", 2))
            labels = {t.strip() for t in tags.split(",") if t.strip() not in ("-", "")}
            rows.append(Row(frozenset(labels - {BY_NAME}), text, where, None if name == "-" else name,
                            BY_NAME in labels))
        else:
            label, text = (field.strip() for field in line.split("|", 1))
            labels = frozenset(label.split("/")) if kind == "topic" else frozenset({label})
            rows.append(Row(frozenset() if labels == {"-"} else labels, text, where))
    return rows


def rows_of(paths: Iterable[Path], kind: str) -> list[Row]:
    return [row for path in paths if kind_of(path) == kind for row in read_rows(path)]


def holdout(kind: str) -> list[Row]:
    return rows_of(DATA.glob("nlu_*_holdout.txt"), kind)


def independent(kind: str) -> list[Row]:
    return rows_of(DATA.glob("nlu_*_independent.txt"), kind)


def batch(letter: str) -> list[Path]:
    """The second authors' labelled-line files of one batch (tests/data/second_author/README.md)."""
    return sorted(SECOND_AUTHOR.glob(f"*_{letter}.txt")) if SECOND_AUTHOR.is_dir() else []


def taught(dialogues: Path = ROOT / "dialogues") -> list[Row]:
    """The tuning set: every example of the lexicon (the texts only matter for copies)."""
    lexicon, problems = load_lexicon(dialogues)
    assert lexicon is not None, problems
    rows = {f"{t.file}:{t.line}": Row(frozenset(t.labels), t.text, f"{t.file}:{t.line}")
            for examples in lexicon.examples.values() for t in examples}  # no_topic lines teach two models
    return list(rows.values())


# --- copies between sets ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Copy:
    first: Row
    second: Row
    ratio: float
    token_sort: float

    def __str__(self) -> str:
        return (f"{self.second.where} «{self.second.text}» copies {self.first.where} «{self.first.text}» "
                f"(ratio {self.ratio:.0f}, token sort {self.token_sort:.0f})")


def _words_sorted(text: str) -> str:
    return " ".join(sorted(text.split()))


def copies(first: Sequence[Row], second: Sequence[Row]) -> list[Copy]:
    """Every row of ``second`` that is an exact or near copy of a row of ``first`` (compared as ``comparable``)."""
    if not first or not second:
        return []
    a = [comparable(row.text) for row in first]
    b = [comparable(row.text) for row in second]
    # below the cut-off a score is 0: the scorers skip pairs whose lengths alone rule a copy out
    ratio = process.cdist(b, a, scorer=fuzz.ratio, score_cutoff=NEAR_RATIO, workers=-1)
    # fuzz.token_sort_ratio is fuzz.ratio of the words sorted; sorted here once per row, not once per pair (5× faster)
    token_sort = process.cdist([_words_sorted(text) for text in b], [_words_sorted(text) for text in a],
                               scorer=fuzz.ratio, score_cutoff=NEAR_TOKEN_SORT, workers=-1)
    near = (ratio >= NEAR_RATIO) | (token_sort >= NEAR_TOKEN_SORT)
    found = []
    for j in near.any(axis=1).nonzero()[0]:
        r, t, i = max((ratio[j][i], token_sort[j][i], i) for i in near[j].nonzero()[0])
        found.append(Copy(first[i], second[j], float(r), float(t)))
    return found


def copies_between(sets: dict[str, Sequence[Row]]) -> list[Copy]:
    """Copies between every two of the named sets."""
    names = list(sets)
    return [copy for i, earlier in enumerate(names) for later in names[i + 1:]
            for copy in copies(sets[earlier], sets[later])]


def repeats(rows: Sequence[Row]) -> list[Copy]:
    """Exact repeats inside one evaluation set (a repeated row would count twice)."""
    seen: dict[str, Row] = {}
    found = []
    for row in rows:
        key = comparable(row.text)
        if key in seen:
            found.append(Copy(seen[key], row, 100.0, 100.0))
        seen.setdefault(key, row)
    return found


# --- metrics and reports ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    support: int


def _scores(tp: int, fp: int, fn: int) -> Scores:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return Scores(precision, recall, f1, tp + fn)


def per_label(pairs: Sequence[tuple[frozenset[str], frozenset[str]]], labels: Iterable[str] | None = None
              ) -> dict[str, Scores]:
    """Precision, recall and F1 per label, gold and predicted being sets of labels."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for gold, got in pairs:
        for label in gold & got:
            tp[label] += 1
        for label in got - gold:
            fp[label] += 1
        for label in gold - got:
            fn[label] += 1
    names = sorted(set(labels) if labels is not None else set(tp) | set(fp) | set(fn))
    return {label: _scores(tp[label], fp[label], fn[label]) for label in names}


def macro_f1(pairs: Sequence[tuple[str, str]]) -> float:
    """Mean F1 over the gold labels (single-label: one intent per utterance)."""
    table = per_label([(frozenset({gold}), frozenset({got})) for gold, got in pairs], {gold for gold, _ in pairs})
    return sum(s.f1 for s in table.values()) / len(table)


def micro_f1(pairs: Sequence[tuple[frozenset[str], frozenset[str]]], labels: Iterable[str] | None = None) -> float:
    keep = None if labels is None else frozenset(labels)
    tp = fp = fn = 0
    for gold, got in pairs:
        if keep is not None:
            gold, got = gold & keep, got & keep
        tp, fp, fn = tp + len(gold & got), fp + len(got - gold), fn + len(gold - got)
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def report(title: str, table: dict[str, Scores], summary: str) -> str:
    lines = [f"{title}: {summary}", f"  {'label':<22}{'prec':>6}{'rec':>6}{'F1':>6}{'n':>5}"]
    lines += [f"  {label:<22}{s.precision:>6.2f}{s.recall:>6.2f}{s.f1:>6.2f}{s.support:>5}"
              for label, s in table.items()]
    return "\n".join(lines)


# --- evaluation ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Evaluation:
    kind: str
    figure: float  # client: macro-F1; operator: micro-F1 over the contract's moves; topic: accuracy
    table: dict[str, Scores]
    errors: list[str]
    size: int

    def report(self, title: str) -> str:
        name = {"client": "intent macro-F1", "operator": "move micro-F1 over the contract's 13",
                "topic": "topic accuracy"}[self.kind]
        return report(title, self.table, f"{name} {self.figure:.3f} on {self.size} rows")


def evaluate(nlu: Understanding, kind: str, rows: Sequence[Row], dialogues: Path = ROOT / "dialogues") -> Evaluation:
    lexicon, problems = load_lexicon(dialogues)
    assert lexicon is not None, problems
    if kind == "client":
        return _evaluate_client(nlu, rows, lexicon)
    if kind == "operator":
        return _evaluate_operator(nlu, rows)
    return _evaluate_topics(nlu, rows, lexicon)


def _evaluate_client(nlu: Understanding, rows: Sequence[Row], lexicon: Lexicon) -> Evaluation:
    gold = {label for row in rows for label in row.labels}
    special = sorted({c for label in gold if label in lexicon.intents for c in lexicon.intents[label].call_types})
    call_type = special[0] if special else None  # a file of one type of call is read as in that call
    pairs, errors = [], []
    for row in rows:
        (expected,) = row.labels
        got = nlu.client_intent(row.text, call_type=call_type).intent
        pairs.append((expected, got))
        if got != expected:
            errors.append(f"{row.where}: {expected} → {got}: {row.text}")
    table = per_label([(frozenset({g}), frozenset({p})) for g, p in pairs])
    return Evaluation("client", macro_f1(pairs), table, errors, len(rows))


def _evaluate_operator(nlu: Understanding, rows: Sequence[Row]) -> Evaluation:
    pairs, errors = [], []
    for row in rows:
        got = nlu.operator_moves(row.text, row.client_name).tags
        pairs.append((row.labels, got))
        if got != row.labels:
            errors.append(f"{row.where}: {','.join(sorted(row.labels)) or '-'} → {','.join(sorted(got)) or '-'}: "
                          f"{row.text}")
    gold = {label for labels, _ in pairs for label in labels}
    return Evaluation("operator", micro_f1(pairs, OPERATOR_TAGS), per_label(pairs, set(OPERATOR_TAGS) | gold), errors,
                      len(rows))


def _evaluate_topics(nlu: Understanding, rows: Sequence[Row], lexicon: Lexicon) -> Evaluation:
    gold = {label for row in rows for label in row.labels}
    among = tuple(lexicon.reasons) if gold and gold <= set(lexicon.reasons) else tuple(lexicon.topics)
    right, pairs, errors = 0, [], []
    for row in rows:
        got = nlu.topic(row.text, among).topic
        ok = got in row.labels if row.labels else got is None
        right += ok
        expected = sorted(row.labels)[0] if row.labels and not ok else (got if ok else "-")
        pairs.append((frozenset({expected or "-"}), frozenset({got or "-"})))
        if not ok:
            errors.append(f"{row.where}: {'/'.join(sorted(row.labels)) or '-'} → {got or '-'}: {row.text}")
    return Evaluation("topic", right / len(rows), per_label(pairs), errors, len(rows))
