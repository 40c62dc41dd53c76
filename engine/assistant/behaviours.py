"""The closed registries of what the assistant does at a stage, named in a call type's YAML (``bot:``).

``ENTER`` — what it does on entering a stage (say something, then maybe fire the stage's ``then`` event);
``INPUT`` — how it reads the customer's message at a stage that waits for one. A new call type reuses these; a
genuinely new kind of step adds one function here and its name to the YAML.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..conversation import Event, Reply, Snapshot

if TYPE_CHECKING:
    from ..content.call_types import Stage
    from .mode import AssistantMode


def _say(mode: AssistantMode, snapshot: Snapshot, stage: Stage) -> list[Reply]:
    """Say the stage's template (with its buttons); then fire its ``then`` event (a greeting moves on)."""
    product = snapshot.current_offer.product if snapshot.current_offer is not None else None
    replies = mode.say(snapshot, stage.bot.template, product=product, buttons=mode.buttons(stage.bot.buttons)) \
        if stage.bot.template else []
    if stage.bot.then:
        replies += mode.fire(snapshot, stage.bot.then) or []
    return replies


def _bridge(mode: AssistantMode, snapshot: Snapshot, stage: Stage) -> list[Reply]:
    return mode.offers.bridge(snapshot, stage.bot.then)


def _present_offer(mode: AssistantMode, snapshot: Snapshot, stage: Stage) -> list[Reply]:
    return mode.offers.present(snapshot, stage.bot.template)


def _answer_objection(mode: AssistantMode, snapshot: Snapshot, stage: Stage) -> list[Reply]:
    return mode.offers.answer_objection(snapshot, stage.bot.next_rung)


def _offer_winback(mode: AssistantMode, snapshot: Snapshot, stage: Stage) -> list[Reply]:
    """Not retained: a Flash note if he wants to think, then WinBack (seed 003)."""
    return mode.retention.offer_winback(snapshot, stage.bot.template)


def _close(mode: AssistantMode, snapshot: Snapshot, stage: Stage) -> list[Reply]:
    return mode.offers.close(snapshot)


ENTER: dict[str, Callable[[AssistantMode, Snapshot, "Stage"], list[Reply]]] = {
    "say": _say,
    "say_bridge": _bridge,
    "present_offer": _present_offer,
    "answer_objection": _answer_objection,
    "close": _close,
    "offer_winback": _offer_winback,
}


def _identify_by_contract(mode: AssistantMode, snapshot: Snapshot, event: Event, intent: str | None,
                          phone: str) -> list[Reply]:
    return mode.identification.take(snapshot, event, intent, phone)


def _solve_issue(mode: AssistantMode, snapshot: Snapshot, event: Event, intent: str | None,
                 phone: str) -> list[Reply]:
    return mode.topics.take(snapshot, event, intent)


def _answer_offer(mode: AssistantMode, snapshot: Snapshot, event: Event, intent: str | None,
                  phone: str) -> list[Reply]:
    return mode.offers.answer(snapshot, event, intent)


# The inputs a shared phone number can identify by (Telegram offers «share my number» there); the decision maker
# of a retention chat proves himself with his name and passport or address and birth date instead.
BY_PHONE = frozenset({"identify_by_contract"})


def _identify_decision_maker(mode: AssistantMode, snapshot: Snapshot, event: Event, intent: str | None,
                             phone: str) -> list[Reply]:
    return mode.retention.identify(snapshot, event, intent, phone)


def _read_reason(mode: AssistantMode, snapshot: Snapshot, event: Event, intent: str | None,
                 phone: str) -> list[Reply]:
    return mode.retention.reason(snapshot, event, intent)


def _read_consent(mode: AssistantMode, snapshot: Snapshot, event: Event, intent: str | None,
                  phone: str) -> list[Reply]:
    return mode.retention.consent(snapshot, event, intent)


def _read_winback(mode: AssistantMode, snapshot: Snapshot, event: Event, intent: str | None,
                  phone: str) -> list[Reply]:
    return mode.retention.winback(snapshot, event, intent)


INPUT: dict[str, Callable[[AssistantMode, Snapshot, Event, str | None, str], list[Reply]]] = {
    "identify_by_contract": _identify_by_contract,
    "solve_issue": _solve_issue,
    "answer_offer": _answer_offer,
    "identify_decision_maker": _identify_decision_maker,
    "read_reason": _read_reason,
    "read_consent": _read_consent,
    "read_winback": _read_winback,
}
