"""The simulated customer's own machine (trainee mode), compiled once from YAML; a light model is attached per turn.

The operator's call-stage machine (state_machines/call_stage.py) follows the trainee; this one is the customer: it
moves on what the trainee did (a trigger the trainee mode reads from his text) and says which line the customer
answers with. Conditions are named, from the closed registry below; the facts live apart from the model so that
no fact shadows a trigger.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Callable

from transitions import EventData, Machine

from engine.content.scenarios import CustomerMachineSpec

ANY_STATE = "*"


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
    state: str
    facts: CustomerFacts = field(default_factory=CustomerFacts)
    said: list[tuple[str | None, tuple[str, ...]]] = field(default_factory=list)


@dataclass(frozen=True)
class Reaction:
    """What one trigger did to the customer: the state before and after, his line, the call-stage events."""

    trigger: str
    source: str
    dest: str
    say: str | None
    call: tuple[str, ...]


def _guard(name: str, event: EventData) -> bool:
    return CUSTOMER_GUARDS[name](event.model.facts)


def _speak(say: str | None, call: tuple[str, ...], event: EventData) -> None:
    event.model.said.append((say, call))


class CustomerMachine:
    """One per customer-machine spec; ``react`` never keeps the model."""

    def __init__(self, spec: CustomerMachineSpec):
        self.spec = spec
        self.final_states = frozenset(state.id for state in spec.states if state.final)
        self._machine = Machine(
            model=None,
            states=[state.id for state in spec.states],
            initial=spec.initial,
            auto_transitions=False,
            send_event=True,
        )
        for transition in spec.transitions:
            source = ANY_STATE if ANY_STATE in transition.source else list(transition.source)
            self._machine.add_transition(
                transition.trigger,
                source,
                transition.dest,  # None: an internal transition, the customer stays where he is
                conditions=[partial(_guard, name) for name in transition.conditions],
                unless=[partial(_guard, name) for name in transition.unless],
                after=[partial(_speak, transition.say, tuple(transition.call))],
            )

    def triggers(self, state: str) -> list[str]:
        return sorted(set(self._machine.get_triggers(state)))

    def react(self, model: CustomerModel, trigger: str) -> Reaction | None:
        """Fire ``trigger``; None when it does not apply in this state or no guard lets it pass."""
        if trigger not in self._machine.get_triggers(model.state):
            return None
        source = model.state
        self._machine.add_model(model, initial=source)
        try:
            moved = model.trigger(trigger)
        finally:
            self._machine.remove_model(model)
        if not moved or not model.said:
            return None
        say, call = model.said.pop()
        return Reaction(trigger, source, model.state, say, call)

    def is_final(self, state: str) -> bool:
        return state in self.final_states
