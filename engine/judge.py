"""The one judge of a scenario's verdicts: what may be offered, the main offer, what the trainee can see so far.

Trainee mode (is the sale allowed as far as the trainee knows; which offer the customer's script is about), the
scorecard (was the offer allowed at all; the code of a forbidden offer) and ``validate`` (is every trap a trap; is
the expected code the rules' code) all ask this one object, built on the one eligibility check. A transcript scored
without a scenario is judged by :class:`TranscriptJudge`: the same check applied to what the call itself revealed.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from .eligibility import Call, Customer, Reason, Verdict, check_offers
from .understanding.text import lexicon_lemma

if TYPE_CHECKING:
    from .content.call_types import CallType
    from .content.catalog import Product, Service
    from .content.scenarios import Scenario, Trap


def hidden(model: Customer | Call, fields: Collection[str], part: str) -> Customer | Call:
    """``model`` with the trap fields of this part (``customer.x`` / ``call.y``) back at their defaults."""
    names = [name.split(".", 1)[1] for name in fields if name.startswith(part + ".")]
    if not names:
        return model
    defaults = type(model)()
    return model.model_copy(update={name: getattr(defaults, name) for name in names})


@dataclass(frozen=True)
class Rules:
    """What the eligibility check needs: the catalog (the loader has it before the whole content exists)."""

    products: Mapping[str, Product]
    services: Mapping[str, Service]


class ScenarioJudge:
    def __init__(self, scenario: Scenario, call_type: CallType, rules: Rules):
        self.scenario = scenario
        self.call_type = call_type
        self.rules = rules

    def context(self, revealed: Collection[str] | None = None) -> tuple[Customer, Call]:
        """The scenario's customer and call; with ``revealed``, as the trainee knows them (unrevealed traps hidden)."""
        customer, call = self.scenario.customer, self.scenario.call
        if revealed is None:
            return customer, call
        for trap in self.scenario.traps:
            if trap.id not in revealed:
                customer = hidden(customer, trap.fields, "customer")
                call = hidden(call, trap.fields, "call")
        return customer, call

    def verdicts(self, revealed: Collection[str] | None = None) -> list[Verdict]:
        customer, call = self.context(revealed)
        return self.verdicts_for(customer, call)

    def verdicts_for(self, customer: Customer, call: Call) -> list[Verdict]:
        return check_offers(customer, call, self.scenario.offers, self.rules, self.call_type.waived_reasons)

    @cached_property
    def truth(self) -> dict[str, Verdict]:
        return {verdict.offer: verdict for verdict in self.verdicts()}

    def allowed(self, revealed: Collection[str] | None = None) -> bool:
        """Whether any offer of the tab may be made (as far as the trainee knows, with ``revealed``)."""
        verdicts = self.truth.values() if revealed is None else self.verdicts(revealed)
        return any(verdict.allowed for verdict in verdicts)

    @cached_property
    def main_offer(self) -> str:
        """The offer of the «Рекомендации» tab the customer's script is about: the first allowed one."""
        allowed = [offer for offer, verdict in self.truth.items() if verdict.allowed]
        return allowed[0] if allowed else self.scenario.offers[0]

    @property
    def coded_offers(self) -> list[str]:
        """The offers a code is saved for: every offer of the tab, or the call's one (retention: a code per contact)."""
        return list(self.scenario.offers) if self.call_type.code_per_offer else [self.main_offer]

    def forbidding_reasons(self) -> list[str]:
        """Every reason that forbids an offer of the tab, in the order of the offers, each once."""
        return reasons_of(self.truth.values())

    def fate(self, product: str) -> str | None:
        """What the rules alone make of an offer the customer never answered: None when it may be offered."""
        verdict = self.truth[product]
        if verdict.allowed:
            return None
        return "has_it" if Reason.already_has in verdict.reasons else "forbidden"

    def forbidden_code(self, product: str) -> str | None:
        """The response code of a forbidden offer (he has it: «конфигурация уже изменена»; else «не предлагалось»)."""
        fate = self.fate(product)
        return self.call_type.fate(fate).code if fate is not None else None

    @cached_property
    def _own_words(self) -> dict[str, frozenset[str]]:
        return own_words(self.scenario.offers, self.rules.products, self.rules.services)

    def named_offer(self, text: str) -> str | None:
        """The offer of the tab a text names, by the words of its name that no other product's or service's name has."""
        return named_product(text, self._own_words)

    def trap_changes_verdict(self, trap: Trap) -> bool:
        """A trap is one only if hiding its fields changes a reason «когда не предлагаем»."""
        truth = set(reasons_of(self.truth.values()))
        customer = hidden(self.scenario.customer, trap.fields, "customer")
        call = hidden(self.scenario.call, trap.fields, "call")
        seen = set(reasons_of(self.verdicts_for(customer, call)))
        return bool(truth - seen)


# What a transcript may reveal (an eligibility reason) → the context fields that make that rule hold.
REVEALED_CUSTOMER: dict[str, dict[str, object]] = {
    Reason.financial_block.value: {"financial_block": True},
    Reason.opt_out.value: {"marketing_opt_out": True},
    Reason.not_user.value: {"role": "not_user"},
}
REVEALED_CALL: dict[str, dict[str, object]] = {
    Reason.conflict.value: {"mood": "conflict"},
    Reason.churn.value: {"churn_signals": True},
    Reason.relocation.value: {"relocation": True},
    Reason.unresolved_issue.value: {"issue_resolved": False},
    Reason.transfer.value: {"transfer_needed": True},
    Reason.peak_hours.value: {"peak_hours": True},
}
REVEALABLE = frozenset({*REVEALED_CUSTOMER, *REVEALED_CALL, Reason.global_problem.value, Reason.voluntary_block.value})


class TranscriptJudge:
    """A call scored without a scenario: the rules applied to what the call itself revealed before the offer (the
    operator's «у вас минус на балансе», «в районе авария», the customer's anger…) for the products the call type
    offers. Nothing unrevealed forbids: a customer is taken to have every service and none of the products. The
    tab is what the operator's offers named (every product of the call type when they named none)."""

    def __init__(self, revealed: Collection[str], call_type: CallType, rules: Rules, offer_texts: Collection[str] = ()):
        self.call_type = call_type
        self.rules = rules
        self.revealed = frozenset(revealed)
        self.offers = [pid for pid, product in rules.products.items() if product.family in call_type.offer_families]
        named = (self.named_offer(text) for text in offer_texts)
        self.named = list(dict.fromkeys(pid for pid in named if pid is not None))
        self.tab = self.named or self.offers

    def context(self) -> tuple[Customer, Call]:
        customer = {"services": list(self.rules.services)}
        call: dict[str, object] = {}
        for reason in self.revealed:
            customer.update(REVEALED_CUSTOMER.get(reason, {}))
            call.update(REVEALED_CALL.get(reason, {}))
        if Reason.global_problem.value in self.revealed:
            call["global_problem_services"] = list(self.rules.services)
        if Reason.voluntary_block.value in self.revealed:  # which service a transcript rarely says: any may be it
            customer["voluntary_blocks"] = list(self.rules.services)
        return Customer.model_validate(customer), Call.model_validate(call)

    @cached_property
    def truth(self) -> dict[str, Verdict]:
        customer, call = self.context()
        verdicts = check_offers(customer, call, self.offers, self.rules, self.call_type.waived_reasons)
        return {verdict.offer: verdict for verdict in verdicts}

    def allowed(self) -> bool:
        return any(self.truth[pid].allowed for pid in self.tab)

    def forbidding_reasons(self) -> list[str]:
        return reasons_of(self.truth[pid] for pid in self.tab)

    def fate(self, product: str) -> str | None:
        return None if self.truth[product].allowed else "forbidden"

    @cached_property
    def _own_words(self) -> dict[str, frozenset[str]]:
        return own_words(self.offers, self.rules.products, self.rules.services)

    def named_offer(self, text: str) -> str | None:
        """The product of the call type a text names."""
        return named_product(text, self._own_words)

    @cached_property
    def main_offer(self) -> str:
        """The first product the operator offered; when he named none, one the revealed rules forbid, if any is."""
        if self.named:
            return self.named[0]
        return next((pid for pid in self.offers if not self.truth[pid].allowed), self.offers[0])


def reasons_of(verdicts: Iterable[Verdict]) -> list[str]:
    """The reasons that forbid these offers, in their order, each once."""
    return list(dict.fromkeys(reason.value for verdict in verdicts for reason in verdict.reasons))


def own_words(offers: Collection[str], products: Mapping[str, Product],
              services: Mapping[str, Service]) -> dict[str, frozenset[str]]:
    """Per offer, the words of its name that no other product's or service's name has («домашний» names the home
    phone as much as the home camera)."""
    names = {pid: _lemmas(" ".join([product.name, *product.spoken_names])) for pid, product in products.items()}
    shared = frozenset().union(*(_lemmas(service.name) for service in services.values()))
    own = {}
    for product_id in offers:
        others = shared.union(*(words for pid, words in names.items() if pid != product_id))
        own[product_id] = frozenset(word for word in names[product_id] - others if len(word) > 3)
    return own


def named_product(text: str, own: Mapping[str, frozenset[str]]) -> str | None:
    """The product whose own name words the text says most of («Гарантия Плюс на два устройства» names the
    warranty, not the antivirus «… на 3 устройства»); the first such product on a tie."""
    words = _lemmas(text)
    found = [(len(words_of & words), product) for product, words_of in own.items() if words_of & words]
    return max(found, key=lambda hit: hit[0])[1] if found else None


@lru_cache(maxsize=4096)  # every product's name, again for each judged call
def _lemmas(text: str) -> frozenset[str]:
    return frozenset(lexicon_lemma(word) for word in "".join(c if c.isalnum() else " " for c in text.lower()).split())
