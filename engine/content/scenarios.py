"""Trainee-mode scenarios: the customer the program plays, and what a good operator should make of him."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveInt

from ..eligibility import Call, Customer
from .base import Authored, Identifier


class Persona(Authored):
    first_name: str
    patronymic: str
    last_name: str = ""
    gender: Literal["m", "f"]
    mood: Literal["calm", "neutral", "irritated", "conflict"] = "neutral"
    patience: PositiveInt = Field(default=3, description="Сколько промахов оператора клиент терпит, прежде чем уйти")
    talkativeness: Literal["short", "normal", "chatty"] = "normal"


class Scenario(Authored):
    id: Identifier
    title: str = Field(description="Название сценария для списка тренировок")
    difficulty: Literal["easy", "medium", "hard"]
    persona: Persona
    contract: str = Field(description="Номер договора, который клиент называет")
    customer: Customer = Field(default_factory=Customer, description="Профиль клиента (контекст проверки)")
    call: Call = Field(default_factory=Call, description="Контекст звонка (контекст проверки)")
    issue: Identifier = Field(description="Тема обращения (как у бизнес-мостиков)")
    issue_text: str = Field(description="С чем клиент звонит, его словами")
    offers: list[Identifier] = Field(description="Предложения во вкладке «Рекомендации», по порядку")
    objections: list[Identifier] = Field(default_factory=list, description="Возражения клиента по порядку")
    final_answer: Literal["agree", "think", "decline", "not_owner"] = Field(
        description="Что клиент ответит, когда возражения отработаны"
    )
    expected_outcome: Identifier = Field(description="Правильный код отклика для первого предложения")
