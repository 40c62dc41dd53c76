"""What trainers write in dialogues/lexicon/: it is checked (every problem as file:line, all at once), new labels need
no Python, and the model trained from it is cached and the same however often it is trained."""
from __future__ import annotations

import shutil
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from engine.content.yaml_source import ContentError
from engine.understanding import Understanding, check_lexicon, model
from tests.contract import CONTRACT_KINDS, CONTRACT_TOPICS, OPERATOR_TAGS
from engine.understanding.lexicon import Taught, load_lexicon
from engine.understanding.understanding import _load
from engine.understanding.phrases import check_phrase

from tests.conftest import line_of

DIALOGUES = Path(__file__).resolve().parents[1] / "dialogues"
CALL_TYPES = ("inbound_upsell", "outbound_upsell", "retention_mnp")  # CONTRACT.md


def _copy_lexicon(tmp_path: Path) -> Path:
    shutil.copytree(DIALOGUES / "lexicon", tmp_path / "lexicon")
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_lexicon_is_valid() -> None:
    assert check_lexicon(DIALOGUES, CALL_TYPES) == []


def test_every_problem_points_at_its_line_all_at_once(tmp_path: Path) -> None:
    root = _copy_lexicon(tmp_path)
    client, operator, topics = (root / "lexicon" / name for name in ("client.yaml", "operator.yaml", "topics.yaml"))
    _edit(client, "  complaint:\n    kind: conflict\n", "  complaint:\n    kind: fury\n")
    _edit(topics, "  min_confidence: 0.2\n", "  min_confidence: lots\n")
    _edit(client, "      - \"12.05.1978\"\n", "      - \"12.05.1978\"\n      - Мне надо подумать!\n")
    _edit(client, "  fallback: other ", "  fallback: maybe ")
    _edit(operator, "  bridge:\n    unless_denied: [offer, call_to_action]", "  bridge:\n    unless_denied: [sale]")
    _edit(operator, "      - понимаю|понимаем\n", "      - понимаю|понимаем\n      - a|*\n")
    _edit(topics, "    learn_from: [complaint]\n", "    learn_from: [grievance]\n")
    _edit(client, "        reasons: {decline: [objection_price,", "        reasons: {decline: [objection_cost,")
    _edit(operator, "    needs:\n", "    needs:\n      - сим-карт*\n")
    (root / "lexicon" / "trust.yaml").write_text(
        "intents:\n"
        "  objection_trust:\n"
        "    kind: objection\n"
        "    call_types: [retention_mnpp]\n"
        "    examples: []\n", encoding="utf-8")
    found = {(Path(p.file).name, p.line): p.message for p in check_lexicon(root, CALL_TYPES)}
    expected = {
        ("client.yaml", line_of(client, "    kind: fury")): "unknown kind 'fury'",
        ("topics.yaml", line_of(topics, "  min_confidence: lots")): "min_confidence",
        ("client.yaml", line_of(client, "      - Мне надо подумать!")): "keep it under one label",
        ("client.yaml", line_of(client, "  fallback: maybe")): "unknown intent 'maybe'",
        ("operator.yaml", line_of(operator, "    unless_denied: [sale]")): "'unless_denied: sale' is not another move",
        ("operator.yaml", line_of(operator, "      - a|*")): "a prefix needs at least two letters",
        ("topics.yaml", line_of(topics, "    learn_from: [grievance]")): "unknown intent 'grievance'",
        ("client.yaml", line_of(client, "        reasons: {decline: [objection_cost,")): "unknown intent 'objection_cost'",
        ("operator.yaml", line_of(operator, "      - сим-карт*")): "moves.offer: «сим-карт*»: a prefix needs",
        ("trust.yaml", 4): "unknown call type 'retention_mnpp'",
        ("trust.yaml", 2): "no examples",
    }
    for where, words in expected.items():
        assert words in found.get(where, ""), (where, words, found)
    with pytest.raises(ContentError) as error:
        Understanding.load(root)
    assert "client.yaml:" in str(error.value)


def test_the_shipped_lexicon_teaches_the_contracts_labels() -> None:
    """CONTRACT.md's intents (each of its kind), operator tags and topics are all taught (more may be added)."""
    nlu = Understanding.load(DIALOGUES)
    assert {intent: nlu.intent_kind(intent) for intent in CONTRACT_KINDS} == CONTRACT_KINDS
    assert set(OPERATOR_TAGS) <= set(nlu.moves())
    assert set(CONTRACT_TOPICS) <= set(nlu.topics())


def test_a_missing_language_file_and_yaml_syntax_are_reported(tmp_path: Path) -> None:
    root = _copy_lexicon(tmp_path)
    (root / "lexicon" / "language.yaml").unlink()
    (root / "lexicon" / "operator.yaml").write_text("moves: [не\n", encoding="utf-8")
    messages = [str(p) for p in check_lexicon(root)]
    assert any("language.yaml:1:" in m for m in messages)
    assert any("operator.yaml:" in m and "YAML syntax" in m for m in messages)


def test_the_trained_model_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    nlu = Understanding.load(DIALOGUES)
    lexicon, _ = load_lexicon(DIALOGUES)
    assert lexicon is not None
    assert model.cache_path(lexicon).is_file(), "training writes its result to the cache"

    def no_training(*_: object) -> None:
        raise AssertionError("the cached model should have been read")

    with monkeypatch.context() as patched:
        patched.setattr(model, "_train", no_training)
        _load.cache_clear()
        again = Understanding.load(DIALOGUES)
    assert again is not nlu
    text = "ну не знаю, дороговато, надо с женой посоветоваться"
    assert again.client_intent(text) == nlu.client_intent(text)


def test_processes_that_start_together_train_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Several workers starting after a content change: the first trains, the others wait and read its file."""
    lexicon, _ = load_lexicon(DIALOGUES)
    assert lexicon is not None
    nlu = Understanding.load(DIALOGUES)  # trained and cached: its arrays stand in for a training
    with np.load(model.cache_path(lexicon), allow_pickle=False) as stored:
        trained = dict(stored)
    calls: list[int] = []

    def slow_training(*_: object) -> dict[str, np.ndarray]:
        calls.append(1)
        time.sleep(0.3)  # the others arrive while it trains
        return trained

    monkeypatch.setattr(model, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(model, "_train", slow_training)
    with ThreadPoolExecutor(max_workers=3) as pool:
        models = list(pool.map(lambda _: model.load_model(lexicon, nlu._analyze, nlu._phrases_of), range(3)))
    assert len(calls) == 1
    assert all(np.array_equal(m.idf, models[0].idf) for m in models)


def _a_few_of_each(examples: tuple[Taught, ...], each: int = 5) -> tuple[Taught, ...]:
    """Enough lines that every label (and «none») has a few: the same code paths, a fraction of the time."""
    seen: Counter[str] = Counter()
    kept = []
    for taught in examples:
        labels = taught.labels or ("",)
        if any(seen[label] < each for label in labels):
            kept.append(taught)
            seen.update(labels)
    return tuple(kept)


def test_training_is_deterministic() -> None:
    """Trained twice, the same arrays to the bit (on a few of the trainers' examples of every label, threads and
    all)."""
    lexicon, problems = load_lexicon(DIALOGUES)
    assert lexicon is not None, problems
    lexicon = replace(lexicon, examples={section: _a_few_of_each(taught)
                                         for section, taught in lexicon.examples.items()})
    nlu = Understanding.load(DIALOGUES)
    first = model._train(lexicon, nlu._analyze, nlu._phrases_of)
    second = model._train(lexicon, nlu._analyze, nlu._phrases_of)
    assert sorted(first) == sorted(second)
    assert all(np.array_equal(first[name], second[name]) for name in first)


def test_a_labelled_corpus_is_checked_line_by_line(tmp_path: Path) -> None:
    root = _copy_lexicon(tmp_path)
    corpus = root / "lexicon" / "trainer_corpus.yaml"
    corpus.write_text('labelled:\n  source: "тренер"\n  tagged_moves: [offer, price]\n'
                      '  intents:\n    objection_trust:\n      - "я вам не верю"\n'
                      '  moves:\n'
                      '    - {text: "Предлагаю опцию за 100 рублей", moves: [offer, price]}\n'
                      '    - {text: "Звоню вам как абоненту", moves: [why_him]}\n'
                      '  topics:\n    weather:\n      - "какая завтра погода"\n', encoding="utf-8")
    problems = [str(p) for p in check_lexicon(root)]
    assert any(f"trainer_corpus.yaml:{line_of(corpus, 'objection_trust')}:" in p
               and "unknown intent 'objection_trust'" in p for p in problems), problems
    assert any(f"trainer_corpus.yaml:{line_of(corpus, 'why_him')}:" in p and "not one of the corpus's tagged_moves"
               in p for p in problems), problems
    assert any(f"trainer_corpus.yaml:{line_of(corpus, 'weather')}:" in p and "unknown topic 'weather'" in p
               for p in problems), problems


def test_a_corpus_line_teaches_only_the_moves_it_was_tagged_for(tmp_path: Path) -> None:
    """A corpus tagged for price only says nothing about offers: its «offer» lines are not taught as «no offer»."""
    root = _copy_lexicon(tmp_path)
    (root / "lexicon" / "trainer_corpus.yaml").write_text(
        'labelled:\n  source: "тренер"\n  weight: 0.5\n  tagged_moves: [price]\n'
        '  moves:\n'
        '    - {text: "Подключу вам Гарантию Плюс за 90 рублей в месяц", moves: [price]}\n',
        encoding="utf-8")
    lexicon, problems = load_lexicon(root)
    assert lexicon is not None, problems
    (line,) = [t for t in lexicon.examples["moves"] if t.text.startswith("Подключу вам Гарантию")]
    assert line.labels == ("price",) and line.labelled_for == frozenset({"price"}) and line.weight == 0.5
    moves = lexicon.examples["moves"]
    offer, price = model.teaching(moves, "offer"), model.teaching(moves, "price")
    assert not offer[moves.index(line)] and price[moves.index(line)]
    assert all(offer[i] and price[i] for i, taught in enumerate(moves) if taught.labelled_for is None)


def test_a_two_word_alternative_with_not_is_an_authors_mistake_named_at_load() -> None:
    """«устарел*|не обновил*» would read «не» as a slot of its own and then need «обновил*» after it: the phrase
    would never match what its author meant."""
    with pytest.raises(ValueError, match="'не' in 'ошибочно|не' starts a two-word alternative"):
        check_phrase("предложение ... ошибочно|не обновил*")
    check_phrase("предложение ... ошибочно, предложение ... не обновил*")
