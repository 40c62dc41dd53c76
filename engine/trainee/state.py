"""What trainee mode keeps between turns, typed: the simulated customer's state and memory, the trainee's hints,
the codes he chose and the scorecard at the end."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class TraineeState(BaseModel):
    customer_state: str = Field(description="The simulated customer's machine state")
    irritation: int = 0
    objection_index: int = Field(default=0, description="How many scripted objections he has raised")
    current_objection: str | None = None
    repeats: int = Field(default=0, description="How often he repeated the current unworked objection")
    revealed: list[str] = Field(default_factory=list, description="Traps he has given away")
    answered: list[str] = Field(default_factory=list, description="Direct questions he has answered")
    details_given: bool = False
    identity_given: bool = False
    last_line: str = Field(default="", description="What he said last, so he never says it twice in a row")
    decision: str | None = Field(default=None, description="His final answer to the offer, once given")
    hints: int = 0
    outcomes: dict[str, str] = Field(default_factory=dict, description="The code the trainee chose per offer")
    scorecard: dict[str, Any] | None = None
