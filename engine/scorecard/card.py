"""A finished transcript → checklist, blockers, toxic flags, the correct code, score and feedback.

Works on any transcript (trainee mode, ``python main.py score``, a trainer's own file) of any call type: the call
type gives the rubric (dialogues/rubrics/: which rules, with which moves, weights, penalties and blockers) and the
judge's rules of the correct code; a scenario adds its eligibility context (was the offer allowed at all?) and its
expected code. Checks that do not apply to this call are listed in ``not_applicable`` and do not count.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..judge import Rules, ScenarioJudge, TranscriptJudge
from .checks import CHECK_RULES, Finding, Outcome, Tools
from .facts import Case, holds, revealed_reasons
from .feedback import Problem, Wording, lower_first
from .flags import FAILED, FLAG_RULES
from .reading import Reader
from .transcript import ScoreInput, ScoreInputError, Scorecard

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..content.call_types import CallType
    from ..content.loader import Content
    from ..content.rubric import CheckSpec, FlagSpec, Rubric
    from ..understanding import Understanding


def _applies(case: Case, item: CheckSpec | FlagSpec) -> bool:
    return all(holds(case, fact) for fact in item.applies) and not any(holds(case, fact) for fact in item.unless)


def correct_outcome(case: Case, call_type: CallType) -> str:
    """The outcome the call type's judge rules give for what happened: the first rule whose facts hold."""
    for rule in call_type.judge:
        if all(holds(case, fact) for fact in rule.when) \
                and (not rule.when_any or any(holds(case, fact) for fact in rule.when_any)) \
                and not any(holds(case, fact) for fact in rule.unless):
            return rule.outcome
    return call_type.judge[-1].outcome


def _call_type(dialogue: ScoreInput, content: Content) -> CallType:
    scenario = content.scenarios.get(dialogue.scenario or "")
    call_type_id = dialogue.call_type or (scenario.call_type if scenario is not None else None) \
        or content.default_call_type
    if call_type_id not in content.call_types:
        raise ScoreInputError(f"unknown call type {call_type_id!r}; known: {', '.join(sorted(content.call_types))}")
    if scenario is not None and (scenario.call_type or content.default_call_type) != call_type_id:
        raise ScoreInputError(f"scenario {scenario.id!r} is a {scenario.call_type or content.default_call_type!r} "
                              f"call, not {call_type_id!r}")
    return content.call_types[call_type_id]


def score_dialogue(dialogue: ScoreInput, content: Content, nlu: Understanding, *, pass_mark: int | None = None,
                   today: dt.date | None = None) -> Scorecard:
    """Score one finished dialogue; raises ScoreInputError when the input names unknown ids or has no turn.
    A call without an operator turn scores too: he may rightly say nothing to an answering machine."""
    if dialogue.scenario is not None and dialogue.scenario not in content.scenarios:
        raise ScoreInputError(f"unknown scenario {dialogue.scenario!r}; known: "
                              f"{', '.join(sorted(content.scenarios)) or 'none'}")
    call_type = _call_type(dialogue, content)
    known = set(nlu.intents(call_type.id))
    for number, turn in enumerate(dialogue.turns, 1):
        if turn.intent is not None and turn.intent not in known:
            raise ScoreInputError(f"turns[{number}]: unknown intent {turn.intent!r}; use one of "
                                  f"{', '.join(sorted(known))}")
    rubric = content.rubrics[call_type.rubric]
    mark = rubric.pass_mark if pass_mark is None else pass_mark
    if not 0 <= mark <= 100:
        raise ScoreInputError(f"pass mark {mark} is not within 0-100")
    scenario = content.scenarios.get(dialogue.scenario or "")
    persona_name = scenario and f"{scenario.persona.first_name} {scenario.persona.patronymic}".strip()
    client_name = (dialogue.client_name or "").strip() or persona_name or None
    read = Reader(dialogue, client_name, rubric, nlu, call_type.id)
    if not dialogue.turns:
        raise ScoreInputError("turns: an empty call has nothing to score")
    rules = Rules(content.products, content.services)
    judge = ScenarioJudge(scenario, call_type, rules) if scenario else None
    chosen = dict(dialogue.outcomes)
    if dialogue.outcome is not None or judge is None:
        chosen[judge.main_offer if judge is not None else None] = dialogue.outcome
    for code in chosen.values():
        if code is not None and code not in call_type.codes:
            raise ScoreInputError(f"unknown outcome {code!r}; use one of {', '.join(call_type.codes)}")
    companies = (*content.scorecard_settings.company_names, content.assistant.company)
    unscripted = TranscriptJudge(revealed_reasons(read, rubric, nlu.phrases), call_type, rules,
                                 [s.text for s in read.offer_turns])
    case = Case(read, rubric, call_type, judge, client_name, chosen, nlu.phrases,
                companies, unscripted, tuple(content.scorecard_settings.introduction_cues))
    return _Scoring(case, content, rubric, nlu, mark, today or dt.date.today()).run()


class _Scoring:
    def __init__(self, case: Case, content: Content, rubric: Rubric, nlu: Understanding, pass_mark: int,
                 today: dt.date):
        self.case = case
        self.content = content
        self.rubric = rubric
        self.call_type = case.call_type
        self.outcome = self.call_type.outcome(correct_outcome(case, self.call_type))
        reason = content.retention_reasons.get(case.scenario.reason or "") if case.scenario is not None else None
        self.tools = Tools(nlu.phrases, self.outcome.code,
                           frozenset(reason.offers) if reason is not None else frozenset())
        self.wording = Wording(case, content, content.scorecard_settings, nlu, today, pass_mark)
        self.pass_mark = pass_mark

    def run(self) -> Scorecard:
        case, rubric = self.case, self.rubric
        checks: dict[str, bool | int] = {}
        applicable: dict[str, bool] = {}
        results: dict[str, Outcome] = {}
        for spec in rubric.checks:
            applicable[spec.id] = _applies(case, spec)
            results[spec.id] = CHECK_RULES[spec.rule](case, spec, self.tools)
            checks[spec.id] = results[spec.id].done
        checks["objections_worked"] = sum(1 for o in case.objections if case.worked(o.reply))
        failed = {spec.id for spec in rubric.checks if applicable[spec.id] and not checks[spec.id]}

        raised: dict[str, list[Finding]] = {}
        for spec in rubric.flags:
            if spec.rule == FAILED:
                findings = results[spec.check].findings or [Finding()] if spec.check in failed else []
            elif _applies(case, spec):
                findings = FLAG_RULES[spec.rule](case, spec, self.tools)
            else:
                findings = []
            if findings:
                raised[spec.id] = findings

        total = sum(spec.weight for spec in rubric.checks if applicable[spec.id])
        earned = sum(spec.weight for spec in rubric.checks if applicable[spec.id] and checks[spec.id])
        score = round(100 * earned / total) if total else 100
        score -= sum(spec.penalty for spec in _counted(rubric.flags, raised))
        score = max(0, min(100, score))
        blocked = any(spec.blocker for spec in rubric.flags if spec.id in raised)
        slips = _slips(rubric, raised)
        too_many_slips = rubric.max_slips is not None and slips > rubric.max_slips
        passed = score >= self.pass_mark and not blocked and not too_many_slips
        feedback = self.wording.lines(self._problems(results, failed, raised), score, passed, blocked,
                                      slips if too_many_slips else 0)
        judge = case.judge
        return Scorecard(
            call_type=self.call_type.id, score=score, passed=passed,
            checks={**{spec.id: checks[spec.id] for spec in rubric.checks},
                    "objections_worked": checks["objections_worked"]},
            flags=sorted(raised), feedback=feedback,
            not_applicable=sorted(spec.id for spec in rubric.checks if not applicable[spec.id]),
            chosen=case.chosen, correct=self.outcome.code,
            offer_allowed=judge.allowed() if judge is not None else None,
            reasons=case.forbidding_reasons() if case.forbidden else [],
            offers=case.offer_rows(self.outcome.code),
        )

    def _problems(self, results: dict[str, Outcome], failed: set[str], raised: dict[str, list[Finding]]
                  ) -> list[Problem]:
        """In the order a trainer reads them: blockers, the checklist in the order of the call, toxic
        properties, the response code, and how the scenario could have ended."""
        rubric, wording = self.rubric, self.wording
        flag_of_check = {spec.check: spec for spec in rubric.flags if spec.rule == FAILED}
        blockers = [spec for spec in rubric.flags if spec.blocker and spec.id in raised]
        problems = [problem for spec in blockers for problem in self._flag_problems(spec, raised[spec.id])]
        worded = {spec.id for spec in blockers}
        code_problem: list[Problem] = []
        for spec in rubric.checks:
            if spec.id not in failed:
                continue
            if spec.rule == "outcome_correct":
                code_problem = self._code_problems(results[spec.id].findings)
                continue
            flag = flag_of_check.get(spec.id)
            if flag is not None and flag.id in worded:
                continue
            feedback_id = flag.feedback_id if flag is not None else spec.feedback_id
            problems += [wording.problem(feedback_id, finding) for finding in results[spec.id].findings]
            if flag is not None:
                worded.add(flag.id)
        for spec in rubric.flags:
            if spec.id in raised and spec.id not in worded and spec.rule != FAILED:
                problems += self._flag_problems(spec, raised[spec.id])
        problems += code_problem
        scenario = self.case.scenario
        labels = {code: item.label for code, item in self.content.response_codes.items()}
        if scenario is not None and not self.case.forbidden and scenario.expected_outcome != self.outcome.code \
                and scenario.expected_outcome in labels:
            problems.append(Problem("expected_differs", {"expected": labels[scenario.expected_outcome],
                                                         "correct": labels[self.outcome.code]}))
        return problems

    def _flag_problems(self, spec: FlagSpec, findings: list[Finding]) -> list[Problem]:
        if spec.feedback_id == "cliche":
            return [self.wording.cliche(finding) for finding in findings]
        if spec.rule == "offered_when_forbidden":
            codes = dict.fromkeys(reason.value for product in self.case.offered_forbidden()
                                  for reason in self.case.rules.truth[product].reasons)
            for finding in findings:
                finding.values["reasons"] = self._reasons_in_a_sentence(codes)
        return [self.wording.problem(spec.feedback_id, finding) for finding in findings]

    def _reasons_in_a_sentence(self, codes: Iterable[str]) -> str:
        """The rules' reasons as they read after a colon: «нельзя: на договоре финансовая блокировка; …»."""
        return "; ".join(lower_first(self.content.reasons[code].text) for code in codes)

    def _code_problems(self, wrong_offers: list[Finding]) -> list[Problem]:
        labels = {code: item.label for code, item in self.content.response_codes.items()}
        chosen = self.case.chosen
        problems = []
        if chosen != self.outcome.code:
            reasons = self._reasons_in_a_sentence(self.case.forbidding_reasons())
            why = self.outcome.why.format(**self.wording.values(reasons=reasons))
            if chosen is None:
                problems.append(Problem("no_outcome", {"correct": labels[self.outcome.code], "why": why}))
            else:
                problems.append(Problem("wrong_outcome", {"chosen": labels[chosen], "correct": labels[self.outcome.code],
                                                          "why": why}))
        for finding in wrong_offers:
            values = finding.values
            problems.append(Problem("wrong_outcome_offer", {
                "product": self.content.products[values["product"]].name,
                "chosen": labels.get(values["chosen"], ""), "correct": labels[values["correct"]]}))
        return problems


def _slips(rubric: Rubric, raised: dict[str, list[Finding]]) -> int:
    """Soft flags that are slips, those said in a line counted once per line (a missed step is a slip of its own)."""
    slips = [spec for spec in rubric.flags if spec.slip and not spec.blocker]
    return len(_counted(slips, raised))


def _counted(flags: list[FlagSpec], raised: dict[str, list[Finding]]) -> list[FlagSpec]:
    """The raised flags, those said in a line counted once per line: «Вам удобно разговаривать?» is a cliché and a
    robot's question, one slip of the operator and one penalty, not two (a missed step counts on its own, whatever
    line it quotes)."""
    counted_lines: set[int] = set()
    counted = []
    for spec in flags:
        if spec.id not in raised:
            continue
        lines = {finding.said.index for finding in raised[spec.id]
                 if finding.said is not None and spec.rule != FAILED}
        if not spec.blocker:
            if lines and lines <= counted_lines:
                continue
            counted_lines |= lines
        counted.append(spec)
    return counted
