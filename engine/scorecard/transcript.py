"""What the scorecard reads (a finished dialogue, CONTRACT.md ``score``) and what it gives back."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from ..vocabulary import HUNG_UP

if TYPE_CHECKING:
    from ..content.loader import Content
    from ..conversation import Snapshot


class ScoreInputError(ValueError):
    """The input names something the content does not know, or has nothing to score."""


class Turn(BaseModel):
    """One turn: something said (``text``) or something that happened (``event``: the customer hung up)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    role: Literal["operator", "client"]
    text: str = ""
    event: Literal["hung_up"] | None = None
    intent: str | None = Field(default=None, description="A customer turn's known intent (e.g. the simulated "
                                                          "customer's); read by the understanding when absent")

    @model_validator(mode="after")
    def _text_or_event(self) -> Turn:
        if self.event is not None and self.text.strip():
            raise ValueError("a turn is either a text or an event, not both")
        if self.event is not None and self.role != "client":
            raise ValueError("only the customer hangs up")
        return self


class ScoreInput(BaseModel):
    """A finished dialogue (CONTRACT.md, ``python main.py score``). Extra fields are ignored and ``transcript`` is
    read as ``turns``, so the output of ``play --json`` scores as it is."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    client_name: str | None = None
    outcome: str | None = Field(default=None, description="The response code the operator chose")
    outcomes: dict[str, str] = Field(default_factory=dict, description="With a scenario: the code chosen for each "
                                                                        "offer of its tab (trainee mode)")
    scenario: str | None = None
    call_type: str | None = None
    turns: list[Turn] = Field(validation_alias=AliasChoices("turns", "transcript"))

    @classmethod
    def of_session(cls, snapshot: Snapshot, content: Content, outcomes: dict[str, str]) -> ScoreInput:
        """A trainee-mode conversation: the scenario's customer, the codes the trainee saved, the transcript."""
        scenario = content.scenarios.get(snapshot.scenario_id or "")
        name = f"{scenario.persona.first_name} {scenario.persona.patronymic}".strip() if scenario else None
        turns = [Turn(role=line.role, event=HUNG_UP) if line.event == HUNG_UP
                 else Turn(role=line.role, text=line.text, intent=line.analysis.get("intent")) for line in snapshot.lines]
        return cls(client_name=name, outcomes=outcomes, scenario=snapshot.scenario_id, call_type=snapshot.call_type,
                   turns=turns)


class Scorecard(BaseModel):
    model_config = ConfigDict(frozen=True)

    call_type: str
    score: int
    passed: bool
    checks: dict[str, bool | int]
    flags: list[str]
    feedback: list[str]
    not_applicable: list[str]
    chosen: str | None
    correct: str
    offer_allowed: bool | None = None
    reasons: list[str] = Field(default_factory=list)
    offers: list[dict[str, Any]] = Field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "call_type": self.call_type,
            "score": self.score,
            "passed": self.passed,
            "checks": dict(self.checks),
            "flags": list(self.flags),
            "feedback": list(self.feedback),
            "not_applicable": list(self.not_applicable),
            "response_code": {"chosen": self.chosen, "correct": self.correct},
        }
        if self.offer_allowed is not None:
            result["eligibility"] = {"allowed": self.offer_allowed, "reasons": list(self.reasons)}
            result["offers"] = [dict(row) for row in self.offers]
        return result
