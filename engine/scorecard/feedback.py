"""Feedback in the trainer's words: each problem quotes the trainee and offers a better phrase — from the project's
own speech module for the situation when a scenario gives one — and never a phrase customers hate."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateError

from ..content.speech import Person
from ..understanding.text import normalize_word
from .checks import Finding
from .facts import Case

if TYPE_CHECKING:
    from ..content.loader import Content
    from ..content.rubric import FeedbackText, ScorecardSettings
    from ..understanding import Understanding


@dataclass
class Problem:
    """One feedback item before it is worded."""

    feedback_id: str
    values: dict[str, Any] = field(default_factory=dict)
    better: str | None = None


def quote(text: str, max_words: int) -> str:
    """At most ``max_words`` words; a final full stop is dropped (the quote sits inside a sentence)."""
    words = text.split()
    if len(words) <= max_words:
        whole = " ".join(words)
        return whole[:-1] if whole.endswith(".") and not whole.endswith("..") else whole
    return " ".join(words[:max_words]) + " …"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class Wording:
    """Turns problems into lines of feedback for one scored case."""

    def __init__(self, case: Case, content: Content, settings: ScorecardSettings, nlu: Understanding,
                 today: dt.date, pass_mark: int):
        self.case = case
        self.content = content
        self.settings = settings
        self.nlu = nlu
        self.today = today
        self.pass_mark = pass_mark

    def problem(self, feedback_id: str, finding: Finding) -> Problem:
        values = dict(finding.values)
        if finding.said is not None:
            values["quote"] = quote(finding.said.text, self.settings.quote_max_words)
        if finding.client is not None:
            values["client_quote"] = quote(finding.client.text, self.settings.quote_max_words)
        if "missing" in values:
            values["steps"] = ", ".join(self.settings.vzor_step_names.get(step, step) for step in values["missing"])
        item = self.content.scorecard_feedback[feedback_id]
        return Problem(feedback_id, values, self._speech_better(item, values.get("objection_intent")))

    def cliche(self, finding: Finding) -> Problem:
        problem = self.problem("cliche", finding)
        text = finding.said.text if finding.said is not None else ""
        advice = next((item for item in self.content.scorecard_cliches.values()
                       if self.nlu.phrases(tuple(item.phrases)).found(text)), None)
        if advice is not None:
            problem.better = advice.better.format(**self.values(**problem.values))
        return problem

    def _operator_person(self) -> Person:
        words = set(normalize_word(" ".join(s.text for s in self.case.read.operator)).split())
        feminine = bool(words & {normalize_word(marker) for marker in self.settings.feminine_markers})
        return Person("", gender="f" if feminine else "m", company=self.content.company(self.case.call_type.id))

    def _client_person(self) -> Person:
        scenario = self.case.scenario
        if scenario is not None:
            persona = scenario.persona
            return Person(persona.first_name, persona.patronymic, persona.gender)
        return Person(self.case.client_name or "")

    def _speech_better(self, item: FeedbackText, objection: str | None) -> str | None:
        """With a scenario, the project's own speech module for this situation (the model phrase)."""
        product_id = self.case.product_id
        if product_id is None:
            return None
        template = item.template
        scenario = self.case.scenario
        if item.speech == "bridge_module":
            bridge = self.content.bridges.get(scenario.topic or "") if scenario is not None else None
            template = bridge.template if bridge is not None else None
        elif item.speech == "offer_module":
            template = self.content.products[product_id].speech
        elif item.speech == "objection_module":
            known = self.content.objections.get(objection or "")
            template = known.template_for(self.case.call_type.id) if known is not None else None
        if template is None:
            return None
        context = self.content.speech_context(self._client_person(), self._operator_person(), product_id,
                                              self.today)
        allowed = {"client", "operator", "product", "products"}
        try:
            text = self.content.speech.render(template, **{k: v for k, v in context.items() if k in allowed})
        except (TemplateError, TypeError, ValueError, ArithmeticError, AttributeError, LookupError):
            return None
        return " ".join(text.split())

    def values(self, **values: Any) -> dict[str, Any]:
        product_id = self.case.product_id
        base = {"client": self.case.client_name or "", "quote": "", "client_quote": "", "better": "",
                "reasons": "", "count": 0, "max": self.case.max_objections, "steps": "", "chosen": "",
                "correct": "", "why": "", "score": 0, "pass_mark": self.pass_mark,
                "company": self.content.company(self.case.call_type.id), "expected": "",
                "product": self.content.products[product_id].name if product_id else ""}
        base.update(values)
        base["quote_tail"] = lower_first(str(base["quote"]))
        return base

    def _is_cliche(self, phrase: str) -> bool:
        return bool(self.nlu.operator_moves(phrase).tags & self.case.read.role("cliches"))

    def render(self, problem: Problem) -> str:
        item = self.content.scorecard_feedback[problem.feedback_id]
        values = self.values(**problem.values)
        text = item.text.format(**values)
        better = problem.better
        if better is None and item.better is not None:
            better = item.better.format(**values)
        if better and not self._is_cliche(better):
            text = f"{text} {self.content.scorecard_feedback['better'].text.format(**self.values(better=better))}"
        return text

    def lines(self, problems: list[Problem], score: int, passed: bool, blocked: bool, slips: int = 0) -> list[str]:
        """``slips``: how many soft flags failed the session when they, not the score, did."""
        summary = ("summary_blocked" if blocked else "summary_passed" if passed else
                   "summary_slips" if slips else "summary_failed")
        values = self.values(score=score, count=slips, max=self.case.rubric.max_slips or 0)
        lines = [self.content.scorecard_feedback[summary].text.format(**values)]
        for problem in problems:
            line = self.render(problem)
            if line not in lines:
                lines.append(line)
        if len(lines) == 1:
            lines.append(self.content.scorecard_feedback["all_good"].text.format(**self.values()))
        return lines
