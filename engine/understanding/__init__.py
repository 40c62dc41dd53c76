"""Understanding free Russian chat text, taught by the examples and phrases of dialogues/lexicon/: customer intents,
operator moves, self-service topics and reasons for leaving, and exact phrases for everyone."""
from .classify import run_classify
from .client import ClientIntent
from .lexicon import KINDS, check_lexicon
from .operator import OperatorMoves
from .phrases import PhraseSet
from .topics import TopicReading
from .understanding import Understanding

__all__ = ["KINDS", "ClientIntent", "OperatorMoves", "PhraseSet", "TopicReading", "Understanding", "check_lexicon",
           "run_classify"]
