"""Operator moves: every move the model finds likely enough, plus whether the customer is addressed by name."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .model import Head, sigmoid
from .names import addresses_by_name
from .text import Utterance


@dataclass(frozen=True)
class OperatorMoves:
    tags: frozenset[str]
    addresses_by_name: bool


class OperatorReader:
    def __init__(self, head: Head, implies: Mapping[str, Sequence[str]], threshold: float,
                 logits: Callable[[str], np.ndarray], analyze: Callable[[str], Utterance]):
        self._head = head
        self._implies = implies
        self._threshold = threshold
        self._logits = logits
        self._analyze = analyze
        self.read = lru_cache(maxsize=8192)(self._read)

    def _read(self, text: str, client_name: str | None) -> OperatorMoves:
        likely = sigmoid(self._logits(text)) >= self._threshold
        tags = {label for label, on in zip(self._head.labels, likely) if on}
        tags.update(implied for tag in list(tags) for implied in self._implies.get(tag, ()))
        return OperatorMoves(frozenset(tags), addresses_by_name(self._analyze(text).tokens, client_name))
