"""What customer mode (the self-service assistant) keeps between turns, typed."""
from __future__ import annotations

from pydantic import BaseModel, Field

from ..content.self_service import DemoCustomer, TopicResult
from ..next_best_offer import PastResponse


class TicketRecord(BaseModel):
    number: str
    kind: str
    service: str | None = None


class FlashNote(BaseModel):
    """A note on the customer's card (seed 003 «Flash»): what was offered and until when it stands."""

    text: str
    valid_from: str
    valid_to: str


class AssistantState(BaseModel):
    customer: DemoCustomer | None = Field(default=None, description="The identified customer, as found then")
    attempts: int = Field(default=0, description="Failed identification attempts")
    unknown: int = Field(default=0, description="Requests the assistant did not understand")
    asked_topic: bool = Field(default=False, description="A greeting was answered by asking for the topic once")
    step: str | None = Field(default=None, description="The step of the topic's flow the customer is at")
    pending_topic: str | None = Field(default=None, description="A topic named before he was identified")
    pending_text: str = ""
    prior_opt_outs: list[str] = Field(default_factory=list, description="Channels refused in earlier conversations")
    opt_outs: list[str] = Field(default_factory=list, description="Channels refused in this conversation")
    history: list[PastResponse] = Field(default_factory=list, description="Earlier responses to offers")
    tickets: list[TicketRecord] = Field(default_factory=list)
    result: TopicResult | None = Field(default=None, description="How the customer's topic ended")
    handoff: str | None = Field(default=None, description="Why a human takes over")
    reason: str | None = Field(default=None, description="Retention: why he is leaving")
    request_cancelled: bool = Field(default=False, description="Retention: the port-out request is cancelled")
    winback_consent: bool | None = Field(default=None, description="Retention: may we tell him about coming back")
    flash: FlashNote | None = None
