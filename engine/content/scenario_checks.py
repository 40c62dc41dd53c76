"""Scenarios checked against their call type, its simulated customer and the one judge of their verdicts: every
id known, every trap a trap, the expected code the code the rules give."""
from __future__ import annotations

from typing import Any

from .checks import Language
from .speech import Speech
from .yaml_source import Problem


def check_scenario(scenario: Any, merged: dict[str, dict[str, Any]], speech: Speech, language: Language,
                   problems: list[Problem]) -> None:
    from ..eligibility import ContextError
    from ..judge import Rules, ScenarioJudge
    from .scenarios import BRIEFING

    call_types = merged["call_types"]
    default = next((ct.id for ct in call_types.values() if ct.default), None)
    call_type = call_types.get(scenario.call_type or default or "")
    if call_type is None:
        problems.append(scenario.problem(f"unknown call type {scenario.call_type!r}", "call_type"))
        return
    products, codes = merged["products"], set(call_type.codes)
    machine = merged["customer_machines"].get(call_type.customer_machine)
    if scenario.topic is not None and scenario.topic not in merged["bridges"]:
        problems.append(scenario.problem(f"unknown issue topic {scenario.topic!r} (bridges)", "topic"))
    topic = merged["topics"].get(scenario.topic or "")
    if scenario.topic is not None and not scenario.solution and (topic is None or not topic.solution):
        problems.append(scenario.problem("no solution: write the phrases that solve this issue (or give its topic a "
                                         "solution)", "solution"))
    if scenario.reason is not None and scenario.reason not in merged["retention_reasons"]:
        problems.append(scenario.problem(f"unknown retention reason {scenario.reason!r}", "reason"))
    for flag in scenario.situation:
        if flag not in call_type.situation:
            problems.append(scenario.problem(f"unknown circumstance {flag!r} of a {call_type.id} call; known: "
                                             f"{', '.join(sorted(call_type.situation)) or 'none'}", "situation"))
    for index, product_id in enumerate(scenario.offers):
        if product_id not in products:
            problems.append(scenario.problem(f"unknown product {product_id!r}", "offers", index))
        elif products[product_id].family not in call_type.offer_families:
            problems.append(scenario.problem(f"{product_id!r} is not offered in a {call_type.id} call (its "
                                             f"offer_families)", "offers", index))
    for index, step in enumerate(scenario.objections):
        if step.id not in merged["objections"]:
            problems.append(scenario.problem(f"unknown objection {step.id!r}", "objections", index))
        elif not speech.exists(step.template):
            problems.append(scenario.problem(f"no speech module {step.template!r} in scripts_ru/", "objections", index,
                                             *(["line"] if step.line else [])))
        for tag in step.worked_by or []:
            if tag not in language.moves:
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
        problems.append(scenario.problem(f"response code {scenario.expected_outcome!r} is not one of the "
                                         f"{call_type.id} codes", "expected_outcome"))
    for product_id, code in scenario.other_outcomes.items():
        if product_id not in scenario.offers:
            problems.append(scenario.problem(f"{product_id!r} is not one of the offers", "other_outcomes"))
        if code not in codes:
            problems.append(scenario.problem(f"unknown response code {code!r}", "other_outcomes", product_id))
    questions = {question.id for question in machine.questions} if machine is not None else set()
    moments = {m for t in machine.transitions for m in t.moments} | {BRIEFING} if machine is not None else {BRIEFING}
    if machine is not None and machine.answer(scenario.final_answer) is None:
        problems.append(scenario.problem(f"unknown final answer {scenario.final_answer!r}; known: "
                                         f"{', '.join(a.id for a in machine.answers)}", "final_answer"))
    for question in scenario.facts:
        if question not in questions:
            problems.append(scenario.problem(f"facts: unknown question {question!r}; known: "
                                             f"{', '.join(sorted(questions))}", "facts"))
    known_fields = {f"customer.{name}" for name in type(scenario.customer).model_fields} | \
                   {f"call.{name}" for name in type(scenario.call).model_fields}
    if any(p not in products for p in scenario.offers):
        return
    judge = ScenarioJudge(scenario, call_type, Rules(products, merged["services"]))
    try:
        judge.truth
    except ContextError as exc:
        problems.append(scenario.problem(f"eligibility context: {exc}", "customer"))
        return
    for trap in scenario.traps:
        if not speech.exists(trap.template):
            problems.append(trap.problem(f"no speech module {trap.template!r} in scripts_ru/", "line"))
        if trap.intent not in language.intents:
            problems.append(trap.problem(f"unknown intent {trap.intent!r}", "intent"))
        for q_index, question in enumerate(trap.asked_by):
            if question not in questions:
                problems.append(trap.problem(f"unknown question {question!r}; known: {', '.join(sorted(questions))}",
                                             "asked_by", q_index))
        if not trap.asked_by and trap.volunteered is None:
            problems.append(trap.problem("a trap nobody can find: give it asked_by or volunteered", "id"))
        if trap.volunteered is not None and trap.volunteered not in moments:
            problems.append(trap.problem(f"unknown moment {trap.volunteered!r}; known: {', '.join(sorted(moments))}",
                                         "volunteered"))
        unknown = [f for f in trap.fields if f not in known_fields]
        for f in unknown:
            problems.append(trap.problem(f"unknown context field {f!r}", "fields", trap.fields.index(f)))
        if not unknown and not judge.trap_changes_verdict(trap):
            problems.append(trap.problem("not a trap: hiding these fields changes no reason «когда не предлагаем»",
                                         "fields"))
    if scenario.offers and not judge.allowed():
        code = judge.forbidden_code(scenario.offers[0])
        if scenario.expected_outcome != code:
            problems.append(scenario.problem(f"every offer is forbidden ({', '.join(judge.forbidding_reasons())}): "
                                             f"the response code is {code!r}", "expected_outcome"))


def check_trainee(merged: dict[str, dict[str, Any]], speech: Speech, language: Language) -> list[Problem]:
    from .checks import check_machine

    problems: list[Problem] = []
    for spec in merged["customer_machines"].values():
        check_machine(spec, merged, speech, language, problems)
    for scenario in merged["scenarios"].values():
        check_scenario(scenario, merged, speech, language, problems)
    return problems
