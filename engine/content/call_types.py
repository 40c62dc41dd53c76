"""Call types as data: the stages of a call and the transitions between them."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveInt, field_validator

from ..responses import Outcome
from .base import Authored, Identifier, TemplatePath


class Stage(Authored):
    id: Identifier
    name: str = Field(description="Название этапа для тренеров и подсказок")
    hint: TemplatePath | None = Field(default=None, description="Подсказка стажёру: фраза для этого этапа")
    final: bool = Field(default=False, description="Звонок на этом этапе окончен")


class GuardedTransition(Authored):
    """A transition of an authored machine: what fires it, from where, and the named conditions that let it pass."""

    trigger: Identifier = Field(description="Событие, которое двигает машину")
    source: list[Identifier | Literal["*"]] = Field(description="Состояния, из которых переход возможен ('*' — из любого)")
    conditions: list[Identifier] = Field(default_factory=list, description="Условия (из закрытого списка), все истинны")
    unless: list[Identifier] = Field(default_factory=list, description="Условия (из закрытого списка), все ложны")

    @field_validator("source", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class Transition(GuardedTransition):
    dest: Identifier = Field(description="Этап, в который ведёт переход")
    outcome: Outcome | None = Field(
        default=None, description="Что случилось с показанными предложениями без отклика (из него — код отклика)"
    )


class CallType(Authored):
    id: Identifier
    name: str
    initial: Identifier = Field(description="Этап, с которого начинается звонок")
    max_objections: PositiveInt = Field(default=2, description="Сколько возражений можно отработать")
    stages: list[Stage]
    transitions: list[Transition]

    def stage(self, stage_id: str) -> Stage:
        return next(stage for stage in self.stages if stage.id == stage_id)
