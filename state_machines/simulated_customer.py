"""The simulated customer's own machine (trainee mode), compiled once from YAML; a light model is attached per turn.

The operator's call-stage machine (state_machines/call_stage.py) follows the trainee; this one is the customer: it
moves on what the trainee did (a trigger the trainee mode reads from his text) and says which line the customer
answers with. Conditions are named, from the closed registry below; the facts live apart from the model so that
no fact shadows a trigger.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from engine.content.scenarios import CustomerMachineSpec

from .compiled import CompiledMachine


@dataclass
class CustomerFacts:
    """What the guards may ask about the customer at one turn."""

    objection_next: bool = False  # a scripted objection is still to be raised
    repeats_left: bool = False    # he would repeat an unworked objection once more
    patience_left: bool = True    # his irritation is within his patience
    details_left: bool = False    # he has not yet told the details of his issue
    said_yes: bool = False        # his decision is «yes»


CUSTOMER_GUARDS: dict[str, Callable[[CustomerFacts], bool]] = {
    "objection_next": lambda facts: facts.objection_next,
    "repeats_left": lambda facts: facts.repeats_left,
    "patience_left": lambda facts: facts.patience_left,
    "details_left": lambda facts: facts.details_left,
    "said_yes": lambda facts: facts.said_yes,
}


@dataclass
class CustomerModel:
    """The customer at one turn: ``done`` collects the line he answers with and the call-stage events it moves."""

    state: str
    facts: CustomerFacts = field(default_factory=CustomerFacts)
    done: list[tuple[str | None, tuple[str, ...]]] = field(default_factory=list)


@dataclass(frozen=True)
class Reaction:
    """What one trigger did to the customer: the state before and after, his line, the call-stage events."""

    trigger: str
    source: str
    dest: str
    say: str | None
    call: tuple[str, ...]


class CustomerMachine:
    """One per customer-machine spec; ``react`` never keeps the model."""

    def __init__(self, spec: CustomerMachineSpec):
        self.spec = spec
        self.final_states = frozenset(state.id for state in spec.states if state.final)
        self._machine = CompiledMachine([state.id for state in spec.states], spec.initial, spec.transitions,
                                        CUSTOMER_GUARDS, lambda transition: (transition.say, tuple(transition.call)))

    def triggers(self, state: str) -> list[str]:
        return self._machine.triggers(state)

    def react(self, model: CustomerModel, trigger: str) -> Reaction | None:
        """Fire ``trigger``; None when it does not apply in this state or no guard lets it pass."""
        fired = self._machine.fire(model, trigger)
        if fired is None:
            return None
        say, call = fired.payload
        return Reaction(trigger, fired.source, fired.dest, say, call)

    def is_final(self, state: str) -> bool:
        return state in self.final_states
