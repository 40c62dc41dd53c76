"""A `transitions` machine compiled once from authored states and transitions; models visit it one turn at a time.

Both the call-stage machine and the simulated customer's machine are built on it: named guards from a closed
registry (no code in YAML), ``auto_transitions=False``, ``model=None``: an event is triggered on the turn's model
directly (``Machine.events[name].trigger(model)``), so the machine never holds a model — cheaper than
add_model/remove_model per turn, which build and drop the model's trigger methods each time. A model has ``state`` and ``facts`` (apart, so that no fact shadows a trigger
of the same name) and a ``done`` list the transition's payload is appended to.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from transitions import EventData, Machine

ANY_STATE = "*"


class AuthoredTransition(Protocol):
    trigger: str
    source: list[str]
    dest: str | None
    conditions: list[str]
    unless: list[str]


@dataclass(frozen=True)
class Fired:
    """What one trigger did: the state before and after, and the payload of the transition that fired."""

    trigger: str
    source: str
    dest: str
    payload: Any


def _guard(guards: Mapping[str, Callable[[Any], bool]], name: str, event: EventData) -> bool:
    return guards[name](event.model.facts)


def _record(payload: Any, event: EventData) -> None:
    event.model.done.append(payload)


class CompiledMachine:
    def __init__(self, states: Iterable[str], initial: str, transitions: Iterable[AuthoredTransition],
                 guards: Mapping[str, Callable[[Any], bool]], payload: Callable[[Any], Any]):
        """``payload(transition)``: what a model collects when that transition fires."""
        self._machine = Machine(model=None, states=list(states), initial=initial, auto_transitions=False,
                                send_event=True)
        for transition in transitions:
            source = ANY_STATE if ANY_STATE in transition.source else list(transition.source)
            self._machine.add_transition(
                transition.trigger,
                source,
                transition.dest,  # None: an internal transition, the model stays where it is
                conditions=[partial(_guard, guards, name) for name in transition.conditions],
                unless=[partial(_guard, guards, name) for name in transition.unless],
                after=[partial(_record, payload(transition))],
            )

    def triggers(self, state: str) -> list[str]:
        return sorted(set(self._machine.get_triggers(state)))

    def fire(self, model: Any, trigger: str) -> Fired | None:
        """Fire ``trigger`` on ``model``; None when it does not apply to its state or no guard lets it pass."""
        event = self._machine.events.get(trigger)
        if event is None or model.state not in event.transitions:
            return None
        source = model.state
        if not event.trigger(model):
            return None
        return Fired(trigger, source, model.state, model.done.pop())

    @property
    def models(self) -> list[Any]:
        return list(self._machine.models)
