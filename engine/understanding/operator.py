"""Operator moves: every move the model finds likely enough, plus whether the customer is addressed by name."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .lexicon import Move
from .model import Head, sigmoid
from .names import addresses_by_name
from .phrases import PhraseSet
from .text import Utterance


# A turn is read sentence by sentence (a speech module makes several moves); «руб. в месяц» is not an end.
_SENTENCES = re.compile(r"(?<=[.!?…])\s+(?=[«\"A-ZА-ЯЁ])")


@dataclass(frozen=True)
class OperatorMoves:
    tags: frozenset[str]
    addresses_by_name: bool


class OperatorReader:
    def __init__(self, head: Head, moves: Mapping[str, Move], threshold: float, logits: Callable[[str], np.ndarray],
                 denied: Callable[[str], frozenset[str]], analyze: Callable[[str], Utterance],
                 phrases: Callable[[tuple[str, ...]], PhraseSet]):
        self._head = head
        self._moves = moves
        self._denied = denied
        self._threshold = threshold
        self._logits = logits
        self._analyze = analyze
        self._needs = {name: phrases(tuple(move.needs)) for name, move in moves.items() if move.needs}
        self.read = lru_cache(maxsize=8192)(self._read)

    def _read(self, text: str, client_name: str | None) -> OperatorMoves:
        tags: set[str] = set()
        denied: set[str] = set()
        for sentence in _SENTENCES.split(text.strip()) or [text]:
            likely = sigmoid(self._logits(sentence)) >= self._threshold
            found = {label for label, on in zip(self._head.labels, likely)
                     if on and (label not in self._needs or self._needs[label].found(sentence))}
            tags.update(label for label in found if not found.intersection(self._moves[label].unless_with))
            denied.update(self._denied(sentence))
        tags.update(implied for tag in list(tags) for implied in self._moves[tag].implies)
        tags = {tag for tag in tags if not denied.intersection(self._moves[tag].unless_denied)}
        return OperatorMoves(frozenset(tags), addresses_by_name(self._analyze(text).tokens, client_name))
