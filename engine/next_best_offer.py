"""The next best offer: rank what may be offered by propensity × value × context weight (MTS next best action).

For a customer and a call, every candidate product goes through the one eligibility check
(:func:`engine.eligibility.check_eligibility`) and the contact policy (no repeat of a recent answer, no duplicate
campaign, no product outside the customer's segment when its weight is 0); what passes is ranked by

    score = propensity (rules.yaml offer_priors) × value (revenue over the policy horizon, from the catalog)
            × weight (the bridge of the customer's issue topic × the customer's segment)

ties broken by product id. Each ranked offer carries its factors and a short explanation in Russian (phrases from
rules.yaml); each skipped one carries its reasons and the response code to save for it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt

from .content.catalog import Product, Segment
from .content.rules_content import DEFAULT_POLICY
from .content.speech import money
from .eligibility import Call, ContextError, Customer, InputModel, Reason, check_offers, party_problems

if TYPE_CHECKING:
    from .content.call_types import CallType
    from .content.loader import Content
    from .content.rules_content import OfferPolicy

DAYS_PER_MONTH = 30
SCORE_DIGITS = 6


class PolicyReason(str, Enum):
    """Why the contact policy holds back an offer the eligibility check allows (texts in rules.yaml)."""

    duplicate = "duplicate"        # the same product is already in the campaigns list above
    cooloff = "cooloff"            # the customer answered this offer recently (rules.yaml cooloff_days)
    off_segment = "off_segment"    # not for the customer's segment and off_segment_weight is 0


# Segments of seed 001 by the main services a customer has (mobile does not change the home segment).
SEGMENT_SERVICES: dict[frozenset[str], Segment] = {
    frozenset({"internet", "tv"}): Segment.internet_tv,
    frozenset({"internet", "tv", "phone"}): Segment.internet_tv_phone,
    frozenset({"internet"}): Segment.mono_internet,
    frozenset({"phone"}): Segment.mono_phone,
    frozenset({"tv"}): Segment.mono_tv,
}
HOME_SERVICES = frozenset({"internet", "tv", "phone"})


class PastResponse(InputModel):
    """A response saved earlier for an offer to this customer."""

    product: str
    response: str = Field(description="The response code saved (response_codes)")
    at: dt.datetime


class OfferRequest(InputModel):
    """One line of ``python main.py offers``: the eligibility context without ``offer``, plus what ranking needs."""

    customer: Customer = Field(default_factory=Customer)
    call: Call = Field(default_factory=Call)
    topic: str | None = Field(default=None, description="The customer's issue topic (bridges.yaml or topics.yaml)")
    segment: Segment | None = Field(default=None, description="Overrides the segment derived from the services")
    campaigns: list[str] | None = Field(default=None, description="The offers of the CRM tab; all products if null")
    history: list[PastResponse] = Field(default_factory=list)
    now: dt.datetime | None = Field(default=None, description="Required when there is history")
    limit: PositiveInt | None = None
    waived: list[str] = Field(default_factory=list, description="Reasons that do not hold in this kind of call")


class Factor(BaseModel):
    """One context weight of a ranked offer: the bridge of the issue topic, or the customer's segment."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["topic", "segment"]
    weight: float
    topic: str | None = None
    position: int | None = None
    segment: Segment | None = None
    fit: Literal["featured", "in_segment", "off_segment"] | None = None


class RankedOffer(BaseModel):
    model_config = ConfigDict(frozen=True)

    offer: str
    rank: int
    score: float
    propensity: float
    value: float
    weight: float
    factors: tuple[Factor, ...]
    why: str


class SkippedOffer(BaseModel):
    model_config = ConfigDict(frozen=True)

    offer: str
    reasons: tuple[str, ...]
    response: str
    why: str


class OfferList(BaseModel):
    model_config = ConfigDict(frozen=True)

    segment: Segment | None
    topic: str | None
    offers: tuple[RankedOffer, ...]
    skipped: tuple[SkippedOffer, ...]

    def as_json(self) -> dict:
        return self.model_dump(mode="json", exclude_none=True)


def segment_of(services: Iterable[str]) -> Segment | None:
    """The seed 001 segment of a customer with these services (None for combinations the seeds do not name)."""
    return SEGMENT_SERVICES.get(frozenset(services) & HOME_SERVICES)


def offer_value(product: Product, months: int) -> float:
    """Revenue of the product over ``months``: first payment + monthly payments after the trial (or instalment)."""
    price = product.price_month or 0.0
    if product.instalment_months is not None:
        paid_months = float(min(months, product.instalment_months))
    else:
        paid_months = max(0.0, months - product.trial_days / DAYS_PER_MONTH)
    return round(product.upfront + price * paid_months, 2)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


def request_problems(request: OfferRequest, content: Content) -> list[str]:
    problems = party_problems(request.customer, request.call, content)
    known_topics = content.bridges.keys() | content.topics.keys()
    if request.topic is not None and request.topic not in known_topics:
        problems.append(f"unknown topic {request.topic!r}; known: {', '.join(sorted(known_topics))}")
    for product_id in request.campaigns or []:
        if product_id not in content.products:
            problems.append(f"campaigns: unknown product {product_id!r}")
    for past in request.history:
        if past.product not in content.products:
            problems.append(f"history: unknown product {past.product!r}")
        if past.response not in content.response_codes:
            problems.append(f"history: unknown response code {past.response!r}")
    for reason in request.waived:
        if reason not in {r.value for r in Reason}:
            problems.append(f"waived: unknown reason {reason!r}")
    if request.history and request.now is None:
        problems.append("now: required when there is history")
    return problems


def _holding_back(request: OfferRequest, policy: OfferPolicy) -> dict[str, PastResponse]:
    """Products a past response still holds back (each response for its own cool-off days): the latest such one."""
    if request.now is None:
        return {}
    now = _aware(request.now)
    holding: dict[str, tuple[dt.datetime, int, PastResponse]] = {}
    for index, past in enumerate(request.history):
        at = _aware(past.at)
        if now - at >= dt.timedelta(days=policy.cooloff_days.get(past.response, 0)):
            continue
        current = holding.get(past.product)
        if current is None or (at, index) > current[:2]:
            holding[past.product] = (at, index, past)
    return {product_id: entry[2] for product_id, entry in holding.items()}


def _factors(product: Product, topic: str | None, segment: Segment | None, policy: OfferPolicy,
             content: Content) -> list[Factor]:
    """The context weights of a product; a weight of exactly 1 changes nothing and is left out."""
    factors: list[Factor] = []
    if topic is not None and topic in content.bridges:
        bridge_products = content.bridges[topic].products
        weights = policy.topic_weights.get(topic) or policy.bridge_weights
        if product.id in bridge_products:
            position = bridge_products.index(product.id)
            weight = weights[min(position, len(weights) - 1)]
            if weight != 1:
                factors.append(Factor(kind="topic", weight=weight, topic=topic, position=position + 1))
    if segment is not None:
        if product.id in policy.featured.get(segment, ()):
            fit, weight = "featured", policy.featured_weight
        elif segment in product.segments:
            fit, weight = "in_segment", policy.segment_weight
        else:
            fit, weight = "off_segment", policy.off_segment_weight
        if weight != 1:
            factors.append(Factor(kind="segment", weight=weight, segment=segment, fit=fit))
    return factors


def _explain(score: float, propensity: float, value: float, weight: float, factors: list[Factor],
             policy: OfferPolicy, content: Content) -> list[str]:
    parts = [policy.explain_score.format(propensity=money(round(propensity * 100, 1)), value=money(value),
                                         weight=money(weight), score=money(score))]
    segment_templates = {"featured": policy.explain_featured, "in_segment": policy.explain_segment,
                         "off_segment": policy.explain_off_segment}
    for factor in factors:
        if factor.kind == "topic":
            parts.append(policy.explain_bridge.format(
                topic=content.bridges[factor.topic].name, position=factor.position, weight=money(factor.weight)))
        else:
            parts.append(segment_templates[factor.fit].format(
                segment=policy.segment_names.get(factor.segment, factor.segment.value), weight=money(factor.weight)))
    return parts


def _skipped(product_id: str, reasons: list[str], fate: str, content: Content, call_type: CallType) -> SkippedOffer:
    ordered = tuple(sorted(set(reasons)))
    why = "; ".join(content.reasons[code].text for code in ordered)
    return SkippedOffer(offer=product_id, reasons=ordered, response=call_type.fate(fate).code, why=why)


def next_best_offers(request: OfferRequest, content: Content, call_type: CallType | None = None) -> OfferList:
    """Rank the offers for this customer and call; raises ContextError on ids the content does not know.
    ``call_type`` gives the codes of held-back offers (the default call type's by default)."""
    call_type = call_type or content.call_types[content.default_call_type]
    problems = request_problems(request, content)
    if problems:
        raise ContextError(problems)
    policy = content.offer_policy[DEFAULT_POLICY]
    segment = request.segment or segment_of(request.customer.services)
    candidates = request.campaigns if request.campaigns is not None else sorted(
        pid for pid, product in content.products.items() if product.family in call_type.offer_families)
    held_back = _holding_back(request, policy)

    scored: list[tuple[float, str, float, float, float, list[Factor]]] = []
    skipped: list[SkippedOffer] = []
    seen: set[str] = set()
    verdicts = {verdict.offer: verdict
                for verdict in check_offers(request.customer, request.call, dict.fromkeys(candidates), content,
                                            request.waived)}
    for product_id in candidates:
        if product_id in seen:
            skipped.append(_skipped(product_id, [PolicyReason.duplicate.value], "repeated", content, call_type))
            continue
        seen.add(product_id)
        product = content.products[product_id]
        verdict = verdicts[product_id]
        reasons = [reason.value for reason in verdict.reasons]
        fate = "has_it" if Reason.already_has in verdict.reasons else "forbidden"
        past = held_back.get(product_id)
        if past is not None:
            reasons.append(PolicyReason.cooloff.value)
            if content.response_codes[past.response].connects:
                fate = "has_it"
        factors = _factors(product, request.topic, segment, policy, content)
        weight = 1.0
        for factor in factors:
            weight *= factor.weight
        if weight == 0:
            reasons.append(PolicyReason.off_segment.value)
        if reasons:
            skipped.append(_skipped(product_id, reasons, fate, content, call_type))
            continue
        prior = content.offer_priors.get(product_id)
        propensity = prior.propensity if prior is not None else policy.default_propensity
        value = offer_value(product, policy.value_months)
        score = round(propensity * value * weight, SCORE_DIGITS)
        scored.append((score, product_id, propensity, value, weight, factors))

    scored.sort(key=lambda item: (-item[0], item[1]))
    if request.limit is not None:
        scored = scored[: request.limit]
    ranked: list[RankedOffer] = []
    for rank, (score, product_id, propensity, value, weight, factors) in enumerate(scored, 1):
        parts = _explain(score, propensity, value, weight, factors, policy, content)
        if rank > 1 and score == scored[rank - 2][0]:
            parts.append(policy.explain_tie.format(previous=content.products[scored[rank - 2][1]].name))
        ranked.append(RankedOffer(offer=product_id, rank=rank, score=round(score, 2), propensity=propensity,
                                  value=value, weight=round(weight, SCORE_DIGITS), factors=tuple(factors),
                                  why="; ".join(parts)))
    skipped.sort(key=lambda item: item.offer)
    return OfferList(segment=segment, topic=request.topic, offers=tuple(ranked), skipped=tuple(skipped))
