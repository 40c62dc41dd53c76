"""Customer-mode content: the assistant's identity, self-service topics, demo customers."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..eligibility import Customer, Ticket
from ..next_best_offer import PastResponse
from .base import Authored, Identifier, TemplatePath


class Assistant(Authored):
    id: Identifier
    first_name: str = Field(description="Имя, которым бот представляется")
    gender: Literal["m", "f"] = "f"
    company: str


class Topic(Authored):
    id: Identifier = Field(description="Тема обращения (та же, что у бизнес-мостика)")
    name: str
    keywords: list[str] = Field(description="Слова и фразы, по которым тема узнаётся (в любой форме)")
    solution: TemplatePath = Field(description="Что бот отвечает, решая вопрос (scripts_ru/bot/…)")
    outcome: Literal["solved", "ticket", "handoff"] = Field(
        default="solved", description="solved — решено ботом; ticket — создана заявка; handoff — передать человеку"
    )
    service: Identifier | None = Field(default=None, description="Услуга, к которой относится вопрос")
    call_flags: list[Literal["churn_signals", "relocation", "transfer_needed", "unblock_request"]] = Field(
        default_factory=list, description="Что тема говорит о звонке для проверки «когда не предлагаем»"
    )


class DemoCustomer(Authored):
    id: Identifier
    contract: str = Field(pattern=r"^\d{6,14}$", description="Номер договора (лицевой счёт), только цифры")
    first_name: str
    patronymic: str
    last_name: str
    gender: Literal["m", "f"]
    profile: Customer = Field(default_factory=Customer, description="Профиль для проверки «когда не предлагаем»")
    open_tickets: list[Ticket] = Field(default_factory=list, description="Открытые задания по услугам")
    history: list[PastResponse] = Field(default_factory=list, description="Прошлые предложения и отклики")


class Label(Authored):
    id: Identifier
    text: str = Field(description="Надпись кнопки или короткая подпись интерфейса")
