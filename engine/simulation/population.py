"""Synthetic customers: scenario personas of a call type with seeded variation (dialogues/simulation.yaml).

Customer ``i`` of seed ``s`` is the same in every version of the content that has the same scenarios, so two
versions are compared on the very same people (a paired comparison)."""
from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from ..judge import Rules, ScenarioJudge

if TYPE_CHECKING:
    from ..content.loader import Content
    from ..content.scenarios import Scenario
    from ..content.simulation import Population

K = TypeVar("K")
SEPARATOR = "__"  # a synthetic customer's scenario id: <scenario>__<index>


class PopulationError(ValueError):
    """The call type has no scenarios, or no population settings, to build customers from."""


def weighted(rng: random.Random, weights: Mapping[K, float]) -> K:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


def personas(content: Content, call_type: str) -> list[Scenario]:
    return [content.scenarios[sid] for sid in sorted(content.scenarios)
            if (content.scenarios[sid].call_type or content.default_call_type) == call_type]


def synthetic(content: Content, call_type: str, count: int, seed: int) -> dict[str, Scenario]:
    """``count`` synthetic customers as scenarios (keyed by their ids), built from the call type's personas."""
    settings: Population | None = content.populations.get(call_type)
    bases = personas(content, call_type)
    if settings is None or not bases:
        raise PopulationError(call_type)
    rules = Rules(content.products, content.services)
    main_offers = {base.id: ScenarioJudge(base, content.call_type_of(base), rules).main_offer for base in bases}
    made = {}
    for index in range(count):
        rng = random.Random(f"{seed}:{index}")
        base = rng.choice(bases)
        made[f"{base.id}{SEPARATOR}{index}"] = vary(base, settings, rng, main_offers[base.id], index)
    return made


def vary(base: Scenario, settings: Population, rng: random.Random, main_offer: str, index: int) -> Scenario:
    from ..content.scenarios import ObjectionStep

    mood = weighted(rng, settings.moods)
    persona = base.persona.model_copy(update={
        "mood": mood,
        "patience": max(1, base.persona.patience + rng.randint(-settings.patience_spread, settings.patience_spread)),
    })
    own = list(base.objections)
    extra = [ObjectionStep(id=objection) for objection in settings.objections
             if objection not in {step.id for step in own}]
    rng.shuffle(extra)
    objections = (own + extra)[:weighted(rng, settings.objection_counts)]
    answers = settings.answers.get(mood, {})
    final_answer = weighted(rng, answers) if base.final_answer in answers else base.final_answer
    customer, traps = base.customer, list(base.traps)
    trap = settings.already_has_trap
    if rng.random() < settings.already_has and trap is not None and main_offer not in customer.options \
            and not any(set(trap.fields) & set(known.fields) for known in traps):
        customer = customer.model_copy(update={"options": [*customer.options, main_offer]})
        traps.append(trap)
    return base.model_copy(update={"id": f"{base.id}{SEPARATOR}{index}", "persona": persona,
                                   "objections": objections, "final_answer": final_answer, "customer": customer,
                                   "traps": traps})


def with_customers(content: Content, customers: Mapping[str, Scenario]) -> Content:
    """The content with the synthetic customers among its scenarios (the trainee mode looks a scenario up by id)."""
    return replace(content, scenarios={**content.scenarios, **customers})

