"""Understanding free Russian chat text: customer intents and operator moves (lexicon in dialogues/lexicon/)."""
from .classify import run_classify
from .client import ClientIntent
from .lexicon import check_lexicon
from .operator import OperatorMoves
from .patterns import PhraseSet
from .understanding import Understanding

__all__ = ["ClientIntent", "OperatorMoves", "PhraseSet", "Understanding", "check_lexicon", "run_classify"]
