"""The domain vocabulary at the bottom of the engine: the closed lists Python relies on, whose members content names.

Content (dialogues/) declares the open things — intents, operator moves, call types, their stages, codes and
texts; each of them says what it *is* in the words of this module (an intent's kind, a transcript window, a
reading phase). Nothing here imports the content layer, so the state machines and every engine module may use it.
"""
from __future__ import annotations

from typing import Literal, get_args

# What a customer's intent means for the call. Intents are declared in dialogues/lexicon with one of these kinds;
# a trainer adds «objection_trust» with kind «objection», and every mode and the scorecard treat it as one.
IntentKind = Literal[
    "agreement",    # yes to what was asked or offered
    "refusal",      # a clear no
    "hesitation",   # will think, consult, the owner decides
    "objection",    # an objection to the offer (price, need, has it, no time, …)
    "question",     # asks something
    "conflict",     # dissatisfaction, rudeness, threats to complain
    "churn",        # wants to terminate or port away
    "relocation",   # moving house
    "problem",      # a technical problem
    "opt_out",      # stop ads, calls, mailings
    "hello",        # a greeting
    "unreachable",  # an answering machine, not a person
    "neutral",      # thanks, goodbye, identification data, off-topic
]
INTENT_KINDS: tuple[str, ...] = get_args(IntentKind)

# A customer's reaction that decides about an offer (the last one gives the response code).
DECISIVE_KINDS = frozenset({"agreement", "refusal", "hesitation", "objection", "opt_out"})
# Objections the operator works with В.З.О.Р («я подумаю» is worked too: «о чём Вы будете думать?»).
WORKED_KINDS = frozenset({"objection", "hesitation"})

# Where in a transcript the scorecard looks for a move.
Window = Literal[
    "first_turns",   # the first operator turns
    "until_offer",   # every operator turn up to and including the first offer
    "before_offer",  # operator turns before the first offer
    "presentation",  # from the offer to the customer's first decisive answer
    "after_offer",   # from the offer on
    "last_turns",    # the last operator turns
    "whole",         # every operator turn
]
WINDOWS: tuple[str, ...] = get_args(Window)

# Which part of a call a customer's words are read in, for the lexicon's per-context boosts (the transcript
# reader of the scorecard knows no stages; a call type maps these phases to its lexicon contexts).
Phase = Literal["first_words", "after_offer", "after_objection"]
PHASES: tuple[str, ...] = get_args(Phase)

# What the rules alone say of an offer, before the customer answers it; a call type maps each to one of its
# outcomes (and so to a response code): he already has it, the rules forbid it, it repeats an offer above, or it
# was never made.
Fate = Literal["has_it", "forbidden", "repeated", "never_made"]
FATES: tuple[str, ...] = get_args(Fate)

# Kinds of a customer's last word before the offer that say his own issue is still open.
OPEN_ISSUE_KINDS = frozenset({"problem", "conflict", "question", "churn", "relocation"})

# The one event of a transcript (CONTRACT.md ``score``): the customer hung up. It is also the call-stage event
# fired when a call ends that way.
HUNG_UP = "hung_up"
