"""The facade both modes use: load the lexicon once, then read customers and operators."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from engine.content.yaml_source import ContentError

from collections.abc import Sequence

from .client import ClientClassifier, ClientIntent
from .lexicon import LEXICON_DIR, Lexicon, files_signature, load_lexicon
from .operator import OperatorMoves, OperatorTagger
from .patterns import PatternSet, PhraseSet
from .text import Analyzer, lexicon_lemma, normalize_word


class Understanding:
    def __init__(self, lexicon: Lexicon, analyzer: Analyzer, client: ClientClassifier, operator: OperatorTagger,
                 negation: frozenset[str]):
        self._lexicon = lexicon
        self._analyzer = analyzer
        self._client = client
        self._operator = operator
        self._negation = negation
        self._phrase_sets: dict[tuple[str, ...], PhraseSet] = {}

    @classmethod
    def load(cls, dialogues_dir: Path) -> Understanding:
        """The understanding built from ``dialogues_dir/lexicon``; ContentError if invalid. Cached per folder while
        its files are unchanged, so a content reload picks up an edited lexicon."""
        folder = Path(dialogues_dir).resolve()
        return _load(folder, files_signature(folder / LEXICON_DIR))

    def client_intent(self, text: str, context: str | None = None, call_type: str | None = None) -> ClientIntent:
        return self._client.classify(text, context)

    def intents(self, call_type: str | None = None) -> tuple[str, ...]:
        return tuple(self._lexicon.client.intents)

    def intent_kind(self, intent: str) -> str:
        return self._lexicon.client.intents[intent].kind or "neutral"

    def operator_moves(self, text: str, client_name: str | None = None) -> OperatorMoves:
        return self._operator.tag(text, client_name)

    def moves(self) -> tuple[str, ...]:
        return tuple(self._lexicon.operator.tags)

    def contexts(self) -> tuple[str, ...]:
        """The reading contexts of the lexicon (a call stage's ``reading``)."""
        return tuple(self._lexicon.client.contexts)

    def phrases(self, phrases: Sequence[str]) -> PhraseSet:
        """The one phrase matcher: phrases of the lexicon's syntax, read with its language; compiled once."""
        key = tuple(phrases)
        found = self._phrase_sets.get(key)
        if found is None:
            found = PhraseSet(key, self._analyzer, lexicon_lemma, self._negation)
            self._phrase_sets[key] = found
        return found


@lru_cache(maxsize=8)
def _load(dialogues_dir: Path, signature: tuple[tuple[str, int, int], ...]) -> Understanding:
    lexicon, problems = load_lexicon(dialogues_dir)
    if lexicon is None:
        raise ContentError(problems)
    language = lexicon.language
    analyzer = Analyzer(symbols=language.symbols, slang=language.slang, boundaries=language.boundaries,
                        vocabulary=lexicon.words(), fuzzy_min_length=language.fuzzy.min_length,
                        fuzzy_min_score=language.fuzzy.min_score)
    negation = frozenset(normalize_word(w) for w in language.negation.words)
    client = ClientClassifier(analyzer, PatternSet(lexicon.client_patterns), lexicon.client, negation,
                              language.negation.scope)
    operator = OperatorTagger(analyzer, PatternSet(lexicon.operator_patterns), lexicon.operator)
    return Understanding(lexicon, analyzer, client, operator, negation)
