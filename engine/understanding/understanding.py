"""The facade every reader of Russian uses (customer mode, trainee mode, the simulated customer, the scorecard):
load the lexicon and its trained models once, then read customers and operators."""
from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from engine.content.yaml_source import ContentError
from engine.russian import known_word

from .client import ClientIntent, ClientReader
from .features import phrase_reading
from .lexicon import INTENTS, LABEL_SECTIONS, LEXICON_DIR, MOVES, REASONS, TOPICS, Lexicon, files_signature, \
    load_lexicon
from .model import load_model
from .operator import OperatorMoves, OperatorReader
from .patterns import PatternSet
from .phrases import PhraseSet, compile_phrases
from .text import Analyzer
from .topics import TopicReader, TopicReading


class Understanding:
    def __init__(self, lexicon: Lexicon, analyzer: Analyzer):
        self._lexicon = lexicon
        self._analyze = analyzer
        self._patterns = {section: PatternSet(lexicon.patterns[section]) for section in LABEL_SECTIONS}
        self._negated_as = {name: intent.when_negated for name, intent in lexicon.intents.items()}
        self._phrase_sets = lru_cache(maxsize=1024)(self._compile_phrases)
        self._features = lru_cache(maxsize=8192)(self._vector)
        self._said = lru_cache(maxsize=8192)(self._phrase_reading)
        model = load_model(lexicon, analyzer, self._phrases_of)
        self._model = model
        self._client = ClientReader(model.heads[INTENTS], lexicon.intents, lexicon.client,
                                    lambda text: self._logits(INTENTS, text), self._is_empty, analyzer.parts)
        self._operator = OperatorReader(model.heads[MOVES], lexicon.moves, lexicon.operator.threshold,
                                        lambda text: self._logits(MOVES, text),
                                        lambda text: self._said(MOVES, text)[1], analyzer, self.phrases)
        self._topics = TopicReader({s: model.heads[s] for s in (TOPICS, REASONS) if s in model.heads},
                                   lexicon.topic, self._logits, self._is_empty, analyzer.parts)

    @classmethod
    def load(cls, dialogues_dir: Path) -> Understanding:
        """The understanding taught by ``dialogues_dir/lexicon``; ContentError if the lexicon is invalid. Cached per
        folder while its files are unchanged, so a content reload picks up an edited lexicon."""
        folder = Path(dialogues_dir).resolve()
        return _load(folder, files_signature(folder / LEXICON_DIR))

    # --- the customer ----------------------------------------------------------------------------------------------
    def client_intent(self, text: str, context: str | None = None, call_type: str | None = None) -> ClientIntent:
        """What the customer means; ``context`` is the call stage (the lexicon's ``client.contexts``), ``call_type``
        adds the intents only that type of call has."""
        return self._client.read(text, context, call_type)

    def parts(self, text: str) -> list[str]:
        """The clauses of a message that may each say something of their own."""
        return self._analyze.parts(text)

    def intent_kind(self, intent: str) -> str:
        """The declared kind of an intent (agreement, refusal, objection, …); KeyError for an unknown intent."""
        return self._lexicon.intents[intent].kind

    def intents(self, call_type: str | None = None) -> tuple[str, ...]:
        return self._client.intents(call_type)

    def all_intents(self) -> tuple[str, ...]:
        """Every intent, whatever call type it belongs to (for checking what content names)."""
        return tuple(self._lexicon.intents)

    def contexts(self) -> tuple[str, ...]:
        """The reading contexts of the lexicon (a call stage's ``reading``)."""
        return tuple(self._lexicon.client.contexts)

    def topic(self, text: str, among: Collection[str] | None = None) -> TopicReading:
        """The self-service topic or the reason for leaving the customer names (``among``: the labels possible here;
        None: all), or no topic for a greeting, thanks, identification data or anything off-topic."""
        return self._topics.among(text, among)

    def topics(self) -> tuple[str, ...]:
        return tuple(self._lexicon.topics)

    def reasons(self) -> tuple[str, ...]:
        return tuple(self._lexicon.reasons)

    # --- the operator ----------------------------------------------------------------------------------------------
    def operator_moves(self, text: str, client_name: str | None = None) -> OperatorMoves:
        return self._operator.read(text, client_name)

    def moves(self) -> tuple[str, ...]:
        return tuple(self._lexicon.moves)

    # --- exact phrases ---------------------------------------------------------------------------------------------
    def phrases(self, phrases: Sequence[str]) -> PhraseSet:
        """A matcher of ``phrases`` (patterns.py syntax) read like everything else; ValueError for a bad phrase."""
        return self._phrase_sets(tuple(phrases))

    def _compile_phrases(self, phrases: tuple[str, ...]) -> PhraseSet:
        return compile_phrases(phrases, self._analyze)

    # --- plumbing --------------------------------------------------------------------------------------------------
    def _is_empty(self, text: str) -> bool:
        return not self._analyze(text).tokens

    def _phrases_of(self, section: str, text: str) -> dict[str, float]:
        return self._said(section, text)[0]

    def _phrase_reading(self, section: str, text: str) -> tuple[dict[str, float], frozenset[str]]:
        negated_as = self._negated_as if section == INTENTS else None
        return phrase_reading(self._patterns[section], self._analyze(text), negated_as)

    def _vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        return self._model.vector(self._analyze(text))

    def _logits(self, section: str, text: str) -> np.ndarray:
        return self._model.heads[section].logits(self._features(text), self._phrases_of(section, text))


@lru_cache(maxsize=8)
def _load(dialogues_dir: Path, signature: tuple[tuple[str, int, int], ...]) -> Understanding:
    lexicon, problems = load_lexicon(dialogues_dir)
    if lexicon is None:
        raise ContentError(problems)
    language = lexicon.language
    analyzer = Analyzer(symbols=language.symbols, slang=language.slang, boundaries=language.boundaries,
                        negation_words=language.negation.words, negation_scope=language.negation.scope,
                        reported_verbs=language.negation.reported.verbs if language.negation.reported else (),
                        reported_conjunctions=language.negation.reported.conjunctions if language.negation.reported
                        else (),
                        postposed=language.negation.postposed.words if language.negation.postposed else (),
                        postposed_not_after=language.negation.postposed.not_after if language.negation.postposed
                        else (),
                        vocabulary=lexicon.words(known_word), fuzzy_min_length=language.fuzzy.min_length,
                        fuzzy_min_score=language.fuzzy.min_score, part_words=language.parts)
    return Understanding(lexicon, analyzer)

