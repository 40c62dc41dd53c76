"""Customer intent: one label per utterance from lexicon matches, negation, signals and the call stage."""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from .lexicon import DROP, KEEP, ClientFile, CountSignal
from .patterns import Match, PatternSet
from .text import Analyzer, Utterance


@dataclass(frozen=True)
class ClientIntent:
    intent: str
    confidence: float


class ClientClassifier:
    def __init__(self, analyzer: Analyzer, patterns: PatternSet, lexicon: ClientFile,
                 negation_words: frozenset[str], negation_scope: int):
        self._analyze = analyzer
        self._patterns = patterns
        self._lexicon = lexicon
        self._order = {name: index for index, name in enumerate(lexicon.intents)}
        self._negation_words = negation_words
        self._negation_scope = negation_scope
        self._when_negated = {name: label.when_negated for name, label in lexicon.intents.items()}

    def classify(self, text: str, context: str | None = None) -> ClientIntent:
        utterance = self._analyze(text)
        scores: dict[str, float] = defaultdict(float)
        for match in self._patterns.find(utterance.tokens):
            intent = self._reading(match, utterance)
            if intent is not None:
                scores[intent] += match.pattern.weight
        self._add_signals(utterance, scores)
        rule = self._lexicon.contexts.get(context or "")
        if rule is not None:
            for intent, boost in rule.boost.items():
                if scores.get(intent, 0.0) > 0:
                    scores[intent] += boost
        ranked = sorted(scores.items(), key=lambda item: (-item[1], self._order[item[0]]))
        if not ranked or ranked[0][1] < self._lexicon.min_score:
            best = ranked[0][1] if ranked else 0.0
            return ClientIntent(self._lexicon.fallback, round(0.5 * (1 - best / self._lexicon.min_score), 3)
                                if utterance.tokens else 0.0)
        intent, top = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        if rule is not None:
            intent = rule.remap.get(intent, intent)
        return ClientIntent(intent, round(top / (top + second) * (1 - math.exp(-1.5 * top)), 3))

    def _reading(self, match: Match, utterance: Utterance) -> str | None:
        """The intent a match stands for: its own, or what it means under a negation («не дорого»)."""
        label = match.pattern.label
        if self._when_negated[label] == KEEP:
            return label
        tokens = utterance.tokens
        clause = tokens[match.start].clause
        for index in range(match.start - 1, max(match.start - self._negation_scope, 0) - 1, -1):
            if tokens[index].clause != clause:
                break
            if tokens[index].word in self._negation_words:
                negated = self._when_negated[label]
                return None if negated == DROP else negated
        return label

    def _add_signals(self, utterance: Utterance, scores: dict[str, float]) -> None:
        signals = self._lexicon.signals
        if (signals.shouting and utterance.letters >= signals.shouting.min_letters
                and utterance.upper_share >= signals.shouting.min_share):
            scores[signals.shouting.intent] += signals.shouting.weight
        if signals.question_mark and utterance.question:
            scores[signals.question_mark.intent] += signals.question_mark.weight
        counted: list[tuple[CountSignal | None, int]] = [
            (signals.exclamations, utterance.exclamations),
            (signals.numbers, sum(t.is_number for t in utterance.tokens)),
            (signals.person_names, sum(t.is_person for t in utterance.tokens)),
        ]
        for signal, count in counted:
            if signal is not None and count >= signal.min_count:
                scores[signal.intent] += signal.weight
