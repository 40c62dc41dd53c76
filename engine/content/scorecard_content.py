"""Authored parts of the trainee scorecard (dialogues/scorecard.yaml): weights, thresholds, feedback texts, advice.

The rules that judge a transcript live in engine/scorecard.py; here are only the numbers and the words, so a
trainer tunes the rubric without touching Python. Every text is a ``str.format`` template whose placeholders are
checked at load time (a broken one fails validation, not a trainee's session).
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, NonNegativeInt, PositiveInt

from .base import Authored, Identifier, TemplatePath, format_problem, section_problem
from .yaml_source import Problem

# The checklist, in the order of the call (CONTRACT.md names plus the stages of DOMAIN.md).
CHECKS = (
    "greeting", "introduced", "name", "identification", "issue_before_offer", "bridge", "offer", "benefits",
    "price", "vzor", "objection_limit", "check_questions", "call_to_action", "farewell", "outcome_correct",
)
# Everything the scorecard may flag: blockers and the toxic-call properties a transcript shows (CONTRACT.md).
FLAGS = (
    "cliche", "ignored_refusal", "no_farewell", "no_greeting", "no_name", "offered_when_forbidden", "pushy",
    "too_long", "too_many_objections", "wrong_outcome",
)
# Feedback lines that are not about one check or flag.
SUMMARY_TEXTS = ("summary_passed", "summary_failed", "summary_blocked", "all_good", "better", "expected_differs",
                 "no_outcome")
# A failed check whose flag says the same thing: the feedback is the flag's.
CHECK_FLAGS = {"greeting": "no_greeting", "name": "no_name", "farewell": "no_farewell",
               "objection_limit": "too_many_objections", "outcome_correct": "wrong_outcome"}
FEEDBACK_IDS = (frozenset(CHECKS) - CHECK_FLAGS.keys()) | frozenset(FLAGS) | frozenset(SUMMARY_TEXTS)
VZOR_STEPS = ("empathy", "clarify", "benefit", "summary")
# What a feedback text may name; each gets a sample value at load time.
PLACEHOLDERS: dict[str, Any] = {
    name: f"<{name}>" for name in ("client", "quote", "client_quote", "better", "reasons", "steps", "chosen",
                                   "correct", "why", "company", "expected", "product", "quote_tail")
} | {"count": 3, "max": 2, "score": 65, "pass_mark": 70}
SpeechModule = Literal["bridge", "offer", "objection"]
Weight = Annotated[float, Field(ge=0, le=100)]


class ScorecardPolicy(Authored):
    id: Identifier = Field(description="Имя набора правил; используется default")
    pass_mark: int = Field(default=70, ge=0, le=100, description="Проходной балл (0–100)")
    call_type: Identifier = Field(description="Тип звонка, из которого берётся лимит возражений (max_objections)")
    vzor_min_steps: int = Field(default=3, ge=1, le=4,
                                description="Сколько шагов В.З.О.Р должно быть в ответе, чтобы возражение считалось "
                                            "отработанным")
    max_turn_words: PositiveInt = Field(default=140, description="Реплика длиннее — токсичное «отнимает время»")
    quote_max_words: PositiveInt = Field(default=25, description="Сколько слов реплики цитировать в отзыве")
    contract_min_digits: PositiveInt = Field(default=6, description="Столько цифр подряд — номер договора (идентификация)")
    weights: dict[Identifier, Weight] = Field(description="Вес каждого пункта чек-листа")
    penalties: dict[Identifier, NonNegativeInt] = Field(
        default_factory=dict, description="Штраф в баллах за флаг (токсичные свойства звонка)")
    blockers: list[Identifier] = Field(description="Флаги, с которыми сессия не зачтена при любом балле")
    company_names: list[str] = Field(min_length=1, description="Названия компаний, которые оператор называет")
    identification_cues: list[str] = Field(
        min_length=1, description="Слова оператора, которыми он идентифицирует клиента (начала слов, строчными)")
    owner_decides: list[str] = Field(
        default_factory=list, description="Слова клиента о том, что решать владельцу договора: это не возражение, "
                                          "его принимают («Клиент думает»), а не отрабатывают по В.З.О.Р")
    feminine_markers: list[str] = Field(
        default_factory=list, description="Слова, по которым видно, что оператор — женщина (для примеров фраз)")
    vzor_step_names: dict[Identifier, str] = Field(description="Шаги В.З.О.Р для людей")
    outcome_reasons: dict[Identifier, str] = Field(description="Почему верен код отклика: исход → пояснение")


class FeedbackText(Authored):
    id: Identifier = Field(description="Пункт чек-листа, флаг или общая строка (summary_passed…)")
    text: str = Field(description="Что сказать стажёру; {quote} — его собственная реплика")
    better: str | None = Field(default=None, description="Фраза лучше (без сценария или если модуль не подходит)")
    speech: SpeechModule | None = Field(
        default=None, description="Со сценарием: взять фразу лучше из речевого модуля (мостик, предложение, "
                                  "ответ на возражение)")
    template: TemplatePath | None = Field(default=None, description="Со сценарием: речевой модуль фразы лучше")


class ClicheAdvice(Authored):
    id: Identifier
    phrases: list[str] = Field(min_length=1, description="Как звучит штамп (строчными, фрагмент реплики)")
    better: str = Field(description="Что сказать вместо него")


def _fields_to_check(item: Authored) -> list[tuple[str, str]]:
    fields = []
    for name in ("text", "better"):
        value = getattr(item, name, None)
        if isinstance(value, str):
            fields.append((name, value))
    return fields


def check_scorecard(merged: dict[str, dict[str, Any]], speech: Any) -> list[Problem]:
    """A usable default policy, a text for every check and flag, placeholders that fill, modules that exist."""
    from ..responses import Outcome

    problems: list[Problem] = []
    policies, texts, cliches = merged["scorecard"], merged["scorecard_feedback"], merged["scorecard_cliches"]
    policy = policies.get(DEFAULT_SCORECARD)
    if policy is None:
        problems.append(section_problem(policies, f"scorecard {DEFAULT_SCORECARD!r} is missing"))
    else:
        if policy.call_type not in merged["call_types"]:
            problems.append(policy.problem(f"unknown call type {policy.call_type!r}", "call_type"))
        for check in policy.weights:
            if check not in CHECKS:
                problems.append(policy.problem(f"unknown check {check!r}; known: {', '.join(CHECKS)}", "weights", check))
        for check in CHECKS:
            if check not in policy.weights:
                problems.append(policy.problem(f"check {check!r} has no weight", "weights"))
        for flag in policy.penalties:
            if flag not in FLAGS:
                problems.append(policy.problem(f"unknown flag {flag!r}; known: {', '.join(FLAGS)}", "penalties", flag))
        for index, flag in enumerate(policy.blockers):
            if flag not in FLAGS:
                problems.append(policy.problem(f"unknown flag {flag!r}; known: {', '.join(FLAGS)}", "blockers", index))
        for step in VZOR_STEPS:
            if step not in policy.vzor_step_names:
                problems.append(policy.problem(f"В.З.О.Р step {step!r} has no name", "vzor_step_names"))
        outcomes = {outcome.value for outcome in Outcome}
        for outcome in policy.outcome_reasons:
            if outcome not in outcomes:
                problems.append(policy.problem(f"unknown outcome {outcome!r}; known: {', '.join(sorted(outcomes))}",
                                               "outcome_reasons", outcome))
        for outcome in sorted(outcomes - policy.outcome_reasons.keys()):
            problems.append(policy.problem(f"outcome {outcome!r} has no text", "outcome_reasons"))
        for outcome, text in policy.outcome_reasons.items():
            problem = format_problem(policy, "outcome_reasons", text, PLACEHOLDERS, outcome)
            if problem is not None:
                problems.append(problem)
    for feedback_id, item in texts.items():
        if feedback_id not in FEEDBACK_IDS:
            problems.append(item.problem(f"unknown feedback id {feedback_id!r}; known: "
                                         f"{', '.join(sorted(FEEDBACK_IDS))}", "id"))
        for field, text in _fields_to_check(item):
            problem = format_problem(item, field, text, PLACEHOLDERS)
            if problem is not None:
                problems.append(problem)
        if item.template is not None and not speech.exists(item.template):
            problems.append(item.problem(f"no speech module {item.template!r} in scripts_ru/", "template"))
    for feedback_id in sorted(FEEDBACK_IDS - texts.keys()):
        problems.append(section_problem(texts, f"scorecard feedback {feedback_id!r} has no text"))
    for item in cliches.values():
        problem = format_problem(item, "better", item.better, PLACEHOLDERS)
        if problem is not None:
            problems.append(problem)
    return problems


DEFAULT_SCORECARD = "default"
