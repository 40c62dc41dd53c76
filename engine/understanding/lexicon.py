"""The understanding lexicon authored in ``dialogues/lexicon/``: typed, checked with ``file:line`` problems."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import Field, StringConstraints, ValidationError

from engine.content.base import Authored, Identifier
from engine.content.yaml_source import ContentError, Problem, YamlDocument, load_yaml
from engine.vocabulary import IntentKind

from .patterns import Pattern, compile_pattern
from .text import lexicon_lemma

CLIENT_INTENTS = ("agree", "decline", "think", "objection_price", "objection_need", "objection_have",
                  "objection_time", "question", "complaint", "churn", "relocation", "tech_problem", "opt_out",
                  "greeting", "other")
OPERATOR_TAGS = ("greeting", "bridge", "offer", "price", "price_per_day", "empathy", "clarify", "benefit",
                 "summary", "call_to_action", "check_questions", "farewell", "cliche")
LEXICON_DIR = "lexicon"
KEEP, DROP = "keep", "drop"
LANGUAGE_FILE, CLIENT_FILE, OPERATOR_FILE = "language.yaml", "client.yaml", "operator.yaml"

Text = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Char = Annotated[str, StringConstraints(min_length=1, max_length=1)]
Weight = Annotated[float, Field(gt=0, le=10)]


class WeightedPhrase(Authored):
    phrase: Text
    weight: Weight


class Label(Authored):
    """The phrases that signal one intent or tag."""

    kind: IntentKind | None = None  # an intent's meaning for the call (engine/vocabulary.py); tags have none
    weight: Weight = 1.0
    when_negated: Identifier = KEEP  # KEEP, DROP, or the intent a negated phrase stands for
    phrases: list[Text | WeightedPhrase] = Field(min_length=1)


class Negation(Authored):
    words: list[Text] = Field(min_length=1)
    scope: int = Field(ge=1, le=6)


class Fuzzy(Authored):
    min_length: int = Field(ge=3, le=20)
    min_score: float = Field(ge=50, le=100)


class LanguageFile(Authored):
    negation: Negation
    boundaries: list[Text] = []
    slang: dict[Text, Text] = {}
    symbols: dict[Char, Text] = {}
    fuzzy: Fuzzy


class Signal(Authored):
    intent: Identifier
    weight: Weight


class Shouting(Signal):
    min_letters: int = Field(ge=1)
    min_share: float = Field(gt=0, le=1)


class CountSignal(Signal):
    min_count: int = Field(ge=1)


class Signals(Authored):
    shouting: Shouting | None = None
    question_mark: Signal | None = None
    exclamations: CountSignal | None = None
    numbers: CountSignal | None = None
    person_names: CountSignal | None = None


class ContextRule(Authored):
    """How the call stage changes the reading: ``boost`` adds to intents, ``remap`` renames the winner."""

    boost: dict[Identifier, Annotated[float, Field(ge=-10, le=10)]] = {}
    remap: dict[Identifier, Identifier] = {}


class ClientFile(Authored):
    fallback: Identifier
    min_score: Weight
    signals: Signals = Signals()
    contexts: dict[Identifier, ContextRule] = {}
    intents: dict[Identifier, Label]


class OperatorFile(Authored):
    threshold: Weight
    tags: dict[Identifier, Label]


@dataclass(frozen=True)
class Lexicon:
    language: LanguageFile
    client: ClientFile
    operator: OperatorFile
    client_patterns: tuple[Pattern, ...]
    operator_patterns: tuple[Pattern, ...]

    def words(self) -> set[str]:
        """Every word (or «stem*») written in a phrase or as slang: the vocabulary typos are repaired to."""
        labels = [*self.client.intents.values(), *self.operator.tags.values()]
        phrases = [p if isinstance(p, str) else p.phrase for label in labels for p in label.phrases]
        words = {w for phrase in phrases for part in phrase.replace(",", " ").split() for w in part.split("|")}
        words.update(w for value in self.language.slang.values() for w in value.split())
        return {w.lstrip("=").lower().replace("ё", "е") for w in words if w.lstrip("=").rstrip("*").isalpha()}


M = TypeVar("M", bound=Authored)


def _parse(path: Path, model: type[M], problems: list[Problem]) -> tuple[M | None, YamlDocument | None]:
    try:
        doc = load_yaml(path, _display(path))
    except ContentError as exc:
        problems.extend(exc.problems)
        return None, None
    if not isinstance(doc.data, dict):
        problems.append(doc.problem((), "a lexicon file must be a mapping"))
        return None, doc
    try:
        return model.model_validate(doc.data), doc
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            problems.append(doc.problem(loc, f"{'.'.join(str(p) for p in loc)}: {error['msg']}"))
        return None, doc


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _compile(labels: dict[str, Label], section: str, doc: YamlDocument, problems: list[Problem]) -> list[Pattern]:
    patterns: list[Pattern] = []
    for name, label in labels.items():
        seen: set[str] = set()
        for index, item in enumerate(label.phrases):
            phrase, weight = (item, 1.0) if isinstance(item, str) else (item.phrase, item.weight)
            loc = (section, name, "phrases", index)
            if phrase in seen:
                problems.append(doc.problem(loc, f"{section}.{name}: the phrase «{phrase}» is listed twice"))
            seen.add(phrase)
            for alternative in phrase.split(","):
                try:
                    patterns.append(compile_pattern(alternative.strip(), name, weight * label.weight, lexicon_lemma))
                except ValueError as exc:
                    problems.append(doc.problem(loc, f"{section}.{name}: {exc}"))
    return patterns


def _check_names(labels: dict[str, Any], expected: tuple[str, ...], section: str, doc: YamlDocument,
                 problems: list[Problem]) -> None:
    for name in labels:
        if name not in expected:
            problems.append(doc.problem((section, name), f"{section}: unknown '{name}'; use one of {list(expected)}"))
    missing = [name for name in expected if name not in labels]
    if missing:
        problems.append(doc.problem((section,), f"{section}: missing {missing}"))


def _check_client(client: ClientFile, doc: YamlDocument, problems: list[Problem]) -> None:
    _check_names(client.intents, CLIENT_INTENTS, "intents", doc, problems)
    for name, label in client.intents.items():
        if label.kind is None:
            problems.append(doc.problem(("intents", name), f"intents.{name}: give it a kind"))
    known = set(CLIENT_INTENTS)
    referenced: list[tuple[tuple[Any, ...], str]] = [(("fallback",), client.fallback)]
    for name, signal in client.signals:
        if signal is not None:
            referenced.append((("signals", name, "intent"), signal.intent))
    for stage, rule in client.contexts.items():
        referenced += [(("contexts", stage, "boost", k), k) for k in rule.boost]
        referenced += [(("contexts", stage, "remap", k), v) for k, v in rule.remap.items()]
        referenced += [(("contexts", stage, "remap", k), k) for k in rule.remap]
    referenced += [(("intents", k, "when_negated"), v.when_negated) for k, v in client.intents.items()
                   if v.when_negated not in (KEEP, DROP)]
    for loc, intent in referenced:
        if intent not in known:
            problems.append(doc.problem(loc, f"unknown intent '{intent}'; use one of {list(CLIENT_INTENTS)}"))


def files_signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """What changes when an author edits the folder: names, modification times and sizes of its files."""
    if not folder.is_dir():
        return ()
    return tuple(sorted((path.name, path.stat().st_mtime_ns, path.stat().st_size) for path in folder.iterdir()))


def load_lexicon(dialogues_dir: Path) -> tuple[Lexicon | None, list[Problem]]:
    """The lexicon and its problems; parsed once while its files are unchanged (validation and serving share it)."""
    folder = Path(dialogues_dir).resolve()
    lexicon, problems = _load_lexicon(folder, files_signature(folder / LEXICON_DIR))
    return lexicon, list(problems)


@lru_cache(maxsize=8)
def _load_lexicon(dialogues_dir: Path, signature: tuple[tuple[str, int, int], ...]
                  ) -> tuple[Lexicon | None, tuple[Problem, ...]]:
    folder = dialogues_dir / LEXICON_DIR
    problems: list[Problem] = []
    if not folder.is_dir():
        return None, (Problem(_display(folder), 1, "the lexicon folder is missing"),)
    for path in sorted(folder.iterdir()):
        if path.name not in {LANGUAGE_FILE, CLIENT_FILE, OPERATOR_FILE}:
            problems.append(Problem(_display(path), 1, f"unexpected file in the lexicon folder; expected "
                                                       f"{LANGUAGE_FILE}, {CLIENT_FILE}, {OPERATOR_FILE}"))
    language, _ = _parse(folder / LANGUAGE_FILE, LanguageFile, problems)
    client, client_doc = _parse(folder / CLIENT_FILE, ClientFile, problems)
    operator, operator_doc = _parse(folder / OPERATOR_FILE, OperatorFile, problems)
    client_patterns: list[Pattern] = []
    operator_patterns: list[Pattern] = []
    if client is not None and client_doc is not None:
        _check_client(client, client_doc, problems)
        client_patterns = _compile(client.intents, "intents", client_doc, problems)
    if operator is not None and operator_doc is not None:
        _check_names(operator.tags, OPERATOR_TAGS, "tags", operator_doc, problems)
        operator_patterns = _compile(operator.tags, "tags", operator_doc, problems)
    if problems or language is None or client is None or operator is None:
        return None, tuple(problems)
    return Lexicon(language, client, operator, tuple(client_patterns), tuple(operator_patterns)), ()


def check_lexicon(dialogues_dir: Path) -> list[Problem]:
    """All problems of the lexicon under ``dialogues_dir`` (empty when it is valid)."""
    return load_lexicon(dialogues_dir)[1]
