"""The call-stage machine of a call type, compiled once from YAML; a light model is attached per turn."""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.content.call_types import CallType, Transition
from engine.responses import response_code

from .compiled import ANY_STATE, CompiledMachine
from .guards import GUARDS


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
    """The machine's model for one turn: it moves ``state`` and collects the response code to record in ``done``."""

    state: str
    facts: CallFacts = field(default_factory=CallFacts)
    done: list[str | None] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    """What one trigger did: the stage before and after, and the response code the transition set (if any)."""

    trigger: str
    source: str
    dest: str
    response: str | None


def _response(transition: Transition) -> str | None:
    return response_code(transition.outcome).value if transition.outcome else None


class CallStageMachine:
    """One per call type. ``fire`` never keeps the model: any worker can take the next turn from a snapshot."""

    def __init__(self, call_type: CallType):
        self.call_type = call_type
        self.final_stages = frozenset(stage.id for stage in call_type.stages if stage.final)
        self._machine = CompiledMachine([stage.id for stage in call_type.stages], call_type.initial,
                                        call_type.transitions, GUARDS, _response)

    def triggers(self, stage: str) -> list[str]:
        return self._machine.triggers(stage)

    def fire(self, model: CallModel, trigger: str) -> Step | None:
        """Fire ``trigger`` on ``model``; None when the trigger does not apply to its stage or no guard lets it pass."""
        fired = self._machine.fire(model, trigger)
        return Step(trigger, fired.source, fired.dest, fired.payload) if fired else None

    def is_final(self, stage: str) -> bool:
        return stage in self.final_stages


def mermaid(call_type: CallType) -> str:
    """The call type as a Mermaid state diagram for trainers."""
    names = {stage.id: stage.name for stage in call_type.stages}
    lines = ["stateDiagram-v2", f"    %% {call_type.name}"]
    lines += [f'    state "{names[sid]}" as {sid}' for sid in names]
    lines.append(f"    [*] --> {call_type.initial}")
    for transition in call_type.transitions:
        guards = [*transition.conditions, *(f"not {name}" for name in transition.unless)]
        label = transition.trigger + (f" [{', '.join(guards)}]" if guards else "")
        if transition.outcome:
            label += f" / {_response(transition)}"
        sources = list(names) if ANY_STATE in transition.source else transition.source
        for source in sources:
            if source == transition.dest and ANY_STATE in transition.source:
                continue
            lines.append(f"    {source} --> {transition.dest} : {label}")
    lines += [f"    {stage.id} --> [*]" for stage in call_type.stages if stage.final]
    return "\n".join(lines) + "\n"
