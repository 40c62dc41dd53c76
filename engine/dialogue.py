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

DEFAULT_CALL_TYPE = "inbound_upsell"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class ModeHandler(Protocol):
    def start(self, snapshot: Snapshot) -> list[Reply]: ...

    def handle(self, snapshot: Snapshot, event: Event) -> list[Reply]: ...


class DialogueEngine:
    """Headless: knows content, understanding and rules; nothing about Telegram, consoles or databases."""

    def __init__(self, content: Content, nlu: Understanding, clock: Callable[[], dt.datetime] = utc_now,
                 customers: CustomerDirectory | None = None):
        """``customers``: where the customer mode looks customers up (the demo set of the content by default)."""
        from .customer_mode import CustomerMode
        from .trainee_mode import TraineeMode

        self.content = content
        self.nlu = nlu
        self.clock = clock
        self.machines = {call_type.id: CallStageMachine(call_type) for call_type in content.call_types.values()}
        directory = customers if customers is not None else DemoCustomers(content)
        self.modes: dict[str, ModeHandler] = {"customer": CustomerMode(self, directory), "trainee": TraineeMode(self)}

    @property
    def today(self) -> dt.date:
        return self.clock().date()

    def start(self, mode: Mode, *, scenario_id: str | None = None, customer_id: str | None = None,
              seed: int | None = None, session_id: str | None = None,
              call_type: str = DEFAULT_CALL_TYPE) -> TurnResult:
        machine = self.machines[call_type]
        snapshot = Snapshot(
            session_id=session_id or uuid.uuid4().hex,
            mode=mode,
            call_type=call_type,
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
        working = snapshot.model_copy(deep=True)
        if working.finished:
            return TurnResult(working, [])
        replies = self.modes[working.mode].handle(working, event)
        return TurnResult(working, replies)

    def fire(self, snapshot: Snapshot, trigger: str, *, offer_allowed: bool = False,
             has_next_offer: bool = False) -> Step | None:
        """Move the call-stage machine; a transition's response code goes to every shown offer still without one."""
        machine = self.machines[snapshot.call_type]
        model = CallModel(state=snapshot.stage, facts=CallFacts(
            identified=snapshot.identified,
            issue_resolved=snapshot.issue_resolved,
            offer_allowed=offer_allowed,
            objections_left=snapshot.objections < machine.call_type.max_objections,
            has_next_offer=has_next_offer,
        ))
        step = machine.fire(model, trigger)
        if step is None:
            return None
        snapshot.stage = step.dest
        snapshot.path.append(step.dest)
        if step.response:
            for offer in snapshot.offers:
                if offer.response is None:
                    offer.response = step.response
        return step
