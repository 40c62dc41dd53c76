"""What a model sees of an utterance: lemmas and lemma pairs (a negated word is a different feature: «~подключать»),
letter n-grams of the repaired words (typos and endings), message signals, and the exact phrases found per label."""
from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache

from .lexicon import DROP, KEEP, Signals
from .patterns import PatternSet
from .text import Token, Utterance

CHARS, SIGNALS = "c:", "s:"
NGRAMS = (3, 4, 5)


def _key(token: Token) -> str:
    word = "#" if token.is_number else token.lemma
    return "~" + word if token.negated else word


@lru_cache(maxsize=65536)
def token_features(word: str, lemma: str, negated: bool, is_number: bool) -> tuple[str, ...]:
    """The features one word brings wherever it stands: its lemma and the letter n-grams of its form."""
    key = ("~" if negated else "") + ("#" if is_number else lemma)
    if is_number:
        return ("w:" + key,)
    mark = "~" if negated else ""
    padded = f"<{word}>"
    return ("w:" + key, *(CHARS + mark + padded[start:start + n] for n in NGRAMS
                          for start in range(len(padded) - n + 1)))


def word_features(token: Token) -> tuple[str, ...]:
    return token_features(token.word, token.lemma, token.negated, token.is_number)


def message_features(utterance: Utterance, signals: Signals) -> list[str]:
    """The features of the message as a whole: neighbouring lemmas, its first and last word, signals."""
    tokens = utterance.tokens
    keys = [_key(t) for t in tokens]
    found = [f"b:{key} {keys[i + 1]}" for i, key in enumerate(keys[:-1]) if tokens[i + 1].clause == tokens[i].clause]
    if keys:
        found += ["^:" + keys[0], "$:" + keys[-1]]
    for name, on in (("shouting", utterance.letters >= signals.shouting.min_letters
                      and utterance.upper_share >= signals.shouting.min_share),
                     ("question", utterance.question),
                     ("exclamations", utterance.exclamations >= signals.exclamations.min_count),
                     ("numbers", any(t.is_number for t in tokens)),
                     ("person_names", sum(t.is_person for t in tokens) >= signals.person_names.min_count),
                     ("one_word", len(tokens) == 1),
                     ("long", len(tokens) > 12)):
        if on:
            found.append(SIGNALS + name)
    return found


def feature_keys(utterance: Utterance, signals: Signals) -> set[str]:
    """Every feature of one utterance (the vocabulary is made of those of the examples)."""
    return {key for token in utterance.tokens for key in word_features(token)} | set(message_features(utterance,
                                                                                                      signals))


def phrase_reading(patterns: PatternSet, utterance: Utterance, when_negated: Mapping[str, str] | None = None
                   ) -> tuple[dict[str, float], frozenset[str]]:
    """The weight of the exact phrases found per label, and the labels whose phrases are denied («не буду вам ничего
    предлагать» denies an offer). A denied phrase counts for nothing, or, where ``when_negated`` says so, for another
    label («не дорого» stands for agreement)."""
    scores: dict[str, float] = {}
    denied: set[str] = set()
    tokens = utterance.tokens
    for match in patterns.find(tokens):
        label = match.pattern.label
        if not match.affirmed(tokens):
            denied.add(label)
            reading = (when_negated or {}).get(label, DROP)
            if reading == DROP:
                continue
            if reading != KEEP:
                label = reading
        scores[label] = scores.get(label, 0.0) + match.pattern.weight
    return {label: math.log1p(score) for label, score in scores.items()}, frozenset(denied)
