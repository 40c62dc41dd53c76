"""The closed registry of conditions a call type may name in its transitions (no code lives in YAML)."""
from __future__ import annotations

from typing import Callable, Protocol


class CallFacts(Protocol):
    """What guards may ask about a call; the engine answers from its snapshot and the eligibility check."""

    identified: bool
    issue_resolved: bool
    offer_allowed: bool
    objections_left: bool
    has_next_offer: bool


GUARDS: dict[str, Callable[[CallFacts], bool]] = {
    "identified": lambda call: call.identified,
    "issue_resolved": lambda call: call.issue_resolved,
    "offer_allowed": lambda call: call.offer_allowed,
    "objections_left": lambda call: call.objections_left,
    "has_next_offer": lambda call: call.has_next_offer,
}
