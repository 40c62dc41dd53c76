"""What the understanding is taught, authored in ``dialogues/lexicon/``: typed, checked with ``file:line`` problems.

``language.yaml`` holds how chat text is read (negation, slang, typos, signals). Every other ``*.yaml`` file may hold
any of the taught sections — ``intents`` (the customer's), ``moves`` (the operator's), ``topics`` (customer-mode
self-service topics), ``reasons`` (why a porting customer leaves), the examples of lines that carry no move or no
topic (``no_move``, ``no_topic``) — and the settings of each reader (``client``, ``operator``, ``topic``). A label
is declared once, with its examples (the model is trained on them) and optional exact phrases (patterns.py syntax).
"""
from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator, Field, StringConstraints, ValidationError

from engine.content.base import Authored, Identifier
from engine.content.yaml_source import ContentError, Loc, Problem, YamlDocument, load_yaml

from engine.vocabulary import INTENT_KINDS

from .patterns import Pattern, compile_pattern
from .phrases import alternatives, check_phrase
from .text import lexicon_lemma, normalize_word

# The kinds a customer intent may be of: the engine decides by kind, so the list is closed (engine/vocabulary.py).
KINDS = INTENT_KINDS
LEXICON_DIR = "lexicon"
LANGUAGE_FILE = "language.yaml"
KEEP, DROP = "keep", "drop"
INTENTS, MOVES, TOPICS, REASONS, NO_MOVE, NO_TOPIC = "intents", "moves", "topics", "reasons", "no_move", "no_topic"
LABEL_SECTIONS = (INTENTS, MOVES, TOPICS, REASONS)
SETTINGS = ("client", "operator", "topic")
_NAMESPACE = {TOPICS: (TOPICS, REASONS), REASONS: (TOPICS, REASONS)}  # topic() reads both: one set of ids

Text = Annotated[str, StringConstraints(min_length=1, max_length=500)]
# a number is a fine example too («352011070411»: identification data)
Example = Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int | float) else v),
                    StringConstraints(min_length=1, max_length=2000)]
Char = Annotated[str, StringConstraints(min_length=1, max_length=1)]
Weight = Annotated[float, Field(gt=0, le=10)]
Probability = Annotated[float, Field(gt=0, lt=1)]


class _Blanked(dict[int, int]):
    """A ``str.translate`` table, filled as characters are met: a space or a punctuation mark becomes a space."""

    def __missing__(self, code: int) -> int:
        ch = chr(code)
        self[code] = ord(" ") if ch.isspace() or unicodedata.category(ch).startswith("P") else code
        return self[code]


_BLANKED = _Blanked()


@lru_cache(maxsize=65536)  # every example, at each load of a lexicon (a reload, a copy of the content)
def comparable(text: str) -> str:
    """A text as compared for duplicates: lower case, ё as е, punctuation and spaces collapsed (emoji are kept; a
    text of punctuation alone stays itself: «?» is not «...»)."""
    return " ".join(normalize_word(text).translate(_BLANKED).split()) or "".join(text.split())


# --- language.yaml -------------------------------------------------------------------------------------------------
class ReportedSpeech(Authored):
    """A denied verb of saying denies the clause it introduces: «я не говорила, что неинтересно»."""

    verbs: list[Text] = Field(min_length=1)  # lemmas
    conjunctions: list[Text] = Field(min_length=1)


class Postposed(Authored):
    """A negation word that ends a clause denies the phrases before it: «аварий нет», «аварий по дому нет»."""

    words: list[Text] = Field(min_length=1)
    not_after: list[Text] = []  # the word before it makes it an answer, not a denial: «да нет», «точно нет»


class Negation(Authored):
    words: list[Text] = Field(min_length=1)
    scope: int = Field(ge=1, le=6)
    reported: ReportedSpeech | None = None
    postposed: Postposed | None = None


class Fuzzy(Authored):
    min_length: int = Field(ge=3, le=20)
    min_score: float = Field(ge=50, le=100)


class Shouting(Authored):
    min_letters: int = Field(ge=1)
    min_share: float = Field(gt=0, le=1)


class Counted(Authored):
    min_count: int = Field(ge=1)


class Signals(Authored):
    """Features of the whole message besides its words (each model learns what they mean for its labels)."""

    shouting: Shouting
    exclamations: Counted
    person_names: Counted


class LanguageFile(Authored):
    negation: Negation
    boundaries: list[Text] = []
    parts: list[Text] = []
    slang: dict[Text, Text] = {}
    symbols: dict[Char, Text] = {}
    fuzzy: Fuzzy
    signals: Signals


# --- the taught labels -----------------------------------------------------------------------------------------------
class WeightedPhrase(Authored):
    phrase: Text
    weight: Weight


class Label(Authored):
    """One thing the understanding recognises: taught by examples, with optional exact phrases."""

    description: Text | None = None
    weight: Weight = 1.0
    phrases: list[Text | WeightedPhrase] = []
    examples: list[Example] = []


class Intent(Label):
    kind: Identifier
    call_types: list[Identifier] = []  # active only in calls of these types (empty: always)
    when_negated: Identifier = KEEP  # KEEP, DROP, or the intent a negated phrase stands for («не дорого»: agree)


class Topic(Label):
    learn_from: list[Identifier] = []  # intents whose examples teach this topic too («жалоба» from complaint)


class NoTopic(Authored):
    """Messages that name no topic and no reason: greetings, thanks, identification data, small talk."""

    examples: list[Example] = []
    learn_from: list[Identifier] = []  # intents whose examples name no topic either (greeting, other…)


class TaggedExample(Authored):
    """An operator's line with several moves: listed under one of them, the others in ``also``."""

    text: Example
    also: list[Identifier] = Field(min_length=1)


class Move(Label):
    examples: list[Example | TaggedExample] = []
    implies: list[Identifier] = []  # moves always made with this one (a price per day is a price)
    unless_denied: list[Identifier] = []  # not made in a turn that denies one of these, itself too («не буду предлагать»)
    needs: list[str] = []  # read only in a sentence where one of these phrases is found (an offer names what)
    unless_with: list[Identifier] = []  # not read in a sentence where one of these moves is read («будет отменено»)


class LastClause(Authored):
    """A reply's decision comes last: «мошенники замучили, так что давайте» agrees, whatever came before."""

    intents: list[Identifier]
    min_confidence: Annotated[float, Field(ge=0, le=1)] = 0.6
    # trailing clauses that only ask along («давайте. А мастер когда придёт?»): the decision is the clause before
    after: list[Identifier] = []
    # a last word that asks for approval with a question mark («…я с сыном посоветуюсь, ладно?») decides nothing
    tag_questions: list[str] = []
    # a clause opening with one of these words belongs to the one before («подам заново, когда можно будет» does not
    # agree; «…, если его нет» does not refuse)
    subordinate: list[str] = []
    # a decision whose reason an earlier clause gives is that reason («тридцать процентов это не в два раза. не, не
    # впечатляет» objects to the price): {decline: [objection_price, …]}
    reasons: dict[Identifier, list[Identifier]] = {}


class ContextRule(Authored):
    """How the call stage changes the reading: ``boost`` adds to an intent's log-odds, ``remap`` renames the winner,
    ``last_clause``: the intents a message's last clause decides when it says one of them alone."""

    boost: dict[Identifier, Annotated[float, Field(ge=-10, le=10)]] = {}
    remap: dict[Identifier, Identifier] = {}
    last_clause: LastClause | None = None


class ClientSettings(Authored):
    fallback: Identifier  # the intent when the best is less likely than min_confidence
    min_confidence: Probability
    contexts: dict[Identifier, ContextRule] = {}


class OperatorSettings(Authored):
    threshold: Probability  # a move is read when it is at least this likely


class TopicSettings(Authored):
    min_confidence: Probability  # below it: no topic
    second_min: Probability  # a part of the message names a second topic when it is at least this likely


class LabelledMoves(Authored):
    text: Example
    moves: list[Identifier] = []  # every move of the line among the corpus's tagged_moves (none: [])


class LabelledLines(Authored):
    """A corpus of lines labelled by other annotators, each line once with its labels (as labelled data is kept in
    mature assistants). Its lines teach the models like examples; an operator line teaches only the moves the corpus
    was tagged for (a line not tagged ``identify`` says nothing about ``identify`` when nobody was asked)."""

    source: Text  # who labelled the lines, by which guide
    weight: Annotated[float, Field(gt=0, le=1)] = 1.0  # how much a line counts against a trainer's own example
    tagged_moves: list[Identifier] = []
    intents: dict[Identifier, list[Example]] = {}
    moves: list[LabelledMoves] = []
    topics: dict[Identifier, list[Example]] = {}
    no_topic: list[Example] = []


class LabelFile(Authored):
    labelled: LabelledLines | None = None
    client: ClientSettings | None = None
    operator: OperatorSettings | None = None
    topic: TopicSettings | None = None
    intents: dict[Identifier, Intent] = {}
    moves: dict[Identifier, Move] = {}
    topics: dict[Identifier, Topic] = {}
    reasons: dict[Identifier, Topic] = {}
    no_move: list[Example] = []
    no_topic: NoTopic | None = None


@dataclass(frozen=True)
class Taught:
    """One example as the model is trained on it, with where it was written."""

    text: str
    labels: tuple[str, ...]  # empty for a line of no_move / no_topic
    file: str
    line: int
    labelled_for: frozenset[str] | None = None  # the labels the line was labelled for (None: all of its section)
    weight: float = 1.0  # how much the line counts in training against one example


@dataclass(frozen=True)
class Lexicon:
    language: LanguageFile
    client: ClientSettings
    operator: OperatorSettings
    topic: TopicSettings
    intents: Mapping[str, Intent]
    moves: Mapping[str, Move]
    topics: Mapping[str, Topic]
    reasons: Mapping[str, Topic]
    examples: Mapping[str, tuple[Taught, ...]]  # per section (no_move lines under moves, no_topic under both topics)
    patterns: Mapping[str, tuple[Pattern, ...]]  # per section
    digest: str  # changes with any byte of the lexicon files

    def words(self, is_word: Callable[[str], bool]) -> set[str]:
        """The vocabulary typos are repaired to: every word of a phrase or of slang, and the words of the examples
        that ``is_word`` accepts (an example may keep a typo on purpose; it must not become a word to repair to)."""
        labels = [label for section in LABEL_SECTIONS for label in self.section(section).values()]
        phrases = [p if isinstance(p, str) else p.phrase for label in labels for p in label.phrases]
        words = {w for phrase in phrases for part in phrase.replace(",", " ").split() for w in part.split("|")}
        words.update(w for value in self.language.slang.values() for w in value.split())
        words = {w.lstrip("=").lower().replace("ё", "е") for w in words if w.lstrip("=").rstrip("*").isalpha()}
        said = {w for taught in self.examples.values() for t in taught for w in comparable(t.text).split()}
        return words | {w for w in said if w.isalpha() and is_word(w)}

    def section(self, name: str) -> Mapping[str, Label]:
        return {INTENTS: self.intents, MOVES: self.moves, TOPICS: self.topics, REASONS: self.reasons}[name]


M = TypeVar("M", bound=Authored)


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _parse(path: Path, model: type[M], problems: list[Problem]) -> tuple[M | None, YamlDocument | None]:
    """The file as ``model``; a part that is wrong (one label, one setting) is left out and reported, the rest kept,
    so the checks of what is right still run."""
    try:
        doc = load_yaml(path, _display(path))
    except ContentError as exc:
        problems.extend(exc.problems)
        return None, None
    if not isinstance(doc.data, dict):
        problems.append(doc.problem((), "a lexicon file must be a mapping"))
        return None, doc
    kept: dict[str, Any] = {}
    for key, value in doc.data.items():
        if key in LABEL_SECTIONS and isinstance(value, dict):
            kept[key] = {name: item for name, item in value.items() if _valid(model, {key: {name: item}}, doc, problems)}
        elif _valid(model, {key: value}, doc, problems):
            kept[key] = value
    return (model.model_validate(kept), doc) if _valid(model, kept, doc, problems) else (None, doc)


def _valid(model: type[Authored], data: dict[str, Any], doc: YamlDocument, problems: list[Problem]) -> bool:
    """Whether ``data`` (a part of the file, or all of it) is right; a part alone lacks the other parts' keys."""
    whole = len(data) == len(doc.data)
    try:
        model.model_validate(data)
    except ValidationError as exc:
        found = [tuple(error["loc"]) + (error["msg"],) for error in exc.errors() if whole or error["loc"][0] in data]
        for *loc, message in found:
            problems.append(doc.problem(tuple(loc), f"{'.'.join(str(p) for p in loc)}: {message}"))
        return not found
    return True


@dataclass
class _Merged:
    """The label files put together, remembering the document each label and setting came from."""

    labels: dict[str, dict[str, tuple[Label, YamlDocument]]]
    settings: dict[str, tuple[Authored, YamlDocument]]
    plain: dict[str, list[tuple[str, YamlDocument, Loc]]]  # no_move / no_topic lines
    no_topic_from: list[tuple[str, YamlDocument, Loc]]  # intents whose examples name no topic
    corpora: list[tuple[LabelledLines, YamlDocument]]

    def where(self, section: str, name: str) -> YamlDocument:
        return self.labels[section][name][1]


def _merge(files: list[tuple[LabelFile, YamlDocument]], problems: list[Problem], complete: bool) -> _Merged:
    merged = _Merged({s: {} for s in LABEL_SECTIONS}, {}, {NO_MOVE: [], NO_TOPIC: []}, [], [])
    for parsed, doc in files:
        for name in SETTINGS:
            value = getattr(parsed, name)
            if value is None:
                continue
            if name in merged.settings:
                problems.append(doc.problem((name,), f"{name}: already set in {merged.settings[name][1].path}"))
            else:
                merged.settings[name] = (value, doc)
        for section in LABEL_SECTIONS:
            for label_id, label in getattr(parsed, section).items():
                twin = next((s for s in _NAMESPACE.get(section, (section,)) if label_id in merged.labels[s]), None)
                if twin is not None:
                    other = merged.where(twin, label_id).path
                    problems.append(doc.problem((section, label_id), f"{section}: '{label_id}' is already declared "
                                                                      f"in {other} ({twin})"))
                    continue
                merged.labels[section][label_id] = (label, doc)
        merged.plain[NO_MOVE] += [(text, doc, (NO_MOVE, i)) for i, text in enumerate(parsed.no_move)]
        if parsed.labelled is not None:
            merged.corpora.append((parsed.labelled, doc))
        if parsed.no_topic is not None:
            merged.plain[NO_TOPIC] += [(text, doc, (NO_TOPIC, "examples", i))
                                       for i, text in enumerate(parsed.no_topic.examples)]
            merged.no_topic_from += [(intent, doc, (NO_TOPIC, "learn_from", i))
                                     for i, intent in enumerate(parsed.no_topic.learn_from)]
    for name in SETTINGS:
        if complete and name not in merged.settings:
            problems.append(Problem(LEXICON_DIR, 1, f"the '{name}' settings are missing from the lexicon"))
    return merged


def _compile(section: str, labels: Mapping[str, tuple[Label, YamlDocument]], negation: frozenset[str],
             problems: list[Problem]) -> list[Pattern]:
    patterns: list[Pattern] = []
    for name, (label, doc) in labels.items():
        seen: set[str] = set()
        for index, item in enumerate(label.phrases):
            phrase, weight = (item, 1.0) if isinstance(item, str) else (item.phrase, item.weight)
            loc = (section, name, "phrases", index)
            if phrase in seen:
                problems.append(doc.problem(loc, f"{section}.{name}: the phrase «{phrase}» is listed twice"))
            seen.add(phrase)
            for alternative in alternatives(phrase):
                try:
                    patterns.append(compile_pattern(alternative, name, weight * label.weight, lexicon_lemma,
                                                    negation))
                except ValueError as exc:
                    problems.append(doc.problem(loc, f"{section}.{name}: {exc}"))
    return patterns


def _examples(section: str, merged: _Merged, problems: list[Problem]) -> list[tuple[Taught, YamlDocument, Loc]]:
    """The examples of one section with their labels; a label taught by nothing is a problem."""
    found: list[tuple[Taught, YamlDocument, Loc]] = []
    for name, (label, doc) in merged.labels[section].items():
        if not label.examples and not getattr(label, "learn_from", None):
            problems.append(doc.problem((section, name), f"{section}.{name}: no examples; a label is taught by "
                                                         f"examples (add a few lines under 'examples:')"))
        for index, item in enumerate(label.examples):
            loc = (section, name, "examples", index)
            text, also = (item.text, tuple(item.also)) if isinstance(item, TaggedExample) else (item, ())
            for other in also:
                if other == name or other not in merged.labels[MOVES]:
                    problems.append(doc.problem((*loc, "also"), f"{section}.{name}: 'also: {other}' is not another "
                                                                f"move; use one of {list(merged.labels[MOVES])}"))
            labels = (name, *also)
            implied = _implied(labels, merged) if section == MOVES else set()
            found.append((Taught(text, (*labels, *sorted(implied)), doc.path, doc.line_of(loc)), doc, loc))
    plain = {MOVES: NO_MOVE, TOPICS: NO_TOPIC, REASONS: NO_TOPIC}.get(section)
    if plain is not None:
        found += [(Taught(text, (), doc.path, doc.line_of(loc)), doc, loc) for text, doc, loc in merged.plain[plain]]
    for corpus, doc in merged.corpora:
        found += _labelled(section, corpus, doc, merged, problems)
    return found


def _labelled(section: str, corpus: LabelledLines, doc: YamlDocument, merged: _Merged, problems: list[Problem]
              ) -> list[tuple[Taught, YamlDocument, Loc]]:
    """The lines of a corpus that teach one section; a label the lexicon does not declare is a problem."""
    known = merged.labels[section]

    def checked(loc: Loc, label: str) -> bool:
        if label not in known:
            problems.append(doc.problem(loc, f"labelled: unknown {section[:-1]} '{label}'; use one of {list(known)}"))
        return label in known

    def taught(text: str, labels: tuple[str, ...], loc: Loc, labelled_for: frozenset[str] | None = None):
        return Taught(text, labels, doc.path, doc.line_of(loc), labelled_for, corpus.weight), doc, loc

    if section in (INTENTS, TOPICS):
        lines = [taught(text, (name,), ("labelled", section, name, i))
                 for name, texts in getattr(corpus, section).items() if checked(("labelled", section, name), name)
                 for i, text in enumerate(texts)]
        if section == TOPICS:
            lines += [taught(text, (), ("labelled", NO_TOPIC, i)) for i, text in enumerate(corpus.no_topic)]
        return lines
    if section != MOVES or not corpus.moves:
        return []
    tagged = frozenset(m for i, m in enumerate(corpus.tagged_moves) if checked(("labelled", "tagged_moves", i), m))
    lines = []
    for index, line in enumerate(corpus.moves):
        loc = ("labelled", MOVES, index)
        for i, move in enumerate(line.moves):
            if move not in corpus.tagged_moves:
                problems.append(doc.problem((*loc, "moves", i), f"labelled: '{move}' is not one of the corpus's "
                                                                f"tagged_moves {corpus.tagged_moves}"))
        implied = _implied(line.moves, merged) & tagged
        lines.append(taught(line.text, tuple(sorted({*line.moves, *implied})), loc, tagged))
    return lines


def _implied(moves: Collection[str], merged: _Merged) -> set[str]:
    """The moves always made with these («a price per day is a price») that are not among them."""
    known = merged.labels[MOVES]
    implied = {m for move in moves if move in known for m in known[move][0].implies}  # type: ignore[attr-defined]
    return implied - set(moves)


def _learnt(section: str, merged: _Merged, own: list[tuple[Taught, YamlDocument, Loc]],
            intents: list[tuple[Taught, YamlDocument, Loc]], problems: list[Problem]) -> list[Taught]:
    """Examples a topic or reason borrows from intents (``learn_from``), unless the section teaches them already."""
    by_intent: dict[str, list[Taught]] = {}
    for taught, _, _ in intents:
        by_intent.setdefault(taught.labels[0], []).append(taught)
    sources = [(name, intent, doc, (section, name, "learn_from", i))
               for name, (label, doc) in merged.labels[section].items()
               for i, intent in enumerate(label.learn_from)]  # type: ignore[attr-defined]
    sources += [(None, intent, doc, loc) for intent, doc, loc in merged.no_topic_from]
    seen = {comparable(taught.text) for taught, _, _ in own}
    learnt: list[Taught] = []
    for name, intent, doc, loc in sources:
        if intent not in merged.labels[INTENTS]:
            problems.append(doc.problem(loc, f"learn_from: unknown intent '{intent}'; use one of "
                                             f"{list(merged.labels[INTENTS])}"))
        for taught in by_intent.get(intent, []):
            key = comparable(taught.text)
            if key not in seen:
                seen.add(key)
                learnt.append(Taught(taught.text, (name,) if name else (), taught.file, taught.line))
    return learnt


def _check_duplicates(groups: list[list[tuple[Taught, YamlDocument, Loc]]], problems: list[Problem]) -> None:
    """The same line (up to case and punctuation) taught twice: under one label, or under two that then disagree."""
    first: dict[str, tuple[Taught, str]] = {}
    for taught, doc, loc in (item for group in groups for item in group):
        key = comparable(taught.text)
        owner = ",".join(taught.labels) or "(none)"
        if key in first:
            seen, seen_owner = first[key]
            where = f"{seen.file}:{seen.line}"
            if seen_owner == owner:
                problems.append(doc.problem(loc, f"the example «{taught.text}» is listed twice (also at {where})"))
            else:
                problems.append(doc.problem(loc, f"the example «{taught.text}» is taught as {owner} here and as "
                                                 f"{seen_owner} at {where}; keep it under one label"))
        else:
            first[key] = (taught, owner)


def _check_references(merged: _Merged, known_call_types: Collection[str] | None, problems: list[Problem],
                      complete: bool) -> None:
    intents = merged.labels[INTENTS]
    for name, (intent, doc) in intents.items():
        if intent.kind not in KINDS:
            problems.append(doc.problem((INTENTS, name, "kind"), f"intents.{name}: unknown kind '{intent.kind}'; "
                                                                 f"use one of {list(KINDS)}"))
        if intent.when_negated not in (KEEP, DROP) and intent.when_negated not in intents:
            problems.append(doc.problem((INTENTS, name, "when_negated"),
                                        f"unknown intent '{intent.when_negated}'; use keep, drop or one of "
                                        f"{list(intents)}"))
        for index, call_type in enumerate(intent.call_types):
            if known_call_types is not None and call_type not in known_call_types:
                problems.append(doc.problem((INTENTS, name, "call_types", index),
                                            f"intents.{name}: unknown call type '{call_type}'; use one of "
                                            f"{sorted(known_call_types)}"))
    for name, (move, doc) in merged.labels[MOVES].items():
        for index, phrase in enumerate(move.needs):
            try:
                check_phrase(phrase)
            except ValueError as error:
                problems.append(doc.problem((MOVES, name, "needs", index), f"moves.{name}: {error}"))
        for field in ("implies", "unless_denied", "unless_with"):
            for index, other in enumerate(getattr(move, field)):
                # a turn may deny the very move («не буду вам ничего предлагать»); it cannot imply or exclude itself
                if (other == name and field != "unless_denied") or other not in merged.labels[MOVES]:
                    problems.append(doc.problem((MOVES, name, field, index), f"moves.{name}: '{field}: {other}' is "
                                                                              f"not another move"))
    if "client" in merged.settings:
        settings, doc = merged.settings["client"]
        referenced: list[tuple[Loc, str]] = [(("client", "fallback"), settings.fallback)]
        for stage, rule in settings.contexts.items():
            referenced += [(("client", "contexts", stage, "boost", k), k) for k in rule.boost]
            referenced += [(("client", "contexts", stage, "remap", k), v) for k, v in rule.remap.items()]
            referenced += [(("client", "contexts", stage, "remap", k), k) for k in rule.remap]
            if rule.last_clause is not None:
                referenced += [(("client", "contexts", stage, "last_clause", field, i), k)
                               for field in ("intents", "after")
                               for i, k in enumerate(getattr(rule.last_clause, field))]
                referenced += [(("client", "contexts", stage, "last_clause", "reasons", decision), k)
                               for decision, reasons in rule.last_clause.reasons.items()
                               for k in (decision, *reasons)]
        for loc, intent_id in referenced:
            if intent_id not in intents:
                problems.append(doc.problem(loc, f"unknown intent '{intent_id}'; use one of {list(intents)}"))


def files_signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """What changes when an author edits the folder: names, modification times and sizes of its files, at any
    depth."""
    if not folder.is_dir():
        return ()
    return tuple(sorted((path.relative_to(folder).as_posix(), path.stat().st_mtime_ns, path.stat().st_size)
                        for path in folder.rglob("*") if path.is_file()))


def load_lexicon(dialogues_dir: Path, known_call_types: Collection[str] | None = None
                 ) -> tuple[Lexicon | None, list[Problem]]:
    """The lexicon and its problems; parsed once while its files are unchanged (validation and serving share it)."""
    folder = Path(dialogues_dir).resolve()
    known = None if known_call_types is None else tuple(sorted(known_call_types))
    lexicon, problems = _load_lexicon(folder, files_signature(folder / LEXICON_DIR), known)
    return lexicon, list(problems)


def _lexicon_files(folder: Path, problems: list[Problem]) -> Iterator[Path]:
    for path in sorted(folder.iterdir()):
        if path.suffix in {".yaml", ".yml"} and path.is_file():
            yield path
        else:
            problems.append(Problem(_display(path), 1, "unexpected entry in the lexicon folder; it holds YAML files"))


@lru_cache(maxsize=8)
def _load_lexicon(dialogues_dir: Path, signature: tuple[tuple[str, int, int], ...],
                  known_call_types: tuple[str, ...] | None) -> tuple[Lexicon | None, tuple[Problem, ...]]:
    folder = dialogues_dir / LEXICON_DIR
    if not folder.is_dir():
        return None, (Problem(_display(folder), 1, "the lexicon folder is missing"),)
    problems: list[Problem] = []
    paths = list(_lexicon_files(folder, problems))
    if not (folder / LANGUAGE_FILE).is_file():
        problems.append(Problem(_display(folder / LANGUAGE_FILE), 1, f"{LANGUAGE_FILE} is missing"))
    language = _parse(folder / LANGUAGE_FILE, LanguageFile, problems)[0] if (folder / LANGUAGE_FILE).is_file() \
        else None
    files: list[tuple[LabelFile, YamlDocument]] = []
    for path in paths:
        if path.name != LANGUAGE_FILE:
            parsed, doc = _parse(path, LabelFile, problems)
            if parsed is not None and doc is not None:
                files.append((parsed, doc))
    complete = not problems  # a file that did not parse would only make everything it declares «missing»
    merged = _merge(files, problems, complete)
    _check_references(merged, known_call_types, problems, complete)
    negation = frozenset(normalize_word(w) for w in language.negation.words) if language else frozenset()
    patterns = {section: tuple(_compile(section, merged.labels[section], negation, problems))
                for section in LABEL_SECTIONS}
    examples = {section: _examples(section, merged, problems) for section in LABEL_SECTIONS}
    _check_duplicates([examples[INTENTS]], problems)
    _check_duplicates([examples[MOVES]], problems)
    _check_duplicates([examples[TOPICS], [e for e in examples[REASONS] if e[0].labels]], problems)
    taught = {section: tuple(t for t, _, _ in found) for section, found in examples.items()}
    for section in (TOPICS, REASONS):
        taught[section] += tuple(_learnt(section, merged, examples[section], examples[INTENTS], problems))
    if problems or language is None:
        return None, tuple(problems)
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    labels = {section: {name: label for name, (label, _) in merged.labels[section].items()}
              for section in LABEL_SECTIONS}
    settings = {name: value for name, (value, _) in merged.settings.items()}
    return Lexicon(language, settings["client"], settings["operator"], settings["topic"],  # type: ignore[arg-type]
                   labels[INTENTS], labels[MOVES], labels[TOPICS], labels[REASONS],  # type: ignore[arg-type]
                   taught, patterns,
                   digest.hexdigest()), ()


def check_lexicon(dialogues_dir: Path, known_call_types: Collection[str] | None = None) -> list[Problem]:
    """All problems of the lexicon under ``dialogues_dir`` (empty when it is valid); ``known_call_types``, when
    given, are the call type ids an intent's ``call_types`` may name."""
    return load_lexicon(dialogues_dir, known_call_types)[1]
