"""What a model sees of an utterance: lemmas and lemma pairs (a negated word is a different feature: «~подключать»),
letter n-grams of the repaired words (typos and endings), message signals, and the exact phrases found per label."""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

from .lexicon import DROP, KEEP, Signals
from .patterns import PatternSet
from .text import Token, Utterance

CHARS, SIGNALS = "c:", "s:"
NGRAMS = (3, 4, 5)


def _key(token: Token) -> str:
    word = "#" if token.is_number else token.lemma
    return "~" + word if token.negated else word


def utterance_features(utterance: Utterance, signals: Signals) -> dict[str, float]:
    """Counts of the features of one utterance (the model weighs and normalises them)."""
    counts: Counter[str] = Counter()
    tokens = utterance.tokens
    keys = [_key(t) for t in tokens]
    for index, (token, key) in enumerate(zip(tokens, keys)):
        counts["w:" + key] += 1
        if index + 1 < len(tokens) and tokens[index + 1].clause == token.clause:
            counts["b:" + key + " " + keys[index + 1]] += 1
        if not token.is_number:
            mark = "~" if token.negated else ""
            padded = f"<{token.word}>"
            for n in NGRAMS:
                for start in range(len(padded) - n + 1):
                    counts[CHARS + mark + padded[start:start + n]] += 1
    if keys:
        counts["^:" + keys[0]] += 1
        counts["$:" + keys[-1]] += 1
    for name, on in (("shouting", utterance.letters >= signals.shouting.min_letters
                      and utterance.upper_share >= signals.shouting.min_share),
                     ("question", utterance.question),
                     ("exclamations", utterance.exclamations >= signals.exclamations.min_count),
                     ("numbers", any(t.is_number for t in tokens)),
                     ("person_names", sum(t.is_person for t in tokens) >= signals.person_names.min_count),
                     ("one_word", len(tokens) == 1),
                     ("long", len(tokens) > 12)):
        if on:
            counts[SIGNALS + name] = 1
    return dict(counts)


def phrase_scores(patterns: PatternSet, utterance: Utterance,
                  when_negated: Mapping[str, str] | None = None) -> dict[str, float]:
    """The weight of the exact phrases found per label. A phrase said under a negation counts for nothing, or, where
    ``when_negated`` says so, for another label («не дорого» stands for agreement)."""
    scores: dict[str, float] = {}
    tokens = utterance.tokens
    for match in patterns.find(tokens):
        label = match.pattern.label
        if not match.affirmed(tokens):
            reading = (when_negated or {}).get(label, DROP)
            if reading == DROP:
                continue
            if reading != KEEP:
                label = reading
        scores[label] = scores.get(label, 0.0) + match.pattern.weight
    return {label: math.log1p(score) for label, score in scores.items()}
