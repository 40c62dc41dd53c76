"""The eligibility context of a live conversation: what both modes hand to the one eligibility check."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .conversation import Snapshot
from .eligibility import Call, Customer, Ticket

if TYPE_CHECKING:
    from .content.loader import Content

ESCALATION_LINE = 2


def customer_mode_context(content: Content, snapshot: Snapshot) -> tuple[Customer, Call]:
    """The self-service customer's profile plus what this conversation revealed about the call."""
    demo = content.customers.get(snapshot.customer_id or "")
    profile = demo.profile if demo is not None else Customer()
    customer = profile.model_copy(update={"identified": snapshot.identified and demo is not None})
    topic = content.topics.get(snapshot.issue_topic or "")
    flags = set(topic.call_flags) if topic else set()
    tickets = list(demo.open_tickets) if demo is not None else []
    if topic is not None and topic.outcome == "ticket":
        tickets.append(Ticket(service=topic.service, line=ESCALATION_LINE, kind="repair"))
    call = Call(
        mood="conflict" if "complaint" in snapshot.stop_reasons else "neutral",
        churn_signals="churn_signals" in flags or "churn" in snapshot.stop_reasons,
        relocation="relocation" in flags or "relocation" in snapshot.stop_reasons,
        transfer_needed="transfer_needed" in flags or (topic is not None and topic.outcome == "handoff"),
        unblock_request="unblock_request" in flags,
        issue_resolved=snapshot.issue_resolved,
        issue_service=topic.service if topic else None,
        open_tickets=tickets,
    )
    return customer, call


def scenario_context(content: Content, snapshot: Snapshot) -> tuple[Customer, Call]:
    """A training scenario's authored context: the trainee is judged against exactly this."""
    scenario = content.scenarios[snapshot.scenario_id]
    return scenario.customer, scenario.call
