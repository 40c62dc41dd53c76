"""The call-stage machine of a call type, compiled once from YAML; a light model is attached per turn."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from transitions import EventData, Machine

from engine.content.call_types import CallType
from engine.responses import Outcome, response_code

from .guards import GUARDS

ANY_STAGE = "*"


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
    """The machine's model for one turn: it moves ``state`` and collects the response to record.

    The facts live apart so that no fact shadows a trigger of the same name (``identified``).
    """

    state: str
    facts: CallFacts = field(default_factory=CallFacts)
    responses: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    """What one trigger did: the stage before and after, and the response code the transition set (if any)."""

    trigger: str
    source: str
    dest: str
    response: str | None


def _guard(name: str, event: EventData) -> bool:
    return GUARDS[name](event.model.facts)


def _record_outcome(outcome: Outcome, event: EventData) -> None:
    event.model.responses.append(response_code(outcome).value)


class CallStageMachine:
    """One per call type. ``fire`` never keeps the model: any worker can take the next turn from a snapshot."""

    def __init__(self, call_type: CallType):
        self.call_type = call_type
        self.final_stages = frozenset(stage.id for stage in call_type.stages if stage.final)
        self._machine = Machine(
            model=None,
            states=[stage.id for stage in call_type.stages],
            initial=call_type.initial,
            auto_transitions=False,
            send_event=True,
        )
        for transition in call_type.transitions:
            source = ANY_STAGE if ANY_STAGE in transition.source else list(transition.source)
            self._machine.add_transition(
                transition.trigger,
                source,
                transition.dest,
                conditions=[partial(_guard, name) for name in transition.conditions],
                unless=[partial(_guard, name) for name in transition.unless],
                after=[partial(_record_outcome, transition.outcome)] if transition.outcome else [],
            )

    def triggers(self, stage: str) -> list[str]:
        return sorted(set(self._machine.get_triggers(stage)))

    def fire(self, model: CallModel, trigger: str) -> Step | None:
        """Fire ``trigger`` on ``model``; None when the trigger does not apply to its stage or no guard lets it pass."""
        if trigger not in self._machine.get_triggers(model.state):
            return None
        source = model.state
        self._machine.add_model(model, initial=source)
        try:
            moved = model.trigger(trigger)
        finally:
            self._machine.remove_model(model)
        if not moved:
            return None
        response = model.responses.pop() if model.responses else None
        return Step(trigger, source, model.state, response)

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
            label += f" / {response_code(transition.outcome).value}"
        sources = list(names) if ANY_STAGE in transition.source else transition.source
        for source in sources:
            if source == transition.dest and ANY_STAGE in transition.source:
                continue
            lines.append(f"    {source} --> {transition.dest} : {label}")
    lines += [f"    {stage.id} --> [*]" for stage in call_type.stages if stage.final]
    return "\n".join(lines) + "\n"
