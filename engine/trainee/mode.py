"""Trainee mode: the program plays the customer of a scenario; the trainee types as the operator.

Two machines move at every turn. The simulated customer's own machine (dialogues/customer_machines/) decides how
he reacts to what the trainee did — read by the machine's own rules (engine/trainee/reading.py) from the moves the
one understanding finds in the trainee's words; the operator's call-stage machine (the call type's) follows the
trainee's stage for hints and the records. Everything the customer says comes from scripts_ru/client/.
"""
from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from state_machines.simulated_customer import CustomerFacts, CustomerMachine, CustomerModel, Reaction

from ..conversation import Event, OfferState, Reply, Snapshot
from ..dialogue import STOP_SELLING
from ..judge import Rules, ScenarioJudge
from ..vocabulary import HUNG_UP
from .closing import Closing
from .coach import hint
from .reading import CHATTED, FED_UP, PICKED_UP, Turn, pending_traps, read
from .state import TraineeState
from .voice import Voice

if TYPE_CHECKING:
    from ..content.call_types import CallType
    from ..content.scenarios import CustomerMachineSpec, Question, Scenario, Trap
    from ..dialogue import DialogueEngine

CHATTY_SHARE = 0.5
HINT_COMMAND_LABEL = "trainee_hint_command"


class TraineeMode:
    def __init__(self, engine: DialogueEngine):
        self.engine = engine
        self.content = engine.content
        self.machines = {spec.id: CustomerMachine(spec) for spec in self.content.customer_machines.values()}
        self.closing = Closing(self)
        self._judges: dict[str, ScenarioJudge] = {}

    # --- the scenario and its rules ------------------------------------------------------------------------
    def scenario(self, snapshot: Snapshot) -> Scenario:
        return self.content.scenarios[snapshot.scenario_id]

    def call_type(self, snapshot: Snapshot) -> CallType:
        return self.content.call_types[snapshot.call_type]

    def spec(self, snapshot: Snapshot) -> CustomerMachineSpec:
        return self.content.customer_machines[self.call_type(snapshot).customer_machine]

    def judge(self, snapshot: Snapshot) -> ScenarioJudge:
        judge = self._judges.get(snapshot.scenario_id)
        if judge is None:
            scenario = self.scenario(snapshot)
            judge = ScenarioJudge(scenario, self.content.call_type_of(scenario),
                                  Rules(self.content.products, self.content.services))
            self._judges[scenario.id] = judge
        return judge

    def offer_allowed(self, snapshot: Snapshot) -> bool:
        """Whether, as far as the trainee can know now, any offer of the tab may be made."""
        return self.judge(snapshot).allowed(snapshot.trainee.revealed)

    def voice(self, snapshot: Snapshot) -> Voice:
        return Voice(self.content, self.scenario(snapshot), snapshot, snapshot.trainee, self.engine.today)

    def offered_product(self, snapshot: Snapshot) -> str:
        current = snapshot.current_offer
        return current.product if current is not None else self.judge(snapshot).main_offer

    def note(self, snapshot: Snapshot, template: str, buttons: tuple = (), product_id: str | None = None,
             **details: Any) -> Reply:
        text = self.voice(snapshot).render(template, product_id or self.judge(snapshot).main_offer, **details)
        return Reply(text, kind="note", buttons=buttons)

    # --- the session ---------------------------------------------------------------------------------------
    def start(self, snapshot: Snapshot) -> list[Reply]:
        if snapshot.scenario_id is None:
            ids = sorted(s.id for s in self.content.scenarios.values()
                         if (s.call_type or self.content.default_call_type) == snapshot.call_type)
            snapshot.scenario_id = random.Random(snapshot.seed).choice(ids)
        scenario, spec = self.scenario(snapshot), self.spec(snapshot)
        briefed = [trap.id for trap in scenario.traps if trap.volunteered == "briefing"]
        snapshot.trainee = TraineeState(customer_state=spec.initial, revealed=briefed,
                                        irritation=spec.start_irritation.get(scenario.persona.mood, 0))
        voice = self.voice(snapshot)
        briefing = [voice.render(f"client/traps/{trap_id}.j2", self.judge(snapshot).main_offer) for trap_id in briefed]
        offers = [self.content.products[p].name for p in scenario.offers]
        replies = [self.note(snapshot, self.call_type(snapshot).trainee_briefing, title=scenario.title,
                             difficulty=self.content.label(f"difficulty_{scenario.difficulty}"),
                             briefing=scenario.briefing, traps=briefing, offers=offers)]
        machine = self.machines[spec.id]
        if PICKED_UP in machine.triggers(spec.initial):  # an outbound call: he picks up and speaks first
            reaction = machine.react(CustomerModel(state=spec.initial, facts=self._facts(snapshot)), PICKED_UP)
            replies += self._respond(snapshot, reaction, None, None, [])
            if machine.is_final(snapshot.trainee.customer_state):
                snapshot.hang_up("client")
                self.engine.fire(snapshot, HUNG_UP)
                replies += self.closing.ask(snapshot)
        return replies

    def handle(self, snapshot: Snapshot, event: Event) -> list[Reply]:
        text = (event.text or "").strip()
        if event.hint or (text and text.lower() in self._hint_commands()):
            return [hint(self, snapshot)]
        if self.engine.machines[snapshot.call_type].is_final(snapshot.stage):
            return self.closing.choose(snapshot, event)
        if event.hang_up:
            snapshot.trainee.customer_state = self._gone_state(snapshot)
            self.engine.fire(snapshot, HUNG_UP)
            return self.closing.ask(snapshot)
        if not text:
            return []
        client, _ = self.voice(snapshot).people()
        moves = self.engine.nlu.operator_moves(text, client.io)
        snapshot.say("operator", text, tags=sorted(moves.tags), addresses_by_name=moves.addresses_by_name)
        replies = self._react(snapshot, text, frozenset(moves.tags), moves.addresses_by_name)
        if self.machines[self.spec(snapshot).id].is_final(snapshot.trainee.customer_state):
            if not self.engine.machines[snapshot.call_type].is_final(snapshot.stage):
                snapshot.hang_up("client")
                self.engine.fire(snapshot, HUNG_UP)
            replies.extend(self.closing.ask(snapshot))
        return replies

    def _hint_commands(self) -> set[str]:
        label = self.content.labels.get(HINT_COMMAND_LABEL)
        return {label.text.strip().lower()} if label is not None else set()

    def _gone_state(self, snapshot: Snapshot) -> str:
        spec = self.spec(snapshot)
        return next((state.id for state in spec.states if state.final), snapshot.trainee.customer_state)

    def _solution(self, scenario: Scenario) -> tuple[str, ...]:
        if scenario.solution:
            return tuple(scenario.solution)
        topic = self.content.topics.get(scenario.topic or "")
        return tuple(topic.solution) if topic is not None else ()

    def _facts(self, snapshot: Snapshot) -> CustomerFacts:
        scenario, state, spec = self.scenario(snapshot), snapshot.trainee, self.spec(snapshot)
        answer = spec.answer(state.decision or "")
        return CustomerFacts(
            objection_next=state.objection_index < len(scenario.objections),
            repeats_left=state.repeats < scenario.max_objection_repeats,
            patience_left=state.irritation <= scenario.persona.patience,
            details_left=bool(scenario.issue_details) and not state.details_given,
            said_yes=answer is not None and answer.agrees,
            decision_maker=scenario.persona.identity.decision_maker,
            identity_given=state.identity_given,
            situation=frozenset(flag for flag, on in scenario.situation.items() if on),
        )

    # --- how the customer reacts ----------------------------------------------------------------------------
    def _react(self, snapshot: Snapshot, text: str, moves: frozenset[str], by_name: bool) -> list[Reply]:
        state, scenario, spec = snapshot.trainee, self.scenario(snapshot), self.spec(snapshot)
        machine = self.machines[spec.id]
        reading = read(Turn(text, moves, by_name, state, scenario, spec, self.engine.nlu, self._solution(scenario)))
        trigger = reading.trigger
        annoying = [move for move in sorted(moves) if move in spec.complaints]
        state.irritation = max(0, state.irritation + spec.irritation.get(trigger, 0)
                               + sum(spec.irritation.get(move, 0) for move in annoying))
        if annoying and state.irritation > scenario.persona.patience:
            trigger = FED_UP
        model = CustomerModel(state=state.customer_state, facts=self._facts(snapshot))
        reaction = machine.react(model, trigger) or machine.react(model, CHATTED) \
            or Reaction(trigger, model.state, model.state, "off_script")
        if reaction.offer:
            self._note_offer(snapshot, text)
        complaints = [] if trigger == FED_UP else [spec.complaints[move] for move in annoying]
        return self._respond(snapshot, reaction, reading.trap, reading.question, complaints)

    def _respond(self, snapshot: Snapshot, reaction: Reaction, trap: Trap | None, question: Question | None,
                 complaints: list[str]) -> list[Reply]:
        """Say the reaction's line (with what annoyed him first, and a trap he lets slip), then move the call."""
        state, scenario, spec = snapshot.trainee, self.scenario(snapshot), self.spec(snapshot)
        state.customer_state = reaction.dest
        if reaction.resolves_issue and reaction.moved:
            snapshot.issue_resolved = True
        line_id, parts, intent, events = self._line(snapshot, reaction, trap, question)
        if reaction.say != "trap":  # a trap he lets slip at this moment of the call
            for slipped in pending_traps(scenario, state, reaction.moments):
                parts.append(self._reveal(snapshot, slipped))
                intent = slipped.intent if slipped.intent != "other" else intent
        voice = self.voice(snapshot)
        for complaint in complaints:
            parts.insert(0, voice.line(self._template(scenario, complaint), self.offered_product(snapshot), complaint))
        line = spec.line(line_id)
        if scenario.persona.talkativeness == "chatty" and line is not None and line.chatty \
                and voice.rng("chatter").random() < CHATTY_SHARE:
            parts.append(voice.line("client/chatter.j2", self.offered_product(snapshot), "chatter"))
        reply = self._say(snapshot, " ".join(part for part in parts if part), line_id, intent)
        for event in [*reaction.call, *events]:
            self._fire(snapshot, event)
        if state.revealed and not self.offer_allowed(snapshot):
            self.engine.fire(snapshot, STOP_SELLING)  # a revealed trap forbids the sale: close without an offer
        return [reply]

    def _say(self, snapshot: Snapshot, said: str, line_id: str, intent: str) -> Reply:
        snapshot.say("client", said, intent=intent, line=line_id)
        snapshot.trainee.last_line = said
        return Reply(said)

    def _template(self, scenario: Scenario, line_id: str) -> str:
        return scenario.lines.get(line_id) or self.content.customer_machines[
            self.content.call_type_of(scenario).customer_machine].template(line_id)

    @staticmethod
    def _intent(spec: CustomerMachineSpec, line_id: str) -> str:
        line = spec.line(line_id)
        return line.intent if line is not None else "other"

    def _line(self, snapshot: Snapshot, reaction: Reaction, trap: Trap | None, question: Question | None
              ) -> tuple[str, list[str], str, list[str]]:
        """The customer's line for a reaction: its id, text parts, intent and the call-stage events it brings
        (``kind:<kind>`` stands for the event the current stage gives an intent of that kind)."""
        state, scenario, spec = snapshot.trainee, self.scenario(snapshot), self.spec(snapshot)
        voice, product = self.voice(snapshot), self.offered_product(snapshot)
        say = reaction.say or "off_script"
        if say == "next_objection":
            step = scenario.objections[state.objection_index]
            state.objection_index += 1
            state.current_objection = step.id
            state.repeats = 0
            kind = self.engine.nlu.intent_kind(step.id)
            return step.id, [voice.line(step.template, product, step.id)], step.id, [f"kind:{kind}"]
        if say in ("final", "stands"):
            kind = self.engine.nlu.intent_kind(state.current_objection) if state.current_objection else None
            answer_id = scenario.final_answer if say == "final" else spec.stands.get(kind or "", scenario.final_answer)
            state.decision = answer_id
            text = voice.line(self._template(scenario, answer_id), product, answer_id)
            return answer_id, [text], self._intent(spec, answer_id), [spec.answer(answer_id).call]
        if say == "trap":
            if trap is None:
                return "off_script", [voice.line("client/off_script.j2", product, "off_script")], "other", []
            events = []
            if reaction.offer:  # he answers the offer with the trap («так у меня это уже есть»)
                state.decision = "trap"
                events = [spec.trap_events[f] for f in trap.fields if f in spec.trap_events]
            return f"trap:{trap.id}", [self._reveal(snapshot, trap)], trap.intent, events
        details: dict[str, Any] = {"contract": scenario.contract, "current_objection": state.current_objection or "",
                                   "issue_details": scenario.issue_details, "reason": scenario.reason_text,
                                   "identity": scenario.persona.identity.model_dump(),
                                   "last_name": scenario.persona.last_name}
        if say == "details":
            state.details_given = True
        elif say == "identity":
            state.identity_given = True
        elif say == "answer" and question is not None:
            state.answered.append(question.id)
            details["answer"] = scenario.facts[question.id]
        line = spec.line(say)
        if line is not None and line.repeats_objection:
            state.repeats += 1
        text = voice.line(self._template(scenario, say), product, say, **details)
        return say, [text], self._intent(spec, say), []

    def _reveal(self, snapshot: Snapshot, trap: Trap) -> str:
        snapshot.trainee.revealed.append(trap.id)
        return self.voice(snapshot).line(trap.template, self.offered_product(snapshot), trap.id)

    def _note_offer(self, snapshot: Snapshot, text: str) -> None:
        judge = self.judge(snapshot)
        product = judge.named_offer(text) or judge.main_offer
        shown = next((offer for offer in snapshot.offers if offer.product == product), None)
        if shown is None:
            snapshot.offers.append(OfferState(product=product))
        else:  # the offer named again becomes the current one
            snapshot.offers.remove(shown)
            snapshot.offers.append(shown)

    def _fire(self, snapshot: Snapshot, event: str) -> None:
        if event.startswith("kind:"):
            stage = self.call_type(snapshot).stage(snapshot.stage)
            found = stage.on_kind.get(event.removeprefix("kind:"))
            if found is None:
                return
            event = found
        self.engine.fire(snapshot, event, offer_allowed=self.offer_allowed(snapshot))

    def scorecard(self, snapshot: Snapshot) -> dict[str, Any]:
        return self.closing.scorecard(snapshot)

