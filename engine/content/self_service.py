"""Customer-mode content: the assistant's identity, self-service topics as small flows, opt-out channels, customers.

A topic is recognised by its keywords (or by the customer's intent) and solved by a flow of steps authored in YAML:
each step says a template and offers choices (buttons, also chosen by typed keywords or intents); a choice either
goes to another step or ends the topic with a result:

- ``solved`` — the assistant solved the issue (an offer may follow, if the eligibility check allows);
- ``ticket`` — not solved on the 1st line: a ticket is created (only Гарантия+ may follow, seed 000);
- ``handoff`` — a human takes over (with a ticket of the topic's ``ticket`` kind when it names one); no offer;
- ``outage`` — the issue is a known global problem (ГП) at the customer's address; no offer.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..eligibility import Customer, Ticket
from ..next_best_offer import PastResponse
from .base import Authored, Identifier, TemplatePath
from .yaml_source import Problem

TopicResult = Literal["solved", "ticket", "handoff", "outage"]
TicketKind = Literal["repair", "relocation", "termination", "complaint", "consultation"]
PHONE = re.compile(r"^7\d{10}$")


def phone_digits(value: str) -> str:
    """A phone number as 11 digits starting with 7 (Russian numbers: «8 914…» and «+7 914…» are the same)."""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits.startswith("8"):
        digits = "7" + digits[1:]
    elif len(digits) == 10:
        digits = "7" + digits
    return digits


class Assistant(Authored):
    id: Identifier
    first_name: str = Field(description="Имя, которым бот представляется")
    gender: Literal["m", "f"] = "f"
    company: str


class Channel(Authored):
    """Канал коммуникаций, от которого клиент может отказаться (seed 000, «Коммуникации — отказ от коммуникаций»)."""

    id: Identifier
    name: str = Field(description="Как канал называется в скрипте (на кнопке)")
    in_text: str = Field(description="Как канал звучит посреди фразы: «Ваш отказ от рекламы: звонки, СМС и Viber»")
    keywords: list[str] = Field(default_factory=list, description="Слова, по которым канал узнаётся в сообщении")


class FlowChoice(Authored):
    """Вариант ответа на шаге: кнопка; выбирается и словами клиента."""

    label: str = Field(description="Надпись кнопки")
    keywords: list[str] = Field(default_factory=list, description="Слова клиента, которые выбирают этот вариант")
    intents: list[Identifier] = Field(
        default_factory=list, description="Намерения клиента, которые выбирают этот вариант (agree, decline…)")
    opt_out: list[Identifier] = Field(default_factory=list, description="Каналы, от которых клиент отказывается")
    goto: Identifier | None = Field(default=None, description="Следующий шаг")
    result: TopicResult | None = Field(default=None, description="Чем заканчивается тема, если шагов дальше нет")

    @model_validator(mode="after")
    def _one_way_on(self) -> FlowChoice:
        if (self.goto is None) == (self.result is None):
            raise ValueError("a choice needs exactly one of goto (next step) or result")
        return self


class FlowStep(Authored):
    id: Identifier
    say: TemplatePath = Field(description="Что бот пишет на этом шаге (scripts_ru/bot/topics/…)")
    choices: list[FlowChoice] = Field(min_length=1, description="Кнопки шага")


class Topic(Authored):
    id: Identifier = Field(description="Тема обращения (та же, что у бизнес-мостика)")
    name: str
    keywords: list[str] = Field(default_factory=list,
                                description="Слова и фразы, по которым тема узнаётся (в любой форме)")
    intents: list[Identifier] = Field(
        default_factory=list, description="Намерения клиента, по которым тема узнаётся, если слов нет")
    anytime: bool = Field(default=False, description="Узнаётся на любом этапе разговора (например, «оператор»)")
    service: Identifier | None = Field(default=None, description="Услуга, к которой относится вопрос")
    ticket: TicketKind | None = Field(default=None, description="Заявка, которую создаёт итог ticket или handoff")
    stop: Literal["conflict", "churn", "relocation"] | None = Field(
        default=None, description="Что тема говорит о звонке: после неё не предлагаем (конфликт, отток, переезд)")
    outage: TemplatePath | None = Field(
        default=None, description="Что сказать вместо шагов, если услуга клиента в зоне открытой ГП")
    menu: bool = Field(default=False, description="Показывать кнопкой, когда бот не понял вопроса")
    solution: list[str] = Field(default_factory=list, description="Фразы оператора, которые решают такой вопрос "
                                                                  "(по ним симулированный клиент понимает, что "
                                                                  "ему помогли)")
    steps: list[FlowStep] = Field(default_factory=list, description="Шаги решения; первый — начало")
    result: TopicResult | None = Field(default=None, description="Итог темы без шагов (например, handoff)")
    call_flags: list[Literal["unblock_request"]] = Field(
        default_factory=list, description="Что тема ещё говорит о звонке для проверки «когда не предлагаем»")

    @model_validator(mode="after")
    def _steps_link_up(self) -> Topic:
        if bool(self.steps) == (self.result is not None):
            raise ValueError("a topic needs either steps or a result (a topic without steps ends at once)")
        ids = [step.id for step in self.steps]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate step ids in {ids}")
        for step in self.steps:
            for choice in step.choices:
                if choice.goto is not None and choice.goto not in ids:
                    raise ValueError(f"step {step.id!r}: choice {choice.label!r} goes to unknown step {choice.goto!r}")
        return self

    def step(self, step_id: str) -> FlowStep:
        return next(step for step in self.steps if step.id == step_id)


class CustomerIdentity(Authored):
    """What the owner of the number proves himself with (seed 003): passport, or registration address + birth date."""

    passport: str = Field(default="", description="Серия и номер паспорта (цифры)")
    address: str = Field(default="", description="Адрес прописки: город, улица, дом")
    birth_date: dt.date | None = Field(default=None, description="Дата рождения")

    @field_validator("passport", mode="after")
    @classmethod
    def _digits_only(cls, value: str) -> str:
        return re.sub(r"\D", "", value)


class PortRequest(Authored):
    """His request to port the number to another operator (seed 003, «Заявление на перенос номера»)."""

    recipient: str = Field(description="Оператор, к которому переносят номер")
    deadline: dt.date = Field(description="До какого дня заявление можно отменить")
    status: Literal["active", "already_ported", "already_cancelled", "already_retained"] = Field(
        default="active", description="active — идёт; already_ported — номер уже перенесён; already_cancelled — "
                                      "отменил сам; already_retained — уже сохранён")
    regulator_case: Literal["recent_port", "other_request", "other_region", "not_his_number",
                            "blocked_number"] | None = Field(
        default=None, description="Заявление отменят и так по правилам регулятора: меньше 60 дней с прошлого "
                                  "переноса, другое активное заявление, номер другого региона, номер не его, номер "
                                  "заблокирован")


class DemoCustomer(Authored):
    """A customer of the base: the demo set in dialogues/customers.yaml and every imported row share this model."""

    id: Identifier
    contract: str = Field(pattern=r"^\d{6,14}$", description="Номер договора (лицевой счёт), только цифры")
    first_name: str = Field(min_length=1)
    patronymic: str = ""
    last_name: str = Field(min_length=1)
    gender: Literal["m", "f"]
    phone: str | None = Field(default=None, description="Контактный телефон: 11 цифр, начиная с 7 (79141234567)")
    profile: Customer = Field(default_factory=Customer, description="Профиль для проверки «когда не предлагаем»")
    open_tickets: list[Ticket] = Field(default_factory=list, description="Открытые задания по услугам")
    global_problems: list[Identifier] = Field(
        default_factory=list, description="Услуги клиента в зоне открытой глобальной проблемы (ГП)")
    history: list[PastResponse] = Field(default_factory=list, description="Прошлые предложения и отклики")
    identity: CustomerIdentity | None = Field(default=None, description="Данные владельца для идентификации ЛПР")
    port_request: PortRequest | None = Field(default=None, description="Заявление на перенос номера, если есть")

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value: Any) -> Any:
        if value is None or value == "":
            return None
        digits = phone_digits(str(value))
        if not PHONE.match(digits):
            raise ValueError(f"phone {value!r} is not a Russian number of 11 digits")
        return digits

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)


class Label(Authored):
    id: Identifier
    text: str = Field(description="Надпись кнопки или короткая подпись интерфейса")


DEMO_PREFIX = "demo_"
# Labels the customer mode shows (content.label(id)); validation checks each one is authored.
CUSTOMER_MODE_LABELS = ("offer_agree", "offer_details", "offer_decline", "handoff_button")


def check_self_service(merged: dict[str, dict[str, Any]], speech: Any) -> list[Problem]:
    """Cross-references of customer-mode content: templates, channels, services, products, demo customer ids."""
    problems: list[Problem] = []
    services, products, channels = merged["services"], merged["products"], merged["channels"]
    for topic in merged["topics"].values():
        if topic.service is not None and topic.service not in services:
            problems.append(topic.problem(f"unknown service {topic.service!r}", "service"))
        if topic.outage is not None and not speech.exists(topic.outage):
            problems.append(topic.problem(f"no speech module {topic.outage!r} in scripts_ru/", "outage"))
        for index, step in enumerate(topic.steps):
            if not speech.exists(step.say):
                problems.append(topic.problem(f"no speech module {step.say!r} in scripts_ru/", "steps", index, "say"))
            for choice_index, choice in enumerate(step.choices):
                for channel_index, channel in enumerate(choice.opt_out):
                    if channel not in channels:
                        problems.append(topic.problem(f"unknown channel {channel!r}", "steps", index, "choices",
                                                      choice_index, "opt_out", channel_index))
    for customer in merged["customers"].values():
        if not customer.id.startswith(DEMO_PREFIX):
            problems.append(customer.problem(f"demo customer ids start with {DEMO_PREFIX!r}", "id"))
        for where, ids in (("profile.services", customer.profile.services),
                           ("global_problems", customer.global_problems)):
            for service_id in ids:
                if service_id not in services:
                    problems.append(customer.problem(f"{where}: unknown service {service_id!r}", *where.split(".")))
        for product_id in customer.profile.options:
            if product_id not in products:
                problems.append(customer.problem(f"profile.options: unknown product {product_id!r}", "profile"))
    contracts: dict[str, str] = {}
    for customer in merged["customers"].values():
        first = contracts.setdefault(customer.contract, customer.id)
        if first != customer.id:
            problems.append(customer.problem(f"contract {customer.contract} is also {first!r}'s", "contract"))
    labels = merged["labels"]
    origin = next(iter(merged["topics"].values()), None)
    for label_id in CUSTOMER_MODE_LABELS:
        if label_id not in labels and origin is not None:
            problems.append(origin.problem(f"label {label_id!r} used by the customer mode is missing"))
    return problems
