"""The one phrase matcher for everyone (button keywords, trap questions, scorecard phrases): patterns.py syntax,
read with the lexicon's language (lemmas, slang, typo repair) and its negation."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from .patterns import GAP_MARK, NUMBER, Match, PatternSet, compile_pattern
from .text import NOT_WORD, Analyzer, Token, Utterance, lexicon_lemma


class PhraseSet:
    def __init__(self, patterns: PatternSet, analyze: Callable[[str], Utterance]):
        self._patterns = patterns
        self._analyze = analyze

    def count(self, text: str) -> int:
        """How many of the phrases are said in ``text``. A phrase right after a negation is not said («не
        помогло» does not say «помогло»); a negation further back denies the verb, not the thing named («не
        присылайте мне смс» names SMS, «не работает пульт» names the remote control)."""
        tokens = self._analyze(text).tokens
        return sum(_affirmed(match, tokens) for match in self._patterns.find(tokens))

    def found(self, text: str) -> bool:
        return self.count(text) > 0


def _affirmed(match: Match, tokens: Sequence[Token]) -> bool:
    if match.pattern.negative or match.start == 0:
        return True
    before = tokens[match.start - 1]
    return not (before.is_negation and before.clause == tokens[match.start].clause)


def compile_phrases(phrases: Sequence[str], analyzer: Analyzer) -> PhraseSet:
    """ValueError naming the phrase when one is not valid patterns.py syntax. A comma separates whole alternative
    phrases, as in the lexicon («=на фирму, =на организацию»)."""
    return PhraseSet(PatternSet([compile_pattern(_as_read(alternative, analyzer.phrase_words), phrase, 1.0,
                                                 lexicon_lemma, analyzer.negation_words)
                                 for phrase in phrases for alternative in alternatives(phrase)]), analyzer)


def check_phrase(phrase: str) -> None:
    """ValueError with a message for an author when the phrase is not valid patterns.py syntax (checked at load,
    before any text is read: plain words are taken as they will be read, only the syntax parts matter here)."""
    for alternative in alternatives(phrase):
        compile_pattern(_as_read(alternative, lambda part: NOT_WORD.sub(" ", part).split()), phrase, 1.0, str)


def alternatives(phrase: str) -> list[str]:
    """The whole phrases a comma separates (an empty one is an author's mistake, reported by the compiler)."""
    return [part.strip() for part in phrase.split(",")]


def _is_syntax(part: str) -> bool:
    return part in (GAP_MARK, NUMBER) or "|" in part or part.startswith("=") or part.endswith("*")


def _as_read(phrase: str, words: Callable[[str], Sequence[str]]) -> str:
    """The phrase in the words the text will be read as: «реклама на тв» → «реклама на телевидение», «e-mail» →
    «e mail»; a part written in the pattern syntax (``a|b``, ``слово*``, ``=слово``, ``#``, ``...``) is kept."""
    parts: list[str] = []
    for part in phrase.split():
        if _is_syntax(part):
            parts.append(part)
        else:
            parts.extend(words(part))
    return " ".join(parts)
