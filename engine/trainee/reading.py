"""What the trainee did, as the simulated customer reads it: the trigger of his machine, from the machine's own
``reads`` (dialogues/customer_machines/) — the first rule whose conditions hold.

The moves come from the one understanding (the same reading the scorecard makes); the conditions a rule may name
are the closed registry below.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..content.scenarios import CustomerMachineSpec, Question, ReadRule, Scenario, Trap
    from ..understanding import Understanding
    from .state import TraineeState

# Triggers the engine fires on the customer's machine by itself (every machine handles them).
CHATTED = "chatted"      # nothing the customer reacts to in particular: also the fallback of any trigger that fails
FED_UP = "fed_up"        # an annoying move took him past his patience
PICKED_UP = "picked_up"  # an outbound call: he picks up the phone before the trainee says a word


@dataclass(frozen=True)
class Turn:
    """The trainee's turn and what the customer knows when he reads it."""

    text: str
    moves: frozenset[str]
    by_name: bool
    state: TraineeState
    scenario: Scenario
    machine: CustomerMachineSpec
    nlu: Understanding
    solution: tuple[str, ...] = ()
    moments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    trigger: str
    trap: Trap | None = None
    question: Question | None = None


def _questions(turn: Turn) -> dict[str, Question]:
    return {question.id: question for question in turn.machine.questions}


def asked_trap(turn: Turn) -> Trap | None:
    """An unrevealed trap of the scenario that the trainee's question uncovers."""
    questions = _questions(turn)
    for trap in turn.scenario.traps:
        if trap.id in turn.state.revealed:
            continue
        for question_id in trap.asked_by:
            question = questions.get(question_id)
            if question is not None and turn.nlu.phrases(tuple(question.phrases)).found(turn.text):
                return trap
    return None


def asked_fact(turn: Turn) -> Question | None:
    """A direct question he can answer from his persona (the scenario's ``facts``) and has not answered yet: asked
    as a question, not a solution that names the same things («удалите расширения и перезагрузите ноутбук»)."""
    if not ("?" in turn.text or turn.moves & set(turn.machine.asking_moves)) or solves(turn):
        return None
    for question_id in turn.scenario.facts:
        question = _questions(turn).get(question_id)
        if question is not None and question_id not in turn.state.answered \
                and turn.nlu.phrases(tuple(question.phrases)).found(turn.text):
            return question
    return None


def pending_traps(scenario: Scenario, state: TraineeState, moments: tuple[str, ...]) -> list[Trap]:
    """Traps he lets slip at these moments of the call and has not given away yet."""
    return [trap for trap in scenario.traps if trap.volunteered in moments and trap.id not in state.revealed]


def solves(turn: Turn) -> bool:
    """The trainee's words are a solution of the customer's issue (not just any reply)."""
    return bool(turn.solution) and turn.nlu.phrases(turn.solution).found(turn.text)


def vzor_worked(turn: Turn) -> bool:
    """The current objection worked: enough В.З.О.Р steps, and the moves this objection needs (a price per day
    after «дорого», a clarifying question after «я подумаю»)."""
    machine, scenario, state = turn.machine, turn.scenario, turn.state
    step = next((s for s in scenario.objections if s.id == state.current_objection), None)
    required = set(step.worked_by if step is not None and step.worked_by is not None
                   else machine.worked_by.get(state.current_objection or "", []))
    return len(turn.moves & set(machine.vzor_steps)) >= machine.vzor_min_steps and required <= turn.moves


CONDITIONS: dict[str, Callable[[Turn], bool]] = {
    "trap_asked": lambda turn: asked_trap(turn) is not None,
    "fact_asked": lambda turn: asked_fact(turn) is not None,
    "trap_pending": lambda turn: bool(pending_traps(turn.scenario, turn.state, turn.moments)),
    "solves": solves,
    "vzor_worked": vzor_worked,
    "at_start": lambda turn: turn.state.customer_state == turn.machine.initial,
    "by_name": lambda turn: turn.by_name,
}


def _holds(rule: ReadRule, turn: Turn) -> bool:
    if rule.moves and not turn.moves & set(rule.moves):
        return False
    if not set(rule.all_moves) <= turn.moves or turn.moves & set(rule.no_moves):
        return False
    return all(CONDITIONS[name](turn) for name in rule.when) and not any(CONDITIONS[name](turn) for name in rule.unless)


def read(turn: Turn) -> Reading:
    """The trigger the trainee's turn fires on the customer's machine, with the trap or question it names."""
    state_spec = turn.machine.state(turn.state.customer_state)
    for rule in [*turn.machine.reads, *state_spec.reads]:
        if _holds(rule, _with_moments(turn, rule)):
            trap = asked_trap(turn) if "trap_asked" in rule.when else None
            if "trap_pending" in rule.when:
                trap = pending_traps(turn.scenario, turn.state, tuple(rule.moments))[0]
            question = asked_fact(turn) if "fact_asked" in rule.when else None
            return Reading(rule.fire, trap, question)
    return Reading(CHATTED)


def _with_moments(turn: Turn, rule: ReadRule) -> Turn:
    if not rule.moments:
        return turn
    return replace(turn, moments=tuple(rule.moments))
