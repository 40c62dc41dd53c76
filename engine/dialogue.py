"""The dialogue engine: one entry point for every front end — start a conversation, take a turn."""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Protocol

from state_machines.call_stage import CallFacts, CallModel, CallStageMachine, Step

from .content.loader import Content
from .conversation import Event, Mode, Reply, Snapshot, TurnResult
from .customers import CustomerDirectory, DemoCustomers
from .understanding import Understanding

# Call-stage events the engine raises by itself; every call type's transitions handle them.
FAREWELL = "farewell"          # the call is said goodbye to
STOP_SELLING = "stop_selling"  # a reason not to offer came up before the offer: the call closes without one


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class ModeHandler(Protocol):
    def start(self, snapshot: Snapshot) -> list[Reply]: ...

    def handle(self, snapshot: Snapshot, event: Event) -> list[Reply]: ...


class UnknownCallType(ValueError):
    """A call type the content does not have, or one this mode does not serve."""


class DialogueEngine:
    """Headless: knows content, understanding and rules; nothing about Telegram, consoles or databases."""

    def __init__(self, content: Content, nlu: Understanding, clock: Callable[[], dt.datetime] = utc_now,
                 customers: CustomerDirectory | None = None):
        """``customers``: where the customer mode looks customers up (the demo set of the content by default)."""
        from .assistant.mode import AssistantMode
        from .trainee.mode import TraineeMode

        self.content = content
        self.nlu = nlu
        self.clock = clock
        self.machines = {call_type.id: CallStageMachine(call_type) for call_type in content.call_types.values()}
        directory = customers if customers is not None else DemoCustomers(content)
        self.modes: dict[str, ModeHandler] = {"customer": AssistantMode(self, directory), "trainee": TraineeMode(self)}

    @property
    def today(self) -> dt.date:
        return self.clock().date()

    def call_types_of(self, mode: Mode) -> list[str]:
        return [ct.id for ct in self.content.call_types.values() if mode in ct.modes]

    def start(self, mode: Mode, *, scenario_id: str | None = None, customer_id: str | None = None,
              seed: int | None = None, session_id: str | None = None, call_type: str | None = None) -> TurnResult:
        """A new conversation; the call type is the scenario's, else the one asked, else the default."""
        scenario = self.content.scenarios.get(scenario_id or "")
        chosen = call_type or (scenario.call_type if scenario is not None else None) or self.content.default_call_type
        if chosen not in self.call_types_of(mode):
            raise UnknownCallType(f"unknown call type {chosen!r} for {mode} mode; known: "
                                  f"{', '.join(self.call_types_of(mode))}")
        machine = self.machines[chosen]
        snapshot = Snapshot(
            session_id=session_id or uuid.uuid4().hex,
            mode=mode,
            call_type=chosen,
            stage=machine.call_type.initial,
            seed=seed if seed is not None else uuid.uuid4().int % 2**31,
            started_at=self.clock().isoformat(timespec="seconds"),
            scenario_id=scenario_id,
            customer_id=customer_id,
            path=[machine.call_type.initial],
        )
        replies = self.modes[mode].start(snapshot)
        return TurnResult(snapshot, replies)

    def handle(self, snapshot: Snapshot, event: Event) -> TurnResult:
        """One turn: the input snapshot is left untouched, the result carries the next one."""
        working = snapshot.working_copy()
        if working.finished:
            return TurnResult(working, [])
        replies = self.modes[working.mode].handle(working, event)
        return TurnResult(working, replies)

    def fire(self, snapshot: Snapshot, trigger: str, *, offer_allowed: bool = False,
             has_next_offer: bool = False) -> Step | None:
        """Move the call-stage machine. A transition's outcome gives its response code to every shown offer still
        without one; an objection transition counts the objection; an agreement that orders records the order."""
        machine = self.machines[snapshot.call_type]
        call_type = self.content.call_types[snapshot.call_type]
        model = CallModel(state=snapshot.stage, facts=CallFacts(
            identified=snapshot.identified,
            issue_resolved=snapshot.issue_resolved,
            offer_allowed=offer_allowed,
            objections_left=snapshot.objections < call_type.max_objections,
            has_next_offer=has_next_offer,
        ))
        step = machine.fire(model, trigger)
        if step is None:
            return None
        snapshot.stage = step.dest
        snapshot.path.append(step.dest)
        offer = snapshot.current_offer
        if step.counts_objection:
            snapshot.objections += 1
            if offer is not None:
                offer.objections += 1
        if step.outcome:
            code = call_type.code_of(step.outcome)
            for shown in snapshot.offers:
                if shown.response is None:
                    shown.response = code
        if step.order and offer is not None and offer.product not in snapshot.orders:
            snapshot.orders.append(offer.product)
        return step
