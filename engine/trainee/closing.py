"""After the call: the trainee saves a response code for every offer of the tab (the call type's codes), then gets
the scorecard — the call judged by its rubric, and every offer's code checked against the rules."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..conversation import Button, Event, Reply, Snapshot
from ..scorecard import ScoreInput, ScoreInputError, score_dialogue

if TYPE_CHECKING:
    from .mode import TraineeMode

OUTCOME_BUTTON = "outcome:"
SCORECARD_FEEDBACK_SHOWN = 4


class _Blank(dict):
    """Feedback placeholders this note does not fill read as empty."""

    def __missing__(self, key: str) -> str:
        return ""


class Closing:
    def __init__(self, mode: TraineeMode):
        self.mode = mode
        self.content = mode.content

    def _codes(self, snapshot: Snapshot) -> list[str]:
        return self.mode.call_type(snapshot).codes

    def ask(self, snapshot: Snapshot) -> list[Reply]:
        offers = self.mode.judge(snapshot).coded_offers
        chosen = snapshot.trainee.outcomes
        product = next((p for p in offers if p not in chosen), offers[0])
        buttons = tuple(Button(self.content.response_codes[code].label, OUTCOME_BUTTON + code)
                        for code in self._codes(snapshot))
        return [self.mode.note(snapshot, "bot/choose_outcome.j2", buttons=buttons, product_id=product,
                               several=len(offers) > 1, per_offer=self.mode.call_type(snapshot).code_per_offer)]

    def choose(self, snapshot: Snapshot, event: Event) -> list[Reply]:
        codes = self._codes(snapshot)
        chosen = (event.button or "").removeprefix(OUTCOME_BUTTON) or event.text.strip()
        by_label = {self.content.response_codes[code].label.lower(): code for code in codes}
        chosen = by_label.get(chosen.lower(), chosen)
        if chosen not in codes:
            return self.ask(snapshot)
        offers = self.mode.judge(snapshot).coded_offers
        outcomes = snapshot.trainee.outcomes
        product = next(p for p in offers if p not in outcomes)
        outcomes[product] = chosen
        saved = self.mode.note(snapshot, "bot/outcome_saved.j2", product_id=product,
                               label=self.content.response_codes[chosen].label,
                               per_offer=self.mode.call_type(snapshot).code_per_offer).text
        if len(outcomes) < len(offers):
            return [Reply(saved, kind="note"), *self.ask(snapshot)]
        for offer in snapshot.offers:  # the records keep what the trainee saved, as a CRM would
            offer.response = outcomes.get(offer.product, offer.response)
        card = self.scorecard(snapshot)
        snapshot.trainee.scorecard = card
        snapshot.finished = True
        shown = self.mode.note(snapshot, "bot/scorecard.j2", score=card["score"], passed=card["passed"],
                               feedback=card["feedback"][:SCORECARD_FEEDBACK_SHOWN],
                               more=max(0, len(card["feedback"]) - SCORECARD_FEEDBACK_SHOWN), hints=card["hints"])
        return [Reply(f"{saved}\n\n{shown.text}", kind="note")]

    def scorecard(self, snapshot: Snapshot) -> dict[str, Any]:
        """The scorecard of the session as JSON, with the hints used (every offer of the tab is judged in it)."""
        mode, content = self.mode, self.content
        outcomes = snapshot.trainee.outcomes
        try:
            card = score_dialogue(ScoreInput.of_session(snapshot, content, outcomes), content, mode.engine.nlu,
                                  today=mode.engine.today).as_json()
        except ScoreInputError:  # the trainee hung up without a word: nothing to score but a zero
            rubric = content.rubrics[mode.call_type(snapshot).rubric]
            summary = content.scorecard_feedback["summary_failed"].text
            card = {"call_type": snapshot.call_type, "score": 0, "passed": False, "checks": {}, "flags": [],
                    "not_applicable": [], "offers": [],
                    "response_code": {"chosen": outcomes.get(mode.judge(snapshot).main_offer), "correct": None},
                    "feedback": [summary.format_map(_Blank(score=0, pass_mark=rubric.pass_mark))]}
        card["hints"] = snapshot.trainee.hints
        card["scenario"] = snapshot.scenario_id
        return card
