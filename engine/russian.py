"""Russian morphology shared by speech rendering and understanding (one analyzer per process)."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import pymorphy3
from pymorphy3.lang.ru.config import DEFAULT_UNITS
from pymorphy3.units import LatinAnalyzer

CASES = frozenset({"nomn", "gent", "datv", "accs", "ablt", "loct", "voct"})


class _LatinByName(LatinAnalyzer):
    """pymorphy3's Latin check asks ``unicodedata.name()`` of every letter, which raises for letters that have no
    name (Tangut ideographs, Khitan characters): such a letter is simply not Latin."""

    def check_shape(self, word: str, word_lower: str) -> bool:
        letters = [char for char in word if char.isalpha()]
        return bool(letters) and all("LATIN" in unicodedata.name(char, "") for char in letters)


def _units(units: list) -> list:
    return [_units(unit) if isinstance(unit, list) else _LatinByName() if type(unit) is LatinAnalyzer else unit
            for unit in units]


@lru_cache(maxsize=1)
def morph() -> pymorphy3.MorphAnalyzer:
    """The analyzer every caller shares; it takes any Unicode text without raising."""
    return pymorphy3.MorphAnalyzer(lang="ru", units=_units(DEFAULT_UNITS))


@lru_cache(maxsize=65536)
def known_word(word: str) -> bool:
    """Whether the dictionary knows ``word``: asked of every word of the lexicon's examples each time a lexicon
    loads (a content reload, a content copy in a test), a third of a second when asked anew."""
    return morph().word_is_known(word)


def _keep_case_shape(original: str, inflected: str) -> str:
    if original[:1].isupper():
        return inflected[:1].upper() + inflected[1:]
    return inflected


@lru_cache(maxsize=4096)
def inflect_word(word: str, case: str, prefer: str = "") -> str:
    """``word`` in grammatical ``case``; ``prefer`` ('Name', 'Patr', 'Surn') picks the parse of a person's name."""
    if case not in CASES:
        raise ValueError(f"unknown case {case!r}; use one of {sorted(CASES)}")
    parses = morph().parse(word)
    if prefer:
        named = [p for p in parses if prefer in p.tag]
        parses = named or parses
    for parse in parses:
        form = parse.inflect({case})
        if form is not None:
            return _keep_case_shape(word, form.word)
    return word


def inflect_person(full_name: str, case: str) -> str:
    """Inflect «Имя Отчество» (or «Имя», «Фамилия Имя Отчество» is not supported) word by word."""
    words = full_name.split()
    if not words:
        return full_name
    kinds = ["Name", "Patr"] if len(words) == 2 else ["Name"] * len(words)
    return " ".join(inflect_word(word, case, kind) for word, kind in zip(words, kinds))


@lru_cache(maxsize=4096)
def agree_with_number(word: str, number: int) -> str:
    """«рубль» agreed with 13 → «рублей»."""
    parse = morph().parse(word)[0]
    agreed = parse.make_agree_with_number(abs(int(number)))
    return _keep_case_shape(word, agreed.word) if agreed else word


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    return morph().parse(word)[0].normal_form
