"""The trainee scorecard: a finished transcript of any call type → checklist, flags, the correct code, feedback.

``reading`` reads the transcript through the one understanding; ``facts`` names what happened; ``checks`` and
``flags`` are the closed registries of rules a call type's rubric names; ``feedback`` words the problems; ``card``
puts it together.
"""
from .card import score_dialogue
from .transcript import ScoreInput, ScoreInputError, Scorecard, Turn

__all__ = ["ScoreInput", "ScoreInputError", "Scorecard", "Turn", "score_dialogue"]
