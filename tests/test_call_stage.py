"""The inbound upsell machine, walked table-driven: the happy path and every early exit."""
from __future__ import annotations

import pytest

from engine.content.loader import Content
from state_machines.call_stage import CallFacts, CallModel, CallStageMachine, mermaid

# (trigger, facts for the guards) → expected stage after it; None: the trigger does not apply.
WALKS = {
    "agreed at once": (
        [("greeted", {}), ("identified", {}), ("issue_handled", {"offer_allowed": True}), ("bridged", {}),
         ("agreed", {}), ("farewell", {})],
        ["identification", "issue", "bridge", "offer", "closing", "ended"], "agreed"),
    "agreed after two objections": (
        [("greeted", {}), ("identified", {}), ("issue_handled", {"offer_allowed": True}), ("bridged", {}),
         ("objection", {}), ("objection", {}), ("agreed", {"objections_left": False}), ("farewell", {})],
        ["identification", "issue", "bridge", "offer", "objection_handling", "objection_handling", "closing", "ended"], "agreed"),
    "third objection closes the offer": (
        [("greeted", {}), ("identified", {}), ("issue_handled", {"offer_allowed": True}), ("bridged", {}),
         ("objection", {}), ("objection", {}), ("objection", {"objections_left": False})],
        ["identification", "issue", "bridge", "offer", "objection_handling", "objection_handling", "closing"], "not_interested"),
    "still thinking after two objections": (
        [("greeted", {}), ("identified", {}), ("issue_handled", {"offer_allowed": True}), ("bridged", {}),
         ("hesitation", {}), ("objection", {}), ("hesitation", {"objections_left": False})],
        ["identification", "issue", "bridge", "offer", "objection_handling", "objection_handling", "closing"], "thinking"),
    "offer not allowed": (
        [("greeted", {}), ("identified", {}), ("issue_handled", {"offer_allowed": False}), ("farewell", {})],
        ["identification", "issue", "closing", "ended"], "not_offered"),
    "identification failed": (
        [("greeted", {}), ("identification_failed", {}), ("farewell", {})],
        ["identification", "closing", "ended"], "not_offered"),
    "conflict before the offer": (
        [("greeted", {}), ("identified", {}), ("stop_selling", {})],
        ["identification", "issue", "closing"], "not_offered"),
    "not the owner": (
        [("greeted", {}), ("identified", {}), ("issue_handled", {"offer_allowed": True}), ("bridged", {}),
         ("not_owner", {})],
        ["identification", "issue", "bridge", "offer", "closing"], "thinking"),
    "already has it": (
        [("greeted", {}), ("identified", {}), ("issue_handled", {"offer_allowed": True}), ("bridged", {}),
         ("already_has", {})],
        ["identification", "issue", "bridge", "offer", "closing"], "already_changed"),
    "declined": (
        [("greeted", {}), ("identified", {}), ("issue_handled", {"offer_allowed": True}), ("bridged", {}),
         ("declined", {})],
        ["identification", "issue", "bridge", "offer", "closing"], "not_interested"),
    "silent hang-up during the offer": (
        [("greeted", {}), ("identified", {}), ("issue_handled", {"offer_allowed": True}), ("bridged", {}),
         ("hung_up", {})],
        ["identification", "issue", "bridge", "offer", "ended"], "not_offered"),
}


@pytest.fixture(scope="module")
def machine(content: Content) -> CallStageMachine:
    return CallStageMachine(content.call_types["inbound_upsell"])


@pytest.mark.parametrize("name", sorted(WALKS))
def test_walk(machine: CallStageMachine, content: Content, name: str) -> None:
    steps, expected_stages, expected_response = WALKS[name]
    model = CallModel(state="greeting")
    stages, responses = [], []
    for trigger, facts in steps:
        for fact, value in facts.items():
            setattr(model.facts, fact, value)
        step = machine.fire(model, trigger)
        assert step is not None, f"{trigger} did not apply at {model.state}"
        stages.append(step.dest)
        if step.outcome:
            responses.append(content.call_types["inbound_upsell"].code_of(step.outcome))
    assert stages == expected_stages
    assert responses == [expected_response]


@pytest.mark.parametrize(("stage", "trigger"), [
    ("greeting", "bridged"), ("identification", "agreed"), ("issue", "objection"), ("closing", "bridged"),
    ("ended", "greeted"),
])
def test_triggers_that_do_not_apply_leave_the_stage(machine: CallStageMachine, stage: str, trigger: str) -> None:
    model = CallModel(state=stage)
    assert machine.fire(model, trigger) is None
    assert model.state == stage


def test_no_bridge_without_an_allowed_offer(machine: CallStageMachine) -> None:
    model = CallModel(state="issue", facts=CallFacts(offer_allowed=False))
    assert machine.fire(model, "issue_handled").dest == "closing"
    assert "bridged" not in machine.triggers("closing")


def test_the_machine_keeps_no_model_between_turns(machine: CallStageMachine) -> None:
    for _ in range(3):
        machine.fire(CallModel(state="greeting"), "greeted")
    assert machine._machine.models == []


def test_mermaid_lists_every_stage_and_guard(content: Content) -> None:
    call_type = content.call_types["inbound_upsell"]
    text = mermaid(call_type, {outcome.id: outcome.code for outcome in call_type.outcomes})
    assert text.startswith("stateDiagram-v2")
    for stage in content.call_types["inbound_upsell"].stages:
        assert f"as {stage.id}" in text
    assert "issue --> bridge : issue_handled [offer_allowed]" in text
    assert "issue --> closing : issue_handled [not offer_allowed] / not_offered" in text
    assert "offer --> objection_handling : objection [objections_left]" in text


def test_every_trigger_binds_to_the_model(machine: CallStageMachine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("WARNING", logger="transitions")
    machine.fire(CallModel(state="identification"), "identified")
    assert not [record for record in caplog.records if "Skip binding" in record.getMessage()]
