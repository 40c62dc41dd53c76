"""The facade both modes use: load the lexicon once, then read customers and operators."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from engine.content.yaml_source import ContentError

from .client import ClientClassifier, ClientIntent
from .lexicon import LEXICON_DIR, files_signature, load_lexicon
from .operator import OperatorMoves, OperatorTagger
from .patterns import PatternSet
from .text import Analyzer, normalize_word


class Understanding:
    def __init__(self, client: ClientClassifier, operator: OperatorTagger):
        self._client = client
        self._operator = operator

    @classmethod
    def load(cls, dialogues_dir: Path) -> Understanding:
        """The understanding built from ``dialogues_dir/lexicon``; ContentError if invalid. Cached per folder while
        its files are unchanged, so a content reload picks up an edited lexicon."""
        folder = Path(dialogues_dir).resolve()
        return _load(folder, files_signature(folder / LEXICON_DIR))

    def client_intent(self, text: str, context: str | None = None) -> ClientIntent:
        return self._client.classify(text, context)

    def operator_moves(self, text: str, client_name: str | None = None) -> OperatorMoves:
        return self._operator.tag(text, client_name)


@lru_cache(maxsize=8)
def _load(dialogues_dir: Path, signature: tuple[tuple[str, int, int], ...]) -> Understanding:
    lexicon, problems = load_lexicon(dialogues_dir)
    if lexicon is None:
        raise ContentError(problems)
    language = lexicon.language
    analyzer = Analyzer(symbols=language.symbols, slang=language.slang, boundaries=language.boundaries,
                        vocabulary=lexicon.words(), fuzzy_min_length=language.fuzzy.min_length,
                        fuzzy_min_score=language.fuzzy.min_score)
    negation = frozenset(normalize_word(w) for w in language.negation.words)
    client = ClientClassifier(analyzer, PatternSet(lexicon.client_patterns), lexicon.client, negation,
                              language.negation.scope)
    operator = OperatorTagger(analyzer, PatternSet(lexicon.operator_patterns), lexicon.operator)
    return Understanding(client, operator)
