"""Authored parts of the offer rules: reason texts for people, offer priors and the contact policy (rules.yaml)."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt

from .base import Authored, Identifier, format_problem, section_problem
from .catalog import Segment
from .yaml_source import Problem

Probability = Annotated[float, Field(gt=0, le=1)]


class ReasonText(Authored):
    code: Identifier = Field(description="Код причины (CONTRACT.md) или правила контактной политики")
    text: str = Field(description="Почему нельзя предлагать — для оператора, стажёра и тренера")
    source: str = Field(default="", description="Откуда правило: семинар (seed) и раздел")


class OfferPrior(Authored):
    product: Identifier = Field(description="Продукт из каталога")
    propensity: Probability = Field(description="Склонность купить: доля согласий на предложение, 0–1")
    source: str = Field(default="", description="Откуда оценка (демо-значение, если нет в материалах)")


class OfferPolicy(Authored):
    id: Identifier = Field(description="Имя политики; используется политика default")
    default_propensity: Probability = Field(description="Склонность для продукта без собственной оценки")
    value_months: PositiveInt = Field(default=12, description="Горизонт ценности продукта, месяцев выручки")
    bridge_weights: list[PositiveFloat] = Field(
        min_length=1, description="Вес продуктов из мостика темы обращения по их месту в мостике (1-й, 2-й, …)")
    topic_weights: dict[Identifier, list[PositiveFloat]] = Field(
        default_factory=dict, description="Свои веса мостика для темы (например, [1] — тема не влияет)")
    segment_weight: NonNegativeFloat = Field(default=1, description="Вес продукта, который предлагают сегменту клиента")
    featured_weight: NonNegativeFloat = Field(default=1, description="Вес продукта, рекомендованного сегменту клиента")
    featured: dict[Segment, list[Identifier]] = Field(
        default_factory=dict, description="Рекомендованные продукты каждого сегмента (seed 001)")
    off_segment_weight: NonNegativeFloat = Field(
        default=1, description="Вес продукта не для сегмента клиента (0 — не предлагать вовсе)")
    cooloff_days: dict[Identifier, NonNegativeInt] = Field(
        default_factory=dict, description="Код отклика → сколько дней после него продукт не предлагаем снова")
    segment_names: dict[Segment, str] = Field(default_factory=dict, description="Сегменты для людей")
    explain_score: str = Field(description="Пояснение счёта: {propensity} {value} {weight} {score}")
    explain_bridge: str = Field(description="Пояснение веса темы обращения: {topic} {position} {weight}")
    explain_segment: str = Field(description="Пояснение веса сегмента: {segment} {weight}")
    explain_featured: str = Field(description="Пояснение веса рекомендованного сегменту: {segment} {weight}")
    explain_off_segment: str = Field(description="Пояснение веса чужого сегмента: {segment} {weight}")
    explain_tie: str = Field(description="Пояснение порядка при равном счёте: {previous}")


DEFAULT_POLICY = "default"
# Sample values each explanation is formatted with at load time, so a broken placeholder fails validation.
EXPLAIN_SAMPLES: dict[str, dict[str, Any]] = {
    "explain_score": {"propensity": "12", "value": "2 629", "weight": "1,5", "score": "473,22"},
    "explain_bridge": {"topic": "topic", "position": 1, "weight": "3"},
    "explain_segment": {"segment": "segment", "weight": "1"},
    "explain_featured": {"segment": "segment", "weight": "1,5"},
    "explain_off_segment": {"segment": "segment", "weight": "0"},
    "explain_tie": {"previous": "product"},
}


def check_rules(merged: dict[str, dict[str, Any]]) -> list[Problem]:
    """Reason texts for every code, priors for known products, a usable default contact policy."""
    from ..eligibility import Reason
    from ..next_best_offer import PolicyReason

    problems: list[Problem] = []
    reasons, priors, policies = merged["reasons"], merged["offer_priors"], merged["offer_policy"]
    known_codes = {reason.value for reason in Reason} | {reason.value for reason in PolicyReason}
    for code, item in reasons.items():
        if code not in known_codes:
            problems.append(item.problem(f"unknown reason code {code!r}; known: {', '.join(sorted(known_codes))}",
                                         "code"))
    for code in sorted(known_codes - reasons.keys()):
        problems.append(section_problem(reasons, f"reason code {code!r} has no text in reasons:"))
    for product_id, prior in priors.items():
        if product_id not in merged["products"]:
            problems.append(prior.problem(f"unknown product {product_id!r}", "product"))
    policy = policies.get(DEFAULT_POLICY)
    if policy is None:
        problems.append(section_problem(policies, f"offer_policy {DEFAULT_POLICY!r} is missing"))
        return problems
    for topic, weights in policy.topic_weights.items():
        if topic not in merged["bridges"]:
            problems.append(policy.problem(f"unknown topic {topic!r}", "topic_weights", topic))
        elif not weights:
            problems.append(policy.problem(f"topic {topic!r} needs at least one weight", "topic_weights", topic))
    for segment, product_ids in policy.featured.items():
        for index, product_id in enumerate(product_ids):
            product = merged["products"].get(product_id)
            if product is None:
                problems.append(policy.problem(f"unknown product {product_id!r}", "featured", segment.value, index))
            elif segment not in product.segments:
                problems.append(policy.problem(
                    f"product {product_id!r} is not offered to segment {segment.value!r} (catalog segments)",
                    "featured", segment.value, index))
    response_codes = set(merged["response_codes"])
    for code in policy.cooloff_days:
        if code not in response_codes:
            problems.append(policy.problem(f"unknown response code {code!r}", "cooloff_days", code))
    for segment in Segment:
        if segment not in policy.segment_names:
            problems.append(policy.problem(f"segment {segment.value!r} has no name", "segment_names"))
    for field, sample in EXPLAIN_SAMPLES.items():
        problem = format_problem(policy, field, getattr(policy, field), sample)
        if problem is not None:
            problems.append(problem)
    return problems
