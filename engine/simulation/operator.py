"""The model operator: reads the version's script word for word — at every stage the phrase the stage's hint gives
(its bridge, speech module, objection answer, closing), or what dialogues/simulation.yaml names for the stage (and,
once the customer clearly refused, the phrases that accept it) — and saves the response code the call earned. One
conversation with a synthetic customer, and what came of it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..conversation import Event, Snapshot
from ..trainee.closing import OUTCOME_BUTTON
from ..trainee.coach import phrase
from ..vocabulary import HUNG_UP
from .population import SEPARATOR

SOLUTIONS = "hints/solutions"

if TYPE_CHECKING:
    from ..content.simulation import Population
    from ..dialogue import DialogueEngine
    from ..trainee.mode import TraineeMode


@dataclass(frozen=True)
class Conversation:
    """What one simulated conversation came to (one row of the comparison)."""

    persona: str
    converted: bool
    code: str
    turns: int
    flags: tuple[str, ...]
    toxic: bool
    hung_up: bool
    handoff: bool


class ModelOperator:
    def __init__(self, engine: DialogueEngine, settings: Population):
        self.engine = engine
        self.settings = settings
        self.mode: TraineeMode = engine.modes["trainee"]  # type: ignore[assignment]
        self.connecting = {code.id for code in engine.content.response_codes.values() if code.connects}
        self.solutions = frozenset(name for name in engine.content.speech.template_names()
                                   if name.startswith(SOLUTIONS + "/"))

    def say(self, snapshot: Snapshot) -> Event:
        call_type = self.mode.call_type(snapshot)
        if self.engine.machines[snapshot.call_type].is_final(snapshot.stage):
            product = next(p for p in self.mode.judge(snapshot).coded_offers if p not in snapshot.trainee.outcomes)
            code = next((offer.response for offer in snapshot.offers if offer.product == product and offer.response),
                        call_type.default_code)
            return Event(button=OUTCOME_BUTTON + code)
        text = self._line(snapshot, snapshot.stage)
        said = next((line.text for line in reversed(snapshot.lines) if line.role == "operator"), None)
        if text == said:  # the stage's phrase is said and the call did not move on: the script goes on
            stages = [stage.id for stage in call_type.stages]
            text = self._line(snapshot, stages[min(stages.index(snapshot.stage) + 1, len(stages) - 1)])
        return Event(text=text)

    def _line(self, snapshot: Snapshot, stage: str) -> str:
        if stage in self.settings.after_refusal and self._refused(snapshot):
            template = self.settings.after_refusal[stage]  # a clear «нет» is accepted, not argued with
        elif self.settings.speech.get(stage) == "topic_solution":
            template = self._solution(snapshot)
        else:
            template = None
        operator = self.engine.content.operator(snapshot.call_type)
        if template is None:
            return phrase(self.mode, snapshot, operator, stage)
        client, _ = self.mode.voice(snapshot).people()
        context = self.engine.content.speech_context(client, operator, None, self.engine.today)
        return self.engine.content.speech.render(template, **context)

    def _refused(self, snapshot: Snapshot) -> bool:
        """The customer clearly said «нет» at some point (a line whose intent is one of the population's refusals)."""
        return any(line.analysis.get("intent") in self.settings.refusals for line in snapshot.lines
                   if line.role == "client")

    def _solution(self, snapshot: Snapshot) -> str | None:
        """The model operator's solution of the customer's topic (scripts_ru/hints/solutions/<topic>.j2), if any."""
        template = f"{SOLUTIONS}/{self.mode.scenario(snapshot).topic}.j2"
        return template if template in self.solutions else None

    def talk(self, scenario_id: str, seed: int) -> Conversation:
        """The whole call. Turns are taken on the snapshot in place: the engine's defensive copy of each turn
        guards a front end's stored snapshot, and a batch of thousands of calls has none."""
        snapshot = self.engine.start("trainee", scenario_id=scenario_id, seed=seed).snapshot
        handle = self.engine.modes["trainee"].handle
        said = 0
        while not snapshot.finished and said < self.settings.max_turns:
            handle(snapshot, self.say(snapshot))
            said += 1
        outcomes = snapshot.trainee.outcomes
        card = snapshot.trainee.scorecard or {}
        flags = tuple(card.get("flags") or ())
        main = self.mode.judge(snapshot).coded_offers[0]
        return Conversation(
            persona=scenario_id.split(SEPARATOR, 1)[0],
            converted=any(code in self.connecting for code in outcomes.values()),
            code=outcomes.get(main, ""),
            turns=sum(1 for line in snapshot.lines if line.role == "operator"),
            flags=flags,
            toxic=any(flag in self.settings.toxic_flags for flag in flags),
            hung_up=any(line.event == HUNG_UP and line.role == "client" for line in snapshot.lines),
            handoff=not snapshot.finished,
        )
