"""Cross-references between content items: every id, stage, guard and template named must exist."""
from __future__ import annotations

from typing import Any

from state_machines.guards import GUARDS

from .base import section_problem
from .call_types import CallType
from .rules_content import check_rules
from .speech import Speech
from .yaml_source import Problem

CONTRACT_PRODUCTS = frozenset({
    "ent_package", "video_surveillance", "smart_speaker", "smart_speaker_mini", "antivirus", "safe_kids", "who_calls",
    "lyceum", "guarantee_plus", "books", "start", "viju", "wink_5in1", "speed_boost",
})
CONTRACT_RESPONSE_CODES = frozenset({"agreed", "thinking", "already_changed", "not_interested", "not_offered"})
ANY_STAGE = "*"


def _template(speech: Speech, item: Any, field: str, problems: list[Problem]) -> None:
    name = getattr(item, field)
    if name is not None and not speech.exists(name):
        problems.append(item.problem(f"no speech module {name!r} in scripts_ru/", field))


def _call_type(call_type: CallType, speech: Speech, problems: list[Problem]) -> None:
    stage_ids = {stage.id for stage in call_type.stages}
    seen: set[str] = set()
    for index, stage in enumerate(call_type.stages):
        if stage.id in seen:
            problems.append(call_type.problem(f"duplicate stage {stage.id!r}", "stages", index, "id"))
        seen.add(stage.id)
        _template(speech, stage, "hint", problems)
    if call_type.initial not in stage_ids:
        problems.append(call_type.problem(f"initial stage {call_type.initial!r} is not one of the stages", "initial"))
    for transition in call_type.transitions:
        for index, source in enumerate(transition.source):
            if source != ANY_STAGE and source not in stage_ids:
                problems.append(transition.problem(f"transition from unknown stage {source!r}", "source", index))
        if transition.dest not in stage_ids:
            problems.append(transition.problem(f"transition to unknown stage {transition.dest!r}", "dest"))
        for field in ("conditions", "unless"):
            for index, guard in enumerate(getattr(transition, field)):
                if guard not in GUARDS:
                    problems.append(transition.problem(
                        f"unknown condition {guard!r}; known: {', '.join(sorted(GUARDS))}", field, index))


def cross_check(merged: dict[str, dict[str, Any]], speech: Speech) -> list[Problem]:
    problems: list[Problem] = []
    services, products = merged["services"], merged["products"]
    for service in services.values():
        for index, dependency in enumerate(service.depends_on):
            if dependency not in services:
                problems.append(service.problem(f"unknown service {dependency!r}", "depends_on", index))
    for product in products.values():
        for field in ("requires", "components"):
            for index, service_id in enumerate(getattr(product, field)):
                if service_id not in services:
                    problems.append(product.problem(f"unknown service {service_id!r}", field, index))
        _template(speech, product, "speech", problems)
    for bridge in merged["bridges"].values():
        for index, product_id in enumerate(bridge.products):
            if product_id not in products:
                problems.append(bridge.problem(f"unknown product {product_id!r}", "products", index))
        _template(speech, bridge, "template", problems)
    for objection in merged["objections"].values():
        _template(speech, objection, "template", problems)
    for call_type in merged["call_types"].values():
        _call_type(call_type, speech, problems)
    problems.extend(check_rules(merged))
    for product_id in sorted(CONTRACT_PRODUCTS - products.keys()):
        problems.append(section_problem(products, f"product {product_id!r} of the contract is missing"))
    for code in sorted(CONTRACT_RESPONSE_CODES - merged["response_codes"].keys()):
        problems.append(section_problem(merged["response_codes"], f"response code {code!r} of the contract is missing"))
    return problems
