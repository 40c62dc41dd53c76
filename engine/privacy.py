"""Personal data found in free text: runs of digits (contract numbers, phones, passports, dates) and words the
morphology takes for first names, surnames or patronymics. Log lines are masked with it (bot/logs.py) and a
forgotten customer's conversations are redacted with it (``customers forget``)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from .russian import lemma, morph

DIGITS = re.compile(r"\+?\d(?:[\s().-]{0,2}\d){4,}")
WORD = re.compile(r"[^\W\d_]+")
NAME_PARTS = frozenset({"Name", "Surn", "Patr"})
NAME_MIN_SCORE = 0.1
NAME = "<name>"
REDACTED = "***"


@lru_cache(maxsize=16384)
def is_name(word: str) -> bool:
    return any(NAME_PARTS & parse.tag.grammemes and parse.score >= NAME_MIN_SCORE for parse in morph().parse(word))


def redact(text: str, *, digits: Callable[[re.Match[str]], str] = lambda _: REDACTED, names: bool = True,
           words: Iterable[str] = ()) -> str:
    """``text`` with every run of five or more digits replaced by ``digits(match)``, and every name (and every word
    with the lemma of one of ``words``, say a customer's own surname) by ``<name>``."""
    text = DIGITS.sub(digits, text)
    if not names:
        return text
    lemmas = {lemma(word.lower()) for word in words}

    def name(match: re.Match[str]) -> str:
        word = match.group()
        return NAME if is_name(word) or (lemmas and lemma(word.lower()) in lemmas) else word

    return WORD.sub(name, text)
