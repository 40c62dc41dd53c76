"""The eligibility context of a live conversation: what customer mode hands to the one eligibility check."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .conversation import Snapshot
from .eligibility import Call, Customer

if TYPE_CHECKING:
    from .content.loader import Content


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
    state = snapshot.assistant
    record = state.customer if state is not None and snapshot.identified else None
    if record is None:
        return Customer(identified=False), Call(issue_resolved=snapshot.issue_resolved)
    opted_out = bool(state.opt_outs or state.prior_opt_outs)
    customer = record.profile.model_copy(update={
        "identified": True,
        "marketing_opt_out": record.profile.marketing_opt_out or opted_out,
    })
    topic = content.topics.get(snapshot.issue_topic or "")
    service = topic.service if topic is not None else None
    call = Call(
        mood="conflict" if "conflict" in snapshot.stop_reasons else "neutral",
        churn_signals="churn" in snapshot.stop_reasons,
        relocation="relocation" in snapshot.stop_reasons,
        transfer_needed=state.result == "handoff",
        unblock_request=topic is not None and "unblock_request" in topic.call_flags,
        issue_resolved=snapshot.issue_resolved or snapshot.issue_topic is None,  # no issue raised: none unresolved
        issue_service=service,
        global_problem_services=list(record.global_problems),
        open_tickets=list(record.open_tickets),
        down_services=[service] if state.result == "ticket" and service is not None else [],
    )
    return customer, call
