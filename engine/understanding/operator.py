"""Operator moves: every tag whose phrases in the utterance reach the threshold, plus addressing by name."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .lexicon import OperatorFile
from .names import addresses_by_name
from .patterns import PatternSet
from .text import Analyzer


@dataclass(frozen=True)
class OperatorMoves:
    tags: frozenset[str]
    addresses_by_name: bool


class OperatorTagger:
    def __init__(self, analyzer: Analyzer, patterns: PatternSet, lexicon: OperatorFile):
        self._analyze = analyzer
        self._patterns = patterns
        self._threshold = lexicon.threshold

    def tag(self, text: str, client_name: str | None = None) -> OperatorMoves:
        utterance = self._analyze(text)
        scores: dict[str, float] = defaultdict(float)
        for match in self._patterns.find(utterance.tokens):
            scores[match.pattern.label] += match.pattern.weight
        tags = frozenset(tag for tag, score in scores.items() if score >= self._threshold)
        return OperatorMoves(tags, addresses_by_name(utterance.tokens, client_name))
