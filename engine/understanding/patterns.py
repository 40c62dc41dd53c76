"""Lexicon phrases compiled into token patterns, and the matcher that finds them in an utterance.

Phrase syntax (authored in ``dialogues/lexicon/*.yaml``; a comma separates whole alternative phrases, split
before compiling): words separated by spaces, each matched by lemma or
surface form; ``a|b`` alternatives; ``word*`` a prefix of the surface form or lemma; ``#`` any number;
``=word`` this exact form only (``=перезвоню`` but not ``перезвоните``); ``...`` a gap of up to ``GAP`` words
between its neighbours.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .text import Token

GAP = 4
GAP_MARK = "..."
NUMBER = "#"
# «не» as one of ``a|b`` beside a word is read as a slot of its own: «устарел*|не обновил*» would need «не» and then
# «обновил*» in the next slot — a two-word alternative the syntax cannot hold
NEGATIONS = frozenset({"не", "ни"})


@dataclass(frozen=True, slots=True)
class Slot:
    exact: frozenset[str]
    surface: frozenset[str]
    prefixes: tuple[str, ...]
    number: bool

    def accepts(self, token: Token) -> bool:
        if self.number:
            return token.is_number
        if (token.word in self.exact or token.lemma in self.exact or token.word in self.surface
                or token.raw in self.exact or token.raw in self.surface):
            return True
        return bool(self.prefixes) and (token.word.startswith(self.prefixes) or token.lemma.startswith(self.prefixes))


@dataclass(frozen=True, slots=True)
class Pattern:
    label: str
    weight: float
    slots: tuple[Slot, ...]
    gaps: tuple[int, ...]  # gaps[k]: how many words may precede slots[k + 1]
    negative: bool = False  # the phrase itself says «не …»: a negation before its words is its own


@dataclass(frozen=True, slots=True)
class Match:
    pattern: Pattern
    start: int
    end: int  # exclusive

    def affirmed(self, tokens: Sequence[Token]) -> bool:
        """Said, not denied: «предлагаю» is not said in «не буду вам ничего предлагать»."""
        return self.pattern.negative or not (tokens[self.start].negated or tokens[self.start].denied_after)


def compile_pattern(phrase: str, label: str, weight: float, lemmatize: Callable[[str], str],
                    negation_words: frozenset[str] = frozenset()) -> Pattern:
    """``phrase`` as a Pattern; ValueError with a message for an author when the syntax is wrong."""
    slots: list[Slot] = []
    gaps: list[int] = []
    pending_gap = 0
    for part in phrase.split():
        if part == GAP_MARK:
            if not slots or pending_gap:
                raise ValueError(f"«{phrase}»: '...' must stand between two words")
            pending_gap = GAP
            continue
        if slots:
            gaps.append(pending_gap)
        pending_gap = 0
        slots.append(_compile_slot(part, phrase, lemmatize))
    if not slots:
        raise ValueError("an empty phrase")
    if pending_gap:
        raise ValueError(f"«{phrase}»: '...' must stand between two words")
    negative = any(slot.exact & negation_words or slot.surface & negation_words for slot in slots)
    return Pattern(label, weight, tuple(slots), tuple(gaps), negative)


def _compile_slot(part: str, phrase: str, lemmatize: Callable[[str], str]) -> Slot:
    if part == NUMBER:
        return Slot(frozenset(), frozenset(), (), True)
    exact: set[str] = set()
    surface: set[str] = set()
    prefixes: list[str] = []
    words = part.lower().split("|")
    if len(words) > 1 and any(w in NEGATIONS for w in words) and not all(w in NEGATIONS for w in words):
        leading = next(w for w in words if w in NEGATIONS)
        raise ValueError(f"«{phrase}»: '{leading}' in '{part}' starts a two-word alternative, which 'a|b' cannot "
                         f"hold (it is read as a slot of its own): write that alternative as a phrase of its own, "
                         f"after a comma")
    for alternative in part.split("|"):
        if not alternative:
            raise ValueError(f"«{phrase}»: an empty alternative in '{part}'")
        word = alternative.lower().replace("ё", "е")
        if word.endswith("*"):
            stem = word[:-1]
            if len(stem) < 2 or not stem.isalpha():
                raise ValueError(f"«{phrase}»: a prefix needs at least two letters before '*': '{alternative}'")
            prefixes.append(stem)
        elif word.startswith("=") and word[1:].isalnum():
            surface.add(word[1:])
        elif word.isalnum():
            exact.update({word, lemmatize(word)})
        else:
            raise ValueError(f"«{phrase}»: '{alternative}' is not a word (letters or digits, optional '*' at the end)")
    return Slot(frozenset(exact), frozenset(surface), tuple(prefixes), False)


class PatternSet:
    """All patterns of one side, indexed by their first slot so an utterance is scanned once."""

    def __init__(self, patterns: Sequence[Pattern]):
        self._by_word: dict[str, list[Pattern]] = defaultdict(list)
        self._by_prefix: dict[str, list[Pattern]] = defaultdict(list)
        self._by_number: list[Pattern] = []
        for pattern in patterns:
            first = pattern.slots[0]
            for word in first.exact | first.surface:
                self._by_word[word].append(pattern)
            for prefix in first.prefixes:
                self._by_prefix[prefix].append(pattern)
            if first.number:
                self._by_number.append(pattern)
        self._prefix_lengths = sorted({len(p) for p in self._by_prefix})
        self._candidates_of = lru_cache(maxsize=65536)(self._find_candidates)

    def _candidates(self, token: Token) -> tuple[Pattern, ...]:
        return self._candidates_of(token.word, token.lemma, token.raw, token.is_number)

    def _find_candidates(self, word: str, lemma: str, raw: str, is_number: bool) -> tuple[Pattern, ...]:
        """The patterns whose first slot may take this word (the slot itself decides)."""
        found: dict[int, Pattern] = {}
        keys = {word, lemma, raw}
        for key in keys:
            for pattern in self._by_word.get(key, ()):
                found[id(pattern)] = pattern
            for length in self._prefix_lengths:
                for pattern in self._by_prefix.get(key[:length], ()) if len(key) >= length else ():
                    found[id(pattern)] = pattern
        if is_number:
            for pattern in self._by_number:
                found[id(pattern)] = pattern
        return tuple(found.values())

    def find(self, tokens: Sequence[Token]) -> list[Match]:
        """Every pattern occurrence, without those that only repeat the beginning or end of a longer one."""
        matches: list[Match] = []
        for start, token in enumerate(tokens):
            for pattern in self._candidates(token):
                end = _match_from(pattern, tokens, start)
                if end is not None:
                    matches.append(Match(pattern, start, end))
        return _outermost(matches)


def _match_from(pattern: Pattern, tokens: Sequence[Token], start: int) -> int | None:
    """End of the shortest occurrence of ``pattern`` starting at ``tokens[start]``."""
    if not pattern.slots[0].accepts(tokens[start]):
        return None
    return _rest(pattern, tokens, 1, start + 1)


def _rest(pattern: Pattern, tokens: Sequence[Token], slot: int, position: int) -> int | None:
    if slot == len(pattern.slots):
        return position
    last = position + pattern.gaps[slot - 1]
    if last >= len(tokens):
        last = len(tokens) - 1
    for index in range(position, last + 1):
        if pattern.slots[slot].accepts(tokens[index]):
            end = _rest(pattern, tokens, slot + 1, index + 1)
            if end is not None:
                return end
    return None


def _outermost(matches: list[Match]) -> list[Match]:
    """Drop a match that begins or ends a longer one: «не надо» inside «не надо мне звонить»."""
    longest_from: dict[int, int] = {}
    longest_to: dict[int, int] = {}
    for m in matches:
        longest_from[m.start] = max(longest_from.get(m.start, m.end), m.end)
        longest_to[m.end] = min(longest_to.get(m.end, m.start), m.start)
    return [m for m in matches if longest_from[m.start] == m.end and longest_to[m.end] == m.start]
