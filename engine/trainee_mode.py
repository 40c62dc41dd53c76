"""Trainee mode: the program plays the customer of a scenario; the trainee types as the operator."""
from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from .call_context import scenario_context
from .content.speech import Person
from .conversation import Button, Event, OfferState, Reply, Snapshot
from .eligibility import EligibilityContext, check_eligibility

if TYPE_CHECKING:
    from .content.scenarios import Scenario
    from .dialogue import DialogueEngine

VZOR_STEPS = frozenset({"empathy", "clarify", "benefit", "summary"})
OFFER_MOVES = frozenset({"bridge", "offer", "price", "price_per_day", "call_to_action"})
WORKED_WITH_VZOR = 3
OUTCOME_BUTTON = "outcome:"
FINAL_TRIGGERS = {"agree": "agreed", "think": "hesitation", "decline": "declined", "not_owner": "not_owner"}
HESITATIONS = frozenset({"think"})


class TraineeMode:
    def __init__(self, engine: DialogueEngine):
        self.engine = engine
        self.content = engine.content

    def scenario(self, snapshot: Snapshot) -> Scenario:
        return self.content.scenarios[snapshot.scenario_id]

    def _people(self, snapshot: Snapshot) -> tuple[Person, Person]:
        persona = self.scenario(snapshot).persona
        client = Person(persona.first_name, persona.patronymic, persona.gender)
        operator = Person("", company=self.content.assistant.company)
        return client, operator

    def _render(self, snapshot: Snapshot, template: str, **details: Any) -> str:
        scenario = self.scenario(snapshot)
        client, operator = self._people(snapshot)
        context = self.content.speech_context(client, operator, scenario.offers[0], self.engine.today,
                                              issue=scenario.issue_text, details=details)
        return self.content.speech.render(template, **context)

    def _client_says(self, snapshot: Snapshot, template: str, **details: Any) -> Reply:
        text = self._render(snapshot, template, **details)
        snapshot.say("client", text)
        return Reply(text)

    def _note(self, snapshot: Snapshot, template: str, buttons: tuple[Button, ...] = (), **details: Any) -> Reply:
        return Reply(self._render(snapshot, template, **details), kind="note", buttons=buttons)

    def start(self, snapshot: Snapshot) -> list[Reply]:
        if snapshot.scenario_id is None:
            ids = sorted(self.content.scenarios)
            snapshot.scenario_id = random.Random(snapshot.seed).choice(ids)
        scenario = self.scenario(snapshot)
        snapshot.mode_state.update(objection_index=0, misses=0, outcome=None)
        return [self._note(snapshot, "bot/trainee_start.j2", title=scenario.title,
                           difficulty=self.content.label(f"difficulty_{scenario.difficulty}"))]

    def handle(self, snapshot: Snapshot, event: Event) -> list[Reply]:
        if self.engine.machines[snapshot.call_type].is_final(snapshot.stage):
            return self._choose_outcome(snapshot, event)
        if event.hang_up:
            self.engine.fire(snapshot, "hung_up")
            return self._ask_outcome(snapshot)
        text = event.text.strip()
        if not text:
            return []
        moves = self.engine.nlu.operator_moves(text, self._people(snapshot)[0].io)
        tags = set(moves.tags)
        snapshot.say("operator", text, tags=sorted(tags), addresses_by_name=moves.addresses_by_name)
        handler = getattr(self, f"_at_{snapshot.stage}")
        return handler(snapshot, tags)

    def _at_greeting(self, snapshot: Snapshot, tags: set[str]) -> list[Reply]:
        if "greeting" not in tags:
            return [self._client_says(snapshot, "client/no_greeting.j2")]
        self.engine.fire(snapshot, "greeted")
        snapshot.identified = True
        self.engine.fire(snapshot, "identified")
        return [self._client_says(snapshot, "client/introduce.j2", contract=self.scenario(snapshot).contract)]

    def _at_identification(self, snapshot: Snapshot, tags: set[str]) -> list[Reply]:
        return self._at_greeting(snapshot, tags | {"greeting"})

    def _at_issue(self, snapshot: Snapshot, tags: set[str]) -> list[Reply]:
        if tags & OFFER_MOVES:
            return [self._client_says(snapshot, "client/solve_first.j2")]
        snapshot.issue_resolved = True
        self.engine.fire(snapshot, "issue_handled", offer_allowed=self.offer_allowed(snapshot))
        return [self._client_says(snapshot, "client/issue_solved.j2")]

    def offer_allowed(self, snapshot: Snapshot) -> bool:
        customer, call = scenario_context(self.content, snapshot)
        context = EligibilityContext(offer=self.scenario(snapshot).offers[0], customer=customer, call=call)
        return check_eligibility(context, self.content).allowed

    def _at_bridge(self, snapshot: Snapshot, tags: set[str]) -> list[Reply]:
        if not tags & OFFER_MOVES:
            return [self._client_says(snapshot, "client/off_script.j2")]
        self.engine.fire(snapshot, "bridged")
        snapshot.offers.append(OfferState(product=self.scenario(snapshot).offers[0]))
        if not tags & {"offer", "price", "price_per_day", "call_to_action"}:
            return [self._client_says(snapshot, "client/listening.j2")]
        return self._next_reaction(snapshot)

    def _at_offer(self, snapshot: Snapshot, tags: set[str]) -> list[Reply]:
        if not tags & OFFER_MOVES and not tags & VZOR_STEPS:
            return [self._client_says(snapshot, "client/off_script.j2")]
        return self._next_reaction(snapshot)

    def _at_objection(self, snapshot: Snapshot, tags: set[str]) -> list[Reply]:
        if len(tags & VZOR_STEPS) >= WORKED_WITH_VZOR or {"benefit", "summary"} <= tags:
            return self._next_reaction(snapshot)
        snapshot.mode_state["misses"] += 1
        if snapshot.mode_state["misses"] > self.scenario(snapshot).persona.patience:
            self.engine.fire(snapshot, "declined")
            return [self._client_says(snapshot, "client/decline.j2")]
        return [self._client_says(snapshot, "client/unworked.j2")]

    def _next_reaction(self, snapshot: Snapshot) -> list[Reply]:
        scenario = self.scenario(snapshot)
        index = snapshot.mode_state["objection_index"]
        if index < len(scenario.objections):
            objection = scenario.objections[index]
            snapshot.mode_state["objection_index"] = index + 1
            trigger = "hesitation" if objection in HESITATIONS else "objection"
            step = self.engine.fire(snapshot, trigger)
            if step is not None and step.dest == "objection":
                snapshot.objections += 1
                snapshot.current_offer.objections += 1
            return [self._client_says(snapshot, f"client/objections/{objection}.j2")]
        final = scenario.final_answer
        self.engine.fire(snapshot, FINAL_TRIGGERS[final])
        return [self._client_says(snapshot, f"client/{final}.j2")]

    def _at_closing(self, snapshot: Snapshot, tags: set[str]) -> list[Reply]:
        if "farewell" not in tags:
            return [self._client_says(snapshot, "client/waiting_goodbye.j2")]
        reply = self._client_says(snapshot, "client/goodbye.j2")
        self.engine.fire(snapshot, "farewell")
        return [reply, *self._ask_outcome(snapshot)]

    def _ask_outcome(self, snapshot: Snapshot) -> list[Reply]:
        buttons = tuple(Button(code.label, OUTCOME_BUTTON + code.id) for code in self.content.response_codes.values())
        return [self._note(snapshot, "bot/choose_outcome.j2", buttons=buttons)]

    def _choose_outcome(self, snapshot: Snapshot, event: Event) -> list[Reply]:
        chosen = (event.button or "").removeprefix(OUTCOME_BUTTON) or event.text.strip()
        if chosen not in self.content.response_codes:
            return self._ask_outcome(snapshot)
        snapshot.mode_state["outcome"] = chosen
        snapshot.finished = True
        return [self._note(snapshot, "bot/outcome_saved.j2", label=self.content.response_codes[chosen].label)]
