"""From chat text to tokens: normalisation, slang, symbols, typo repair by fuzzy match, lemmas, negation scope.

Everything here is cached: a word is analysed once per process, a whole message once while it is recent.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import fuzz, process

from engine.russian import known_word, lemma, morph

MAX_CHARS = 2000  # a longer message is judged by its beginning
_PIECES = re.compile(r"\d+|[^\W\d_]+|[.,;:!?…()—–]")
NOT_WORD = re.compile(r"[\W_]+")  # what separates words
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_PERSON = frozenset({"Name", "Surn", "Patr"})
_REDUCED = str.maketrans({"о": "а", "е": "и", "я": "и"})


@dataclass(frozen=True, slots=True)
class Token:
    word: str  # after typo repair
    lemma: str
    clause: int  # tokens of one clause are not separated by punctuation or a contrast word («но», «а»)
    raw: str = ""  # as written (after slang), before typo repair
    is_number: bool = False
    is_person: bool = False
    is_negation: bool = False  # «не», «ни», «ничего»…
    negated: bool = False  # within the scope of a negation word before it in the same clause
    denied_after: bool = False  # a clause-final «нет» follows within the scope («аварий по дому нет»): phrases only


@dataclass(frozen=True, slots=True)
class Utterance:
    tokens: tuple[Token, ...]
    upper_share: float  # share of capital letters among letters: shouting
    letters: int
    exclamations: int
    question: bool


def normalize_word(word: str) -> str:
    return word.lower().replace("ё", "е")


@lru_cache(maxsize=65536)  # read again for every product name of every judge (thousands in simulate)
def lexicon_lemma(word: str) -> str:
    return normalize_word(lemma(word))


class Analyzer:
    """Turns text into an Utterance using the language part of the lexicon."""

    def __init__(self, *, symbols: Mapping[str, str], slang: Mapping[str, str], boundaries: Iterable[str],
                 negation_words: Iterable[str], negation_scope: int, vocabulary: Iterable[str],
                 fuzzy_min_length: int, fuzzy_min_score: float, part_words: Iterable[str] = (),
                 reported_verbs: Iterable[str] = (), reported_conjunctions: Iterable[str] = (),
                 postposed: Iterable[str] = (), postposed_not_after: Iterable[str] = ()):
        self._symbols = str.maketrans({char: f" {word} " for char, word in symbols.items()})
        self._slang = {normalize_word(k): tuple(normalize_word(v).split()) for k, v in slang.items()}
        self._boundaries = frozenset(normalize_word(w) for w in boundaries)
        self._part_words = frozenset(normalize_word(w) for w in part_words)
        self.negation_words = frozenset(normalize_word(w) for w in negation_words)
        self._negation_scope = negation_scope
        self._reported_verbs = frozenset(normalize_word(w) for w in reported_verbs)
        self._reported_conjunctions = frozenset(normalize_word(w) for w in reported_conjunctions)
        self._postposed = frozenset(normalize_word(w) for w in postposed)
        self._postposed_not_after = frozenset(normalize_word(w) for w in postposed_not_after)
        words = {normalize_word(w) for w in vocabulary}
        self._by_sound = {_sound(w): w for w in sorted(words) if len(w) >= fuzzy_min_length and w.isalpha()}
        self._sounds = sorted(self._by_sound)
        self._stems = sorted(w[:-1] for w in words if w.endswith("*") and len(w) > fuzzy_min_length)
        self._fuzzy_min_length = fuzzy_min_length
        self._fuzzy_min_score = fuzzy_min_score
        self._word = lru_cache(maxsize=65536)(self._analyze_word)
        self.analyze = lru_cache(maxsize=8192)(self._analyze)

    def __call__(self, text: str) -> Utterance:
        return self.analyze(text)

    def parts(self, text: str) -> list[str]:
        """The parts of a message that may each name something of their own: its clauses, also split before a
        word that adds another matter («и», «плюс»)."""
        parts: list[list[str]] = []
        clause = None
        for token in self.analyze(text).tokens:
            if token.clause != clause or token.word in self._part_words or not parts:
                parts.append([])
                clause = token.clause
            parts[-1].append(token.raw)
        return [" ".join(words) for words in parts]

    def phrase_words(self, part: str) -> tuple[str, ...]:
        """A plain word of an author's phrase as the text is read: symbols, slang, no punctuation («тв» →
        «телевидение», «e-mail» → «e», «mail»)."""
        words = NOT_WORD.sub(" ", normalize_word(part.translate(self._symbols))).split()
        return tuple(w for word in words for w in self._slang.get(word, (word,)))

    def _analyze(self, text: str) -> Utterance:
        text = text[:MAX_CHARS].translate(self._symbols)
        letters = sum(map(str.isalpha, text))
        upper = sum(map(str.isupper, text))
        text = _REPEATS.sub(r"\1", normalize_word(text))
        tokens: list[Token] = []
        clause = 0
        scope_left = 0
        denied_saying = reported = False  # a denied verb of saying in this clause; in the one before it
        for piece in _PIECES.findall(text):
            if not piece[0].isalnum():
                clause += 1
                scope_left = 0
                reported, denied_saying = denied_saying, False
                continue
            for word in self._slang.get(piece, (piece,)):
                if word in self._boundaries:
                    clause += 1
                    scope_left = 0
                    reported = denied_saying = False
                token = self._token(word, clause, negated=scope_left > 0)
                if reported and word in self._reported_conjunctions:  # «не говорила, что …»: what she did not say
                    scope_left = self._negation_scope
                else:
                    scope_left = self._negation_scope if token.is_negation else max(scope_left - 1, 0)
                reported = False
                denied_saying = denied_saying or (token.negated and token.lemma in self._reported_verbs)
                tokens.append(token)
        return Utterance(self._denied_before(tokens), upper / letters if letters else 0.0, letters, text.count("!"),
                         "?" in text)

    def _denied_before(self, tokens: list[Token]) -> tuple[Token, ...]:
        """The words a clause-final «нет» denies («аварий по дому нет»): up to the scope, within its clause."""
        for i, token in enumerate(tokens):
            ends_clause = i + 1 == len(tokens) or tokens[i + 1].clause != token.clause
            if token.word not in self._postposed or not ends_clause or i == 0 \
                    or tokens[i - 1].clause != token.clause or tokens[i - 1].word in self._postposed_not_after:
                continue
            for j in range(i - 1, max(i - 1 - self._negation_scope, -1), -1):
                if tokens[j].clause != token.clause:
                    break
                tokens[j] = replace(tokens[j], denied_after=True)
        return tuple(tokens)

    def _token(self, word: str, clause: int, negated: bool) -> Token:
        if word.isdigit():
            return Token(word, word, clause, word, is_number=True, negated=negated)
        repaired, word_lemma, is_person = self._word(word)
        is_negation = repaired in self.negation_words or word_lemma in self.negation_words
        return Token(repaired, word_lemma, clause, word, is_person=is_person, is_negation=is_negation,
                     negated=negated)

    def _analyze_word(self, word: str) -> tuple[str, str, bool]:
        if not known_word(word):
            repaired = self._repair(word)
            if repaired is None:
                return word, lexicon_lemma(word), False
            word = repaired
        is_person = bool(_PERSON & morph().parse(word)[0].tag.grammemes)
        return word, lexicon_lemma(word), is_person

    def _repair(self, word: str) -> str | None:
        """The lexicon word (or a word starting with a lexicon stem) an unknown word is most likely a typo of."""
        if len(word) < self._fuzzy_min_length or not word.isalpha():
            return None
        best = process.extractOne(_sound(word), self._sounds, scorer=fuzz.ratio, score_cutoff=self._fuzzy_min_score)
        if best is not None:
            return self._by_sound[best[0]]
        for stem in self._stems:
            if len(word) > len(stem) and fuzz.ratio(word[:len(stem)], stem) >= self._fuzzy_min_score:
                return stem + word[len(stem):]
        return None


def _sound(word: str) -> str:
    """Unstressed vowels written as heard («дорага» for «дорого»): compare words by this key."""
    return word.translate(_REDUCED)
