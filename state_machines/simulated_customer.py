"""The simulated customer's own machine (trainee mode), compiled once from YAML; a light model is attached per turn.

The operator's call-stage machine (state_machines/call_stage.py) follows the trainee; this one is the customer: it
moves on what the trainee did (a trigger the trainee mode reads from his turn by the machine's own ``reads``) and
says which line the customer answers with. Conditions are named, from the closed registry below; the facts live
apart from the model so that no fact shadows a trigger.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Callable, Protocol

from .compiled import AuthoredTransition, CompiledMachine


class CustomerStateSpec(Protocol):
    id: str
    final: bool


class CustomerTransitionSpec(AuthoredTransition, Protocol):
    say: str | None
    call: list[str]
    moments: list[str]
    resolves_issue: bool
    offer: bool


class CustomerMachineSpec(Protocol):
    id: str
    initial: str
    states: list[CustomerStateSpec]
    transitions: list[CustomerTransitionSpec]


@dataclass
class CustomerFacts:
    """What the guards may ask about the customer at one turn."""

    objection_next: bool = False  # a scripted objection is still to be raised
    repeats_left: bool = False    # he would repeat an unworked objection once more
    patience_left: bool = True    # his irritation is within his patience
    details_left: bool = False    # he has not yet told the details of his issue
    said_yes: bool = False        # his decision is «yes»
    decision_maker: bool = True   # he owns the contract (the number)
    identity_given: bool = False  # he has told his identification data
    situation: frozenset[str] = frozenset()  # the circumstances of the call the scenario sets


CUSTOMER_GUARDS: dict[str, Callable[[CustomerFacts], bool]] = {
    "objection_next": lambda facts: facts.objection_next,
    "repeats_left": lambda facts: facts.repeats_left,
    "patience_left": lambda facts: facts.patience_left,
    "details_left": lambda facts: facts.details_left,
    "said_yes": lambda facts: facts.said_yes,
    "decision_maker": lambda facts: facts.decision_maker,
    "identity_given": lambda facts: facts.identity_given,
}
SITUATION = "situation:"  # a guard ``situation:<flag>``: the scenario sets this circumstance of the call


def guards_of(transitions: list[CustomerTransitionSpec]) -> dict[str, Callable[[CustomerFacts], bool]]:
    """The registry plus a ``situation:<flag>`` guard for every flag a transition names."""
    named = {name for t in transitions for name in [*t.conditions, *t.unless] if name.startswith(SITUATION)}
    return {**CUSTOMER_GUARDS, **{name: partial(_in_situation, name.removeprefix(SITUATION)) for name in named}}


def _in_situation(flag: str, facts: CustomerFacts) -> bool:
    return flag in facts.situation


@dataclass
class CustomerModel:
    """The customer at one turn: ``done`` collects the transition that fired."""

    state: str
    facts: CustomerFacts = field(default_factory=CustomerFacts)
    done: list[CustomerTransitionSpec] = field(default_factory=list)


@dataclass(frozen=True)
class Reaction:
    """What one trigger did to the customer: the state before and after, and the transition's meaning."""

    trigger: str
    source: str
    dest: str
    say: str | None
    call: tuple[str, ...] = ()
    moments: tuple[str, ...] = ()
    resolves_issue: bool = False
    offer: bool = False

    @property
    def moved(self) -> bool:
        return self.source != self.dest


class CustomerMachine:
    """One per customer-machine spec; ``react`` never keeps the model."""

    def __init__(self, spec: CustomerMachineSpec):
        self.spec = spec
        self.final_states = frozenset(state.id for state in spec.states if state.final)
        self._machine = CompiledMachine([state.id for state in spec.states], spec.initial, spec.transitions,
                                        guards_of(spec.transitions), lambda transition: transition)

    def triggers(self, state: str) -> list[str]:
        return self._machine.triggers(state)

    def react(self, model: CustomerModel, trigger: str) -> Reaction | None:
        """Fire ``trigger``; None when it does not apply in this state or no guard lets it pass."""
        fired = self._machine.fire(model, trigger)
        if fired is None:
            return None
        transition = fired.payload
        return Reaction(trigger, fired.source, fired.dest, transition.say, tuple(transition.call),
                        tuple(transition.moments), transition.resolves_issue, transition.offer)

    def is_final(self, state: str) -> bool:
        return state in self.final_states
