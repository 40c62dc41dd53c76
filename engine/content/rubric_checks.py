"""Rubrics, scorecard settings and feedback checked at load: rules from the registries, moves the understanding
knows, facts that exist, a text for every check and flag whose placeholders fill, modules that exist."""
from __future__ import annotations

from typing import Any

from .base import format_problem, section_problem
from .checks import Language, _facts, _moves
from .rubric import DEFAULT_SETTINGS, PLACEHOLDERS, SUMMARY_TEXTS
from .yaml_source import Problem


def _feedback_ids(merged: dict[str, dict[str, Any]]) -> set[str]:
    """Every feedback id a rubric may need: its checks' and flags' own, plus the summary lines."""
    from ..scorecard.flags import FAILED

    ids = set(SUMMARY_TEXTS) | {"wrong_outcome_offer"}
    for rubric in merged["rubrics"].values():
        flagged = {flag.check for flag in rubric.flags if flag.rule == FAILED}
        ids |= {check.feedback_id for check in rubric.checks
                if check.id not in flagged and check.rule != "outcome_correct"}
        ids |= {flag.feedback_id for flag in rubric.flags}
    return ids


def _item(rubric: Any, item: Any, section: str, index: int, ids: list[str], language: Language,
          call_type: Any, problems: list[Problem]) -> None:
    """What a check and a flag share: known moves and facts, a unique id."""
    _moves(rubric, item.moves, language.moves, problems, section, index, "moves")
    for field in ("applies", "unless"):
        _facts(item, getattr(item, field), field, language, call_type, problems)
    if ids.count(item.id) > 1:
        problems.append(rubric.problem(f"duplicate {section[:-1]} {item.id!r}", section, index, "id"))


def _rubric(rubric: Any, merged: dict[str, dict[str, Any]], language: Language, problems: list[Problem]) -> None:
    from ..scorecard.checks import CHECK_RULES
    from ..scorecard.flags import FAILED, FLAG_RULES

    call_types = [ct for ct in merged["call_types"].values() if ct.rubric == rubric.id]
    call_type = call_types[0] if len(call_types) == 1 else None
    for role, moves in rubric.moves.items():
        _moves(rubric, moves, language.moves, problems, "moves", role)
    from ..judge import REVEALABLE

    for reason, revealed in rubric.revealed.items():
        if reason not in REVEALABLE:
            problems.append(rubric.problem(f"a transcript cannot reveal {reason!r}; one of "
                                           f"{', '.join(sorted(REVEALABLE))}", "revealed", reason))
        _moves(rubric, revealed.moves, language.moves, problems, "revealed", reason, "moves")
    for phase, context in rubric.readings.items():
        if context not in language.contexts:
            problems.append(rubric.problem(f"unknown lexicon context {context!r}", "readings", phase))
    _facts(rubric, rubric.request_gone, "request_gone", language, call_type, problems)
    check_ids = [check.id for check in rubric.checks]
    for index, check in enumerate(rubric.checks):
        if check.rule not in CHECK_RULES:
            problems.append(rubric.problem(f"unknown check rule {check.rule!r}; known: "
                                           f"{', '.join(sorted(CHECK_RULES))}", "checks", index, "rule"))
        _item(rubric, check, "checks", index, check_ids, language, call_type, problems)
    flag_ids = [flag.id for flag in rubric.flags]
    for index, flag in enumerate(rubric.flags):
        if flag.rule == FAILED:
            if flag.check not in check_ids:
                problems.append(rubric.problem(f"flag {flag.id!r}: unknown check {flag.check!r}", "flags", index,
                                               "check"))
        elif flag.rule not in FLAG_RULES:
            problems.append(rubric.problem(f"unknown flag rule {flag.rule!r}; known: "
                                           f"{', '.join(sorted([*FLAG_RULES, FAILED]))}", "flags", index, "rule"))
        _item(rubric, flag, "flags", index, flag_ids, language, call_type, problems)
    if not any(check.rule == "outcome_correct" for check in rubric.checks):
        problems.append(rubric.problem("a rubric must check the response code (rule outcome_correct)", "checks"))
    settings = merged["scorecard"].get(DEFAULT_SETTINGS)
    if settings is not None:
        for step in rubric.moves.get("vzor", []):
            if step not in settings.vzor_step_names:
                problems.append(settings.problem(f"В.З.О.Р step {step!r} has no name", "vzor_step_names"))


def check_scorecard(merged: dict[str, dict[str, Any]], speech: Any, language: Language) -> list[Problem]:
    """Usable settings, sound rubrics, a text for every check and flag, placeholders that fill, modules that exist."""
    problems: list[Problem] = []
    settings, texts, cliches = merged["scorecard"], merged["scorecard_feedback"], merged["scorecard_cliches"]
    if DEFAULT_SETTINGS not in settings:
        problems.append(section_problem(settings, f"scorecard {DEFAULT_SETTINGS!r} is missing"))
    for rubric in merged["rubrics"].values():
        _rubric(rubric, merged, language, problems)
    needed = _feedback_ids(merged)
    for feedback_id, item in texts.items():
        if feedback_id not in needed:
            problems.append(item.problem(f"feedback {feedback_id!r} belongs to no check or flag of any rubric", "id"))
        for field in ("text", "better"):
            value = getattr(item, field)
            if isinstance(value, str):
                problem = format_problem(item, field, value, PLACEHOLDERS)
                if problem is not None:
                    problems.append(problem)
        if item.template is not None and not speech.exists(item.template):
            problems.append(item.problem(f"no speech module {item.template!r} in scripts_ru/", "template"))
    for feedback_id in sorted(needed - texts.keys()):
        problems.append(section_problem(texts, f"scorecard feedback {feedback_id!r} has no text"))
    for item in cliches.values():
        problem = format_problem(item, "better", item.better, PLACEHOLDERS)
        if problem is not None:
            problems.append(problem)
    for call_type in merged["call_types"].values():
        for outcome in call_type.outcomes:
            problem = format_problem(call_type, "outcomes", outcome.why, PLACEHOLDERS)
            if problem is not None:
                problems.append(problem)
    return problems
