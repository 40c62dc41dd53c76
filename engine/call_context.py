"""The eligibility context of a live conversation: what both modes hand to the one eligibility check."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .content.self_service import DemoCustomer
from .conversation import Snapshot
from .eligibility import Call, Customer

if TYPE_CHECKING:
    from .content.loader import Content

# Keys of the customer mode's ``snapshot.mode_state`` that the context reads.
CUSTOMER = "customer"              # the identified customer (DemoCustomer as JSON), copied at identification
PRIOR_OPT_OUTS = "prior_opt_outs"  # channels refused in earlier conversations
OPT_OUTS = "opt_outs"              # channels refused in this conversation
RESULT = "result"                  # how the customer's topic ended: solved | ticket | handoff | outage


def identified_customer(snapshot: Snapshot) -> DemoCustomer | None:
    data = snapshot.mode_state.get(CUSTOMER)
    return DemoCustomer.model_validate(data) if snapshot.identified and data else None


def customer_mode_context(content: Content, snapshot: Snapshot) -> tuple[Customer, Call]:
    """The self-service customer's profile plus what this conversation revealed about the call.

    - Not identified: an empty profile with ``identified: false`` (nothing is offered).
    - Any opt-out, earlier or in this conversation, is ``marketing_opt_out``.
    - A complaint, churn or relocation said in this conversation (``snapshot.stop_reasons``) is a conflict, churn
      signals or relocation.
    - A ticket created in this conversation means the issue was not solved on the 1st line (``issue_resolved``
      false — Гарантия+ stays possible, seed 000) and the service it is about does not work; a hand-off is a transfer.
    - The customer's open tickets and the global problems at his address come from his record.
    """
    record = identified_customer(snapshot)
    if record is None:
        return Customer(identified=False), Call(issue_resolved=snapshot.issue_resolved)
    opted_out = bool(snapshot.mode_state.get(OPT_OUTS) or snapshot.mode_state.get(PRIOR_OPT_OUTS))
    customer = record.profile.model_copy(update={
        "identified": True,
        "marketing_opt_out": record.profile.marketing_opt_out or opted_out,
    })
    topic = content.topics.get(snapshot.issue_topic or "")
    result = snapshot.mode_state.get(RESULT)
    service = topic.service if topic is not None else None
    call = Call(
        mood="conflict" if "complaint" in snapshot.stop_reasons else "neutral",
        churn_signals="churn" in snapshot.stop_reasons,
        relocation="relocation" in snapshot.stop_reasons,
        transfer_needed=result == "handoff",
        unblock_request=topic is not None and "unblock_request" in topic.call_flags,
        issue_resolved=snapshot.issue_resolved,
        issue_service=service,
        global_problem_services=list(record.global_problems),
        open_tickets=list(record.open_tickets),
        down_services=[service] if result == "ticket" and service is not None else [],
    )
    return customer, call
