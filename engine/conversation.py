"""A conversation as a small serialisable snapshot, and what goes in and out of one turn."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

from .assistant.state import AssistantState
from .trainee.state import TraineeState
from .vocabulary import HUNG_UP

Role = Literal["operator", "client"]
Mode = Literal["trainee", "customer"]


class Line(BaseModel):
    """One utterance of the transcript (or an event: the customer hung up), with the stage it happened in and
    what was understood of it."""

    role: Role
    text: str
    stage: str
    event: str | None = None
    analysis: dict[str, Any] = Field(default_factory=dict)


class OfferState(BaseModel):
    """An offer shown in this conversation and its response code (None until one is set)."""

    product: str
    response: str | None = None
    objections: int = 0


_SHARED = (str, int, float, bool, type(None), tuple, frozenset)


def _fresh(value: Any) -> Any:
    """A copy deep enough that changing it never changes ``value``: lists, dicts, sets and mutable models are copied,
    strings, numbers, tuples and frozen models (content: a customer, a topic result) are shared. Several times faster
    than ``model_copy(deep=True)``, which walks every string and the YAML a content item was read from."""
    kind = type(value)
    if kind in _SHARED:
        return value
    if kind is list:
        return [item if type(item) in _SHARED else _fresh(item) for item in value]
    if kind is dict:
        return {key: item if type(item) in _SHARED else _fresh(item) for key, item in value.items()}
    if kind is set:
        return set(value)
    if isinstance(value, BaseModel) and not value.model_config.get("frozen"):
        copied = value.__copy__()
        fields = copied.__dict__
        for key, item in fields.items():
            if type(item) not in _SHARED:
                fields[key] = _fresh(item)
        return copied
    return value


class Snapshot(BaseModel):
    """Everything needed to take the next turn; loaded before a turn and saved after it."""

    session_id: str
    mode: Mode
    call_type: str
    stage: str
    seed: int
    started_at: str
    scenario_id: str | None = None
    customer_id: str | None = None
    identified: bool = False
    issue_topic: str | None = None
    issue_resolved: bool = False
    stop_reasons: list[str] = Field(default_factory=list)
    objections: int = 0
    offers: list[OfferState] = Field(default_factory=list)
    orders: list[str] = Field(default_factory=list)
    path: list[str] = Field(default_factory=list)
    lines: list[Line] = Field(default_factory=list)
    trainee: TraineeState | None = None
    assistant: AssistantState | None = None
    finished: bool = False

    def working_copy(self) -> Snapshot:
        """A copy for a turn to change, leaving this one as it was."""
        return _fresh(self)

    @property
    def current_offer(self) -> OfferState | None:
        return self.offers[-1] if self.offers else None

    def say(self, role: Role, text: str, **analysis: Any) -> None:
        self.lines.append(Line(role=role, text=text, stage=self.stage, analysis=analysis))

    def hang_up(self, role: Role) -> None:
        self.lines.append(Line(role=role, text="", stage=self.stage, event=HUNG_UP))


@dataclass(frozen=True)
class Button:
    """An inline choice; ``data`` comes back as the event's ``button``."""

    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    """What a front end shows: ``speech`` is said in character, ``note`` is the program talking to the user."""

    text: str
    kind: Literal["speech", "note"] = "speech"
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Event:
    """One input of the human: typed text, a pressed button, a hint request, a verified own phone number
    (a Telegram contact whose user_id is the sender's), or the end of the call (hang-up, EOF, /stop)."""

    text: str = ""
    button: str | None = None
    hang_up: bool = False
    hint: bool = False
    verified_phone: str | None = None


@dataclass
class TurnResult:
    snapshot: Snapshot
    replies: list[Reply] = field(default_factory=list)
