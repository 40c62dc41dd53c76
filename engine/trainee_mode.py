"""Trainee mode: the program plays the customer of a scenario; the trainee types as the operator.

Two machines move at every turn. The simulated customer's own machine (state_machines/simulated_customer.py, from
dialogues/customer_machines.yaml) decides how he reacts to what the trainee did; the operator's call-stage machine
(the engine's, from dialogues/call_types/) follows the trainee's stage for hints and the records. What the trainee
did is read from his text by the understanding (operator moves) and by the machine's questions (trap questions).

Every word the customer says comes from scripts_ru/client/ (variants separated by a line ``---``, chosen by a
generator seeded from the session seed and the turn, so a replay is the same); every note from scripts_ru/bot/.
"""
from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING, Any

from state_machines.simulated_customer import CustomerFacts, CustomerMachine, CustomerModel, Reaction

from .content.speech import Person
from .conversation import Button, Event, OfferState, Reply, Snapshot
from .eligibility import EligibilityContext, check_eligibility
from .responses import outcome_of_verdict, response_code
from .russian import lemma
from .understanding.text import normalize_word

if TYPE_CHECKING:
    from .content.scenarios import CustomerMachineSpec, Scenario, Trap
    from .dialogue import DialogueEngine

VZOR_STEPS = frozenset({"empathy", "clarify", "benefit", "summary"})
OFFER_MOVES = frozenset({"offer", "price", "price_per_day", "call_to_action"})
PUSH_MOVES = OFFER_MOVES | {"benefit", "summary"}
WORK_MOVES = OFFER_MOVES | VZOR_STEPS
OUTCOME_BUTTON = "outcome:"
VARIANTS = re.compile(r"\s*-{3,}\s*")
HINT_COMMAND_LABEL = "trainee_hint_command"
# How the customer's decision closes the offer on the call-stage machine.
DECISION_EVENTS = {"agree": "agreed", "think": "not_owner", "not_owner": "not_owner", "decline": "declined"}
# Which moments of the call a reaction is (a trap he lets slip at that moment is said then).
MOMENTS = {"greeted": ("introduce", "issue"), "solved": ("solved",), "bridged": ("bridge",),
           "offered": ("bridge", "offer")}
CHATTY_LINES = frozenset({"introduce", "issue_solved", "listening"})
CHATTY_SHARE = 0.5
PRE_OFFER_STAGES = frozenset({"greeting", "identification", "issue", "bridge"})
SCORECARD_FEEDBACK_SHOWN = 4


def _words(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    words = [normalize_word(w) for w in "".join(c if c.isalnum() else " " for c in text).split()]
    return frozenset(normalize_word(lemma(w)) for w in words), tuple(words)


def _phrase_in(phrase: str, lemmas: frozenset[str], words: tuple[str, ...]) -> bool:
    """All words of the phrase are in the text: by lemma, or as a word start with ``*``; ``a|b`` alternatives."""
    for part in phrase.split():
        if part == "...":
            continue
        found = False
        for alternative in part.split("|"):
            alternative = normalize_word(alternative)
            if alternative.endswith("*"):
                stem = alternative[:-1]
                found = any(w.startswith(stem) for w in words) or any(l.startswith(stem) for l in lemmas)
            else:
                found = alternative in words or normalize_word(lemma(alternative)) in lemmas
            if found:
                break
        if not found:
            return False
    return True


class TraineeMode:
    def __init__(self, engine: DialogueEngine):
        self.engine = engine
        self.content = engine.content
        self.machines = {spec.id: CustomerMachine(spec) for spec in self.content.customer_machines.values()}

    # --- the scenario and its people -------------------------------------------------------------------------
    def scenario(self, snapshot: Snapshot) -> Scenario:
        return self.content.scenarios[snapshot.scenario_id]

    def spec(self, snapshot: Snapshot) -> CustomerMachineSpec:
        return self.content.customer_machines[self.scenario(snapshot).machine]

    def _people(self, snapshot: Snapshot) -> tuple[Person, Person]:
        persona = self.scenario(snapshot).persona
        client = Person(persona.first_name, persona.patronymic, persona.gender)
        operator = Person("", company=self.content.assistant.company)
        return client, operator

    def _verdicts(self, snapshot: Snapshot, *, visible: bool) -> list[Any]:
        customer, call = self._context(snapshot, visible=visible)
        return [check_eligibility(EligibilityContext(offer=offer, customer=customer, call=call), self.content)
                for offer in self.scenario(snapshot).offers]

    def _context(self, snapshot: Snapshot, *, visible: bool) -> tuple[Any, Any]:
        """The scenario's context; ``visible``: what the trainee can know so far (unrevealed traps hidden)."""
        scenario = self.scenario(snapshot)
        customer, call = scenario.customer, scenario.call
        if not visible:
            return customer, call
        revealed = set(snapshot.mode_state.get("revealed", []))
        for trap in scenario.traps:
            if trap.id in revealed:
                continue
            for part_name in ("customer", "call"):
                names = [f.split(".", 1)[1] for f in trap.fields if f.startswith(part_name + ".")]
                if not names:
                    continue
                model = customer if part_name == "customer" else call
                defaults = type(model)()
                model = model.model_copy(update={name: getattr(defaults, name) for name in names})
                if part_name == "customer":
                    customer = model
                else:
                    call = model
        return customer, call

    def main_offer(self, snapshot: Snapshot) -> str:
        """The offer of the «Рекомендации» tab the customer's script is about: the first allowed one."""
        verdicts = self._verdicts(snapshot, visible=False)
        allowed = [v.offer for v in verdicts if v.allowed]
        return allowed[0] if allowed else self.scenario(snapshot).offers[0]

    def offer_allowed(self, snapshot: Snapshot) -> bool:
        """Whether, as far as the trainee can know now, any offer of the tab may be made."""
        return any(v.allowed for v in self._verdicts(snapshot, visible=True))

    # --- rendering -----------------------------------------------------------------------------------------
    def _context_for(self, snapshot: Snapshot, product_id: str | None, **details: Any) -> dict[str, Any]:
        scenario = self.scenario(snapshot)
        client, operator = self._people(snapshot)
        return self.content.speech_context(client, operator, product_id, self.engine.today,
                                           issue=scenario.issue_text, details=details)

    def _render(self, snapshot: Snapshot, template: str, product_id: str | None = None, **details: Any) -> str:
        product = product_id or self.main_offer(snapshot)
        return self.content.speech.render(template, **self._context_for(snapshot, product, **details))

    def _rng(self, snapshot: Snapshot, salt: str) -> random.Random:
        return random.Random(f"{snapshot.seed}:{len(snapshot.lines)}:{salt}")

    def _variant(self, snapshot: Snapshot, template: str, salt: str, **details: Any) -> str:
        text = self._render(snapshot, template, self._offered_product(snapshot), **details)
        variants = [part.strip() for part in _split_variants(text) if part.strip()]
        if not variants:
            return text
        if self.scenario(snapshot).persona.talkativeness == "short":
            return variants[0]
        return self._rng(snapshot, salt).choice(variants)

    def _offered_product(self, snapshot: Snapshot) -> str:
        current = snapshot.current_offer
        return current.product if current is not None else self.main_offer(snapshot)

    def _note(self, snapshot: Snapshot, template: str, buttons: tuple[Button, ...] = (),
              product_id: str | None = None, **details: Any) -> Reply:
        return Reply(self._render(snapshot, template, product_id, **details), kind="note", buttons=buttons)

    # --- the session ---------------------------------------------------------------------------------------
    def start(self, snapshot: Snapshot) -> list[Reply]:
        if snapshot.scenario_id is None:
            ids = sorted(self.content.scenarios)
            snapshot.scenario_id = random.Random(snapshot.seed).choice(ids)
        scenario = self.scenario(snapshot)
        spec = self.spec(snapshot)
        briefed = [trap.id for trap in scenario.traps if trap.volunteered == "briefing"]
        snapshot.mode_state.update(
            customer_state=spec.initial, irritation=spec.start_irritation.get(scenario.persona.mood, 0),
            objection_index=0, current_objection=None, repeats=0, details_given=False, revealed=briefed,
            decision=None, hints=0, outcomes={}, outcome=None,
        )
        briefing = [self._render(snapshot, f"client/traps/{trap_id}.j2") for trap_id in briefed]
        offers = [self.content.products[p].name for p in scenario.offers]
        return [self._note(snapshot, "bot/trainee_start.j2", title=scenario.title,
                           difficulty=self.content.label(f"difficulty_{scenario.difficulty}"),
                           briefing=scenario.briefing, traps=briefing, offers=offers)]

    def handle(self, snapshot: Snapshot, event: Event) -> list[Reply]:
        text = (event.text or "").strip()
        if event.hint or (text and text.lower() in self._hint_commands()):
            return [self.hint(snapshot)]
        if self.engine.machines[snapshot.call_type].is_final(snapshot.stage):
            return self._choose_outcome(snapshot, event)
        if event.hang_up:
            snapshot.mode_state["customer_state"] = self._gone_state(snapshot)
            self.engine.fire(snapshot, "hung_up")
            return self._ask_outcome(snapshot)
        if not text:
            return []
        client, _ = self._people(snapshot)
        moves = self.engine.nlu.operator_moves(text, client.io)
        tags = set(moves.tags)
        snapshot.say("operator", text, tags=sorted(tags), addresses_by_name=moves.addresses_by_name)
        replies = self._react(snapshot, text, tags)
        if self.machines[self.scenario(snapshot).machine].is_final(snapshot.mode_state["customer_state"]):
            if not self.engine.machines[snapshot.call_type].is_final(snapshot.stage):
                self.engine.fire(snapshot, "hung_up")
            replies.extend(self._ask_outcome(snapshot))
        return replies

    def _hint_commands(self) -> set[str]:
        label = self.content.labels.get(HINT_COMMAND_LABEL)
        return {label.text.strip().lower()} if label is not None else set()

    def _gone_state(self, snapshot: Snapshot) -> str:
        spec = self.spec(snapshot)
        return next((state.id for state in spec.states if state.final), snapshot.mode_state["customer_state"])

    # --- what the trainee did -------------------------------------------------------------------------------
    def _trap_asked(self, snapshot: Snapshot, text: str) -> Trap | None:
        scenario = self.scenario(snapshot)
        revealed = set(snapshot.mode_state["revealed"])
        lemmas, words = _words(text)
        questions = {question.id: question for question in self.spec(snapshot).questions}
        for trap in scenario.traps:
            if trap.id in revealed:
                continue
            for question_id in trap.asked_by:
                question = questions.get(question_id)
                if question and any(_phrase_in(phrase, lemmas, words) for phrase in question.phrases):
                    return trap
        return None

    def _pending_trap(self, snapshot: Snapshot, moments: tuple[str, ...]) -> list[Trap]:
        revealed = set(snapshot.mode_state["revealed"])
        return [trap for trap in self.scenario(snapshot).traps
                if trap.volunteered in moments and trap.id not in revealed]

    def _solves(self, scenario: Scenario, text: str) -> bool:
        if not scenario.solution:
            return True
        lemmas, words = _words(text)
        return any(_phrase_in(phrase, lemmas, words) for phrase in scenario.solution)

    def _trigger(self, snapshot: Snapshot, text: str, tags: set[str]) -> tuple[str, Trap | None]:
        state = snapshot.mode_state["customer_state"]
        scenario = self.scenario(snapshot)
        if "farewell" in tags and state != self.spec(snapshot).initial:
            return "farewell", None
        if not tags & OFFER_MOVES:
            trap = self._trap_asked(snapshot, text)
            if trap is not None:
                return "asked", trap
        if state == "waiting":
            return ("greeted" if "greeting" in tags else "not_greeted"), None
        if state == "describing":
            if tags & OFFER_MOVES:
                return "pushed_early", None
            if "clarify" in tags:
                return "clarified", None
            return ("solved" if self._solves(scenario, text) else "tried"), None
        if state in ("satisfied", "listening"):
            if tags & OFFER_MOVES or (state == "listening" and "benefit" in tags):
                return "offered", None
            if "bridge" in tags and state == "satisfied":
                return "bridged", None
            return "chatted", None
        if state == "objecting":
            objection = snapshot.mode_state["current_objection"]
            step = next((s for s in scenario.objections if s.id == objection), None)
            required = set(step.worked_by if step is not None and step.worked_by is not None
                           else self.spec(snapshot).worked_by.get(objection or "", []))
            if len(tags & VZOR_STEPS) >= self.spec(snapshot).vzor_min_steps and required <= tags:
                return "worked", None
            if tags & WORK_MOVES:
                return "missed", None
            return "accepted", None
        if state == "decided":
            if tags & PUSH_MOVES:
                return "pushed", None
            if "check_questions" in tags:
                return "checked", None
            return "chatted", None
        return "chatted", None

    def _facts(self, snapshot: Snapshot) -> CustomerFacts:
        scenario = self.scenario(snapshot)
        state = snapshot.mode_state
        return CustomerFacts(
            objection_next=state["objection_index"] < len(scenario.objections),
            repeats_left=state["repeats"] < scenario.max_objection_repeats,
            patience_left=state["irritation"] <= scenario.persona.patience,
            details_left=bool(scenario.issue_details) and not state["details_given"],
            said_yes=state["decision"] == "agree",
        )

    # --- how the customer reacts ----------------------------------------------------------------------------
    def _react(self, snapshot: Snapshot, text: str, tags: set[str]) -> list[Reply]:
        state = snapshot.mode_state
        scenario = self.scenario(snapshot)
        spec = self.spec(snapshot)
        machine = self.machines[scenario.machine]
        trigger, trap = self._trigger(snapshot, text, tags)
        cliche = "cliche" in tags
        state["irritation"] = max(0, state["irritation"] + spec.irritation.get(trigger, 0)
                                  + (spec.irritation.get("cliche", 0) if cliche else 0))
        if cliche and state["irritation"] > scenario.persona.patience:
            trigger = "fed_up"
        if trigger == "offered" and self._pending_trap(snapshot, MOMENTS["offered"]):
            # he lets the trap slip instead of answering the offer («так у меня это уже есть»)
            trigger, trap = "offered_into_trap", self._pending_trap(snapshot, MOMENTS["offered"])[0]
        if trigger in ("offered", "offered_into_trap"):
            self._note_offer(snapshot, text)
        model = CustomerModel(state=state["customer_state"], facts=self._facts(snapshot))
        reaction = machine.react(model, trigger)
        if reaction is None:
            reaction = machine.react(model, "chatted") or Reaction(trigger, model.state, model.state, "off_script", ())
        state["customer_state"] = reaction.dest
        if trigger == "solved" and reaction.source != reaction.dest:
            snapshot.issue_resolved = True
        if trigger == "clarified":
            state["details_given"] = True
        line_id, parts, intent, events = self._line(snapshot, reaction, trap)
        if trigger == "offered_into_trap":
            state["decision"] = "trap"
        # a trap he lets slip at this moment of the call
        for slipped in self._pending_trap(snapshot, MOMENTS.get(trigger, ())) if reaction.say != "trap" else []:
            parts.append(self._reveal(snapshot, slipped))
            intent = slipped.intent if slipped.intent != "other" else intent
        if cliche and trigger != "fed_up":
            parts.insert(0, self._variant(snapshot, "client/cliche.j2", "cliche"))
        if (scenario.persona.talkativeness == "chatty" and line_id in CHATTY_LINES
                and self._rng(snapshot, "chatter").random() < CHATTY_SHARE):
            parts.append(self._variant(snapshot, "client/chatter.j2", "chatter"))
        said = " ".join(part for part in parts if part)
        snapshot.say("client", said, intent=intent, line=line_id)
        for event in [*reaction.call, *events]:
            self._fire(snapshot, event)
        self._stop_if_forbidden(snapshot)
        return [Reply(said)]

    def _line(self, snapshot: Snapshot, reaction: Reaction, trap: Trap | None
              ) -> tuple[str, list[str], str, list[str]]:
        """The customer's line for a reaction: its id, text parts, intent and the call-stage events it brings."""
        state = snapshot.mode_state
        scenario = self.scenario(snapshot)
        spec = self.spec(snapshot)
        say = reaction.say or "off_script"
        if say == "objection":
            step = scenario.objections[state["objection_index"]]
            state["objection_index"] += 1
            state["current_objection"] = step.id
            state["repeats"] = 0
            text = self._variant(snapshot, step.template, step.id)
            return step.id, [text], step.id, ["hesitation" if step.id == "think" else "objection"]
        if say in ("final", "stands"):
            if say == "final":
                answer = scenario.final_answer
            else:
                answer = "think" if state["current_objection"] == "think" else "decline"
            state["decision"] = answer
            line = spec.line(answer)
            text = self._variant(snapshot, f"client/{answer}.j2", answer)
            return answer, [text], line.intent if line else answer, [DECISION_EVENTS[answer]]
        if say == "trap":
            if trap is None:
                return "off_script", [self._variant(snapshot, "client/off_script.j2", "off_script")], "other", []
            events = ["already_has"] if reaction.trigger == "offered_into_trap" and self._reveals_has(trap) else []
            return f"trap:{trap.id}", [self._reveal(snapshot, trap)], trap.intent, events
        details: dict[str, Any] = {"contract": scenario.contract, "objection": state.get("current_objection") or "",
                                   "issue_details": scenario.issue_details}
        if say == "unworked":
            state["repeats"] += 1
        line = spec.line(say)
        text = self._variant(snapshot, scenario.lines.get(say, f"client/{say}.j2"), say, **details)
        return say, [text], line.intent if line else "other", []

    def _reveal(self, snapshot: Snapshot, trap: Trap) -> str:
        snapshot.mode_state["revealed"] = [*snapshot.mode_state["revealed"], trap.id]
        return self._variant(snapshot, trap.template, trap.id)

    @staticmethod
    def _reveals_has(trap: Trap) -> bool:
        return "customer.options" in trap.fields

    def _note_offer(self, snapshot: Snapshot, text: str) -> None:
        product = self._mentioned_product(snapshot, text) or self.main_offer(snapshot)
        if all(offer.product != product for offer in snapshot.offers):
            snapshot.offers.append(OfferState(product=product))
        else:
            snapshot.offers.append(snapshot.offers.pop(next(i for i, o in enumerate(snapshot.offers)
                                                            if o.product == product)))

    def _mentioned_product(self, snapshot: Snapshot, text: str) -> str | None:
        """The offer of the tab the trainee named, by the words of its name no other product's name has."""
        offers = self.scenario(snapshot).offers
        lemmas, _ = _words(text)
        names = {pid: _words(product.name)[0] for pid, product in self.content.products.items()}
        for product_id in offers:
            others = frozenset().union(*(words for pid, words in names.items() if pid != product_id))
            own = {w for w in names[product_id] - others if len(w) > 3}
            if own & lemmas:
                return product_id
        return None

    def _fire(self, snapshot: Snapshot, event: str) -> None:
        if event == "farewell" and snapshot.stage != "closing":
            event = "hung_up"
        if event == "issue_handled":
            snapshot.issue_resolved = True
        step = self.engine.fire(snapshot, event, offer_allowed=self.offer_allowed(snapshot))
        if step is not None and step.dest == "objection" and event in ("objection", "hesitation"):
            snapshot.objections += 1
            if snapshot.current_offer is not None:
                snapshot.current_offer.objections += 1

    def _stop_if_forbidden(self, snapshot: Snapshot) -> None:
        """A revealed trap forbids the sale: the trainee's stage moves to closing without an offer."""
        if snapshot.stage in PRE_OFFER_STAGES and snapshot.mode_state["revealed"] and not self.offer_allowed(snapshot):
            self.engine.fire(snapshot, "stop_selling")

    # --- hints ---------------------------------------------------------------------------------------------
    def hint(self, snapshot: Snapshot) -> Reply:
        """The stage the trainee is in and a phrase for the next step, from the speech modules; counted."""
        snapshot.mode_state["hints"] = snapshot.mode_state.get("hints", 0) + 1
        call_type = self.content.call_types[snapshot.call_type]
        stage = call_type.stage(snapshot.stage)
        scenario = self.scenario(snapshot)
        product = self._offered_product(snapshot)
        template = stage.hint
        if snapshot.stage == "bridge":
            bridge = self.content.bridges.get(scenario.issue)
            template = bridge.template if bridge is not None else template
        elif snapshot.stage == "objection":
            objection = self.content.objections.get(snapshot.mode_state.get("current_objection") or "")
            template = objection.template if objection is not None else template
        elif snapshot.stage == "closing" and not snapshot.offers and not self.offer_allowed(snapshot):
            template = "closings/not_offered.j2"
        client, operator = self._people(snapshot)
        phrase = ""
        if template is not None:
            context = self.content.speech_context(client, operator, product, self.engine.today)
            phrase = self.content.speech.render(template, **{k: v for k, v in context.items()
                                                             if k in ("client", "operator", "product", "products")})
        return self._note(snapshot, "bot/trainee_hint.j2", stage=stage.name, phrase=phrase,
                          count=snapshot.mode_state["hints"])

    # --- the response codes and the scorecard --------------------------------------------------------------
    def _ask_outcome(self, snapshot: Snapshot) -> list[Reply]:
        offers = self.scenario(snapshot).offers
        chosen = snapshot.mode_state.get("outcomes", {})
        product = next((p for p in offers if p not in chosen), offers[0])
        buttons = tuple(Button(code.label, OUTCOME_BUTTON + code.id) for code in self.content.response_codes.values())
        return [self._note(snapshot, "bot/choose_outcome.j2", buttons=buttons, product_id=product,
                           several=len(offers) > 1)]

    def _choose_outcome(self, snapshot: Snapshot, event: Event) -> list[Reply]:
        chosen = (event.button or "").removeprefix(OUTCOME_BUTTON) or event.text.strip()
        by_label = {code.label.lower(): code.id for code in self.content.response_codes.values()}
        chosen = by_label.get(chosen.lower(), chosen)
        if chosen not in self.content.response_codes:
            return self._ask_outcome(snapshot)
        scenario = self.scenario(snapshot)
        outcomes = dict(snapshot.mode_state.get("outcomes", {}))
        product = next(p for p in scenario.offers if p not in outcomes)
        outcomes[product] = chosen
        snapshot.mode_state["outcomes"] = outcomes
        saved = self._render(snapshot, "bot/outcome_saved.j2", product,
                             label=self.content.response_codes[chosen].label)
        if len(outcomes) < len(scenario.offers):
            return [Reply(saved, kind="note"), *self._ask_outcome(snapshot)]
        snapshot.mode_state["outcome"] = outcomes[self.main_offer(snapshot)]
        card = self.scorecard(snapshot)
        snapshot.mode_state["scorecard"] = card
        snapshot.finished = True
        shown = self._render(snapshot, "bot/scorecard.j2", None, score=card["score"], passed=card["passed"],
                             feedback=card["feedback"][:SCORECARD_FEEDBACK_SHOWN],
                             more=max(0, len(card["feedback"]) - SCORECARD_FEEDBACK_SHOWN), hints=card["hints"])
        return [Reply(f"{saved}\n\n{shown}", kind="note")]

    def scorecard(self, snapshot: Snapshot) -> dict[str, Any]:
        """The scorecard of the session as JSON, with the hints used and the code of every offer of the tab."""
        from .scorecard import ScoreInputError, score_session

        try:
            card = score_session(snapshot, self.content, self.engine.nlu).as_json()
        except ScoreInputError:  # the trainee hung up without a word: nothing to score but a zero
            summary = self.content.scorecard_feedback["summary_failed"].text
            pass_mark = self.content.scorecard["default"].pass_mark if "default" in self.content.scorecard else 0
            card = {"score": 0, "passed": False, "checks": {}, "flags": [], "not_applicable": [],
                    "feedback": [summary.format_map(_Blank(score=0, pass_mark=pass_mark))],
                    "response_code": {"chosen": snapshot.mode_state.get("outcome"), "correct": None}}
        main = self.main_offer(snapshot)
        scenario = self.scenario(snapshot)
        verdicts = {v.offer: v for v in self._verdicts(snapshot, visible=False)}
        offered = {offer.product for offer in snapshot.offers}
        rows = []
        for product in scenario.offers:
            if product == main and card["response_code"]["correct"] is not None:
                correct = card["response_code"]["correct"]
            elif product in scenario.other_outcomes:
                correct = scenario.other_outcomes[product]
            elif not verdicts[product].allowed:
                correct = response_code(outcome_of_verdict([r.value for r in verdicts[product].reasons])).value
            else:
                correct = "not_offered" if product not in offered else None
            chosen = snapshot.mode_state["outcomes"].get(product)
            rows.append({"product": product, "chosen": chosen, "correct": correct,
                         "right": correct is None or chosen == correct})
        # the scorecard judges the tab as a whole; an offer of it that was forbidden, or a wrong code on any offer
        # of the tab, counts too
        forbidden = [p for p in offered if p in verdicts and not verdicts[p].allowed]
        if forbidden and "offered_when_forbidden" not in card["flags"]:
            card["flags"] = sorted({*card["flags"], "offered_when_forbidden"})
            card["passed"] = False
            reasons = [r.value for p in forbidden for r in verdicts[p].reasons]
            texts = "; ".join(self.content.reasons[r].text if r in self.content.reasons else r
                              for r in dict.fromkeys(reasons))
            quote = next((line.text for line in snapshot.lines if line.role == "operator"
                          and set(line.analysis.get("tags", [])) & OFFER_MOVES), "")
            feedback = self.content.scorecard_feedback["offered_when_forbidden"].text
            card["feedback"].insert(1, feedback.format_map(_Blank(reasons=texts, quote=quote)))
            blocked = self.content.scorecard_feedback["summary_blocked"].text
            card["feedback"][0] = blocked.format_map(_Blank(score=card["score"]))
        if any(not row["right"] for row in rows) and "wrong_outcome" not in card["flags"]:
            card["flags"] = sorted({*card["flags"], "wrong_outcome"})
        card["hints"] = snapshot.mode_state.get("hints", 0)
        card["offers"] = rows
        card["scenario"] = scenario.id
        return card


class _Blank(dict):
    """Feedback placeholders this note does not fill read as empty."""

    def __missing__(self, key: str) -> str:
        return ""


def _split_variants(text: str) -> list[str]:
    """Variants of a line are separated by ``---`` (a block tag may have swallowed the line break before it)."""
    return VARIANTS.split(text)
