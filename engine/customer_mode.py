"""Customer mode: the self-service assistant identifies, solves the issue, and only then may make one offer."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from .call_context import customer_mode_context
from .content.speech import Person
from .conversation import Button, Event, OfferState, Reply, Snapshot
from .next_best_offer import OfferRequest, next_best_offers
from .russian import lemma

if TYPE_CHECKING:
    from .content.self_service import Topic
    from .dialogue import DialogueEngine

MAX_IDENTIFICATION_ATTEMPTS = 3
NAME_SIMILARITY = 85
CONTRACT_DIGITS = re.compile(r"\d[\d\s-]{4,}\d")
WORD = re.compile(r"[а-яёa-z]+", re.IGNORECASE)

BUTTON_AGREE, BUTTON_DETAILS, BUTTON_DECLINE = "offer:agree", "offer:details", "offer:decline"
BUTTON_SOLVED, BUTTON_UNSOLVED = "issue:solved", "issue:unsolved"
# What the customer's intent means for the call-stage machine while an offer is on the table.
OFFER_TRIGGERS = {
    "agree": "agreed",
    "decline": "declined",
    "think": "hesitation",
    "objection_price": "objection",
    "objection_need": "objection",
    "objection_have": "objection",
    "objection_time": "objection",
    "complaint": "declined",
    "churn": "declined",
    "opt_out": "declined",
}
STOP_INTENTS = frozenset({"complaint", "churn", "relocation"})


def _lemmas(text: str) -> list[str]:
    return [lemma(word.lower().replace("ё", "е")) for word in WORD.findall(text)]


class CustomerMode:
    def __init__(self, engine: DialogueEngine):
        self.engine = engine
        self.content = engine.content
        self._topic_keywords = {
            topic.id: [tuple(_lemmas(keyword)) for keyword in topic.keywords] for topic in self.content.topics.values()
        }

    # -- speech -----------------------------------------------------------------------------------------------
    def _client(self, snapshot: Snapshot) -> Person:
        customer = self.content.customers.get(snapshot.customer_id or "") if snapshot.identified else None
        if customer is None:
            return Person("")
        return Person(customer.first_name, customer.patronymic, customer.gender)

    def _operator(self) -> Person:
        assistant = self.content.assistant
        return Person(assistant.first_name, gender=assistant.gender, company=assistant.company)

    def _say(self, snapshot: Snapshot, template: str, *, product: str | None = None,
             buttons: tuple[Button, ...] = (), **details: Any) -> list[Reply]:
        context = self.content.speech_context(self._client(snapshot), self._operator(), product, self.engine.today,
                                              details=details)
        parts = self.content.speech.messages(template, **context)
        for part in parts:
            snapshot.say("operator", part)
        replies = [Reply(part) for part in parts]
        if replies and buttons:
            replies[-1] = Reply(replies[-1].text, buttons=buttons)
        return replies

    # -- turns ------------------------------------------------------------------------------------------------
    def start(self, snapshot: Snapshot) -> list[Reply]:
        replies = self._say(snapshot, "bot/greeting.j2")
        self.engine.fire(snapshot, "greeted")
        snapshot.mode_state.update(attempts=0)
        return replies

    def handle(self, snapshot: Snapshot, event: Event) -> list[Reply]:
        if event.hang_up:
            self.engine.fire(snapshot, "hung_up")
            snapshot.finished = True
            return []
        text = event.text.strip() or (event.button or "")
        if not text:
            return []
        intent = None if event.button else self.engine.nlu.client_intent(text, snapshot.stage).intent
        snapshot.say("client", text, intent=intent, button=event.button)
        replies = getattr(self, f"_at_{snapshot.stage}")(snapshot, event, intent)
        if snapshot.stage == "closing":
            replies += self._close(snapshot)
        return replies

    def _at_identification(self, snapshot: Snapshot, event: Event, intent: str | None) -> list[Reply]:
        customer_id = self._identify(event.text)
        if customer_id is not None:
            snapshot.customer_id = customer_id
            snapshot.identified = True
            self.engine.fire(snapshot, "identified")
            return self._say(snapshot, "bot/identified.j2")
        snapshot.mode_state["attempts"] += 1
        if snapshot.mode_state["attempts"] >= MAX_IDENTIFICATION_ATTEMPTS:
            self.engine.fire(snapshot, "identification_failed")
            return self._say(snapshot, "bot/identification_failed.j2")
        return self._say(snapshot, "bot/identification_retry.j2")

    def _identify(self, text: str) -> str | None:
        digits = {re.sub(r"\D", "", match) for match in CONTRACT_DIGITS.findall(text)}
        words = [word.lower() for word in WORD.findall(text)]
        for customer in self.content.customers.values():
            if customer.contract not in digits:
                continue
            names = [customer.first_name.lower(), customer.last_name.lower()]
            if any(fuzz.ratio(word, name) >= NAME_SIMILARITY for word in words for name in names):
                return customer.id
        return None

    def _detect_topic(self, text: str) -> Topic | None:
        lemmas = _lemmas(text)
        joined = " ".join(lemmas)
        best, best_hits = None, 0
        for topic_id, keywords in self._topic_keywords.items():
            hits = sum(1 for keyword in keywords if f" {' '.join(keyword)} " in f" {joined} ")
            if hits > best_hits:
                best, best_hits = self.content.topics[topic_id], hits
        return best

    def _at_issue(self, snapshot: Snapshot, event: Event, intent: str | None) -> list[Reply]:
        if event.button in (BUTTON_SOLVED, BUTTON_UNSOLVED) or (snapshot.issue_topic and intent in ("agree", "decline")):
            solved = event.button == BUTTON_SOLVED or intent == "agree"
            return self._after_solution(snapshot, solved)
        topic = self._detect_topic(event.text)
        if intent in STOP_INTENTS:
            snapshot.stop_reasons.append(intent)
        if topic is None:
            return self._say(snapshot, "bot/topic_unknown.j2")
        snapshot.issue_topic = topic.id
        buttons = (Button(self.content.label("issue_solved"), BUTTON_SOLVED),
                   Button(self.content.label("issue_unsolved"), BUTTON_UNSOLVED))
        if topic.outcome != "solved":
            replies = self._say(snapshot, topic.solution)
            return replies + self._after_solution(snapshot, solved=False)
        return self._say(snapshot, topic.solution, buttons=buttons)

    def _after_solution(self, snapshot: Snapshot, solved: bool) -> list[Reply]:
        snapshot.issue_resolved = solved
        product = self._best_offer(snapshot)
        step = self.engine.fire(snapshot, "issue_handled", offer_allowed=product is not None)
        if step is None or step.dest != "bridge":
            return []
        snapshot.offers.append(OfferState(product=product))
        bridge = self.content.bridges.get(snapshot.issue_topic or "") or self.content.bridges["general"]
        replies = self._say(snapshot, bridge.template, product=product)
        self.engine.fire(snapshot, "bridged")
        return replies + self._say(snapshot, self.content.products[product].speech, product=product,
                                   buttons=self._offer_buttons())

    def _offer_buttons(self) -> tuple[Button, ...]:
        return (Button(self.content.label("offer_agree"), BUTTON_AGREE),
                Button(self.content.label("offer_details"), BUTTON_DETAILS),
                Button(self.content.label("offer_decline"), BUTTON_DECLINE))

    def _best_offer(self, snapshot: Snapshot) -> str | None:
        """The top of the next-best-offer ranking; None when the eligibility check allows nothing."""
        customer, call = customer_mode_context(self.content, snapshot)
        demo = self.content.customers.get(snapshot.customer_id or "")
        request = OfferRequest(customer=customer, call=call, topic=snapshot.issue_topic,
                               history=demo.history if demo else [], now=self.engine.clock(), limit=1)
        ranked = next_best_offers(request, self.content).offers
        return ranked[0].offer if ranked else None

    def _at_offer(self, snapshot: Snapshot, event: Event, intent: str | None) -> list[Reply]:
        offer = snapshot.current_offer
        if event.button == BUTTON_DETAILS or intent == "question":
            return self._say(snapshot, "bot/offer_details.j2", product=offer.product, buttons=self._offer_buttons())
        trigger = {BUTTON_AGREE: "agreed", BUTTON_DECLINE: "declined"}.get(event.button or "")
        trigger = trigger or OFFER_TRIGGERS.get(intent or "")
        if trigger is None:
            return self._say(snapshot, "bot/offer_unclear.j2", product=offer.product, buttons=self._offer_buttons())
        step = self.engine.fire(snapshot, trigger)
        if step is None:
            return []
        if step.dest == "objection":
            snapshot.objections += 1
            offer.objections += 1
            objection = self.content.objections[intent if intent in self.content.objections else "think"]
            return self._say(snapshot, objection.template, product=offer.product, buttons=self._offer_buttons())
        if offer.response == "agreed":
            snapshot.orders.append(offer.product)
        return []

    _at_objection = _at_offer

    def _close(self, snapshot: Snapshot) -> list[Reply]:
        offer = snapshot.current_offer
        closing = {"agreed": "agreed", "thinking": "thinking", "not_interested": "declined"}.get(
            offer.response if offer else "", "not_offered")
        replies = self._say(snapshot, f"closings/{closing}.j2", product=offer.product if offer else None)
        self.engine.fire(snapshot, "farewell")
        snapshot.finished = True
        return replies

    def _at_closing(self, snapshot: Snapshot, event: Event, intent: str | None) -> list[Reply]:
        return []
