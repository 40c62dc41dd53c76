"""The customer's topic (customer mode) or reason (a porting customer): one of the taught labels, or none."""
from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .lexicon import TopicSettings
from .model import NONE, Head, restricted


@dataclass(frozen=True)
class TopicReading:
    topic: str | None
    confidence: float
    second: str | None  # another topic the message names too («и интернет тормозит, и пульт сломался»)


class TopicReader:
    """Topics and reasons are two models of one kind; ``among`` picks the labels possible here."""

    def __init__(self, heads: Mapping[str, Head], settings: TopicSettings, logits: Callable[[str, str], np.ndarray],
                 is_empty: Callable[[str], bool], parts: Callable[[str], list[str]]):
        self._heads = heads
        self._parts = parts
        self._settings = settings
        self._logits = logits
        self._is_empty = is_empty
        self.read = lru_cache(maxsize=8192)(self._read)

    def _read(self, text: str, among: frozenset[str] | None) -> TopicReading:
        if self._is_empty(text):
            return TopicReading(None, 0.0, None)
        reading = self._whole(text, among)
        if reading.topic is None:
            return reading
        parts = self._parts(text)
        for part in parts if len(parts) > 1 else ():  # «пульт не работает, а ещё деньги пропали»
            other = self._whole(part, among)
            if other.topic not in (None, reading.topic) and other.confidence >= self._settings.second_min:
                return TopicReading(reading.topic, reading.confidence, other.topic)
        return reading

    def _whole(self, text: str, among: frozenset[str] | None) -> TopicReading:
        ranked: list[tuple[float, str]] = []
        nothing = 0.0
        for section, head in self._heads.items():
            allowed = [label for label in head.labels if label != NONE and (among is None or label in among)]
            if not allowed:
                continue
            labels, probabilities = restricted(head, self._logits(section, text), (*allowed, NONE))
            ranked += [(float(p), label) for label, p in zip(labels, probabilities) if label != NONE]
            nothing = max(nothing, float(probabilities[-1]))
        ranked.sort(key=lambda item: (-item[0], item[1]))
        if not ranked or ranked[0][0] < self._settings.min_confidence or ranked[0][0] < nothing:
            return TopicReading(None, round(nothing, 3), None)
        return TopicReading(ranked[0][1], round(ranked[0][0], 3), None)

    def among(self, text: str, among: Collection[str] | None) -> TopicReading:
        return self.read(text, None if among is None else frozenset(among))
