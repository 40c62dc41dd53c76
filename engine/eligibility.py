"""The one eligibility check («когда не предлагаем», DOMAIN.md / CONTRACT.md).

A pure function from a context (customer profile + call context + offer) to ``allowed`` and every reason that
applies. The self-service bot, the trainee mode, the next-best-offer ranking and the CLI all call
:func:`check_eligibility`; there is no second copy of these rules anywhere.

The context models mirror CONTRACT.md's JSON field for field; every field has a default that makes its own rule
not fire, so partial contexts work (except ``customer.services``: a customer with no known services lacks what an
offer requires).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt

from .content.catalog import Product, Service
from .limits import MAX_MONEY

if TYPE_CHECKING:
    from .content.loader import Content


class Reason(str, Enum):
    """Why an offer may not be made; the codes of CONTRACT.md (texts for people live in dialogues/rules.yaml)."""

    simplified_mode = "simplified_mode"
    peak_hours = "peak_hours"
    not_identified = "not_identified"
    not_user = "not_user"
    conflict = "conflict"
    churn = "churn"
    contract_terminated = "contract_terminated"
    requested_by_client = "requested_by_client"
    transfer = "transfer"
    voluntary_block = "voluntary_block"
    global_problem = "global_problem"
    unresolved_issue = "unresolved_issue"
    open_ticket = "open_ticket"
    service_down = "service_down"
    relocation = "relocation"
    financial_block = "financial_block"
    insufficient_funds = "insufficient_funds"
    already_has = "already_has"
    not_applicable = "not_applicable"
    opt_out = "opt_out"


# The one product that may be offered while the customer's issue is not resolved (seed 000: «Исключение: предложи
# услугу Гарантия+, если она есть в Предложениях и вызов не был переведен»). An id of the contract, not content.
UNRESOLVED_ISSUE_EXCEPTION = "guarantee_plus"
# Ticket lines whose open tickets block offers (2ЛТП/3ЛТП; a 1st-line failure is ``unresolved_issue``).
TICKET_MIN_LINE = 2
MAX_TICKET_LINE = 3


class InputModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Ticket(InputModel):
    """Открытое задание по услуге клиента."""

    service: str | None = Field(default=None, description="Услуга задания (не указана — задание по договору)")
    line: NonNegativeInt = Field(default=TICKET_MIN_LINE, le=MAX_TICKET_LINE, description="Линия поддержки: 1, 2 или 3 (1ЛТП/2ЛТП/3ЛТП)")
    kind: Literal["repair", "extra_works", "termination"] = Field(
        default="repair", description="repair — ремонт; extra_works — доп. работы; termination — расторжение")


class Customer(InputModel):
    """Профиль клиента для проверки «когда не предлагаем» (CONTRACT.md)."""

    identified: bool = Field(default=True, description="Клиент прошёл идентификацию")
    role: Literal["owner", "user", "child", "not_user"] = Field(
        default="owner", description="owner — владелец; user — пользуется услугой; child; not_user — инсталлятор и т. п.")
    services: list[str] = Field(default_factory=list, description="Основные услуги: internet, tv, phone, mobile")
    options: list[str] = Field(default_factory=list, description="Уже подключённые продукты (id из каталога)")
    payment: Literal["advance", "credit"] = Field(
        default="credit", description="advance — авансовая модель; credit — кредитная")
    # finite and bounded: NaN would pass every comparison of the funds rule (fail open)
    balance: float = Field(default=0.0, allow_inf_nan=False, ge=-MAX_MONEY, le=MAX_MONEY,
                           description="Деньги на счёте, руб.")
    financial_block: bool = Field(default=False, description="Финансовая блокировка")
    voluntary_blocks: list[str] = Field(default_factory=list, description="Услуги под добровольной блокировкой")
    contract_terminated: bool = Field(default=False, description="Договор расторгнут")
    marketing_opt_out: bool = Field(default=False, description="Отказался от рекламных коммуникаций")


class Call(InputModel):
    """Что известно о звонке для проверки «когда не предлагаем» (CONTRACT.md)."""

    simplified_mode: bool = Field(default=False, description="Упрощённый режим работы")
    peak_hours: bool = Field(default=False, description="ЧНН или аварийный скрипт")
    mood: Literal["neutral", "conflict"] = Field(default="neutral", description="conflict — конфликтный клиент")
    churn_signals: bool = Field(default=False, description="Индикаторы оттока: хочет расторгнуть, спрашивает как")
    relocation: bool = Field(default=False, description="Обращение по переезду")
    requested_product: str | None = Field(default=None, description="Продукт, за которым клиент обратился сам")
    transfer_needed: bool = Field(default=False, description="Вызов нужно перевести на другую скилл-группу")
    issue_resolved: bool = Field(default=True, description="Вопрос клиента решён на 1-й линии")
    issue_service: str | None = Field(default=None, description="Услуга, по которой обратился клиент")
    unblock_request: bool = Field(default=False, description="Обращение о снятии добровольной блокировки")
    global_problem_services: list[str] = Field(default_factory=list, description="Услуги в зоне открытой ГП")
    open_tickets: list[Ticket] = Field(default_factory=list, description="Открытые задания")
    down_services: list[str] = Field(default_factory=list, description="Услуги, которые не работают")


class EligibilityContext(InputModel):
    """One line of ``python main.py eligibility``: may this offer be made to this customer in this call?"""

    offer: str
    customer: Customer = Field(default_factory=Customer)
    call: Call = Field(default_factory=Call)


class Verdict(BaseModel):
    """The answer: ``reasons`` sorted, empty exactly when ``allowed``."""

    model_config = ConfigDict(frozen=True)

    offer: str
    allowed: bool
    reasons: tuple[Reason, ...]

    def as_json(self) -> dict:
        return {"offer": self.offer, "allowed": self.allowed, "reasons": [reason.value for reason in self.reasons]}


class ContextError(ValueError):
    """A context names ids the content does not know (a bad input, not a rule)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def _closure(start: Iterable[str], edges: Mapping[str, Iterable[str]]) -> frozenset[str]:
    seen: set[str] = set()
    stack = list(start)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(edges.get(node, ()))
    return frozenset(seen)


def related_services(product: Product, services: Mapping[str, Service]) -> frozenset[str]:
    """``requires`` plus package components, closed under dependencies (``start`` → tv, internet)."""
    edges = {service_id: service.depends_on for service_id, service in services.items()}
    return _closure([*product.requires, *product.components], edges)


def affected_services(troubled: Iterable[str], services: Mapping[str, Service]) -> frozenset[str]:
    """Services in trouble plus everything that depends on them (internet down ⇒ tv down)."""
    dependents: dict[str, list[str]] = {}
    for service_id, service in services.items():
        for dependency in service.depends_on:
            dependents.setdefault(dependency, []).append(service_id)
    return _closure(troubled, dependents)


def upfront_needed(product: Product) -> float:
    """Money an advance-model customer must have to connect: first payment + a month unless there is a trial."""
    monthly = 0.0 if product.has_trial else (product.price_month or 0.0)
    return product.upfront + monthly


def context_problems(context: EligibilityContext, content: Content) -> list[str]:
    """Ids in a context that the content does not know (each one a problem; empty when the context is usable)."""
    problems: list[str] = []
    if context.offer not in content.products:
        problems.append(f"unknown offer {context.offer!r}")
    problems.extend(party_problems(context.customer, context.call, content))
    return problems


def party_problems(customer: Customer, call: Call, content: Content) -> list[str]:
    problems: list[str] = []
    service_lists = {
        "customer.services": customer.services,
        "customer.voluntary_blocks": customer.voluntary_blocks,
        "call.global_problem_services": call.global_problem_services,
        "call.down_services": call.down_services,
        "call.issue_service": [call.issue_service] if call.issue_service is not None else [],
        "call.open_tickets.service": [t.service for t in call.open_tickets if t.service is not None],
    }
    for where, ids in service_lists.items():
        for service_id in ids:
            if service_id not in content.services:
                problems.append(f"{where}: unknown service {service_id!r}")
    product_lists = {
        "customer.options": customer.options,
        "call.requested_product": [call.requested_product] if call.requested_product is not None else [],
    }
    for where, ids in product_lists.items():
        for product_id in ids:
            if product_id not in content.products:
                problems.append(f"{where}: unknown product {product_id!r}")
    return problems


def check_eligibility(context: EligibilityContext, content: Content) -> Verdict:
    """Every rule of «когда не предлагаем» that applies to this offer; raises ContextError on unknown ids."""
    problems = context_problems(context, content)
    if problems:
        raise ContextError(problems)
    return _Situation.of(context.customer, context.call, content.services).verdict(content.products[context.offer])


def check_offers(customer: Customer, call: Call, offers: Iterable[str], content: Content,
                 waived: Iterable[str] = ()) -> list[Verdict]:
    """The same check for several offers in one customer's call (the call-level facts are worked out once).

    ``waived``: reasons that do not hold in this kind of call (a retention call offers exactly to a customer who
    is leaving, so ``churn`` does not forbid its offers)."""
    offers = list(offers)
    problems = party_problems(customer, call, content)
    problems.extend(f"unknown offer {offer!r}" for offer in offers if offer not in content.products)
    if problems:
        raise ContextError(problems)
    situation = _Situation.of(customer, call, content.services)
    return [situation.verdict(content.products[offer], frozenset(waived)) for offer in offers]


@dataclass(frozen=True)
class _Situation:
    """What a customer and a call say before any offer is looked at: the offer-independent part of the rules."""

    customer: Customer
    call: Call
    services: Mapping[str, Service]
    general: frozenset[Reason]        # reasons that apply to every offer
    blocked: frozenset[str]           # voluntary blocks that count (not lifted in this call)
    in_global_problem: frozenset[str]
    ticketed: frozenset[str]          # services with an open 2nd/3rd-line repair ticket, after dependencies
    down: frozenset[str]

    @classmethod
    def of(cls, customer: Customer, call: Call, services: Mapping[str, Service]) -> _Situation:
        in_global_problem = affected_services(call.global_problem_services, services)
        ticketed = affected_services([t.service for t in call.open_tickets
                                      if t.line >= TICKET_MIN_LINE and t.kind == "repair" and t.service is not None],
                                     services)
        flags = {
            Reason.simplified_mode: call.simplified_mode,
            Reason.peak_hours: call.peak_hours,
            Reason.not_identified: not customer.identified,
            Reason.not_user: customer.role in ("child", "not_user"),
            Reason.conflict: call.mood == "conflict",
            Reason.churn: call.churn_signals or any(t.kind == "termination" for t in call.open_tickets),
            Reason.contract_terminated: customer.contract_terminated,
            Reason.transfer: call.transfer_needed,
            # The customer's own issue is on a service in a ГП zone or with an open ticket: no offer at all.
            Reason.global_problem: call.issue_service in in_global_problem,
            Reason.open_ticket: call.issue_service in ticketed,
            Reason.relocation: call.relocation,
            Reason.financial_block: customer.financial_block,
            Reason.insufficient_funds: customer.payment == "advance" and customer.balance < 0,
            Reason.opt_out: customer.marketing_opt_out,
        }
        return cls(
            customer=customer, call=call, services=services,
            general=frozenset(reason for reason, applies in flags.items() if applies),
            blocked=frozenset() if call.unblock_request else frozenset(customer.voluntary_blocks),
            in_global_problem=in_global_problem,
            ticketed=ticketed,
            down=affected_services(call.down_services, services),
        )

    def verdict(self, product: Product, waived: frozenset[str] = frozenset()) -> Verdict:
        customer, call = self.customer, self.call
        related = related_services(product, self.services)
        reasons = set(self.general)
        offer_rules = {
            Reason.requested_by_client: call.requested_product == product.id,
            Reason.voluntary_block: bool(related & self.blocked),
            Reason.global_problem: bool(related & self.in_global_problem),
            # Гарантия+ may be offered after an unresolved issue, unless the call is transferred.
            Reason.unresolved_issue: not call.issue_resolved
            and not (product.id == UNRESOLVED_ISSUE_EXCEPTION and not call.transfer_needed),
            Reason.open_ticket: bool(related & self.ticketed),
            Reason.service_down: bool(related & self.down),
            Reason.insufficient_funds: customer.payment == "advance" and customer.balance < upfront_needed(product),
            Reason.already_has: product.id in customer.options,
            Reason.not_applicable: not set(product.requires) <= set(customer.services),
        }
        reasons.update(reason for reason, applies in offer_rules.items() if applies)
        ordered = tuple(sorted((r for r in reasons if r.value not in waived), key=lambda reason: reason.value))
        return Verdict(offer=product.id, allowed=not ordered, reasons=ordered)


def reason_texts(reasons: Iterable[str | Reason], content: Content) -> list[str]:
    """The Russian texts (dialogues/rules.yaml) of reason codes, in the order given."""
    return [content.reasons[str(getattr(code, "value", code))].text for code in reasons]
