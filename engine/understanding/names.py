"""Whether an operator's words address the customer by name: any case form of the first name or patronymic."""
from __future__ import annotations

from functools import lru_cache

from engine.russian import morph

from .text import Token, normalize_word

_NAME_PARTS = frozenset({"Name", "Patr"})


@lru_cache(maxsize=4096)
def name_forms(client_name: str) -> frozenset[str]:
    """All inflected forms of each part of «Имя» or «Имя Отчество» (lower case, ё as е)."""
    forms: set[str] = set()
    for word in normalize_word(client_name).split():
        forms.add(word)
        parses = [p for p in morph().parse(word) if _NAME_PARTS & p.tag.grammemes]
        for parse in parses:
            forms.update(normalize_word(form.word) for form in parse.lexeme)
    return frozenset(forms)


def addresses_by_name(tokens: tuple[Token, ...], client_name: str | None) -> bool:
    if not client_name or not client_name.strip():
        return False
    forms = name_forms(client_name.strip())
    return any(token.word in forms for token in tokens)
