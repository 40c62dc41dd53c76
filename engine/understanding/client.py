"""Customer intent: one label per utterance from the trained model, the exact phrases, the call type and stage."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .lexicon import ClientSettings, Intent, LastClause
from .model import Head, restricted


@dataclass(frozen=True)
class ClientIntent:
    intent: str
    confidence: float


class ClientReader:
    def __init__(self, head: Head, intents: Mapping[str, Intent], settings: ClientSettings,
                 logits: Callable[[str], np.ndarray], is_empty: Callable[[str], bool],
                 parts: Callable[[str], list[str]]):
        self._head = head
        self._settings = settings
        self._logits = logits
        self._is_empty = is_empty
        self._parts = parts
        self._intents = intents
        self.read = lru_cache(maxsize=8192)(self._read)
        self.intents = lru_cache(maxsize=64)(self._intents_of)

    def _decision(self, parts: list[str], rule: LastClause, call_type: str | None, asked: bool) -> ClientIntent | None:
        """The last clause that decides, past the trailing clauses that only ask along (read from the end, only as far
        as needed; a last «…, ладно?» asks for approval, it does not agree), or the reason an earlier clause gives
        it; None when it does not decide, or when the message is one clause."""
        if asked and len(parts) > 1 and parts[-1].lower() in rule.tag_questions:
            parts = parts[:-1]
        parts = _joined(parts, frozenset(rule.subordinate))
        if len(parts) < 2:
            return None
        for position in range(len(parts) - 1, -1, -1):
            last = self.read(parts[position], None, call_type)
            if position == 0 or last.intent not in rule.after:
                break
        if last.intent not in rule.intents or last.confidence < rule.min_confidence:
            return None
        reasons = rule.reasons.get(last.intent)
        if not reasons:
            return last
        given = [reading for reading in (self.read(part, None, call_type) for part in parts[:position])
                 if reading.intent in reasons and reading.confidence >= rule.min_confidence]
        return max(given, key=lambda reading: reading.confidence, default=last)

    def _intents_of(self, call_type: str | None = None) -> tuple[str, ...]:
        """The intents a customer may have in a call of this type: the general ones and the type's own."""
        return tuple(name for name, intent in self._intents.items()
                     if not intent.call_types or call_type in intent.call_types)

    def _read(self, text: str, context: str | None, call_type: str | None) -> ClientIntent:
        if self._is_empty(text):
            return ClientIntent(self._settings.fallback, 0.0)
        rule = self._settings.contexts.get(context or "")
        if rule is not None and rule.last_clause is not None:
            decision = self._decision(self._parts(text), rule.last_clause, call_type, text.rstrip().endswith("?"))
            if decision is not None:
                return ClientIntent(rule.remap.get(decision.intent, decision.intent), decision.confidence)
        logits = self._logits(text).copy()
        if rule is not None:
            for intent, boost in rule.boost.items():
                logits[self._head.labels.index(intent)] += boost
        labels, probabilities = restricted(self._head, logits, self.intents(call_type))
        best = int(np.argmax(probabilities))
        intent, confidence = labels[best], float(probabilities[best])
        if confidence < self._settings.min_confidence:
            intent = self._settings.fallback
        elif rule is not None:
            intent = rule.remap.get(intent, intent)
        return ClientIntent(intent, round(confidence, 3))


def _joined(parts: list[str], subordinate: frozenset[str]) -> list[str]:
    """The clauses with each one that opens with a subordinating word joined to the one before it."""
    joined: list[str] = []
    for part in parts:
        if joined and part.split(maxsplit=1)[0].lower() in subordinate:
            joined[-1] = f"{joined[-1]}, {part}"
        else:
            joined.append(part)
    return joined
