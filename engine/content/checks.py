"""Cross-references between content items: every id, stage, guard, behaviour, rule, fact and template named must
exist — checked once at load, so a call type, a rubric or a scenario that would fail in front of a trainee fails
``validate`` instead, at its line."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from state_machines.compiled import ANY_STATE
from state_machines.guards import GUARDS
from state_machines.simulated_customer import CUSTOMER_GUARDS, SITUATION

from ..vocabulary import FATES, INTENT_KINDS
from .base import Authored, section_problem
from .call_types import CallType
from .rules_content import check_rules
from .speech import Speech
from .yaml_source import Problem

CONTRACT_PRODUCTS = frozenset({
    "ent_package", "video_surveillance", "smart_speaker", "smart_speaker_mini", "antivirus", "safe_kids", "who_calls",
    "lyceum", "guarantee_plus", "books", "start", "viju", "wink_5in1", "speed_boost",
})


@dataclass(frozen=True)
class Language:
    """What the understanding knows, for checking the names content uses: intents with their kinds, the
    operator's moves, the lexicon's reading contexts."""

    intents: dict[str, str]
    moves: frozenset[str]
    contexts: frozenset[str]


def _template(speech: Speech, item: Any, field: str, problems: list[Problem], *sub: str | int) -> None:
    name = getattr(item, field)
    if name is not None and not speech.exists(name):
        problems.append(item.problem(f"no speech module {name!r} in scripts_ru/", *sub, field))


def _transition(transition: Any, states: set[str], guards: Collection[str], noun: str,
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


def _moves(item: Any, moves: Collection[str], known: frozenset[str], problems: list[Problem], *where: str | int
           ) -> None:
    for index, move in enumerate(moves):
        if move not in known:
            problems.append(item.problem(f"unknown operator move {move!r}; known: {', '.join(sorted(known))}",
                                         *where, index))


def _facts(item: Any, facts: list[str], field: str, language: Language, call_type: CallType | None,
           problems: list[Problem]) -> None:
    from ..scorecard.facts import fact_problem

    situation = set(call_type.situation) if call_type is not None else None
    for index, fact in enumerate(facts):
        problem = fact_problem(fact, intents=set(language.intents), moves=set(language.moves), situation=situation)
        if problem is not None:
            problems.append(item.problem(problem, field, index))


def _call_type(call_type: CallType, merged: dict[str, dict[str, Any]], speech: Speech, language: Language,
               problems: list[Problem]) -> None:
    from ..assistant.behaviours import ENTER, INPUT
    from ..eligibility import Reason

    stage_ids = {stage.id for stage in call_type.stages}
    triggers = {transition.trigger for transition in call_type.transitions}
    outcomes = {outcome.id for outcome in call_type.outcomes}
    seen: set[str] = set()
    for index, stage in enumerate(call_type.stages):
        if stage.id in seen:
            problems.append(call_type.problem(f"duplicate stage {stage.id!r}", "stages", index, "id"))
        seen.add(stage.id)
        if stage.hint is not None:
            for field in ("template", "when_forbidden"):
                _template(speech, stage.hint, field, problems)
        for field, registry in (("enter", ENTER), ("input", INPUT)):
            name = getattr(stage.bot, field)
            if name is not None and name not in registry:
                problems.append(call_type.problem(f"unknown bot behaviour {name!r}; known: {', '.join(sorted(registry))}",
                                                  "stages", index, "bot", field))
        _template(speech, stage.bot, "template", problems, "stages", index, "bot")
        if stage.bot.then is not None and stage.bot.then not in triggers:
            problems.append(call_type.problem(f"no transition fires on {stage.bot.then!r}", "stages", index, "bot"))
        for kind, trigger in stage.on_kind.items():
            if trigger not in triggers:
                problems.append(call_type.problem(f"on_kind {kind}: no transition fires on {trigger!r}", "stages",
                                                  index, "on_kind"))
        for button, trigger in stage.on_button.items():
            if trigger not in triggers:
                problems.append(call_type.problem(f"on_button {button}: no transition fires on {trigger!r}",
                                                  "stages", index, "on_button"))
        if stage.reading is not None and stage.reading not in language.contexts:
            problems.append(call_type.problem(f"unknown lexicon context {stage.reading!r}; known: "
                                              f"{', '.join(sorted(language.contexts))}", "stages", index, "reading"))
    if call_type.initial not in stage_ids:
        problems.append(call_type.problem(f"initial stage {call_type.initial!r} is not one of the stages", "initial"))
    for transition in call_type.transitions:
        _transition(transition, stage_ids, GUARDS, "stage", problems)
        if transition.outcome is not None and transition.outcome not in outcomes:
            problems.append(transition.problem(f"unknown outcome {transition.outcome!r}; known: "
                                               f"{', '.join(sorted(outcomes))}", "outcome"))
    codes = merged["response_codes"]
    for index, code in enumerate(call_type.codes):
        if code not in codes:
            problems.append(call_type.problem(f"unknown response code {code!r}", "codes", index))
    if call_type.default_code not in call_type.codes:
        problems.append(call_type.problem(f"default code {call_type.default_code!r} is not one of codes",
                                          "default_code"))
    for index, outcome in enumerate(call_type.outcomes):
        if outcome.code not in call_type.codes:
            problems.append(call_type.problem(f"outcome {outcome.id!r}: code {outcome.code!r} is not one of codes",
                                              "outcomes", index, "code"))
    fates = [outcome.fate for outcome in call_type.outcomes if outcome.fate is not None]
    for fate in FATES:
        if fates.count(fate) != 1:
            problems.append(call_type.problem(f"exactly one outcome must have fate {fate!r} (found "
                                              f"{fates.count(fate)})", "outcomes"))
    for index, rule in enumerate(call_type.judge):
        if rule.outcome not in outcomes:
            problems.append(call_type.problem(f"unknown outcome {rule.outcome!r}", "judge", index, "outcome"))
        for field in ("when", "when_any", "unless"):
            _facts(rule, getattr(rule, field), field, language, call_type, problems)
    last = call_type.judge[-1]
    if last.when or last.when_any or last.unless:
        problems.append(last.problem("the last judge rule must hold always (no when/unless): every call gets a code"))
    for index, closing in enumerate(call_type.closings):
        if closing.code not in call_type.codes:
            problems.append(call_type.problem(f"closing for unknown code {closing.code!r}", "closings", index))
        _template(speech, closing, "template", problems)
    _template(speech, call_type, "default_closing", problems)
    _template(speech, call_type, "trainee_briefing", problems)
    known_reasons = {reason.value for reason in Reason}
    for index, reason in enumerate(call_type.waived_reasons):
        if reason not in known_reasons:
            problems.append(call_type.problem(f"unknown reason {reason!r}", "waived_reasons", index))
    families = {product.family for product in merged["products"].values()}
    for index, family in enumerate(call_type.offer_families):
        if family not in families:
            problems.append(call_type.problem(f"no product of family {family!r}", "offer_families", index))
    if call_type.customer_machine not in merged["customer_machines"]:
        problems.append(call_type.problem(f"unknown customer machine {call_type.customer_machine!r}",
                                          "customer_machine"))
    if call_type.rubric not in merged["rubrics"]:
        problems.append(call_type.problem(f"unknown rubric {call_type.rubric!r}", "rubric"))


def cross_check(merged: dict[str, dict[str, Any]], speech: Speech, language: Language) -> list[Problem]:
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
        if objection.id not in language.intents:
            problems.append(objection.problem(f"unknown intent {objection.id!r} (an objection is a customer intent)",
                                              "id"))
    defaults = [call_type for call_type in merged["call_types"].values() if call_type.default]
    if len(defaults) != 1:
        problems.append(section_problem(merged["call_types"], f"exactly one call type must be the default "
                                                              f"(found {len(defaults)})"))
    for call_type in merged["call_types"].values():
        _call_type(call_type, merged, speech, language, problems)
    problems.extend(check_rules(merged))
    problems.extend(phrase_problems(merged))
    for product_id in sorted(CONTRACT_PRODUCTS - products.keys()):
        problems.append(section_problem(products, f"product {product_id!r} of the contract is missing"))
    return problems


# the content's lists in the understanding's phrase syntax
PHRASE_FIELDS = frozenset({"phrases", "owner_decides", "refuses", "agrees", "checks_line", "requested", "disconnects",
                           "solutions", "confirms_has_it", "solution", "says"})
PHRASE_MAPS = frozenset({"confirms_situation"})  # name → a phrase list


def phrase_problems(merged: dict[str, dict[str, Any]]) -> list[Problem]:
    """Every phrase list of the content (rubrics, scenarios, topics, feedback) in valid phrase syntax, checked at load,
    so a wrong one is an author's file:line message and never a failure in the middle of a call."""
    from ..understanding.phrases import check_phrase

    problems: list[Problem] = []

    def check(top: Authored, phrases: list[str], path: tuple[str | int, ...]) -> None:
        for index, phrase in enumerate(phrases):
            try:
                check_phrase(phrase)
            except ValueError as error:
                problems.append(top.problem(str(error), *path, index))

    def walk(top: Authored, value: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(value, BaseModel):
            for name in type(value).model_fields:
                field = getattr(value, name)
                if name in PHRASE_FIELDS and isinstance(field, list):
                    check(top, field, (*path, name))
                elif name in PHRASE_MAPS and isinstance(field, dict):
                    for key, phrases in field.items():
                        check(top, phrases, (*path, name, key))
                else:
                    walk(top, field, (*path, name))
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                walk(top, item, (*path, index))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(top, item, (*path, key))

    for section in merged.values():
        for item in section.values():
            walk(item, item, ())
    return problems


# --- trainee mode: the simulated customer's machines and the scenarios ------------------------------------------
def _machine_events(spec: Any, merged: dict[str, dict[str, Any]]) -> set[str]:
    """Call-stage events of the call types this machine plays the customer of."""
    return {t.trigger for ct in merged["call_types"].values() if ct.customer_machine == spec.id for t in ct.transitions}


def check_machine(spec: Any, merged: dict[str, dict[str, Any]], speech: Speech, language: Language,
                  problems: list[Problem]) -> None:
    from ..trainee.reading import CHATTED, CONDITIONS, FED_UP, PICKED_UP
    from .scenarios import DYNAMIC_LINES

    states = {state.id for state in spec.states}
    if spec.initial not in states:
        problems.append(spec.problem(f"initial state {spec.initial!r} is not one of the states", "initial"))
    lines = {line.id for line in spec.lines}
    events = _machine_events(spec, merged)
    triggers = {transition.trigger for transition in spec.transitions}
    for required in (CHATTED,):
        if required not in triggers:
            problems.append(spec.problem(f"the machine must handle the event {required!r}", "transitions"))
    for index, line in enumerate(spec.lines):
        if not speech.exists(spec.template(line.id)):
            problems.append(spec.problem(f"no speech module {spec.template(line.id)!r} in scripts_ru/", "lines",
                                         index))
        if line.intent not in language.intents:
            problems.append(spec.problem(f"unknown intent {line.intent!r}", "lines", index, "intent"))
    answers = {answer.id for answer in spec.answers}
    for index, answer in enumerate(spec.answers):
        if answer.call not in events:
            problems.append(spec.problem(f"answer {answer.id!r}: no call type of this machine has the event "
                                         f"{answer.call!r}", "answers", index))
        if answer.id not in lines:
            problems.append(spec.problem(f"answer {answer.id!r} has no line; add it to lines", "answers", index))
    for kind, answer in spec.stands.items():
        if kind not in INTENT_KINDS:
            problems.append(spec.problem(f"stands: unknown intent kind {kind!r}", "stands"))
        if answer not in answers:
            problems.append(spec.problem(f"stands: unknown answer {answer!r}", "stands"))
    for move, line_id in spec.complaints.items():
        if move not in language.moves:
            problems.append(spec.problem(f"complaints: unknown operator move {move!r}", "complaints"))
        if line_id not in lines:
            problems.append(spec.problem(f"complaints: unknown line {line_id!r}", "complaints"))
    for field_name, event in spec.trap_events.items():
        if event not in events:
            problems.append(spec.problem(f"trap_events: no call type of this machine has the event {event!r}",
                                         "trap_events"))
    situation = {f"{SITUATION}{flag}" for ct in merged["call_types"].values() if ct.customer_machine == spec.id
                 for flag in ct.situation}
    for transition in spec.transitions:
        _transition(transition, states, {*CUSTOMER_GUARDS, *situation}, "state", problems)
        if transition.say is not None and transition.say not in lines | set(DYNAMIC_LINES):
            problems.append(transition.problem(f"unknown line {transition.say!r}; add it to lines", "say"))
        for index, trigger in enumerate(transition.call):
            if trigger not in events:
                problems.append(transition.problem(f"no call type of this machine has the event {trigger!r}",
                                                   "call", index))
    fired = {FED_UP, CHATTED, PICKED_UP}
    for where, rules in [(("reads",), spec.reads),
                         *[(("states", i, "reads"), state.reads) for i, state in enumerate(spec.states)]]:
        for index, rule in enumerate(rules):
            fired.add(rule.fire)
            if rule.fire not in triggers:
                problems.append(spec.problem(f"read rule fires {rule.fire!r}, which no transition handles",
                                             *where, index))
            for field in ("moves", "all_moves", "no_moves"):
                _moves(spec, getattr(rule, field), language.moves, problems, *where, index, field)
            for field in ("when", "unless"):
                for condition in getattr(rule, field):
                    if condition not in CONDITIONS:
                        problems.append(spec.problem(f"unknown read condition {condition!r}; known: "
                                                     f"{', '.join(sorted(CONDITIONS))}", *where, index, field))
    for trigger in sorted(triggers - fired):
        problems.append(spec.problem(f"no read rule fires {trigger!r}: the transition can never happen",
                                     "transitions"))
    for objection, tags in spec.worked_by.items():
        if objection not in merged["objections"]:
            problems.append(spec.problem(f"unknown objection {objection!r}", "worked_by", objection))
        _moves(spec, tags, language.moves, problems, "worked_by", objection)
    _moves(spec, spec.vzor_steps, language.moves, problems, "vzor_steps")
    _moves(spec, spec.asking_moves, language.moves, problems, "asking_moves")
