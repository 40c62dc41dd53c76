"""Cross-references between content items: every id, stage, guard and template named must exist."""
from __future__ import annotations

from typing import Any

from state_machines.compiled import ANY_STATE
from state_machines.guards import GUARDS
from state_machines.simulated_customer import CUSTOMER_GUARDS

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


def _template(speech: Speech, item: Any, field: str, problems: list[Problem]) -> None:
    name = getattr(item, field)
    if name is not None and not speech.exists(name):
        problems.append(item.problem(f"no speech module {name!r} in scripts_ru/", field))


def _transition(transition: Any, states: set[str], guards: dict[str, Any], noun: str,
                problems: list[Problem]) -> None:
    """Sources and destination among ``states`` (a stage of a call, a state of a customer), guards known."""
    for index, source in enumerate(transition.source):
        if source != ANY_STATE and source not in states:
            problems.append(transition.problem(f"transition from unknown {noun} {source!r}", "source", index))
    if transition.dest is not None and transition.dest not in states:
        problems.append(transition.problem(f"transition to unknown {noun} {transition.dest!r}", "dest"))
    for field in ("conditions", "unless"):
        for index, guard in enumerate(getattr(transition, field)):
            if guard not in guards:
                problems.append(transition.problem(
                    f"unknown condition {guard!r}; known: {', '.join(sorted(guards))}", field, index))


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
        _transition(transition, stage_ids, GUARDS, "stage", problems)


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
    problems.extend(check_trainee(merged, speech))
    for product_id in sorted(CONTRACT_PRODUCTS - products.keys()):
        problems.append(section_problem(products, f"product {product_id!r} of the contract is missing"))
    for code in sorted(CONTRACT_RESPONSE_CODES - merged["response_codes"].keys()):
        problems.append(section_problem(merged["response_codes"], f"response code {code!r} of the contract is missing"))
    return problems


# --- trainee mode: the simulated customer's machines and the scenarios ------------------------------------------
def _hidden(model: Any, fields: list[str], part: str) -> Any:
    """``model`` with the trap's fields of this part back at their defaults (what the trainee sees before)."""
    names = [f.split(".", 1)[1] for f in fields if f.startswith(part + ".")]
    defaults = type(model)()
    return model.model_copy(update={name: getattr(defaults, name) for name in names})


def _check_machine(spec: Any, merged: dict[str, dict[str, Any]], speech: Speech, problems: list[Problem]) -> None:
    from engine.understanding.lexicon import CLIENT_INTENTS, OPERATOR_TAGS

    from .scenarios import DYNAMIC_LINES, STANDING_LINE

    states = {state.id for state in spec.states}
    if spec.initial not in states:
        problems.append(spec.problem(f"initial state {spec.initial!r} is not one of the states", "initial"))
    lines = {line.id for line in spec.lines}
    call_triggers = {t.trigger for ct in merged["call_types"].values() for t in ct.transitions}
    for index, line in enumerate(spec.lines):
        if not speech.exists(f"client/{line.id}.j2"):
            problems.append(spec.problem(f"no speech module 'client/{line.id}.j2' in scripts_ru/", "lines", index))
        if line.intent not in CLIENT_INTENTS:
            problems.append(spec.problem(f"unknown intent {line.intent!r}", "lines", index, "intent"))
    for transition in spec.transitions:
        _transition(transition, states, CUSTOMER_GUARDS, "state", problems)
        if transition.say is not None and transition.say not in lines | {*DYNAMIC_LINES, STANDING_LINE}:
            problems.append(transition.problem(f"unknown line {transition.say!r}; add it to lines", "say"))
        for index, trigger in enumerate(transition.call):
            if trigger not in call_triggers:
                problems.append(transition.problem(f"no call type has the event {trigger!r}", "call", index))
    for objection, tags in spec.worked_by.items():
        if objection not in merged["objections"]:
            problems.append(spec.problem(f"unknown objection {objection!r}", "worked_by", objection))
        for tag in tags:
            if tag not in OPERATOR_TAGS:
                problems.append(spec.problem(f"unknown operator move {tag!r}", "worked_by", objection))


def _check_scenario(scenario: Any, merged: dict[str, dict[str, Any]], speech: Speech,
                    problems: list[Problem]) -> None:
    from types import SimpleNamespace

    from engine.eligibility import EligibilityContext, check_eligibility
    from engine.responses import outcome_of_verdict, response_code
    from engine.understanding.lexicon import CLIENT_INTENTS, OPERATOR_TAGS

    products, codes = merged["products"], merged["response_codes"]
    machine = merged["customer_machines"].get(scenario.machine)
    if machine is None:
        problems.append(scenario.problem(f"unknown customer machine {scenario.machine!r}", "machine"))
    if scenario.issue not in merged["bridges"]:
        problems.append(scenario.problem(f"unknown issue topic {scenario.issue!r} (bridges)", "issue"))
    for index, product_id in enumerate(scenario.offers):
        if product_id not in products:
            problems.append(scenario.problem(f"unknown product {product_id!r}", "offers", index))
    for index, step in enumerate(scenario.objections):
        if step.id not in merged["objections"]:
            problems.append(scenario.problem(f"unknown objection {step.id!r}", "objections", index))
        elif not speech.exists(step.template):
            problems.append(scenario.problem(f"no speech module {step.template!r} in scripts_ru/", "objections", index))
        for tag in step.worked_by or []:
            if tag not in OPERATOR_TAGS:
                problems.append(scenario.problem(f"unknown operator move {tag!r}", "objections", index))
    for index, service in enumerate(scenario.customer.services):
        if service not in merged["services"]:
            problems.append(scenario.problem(f"unknown service {service!r}", "customer", "services", index))
    for index, option in enumerate(scenario.customer.options):
        if option not in products:
            problems.append(scenario.problem(f"unknown product {option!r}", "customer", "options", index))
    for line_id, template in scenario.lines.items():
        if not speech.exists(template):
            problems.append(scenario.problem(f"no speech module {template!r} in scripts_ru/", "lines", line_id))
    if scenario.expected_outcome not in codes:
        problems.append(scenario.problem(f"unknown response code {scenario.expected_outcome!r}", "expected_outcome"))
    for product_id, code in scenario.other_outcomes.items():
        if product_id not in scenario.offers:
            problems.append(scenario.problem(f"{product_id!r} is not one of the offers", "other_outcomes"))
        if code not in codes:
            problems.append(scenario.problem(f"unknown response code {code!r}", "other_outcomes", product_id))
    questions = {question.id for question in machine.questions} if machine is not None else set()
    known_fields = {f"customer.{name}" for name in type(scenario.customer).model_fields} | \
                   {f"call.{name}" for name in type(scenario.call).model_fields}
    if any(p not in products for p in scenario.offers) or scenario.issue not in merged["bridges"]:
        return
    rules = SimpleNamespace(products=products, services=merged["services"])

    def reasons(customer: Any, call: Any) -> set[str]:
        return {reason.value for offer in scenario.offers
                for reason in check_eligibility(EligibilityContext(offer=offer, customer=customer, call=call),
                                                rules).reasons}

    try:
        truth = reasons(scenario.customer, scenario.call)
    except ValueError as exc:
        problems.append(scenario.problem(f"eligibility context: {exc}", "customer"))
        return
    for index, trap in enumerate(scenario.traps):
        if not speech.exists(trap.template):
            problems.append(trap.problem(f"no speech module {trap.template!r} in scripts_ru/", "line"))
        if trap.intent not in CLIENT_INTENTS:
            problems.append(trap.problem(f"unknown intent {trap.intent!r}", "intent"))
        for q_index, question in enumerate(trap.asked_by):
            if question not in questions:
                problems.append(trap.problem(f"unknown question {question!r}; known: {', '.join(sorted(questions))}",
                                             "asked_by", q_index))
        if not trap.asked_by and trap.volunteered is None:
            problems.append(trap.problem("a trap nobody can find: give it asked_by or volunteered", "id"))
        unknown = [f for f in trap.fields if f not in known_fields]
        for f in unknown:
            problems.append(trap.problem(f"unknown context field {f!r}", "fields", trap.fields.index(f)))
        if unknown:
            continue
        hidden = reasons(_hidden(scenario.customer, trap.fields, "customer"), _hidden(scenario.call, trap.fields, "call"))
        if not truth - hidden:
            problems.append(trap.problem("not a trap: hiding these fields changes no reason «когда не предлагаем»",
                                         "fields"))
    verdicts = [check_eligibility(EligibilityContext(offer=offer, customer=scenario.customer, call=scenario.call),
                                  rules) for offer in scenario.offers]
    if verdicts and not any(v.allowed for v in verdicts):
        code = response_code(outcome_of_verdict([r.value for r in verdicts[0].reasons])).value
        if scenario.expected_outcome != code:
            problems.append(scenario.problem(f"every offer is forbidden ({', '.join(sorted(truth))}): the response "
                                             f"code is {code!r}", "expected_outcome"))


def check_trainee(merged: dict[str, dict[str, Any]], speech: Speech) -> list[Problem]:
    problems: list[Problem] = []
    for spec in merged["customer_machines"].values():
        _check_machine(spec, merged, speech, problems)
    for scenario in merged["scenarios"].values():
        _check_scenario(scenario, merged, speech, problems)
    return problems
