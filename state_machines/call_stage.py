"""The call-stage machine of a call type, compiled once from its authored stages and transitions.

It knows no content model: any object with stages (``id``, ``final``), an ``initial`` stage and transitions
(trigger, source, dest, named guards, and what the transition means: an ``outcome`` for offers still without a
response, ``counts_objection``, ``order``) compiles. A light model is attached per turn, so any worker can take the
next turn from a snapshot.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from .compiled import ANY_STATE, AuthoredTransition, CompiledMachine
from .guards import GUARDS


class StageSpec(Protocol):
    id: str
    name: str
    final: bool


class StageTransition(AuthoredTransition, Protocol):
    outcome: str | None
    counts_objection: bool
    order: bool


class CallTypeSpec(Protocol):
    id: str
    name: str
    initial: str
    stages: list[StageSpec]
    transitions: list[StageTransition]


@dataclass
class CallFacts:
    """What the guards may ask about a call at one turn."""

    identified: bool = False
    issue_resolved: bool = False
    offer_allowed: bool = False
    objections_left: bool = True
    has_next_offer: bool = False


@dataclass
class CallModel:
    """The machine's model for one turn: it moves ``state`` and collects the fired transition in ``done``."""

    state: str
    facts: CallFacts = field(default_factory=CallFacts)
    done: list[StageTransition] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    """What one trigger did: the stage before and after, and what the transition that fired means."""

    trigger: str
    source: str
    dest: str
    outcome: str | None
    counts_objection: bool
    order: bool


class CallStageMachine:
    """One per call type. ``fire`` never keeps the model."""

    def __init__(self, call_type: CallTypeSpec):
        self.call_type = call_type
        self.final_stages = frozenset(stage.id for stage in call_type.stages if stage.final)
        self._machine = CompiledMachine([stage.id for stage in call_type.stages], call_type.initial,
                                        call_type.transitions, GUARDS, lambda transition: transition)

    def triggers(self, stage: str) -> list[str]:
        return self._machine.triggers(stage)

    def fire(self, model: CallModel, trigger: str) -> Step | None:
        """Fire ``trigger`` on ``model``; None when the trigger does not apply to its stage or no guard lets it pass."""
        fired = self._machine.fire(model, trigger)
        if fired is None:
            return None
        transition = fired.payload
        return Step(trigger, fired.source, fired.dest, transition.outcome, transition.counts_objection,
                    transition.order)

    def is_final(self, stage: str) -> bool:
        return stage in self.final_stages


def mermaid(call_type: CallTypeSpec, code_of: dict[str, str] | None = None) -> str:
    """The call type as a Mermaid state diagram for trainers; ``code_of`` names the code of each outcome."""
    names = {stage.id: stage.name for stage in call_type.stages}
    lines = ["stateDiagram-v2", f"    %% {call_type.name}"]
    lines += [f'    state "{names[sid]}" as {sid}' for sid in names]
    lines.append(f"    [*] --> {call_type.initial}")
    for transition in call_type.transitions:
        guards = [*transition.conditions, *(f"not {name}" for name in transition.unless)]
        label = transition.trigger + (f" [{', '.join(guards)}]" if guards else "")
        if transition.outcome:
            label += f" / {(code_of or {}).get(transition.outcome, transition.outcome)}"
        sources: Iterable[str] = list(names) if ANY_STATE in transition.source else transition.source
        for source in sources:
            if source == transition.dest and ANY_STATE in transition.source:
                continue
            lines.append(f"    {source} --> {transition.dest} : {label}")
    lines += [f"    {stage.id} --> [*]" for stage in call_type.stages if stage.final]
    return "\n".join(lines) + "\n"
