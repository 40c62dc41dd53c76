"""Morphology takes any valid Unicode text: letters without a Unicode name (Tangut, Khitan) used to crash it."""
from __future__ import annotations

import pytest

from engine.russian import agree_with_number, inflect_word, lemma, morph

NAMELESS_LETTERS = ["\U00017000", "\U000187f7", "\U00018d00"]  # Tangut ideographs, a Khitan character


@pytest.mark.parametrize("letter", NAMELESS_LETTERS)
def test_a_letter_without_a_name_is_an_unknown_word(letter: str) -> None:
    assert morph().parse(letter)[0].tag.POS is None
    assert lemma(letter) == inflect_word(letter, "gent", "Name") == agree_with_number(letter, 5) == letter
    for word in (f"при{letter}вет", f"pdf{letter}"):
        assert morph().parse(word) and lemma(word)  # guessed like any unknown word, no exception


def test_latin_words_are_still_latin() -> None:
    assert "LATN" in morph().parse("pdf")[0].tag
    assert "LATN" not in morph().parse("дорого")[0].tag
