"""Customer mode: the self-service assistant identifies, solves the issue, and only then may make one offer.

The conversation, as the best operator would run it (seeds 000/001):

1. greeting, then identification — by contract number + name, or by a verified own phone (``Event.verified_phone``,
   set by the Telegram front end only for the sender's own contact); nothing personal is shown and nothing is
   offered before it; three failures hand the conversation to a human;
2. the customer's topic, recognised by keywords (or intent) and solved by its YAML flow (steps with buttons);
3. only then the next best eligible offer (``engine.next_best_offer``) with the bridge of the topic, the speech
   module with buttons (Подключить / Подробнее / Не сейчас), at most two objections worked with В.З.О.Р
   (the call-stage machine counts them), and a close that fits the answer; agreement is an order;
4. a hand-off to a human at any moment («оператор», «человек»), and whenever a topic ends with ``handoff``.

Everything the conversation did that the records keep (identification, opt-outs by channel, tickets, a hand-off,
the offer decision) is written on the client line that caused it (``Line.analysis``); see engine/records.py.
Python holds no customer-facing Russian: templates in scripts_ru/bot/, button labels in YAML.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from .call_context import CUSTOMER, OPT_OUTS, PRIOR_OPT_OUTS, RESULT, customer_mode_context, identified_customer
from .content.speech import Person, money
from .conversation import Button, Event, OfferState, Reply, Snapshot
from .customers import CustomerDirectory
from .eligibility import affected_services
from .next_best_offer import OfferRequest, PastResponse, next_best_offers
from .russian import lemma

if TYPE_CHECKING:
    from .content.self_service import DemoCustomer, FlowChoice, FlowStep, Topic
    from .dialogue import DialogueEngine

MAX_IDENTIFICATION_ATTEMPTS = 3
MAX_UNKNOWN = 2  # the second request the assistant does not understand goes to a human
NAME_SIMILARITY = 85
INTENT_WEIGHT = 2  # an intent that picks a choice counts like a two-word keyword
CONTRACT_DIGITS = re.compile(r"\d[\d\s-]{4,}\d")
WORD = re.compile(r"[а-яёa-z0-9]+(?:-[а-яёa-z0-9]+)*", re.IGNORECASE)

BUTTON_AGREE, BUTTON_DETAILS, BUTTON_DECLINE = "offer:agree", "offer:details", "offer:decline"
BUTTON_HANDOFF = "handoff"
STEP_PREFIX, TOPIC_PREFIX = "step:", "topic:"
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
    "relocation": "declined",
    "opt_out": "declined",
}
NEGATION = "не "
STOP_INTENTS = frozenset({"complaint", "churn", "relocation"})
# Stages from which a hand-off stops the call before any offer; from an offer it ends the call like a hang-up:
# the customer did not answer the offer, so its response stays «не предлагалось» (seed 000).
BEFORE_OFFER = frozenset({"greeting", "identification", "issue", "bridge"})
GENERAL_BRIDGE = "general"
CLOSINGS = {"agreed": "agreed", "thinking": "thinking", "not_interested": "declined"}


def _lemmas(text: str) -> list[str]:
    return [lemma(word.lower().replace("ё", "е")) for word in WORD.findall(text)]


def _phrases(keywords: list[str]) -> list[str]:
    return [" ".join(_lemmas(keyword)) for keyword in keywords]


def _found(phrase: str, joined: str) -> bool:
    """The phrase occurs in the text, and not negated: «работает» is not found in «не работает»."""
    start = joined.find(f" {phrase} ")
    while start != -1:
        if phrase.startswith(NEGATION) or not joined[:start + 1].endswith(f" {NEGATION}"):
            return True
        start = joined.find(f" {phrase} ", start + 1)
    return False


def _score(phrases: list[str], joined: str) -> int:
    """Words of the keyword phrases found in the text: a longer phrase («не помогло») outweighs a shorter one."""
    return sum(len(phrase.split()) for phrase in phrases if phrase and _found(phrase, joined))


class CustomerMode:
    def __init__(self, engine: DialogueEngine, directory: CustomerDirectory):
        self.engine = engine
        self.content = engine.content
        self.directory = directory
        self._topic_phrases = {topic.id: _phrases(topic.keywords) for topic in self.content.topics.values()}
        self._channel_phrases = {channel.id: _phrases(channel.keywords)
                                 for channel in self.content.channels.values()}

    # -- speech -----------------------------------------------------------------------------------------------
    def _client(self, snapshot: Snapshot) -> Person:
        customer = identified_customer(snapshot)
        if customer is None:
            return Person("")
        return Person(customer.first_name, customer.patronymic, customer.gender)

    def _operator(self) -> Person:
        assistant = self.content.assistant
        return Person(assistant.first_name, gender=assistant.gender, company=assistant.company)

    def _details(self, snapshot: Snapshot) -> dict[str, Any]:
        """What bot/ templates may read from ``details``: the customer's account, as data (never Russian text)."""
        customer = identified_customer(snapshot)
        if customer is None:
            return {}
        profile = customer.profile
        return {"payment": profile.payment, "balance": money(profile.balance), "negative": profile.balance < 0,
                "options": list(profile.options)}

    def _say(self, snapshot: Snapshot, template: str, *, product: str | None = None,
             buttons: tuple[Button, ...] = (), **details: Any) -> list[Reply]:
        context = self.content.speech_context(self._client(snapshot), self._operator(), product, self.engine.today,
                                              details={**self._details(snapshot), **details})
        parts = self.content.speech.messages(template, **context)
        for part in parts:
            snapshot.say("operator", part)
        replies = [Reply(part) for part in parts]
        if replies and buttons:
            replies[-1] = Reply(replies[-1].text, buttons=buttons)
        return replies

    @staticmethod
    def _mark(snapshot: Snapshot, **analysis: Any) -> None:
        """Note on the customer's latest line what it did (records and the --json transcript read it there)."""
        for line in reversed(snapshot.lines):
            if line.role == "client":
                line.analysis.update(analysis)
                return

    # -- turns ------------------------------------------------------------------------------------------------
    def start(self, snapshot: Snapshot) -> list[Reply]:
        replies = self._say(snapshot, "bot/greeting.j2")
        self.engine.fire(snapshot, "greeted")
        snapshot.mode_state.update(attempts=0, unknown=0, step=None)
        return replies

    def handle(self, snapshot: Snapshot, event: Event) -> list[Reply]:
        if event.hang_up:
            self.engine.fire(snapshot, "hung_up")
            snapshot.finished = True
            return []
        phone = re.sub(r"\D", "", event.verified_phone or "")
        text = event.text.strip() or (self._button_label(event.button) if event.button else "") or phone
        if not text:
            return []
        intent = None if event.button or not event.text.strip() else \
            self.engine.nlu.client_intent(text, snapshot.stage).intent
        analysis: dict[str, Any] = {"intent": intent, "button": event.button}
        if phone:
            analysis["verified_phone"] = True
        snapshot.say("client", text, **analysis)
        if event.button == BUTTON_HANDOFF or (not event.button and self._anytime_topic(text) is not None
                                              and not self._flow_hands_off(snapshot, text, intent)):
            topic = self._anytime_topic(text)
            return self._handoff(snapshot, topic.id if topic is not None else BUTTON_HANDOFF)
        handler = getattr(self, f"_at_{snapshot.stage}", None)
        replies = handler(snapshot, event, intent, phone) if handler else []
        if snapshot.stage == "closing" and not snapshot.finished:
            replies += self._close(snapshot)
        return replies

    def _flow_hands_off(self, snapshot: Snapshot, text: str, intent: str | None) -> bool:
        """«Передайте специалисту» answering a step whose choice hands off: the flow does it (with its ticket)."""
        if snapshot.stage != "issue" or not snapshot.mode_state.get("step"):
            return False
        topic = self.content.topics[snapshot.issue_topic]
        chosen = self._match(topic, topic.step(snapshot.mode_state["step"]), text, intent)
        return bool(chosen) and chosen[0].result == "handoff"

    def _button_label(self, data: str) -> str:
        """The label of a pressed button (Telegram sends only its data), so the transcript reads as the chat did."""
        labels = {BUTTON_AGREE: "offer_agree", BUTTON_DETAILS: "offer_details", BUTTON_DECLINE: "offer_decline",
                  BUTTON_HANDOFF: "handoff_button"}
        if data in labels:
            return self.content.label(labels[data])
        if data.startswith(TOPIC_PREFIX) and data[len(TOPIC_PREFIX):] in self.content.topics:
            return self.content.topics[data[len(TOPIC_PREFIX):]].name
        choice = self._choice_of_button(data)
        return choice[2].label if choice is not None else data

    # -- identification ---------------------------------------------------------------------------------------
    def _at_identification(self, snapshot: Snapshot, event: Event, intent: str | None, phone: str) -> list[Reply]:
        topic = self._detect_topic(event.text)
        if topic is not None:  # «договор 123…, интернет тормозит»: the issue is taken up once he is identified
            snapshot.mode_state["pending_topic"] = topic.id
            snapshot.mode_state["pending_text"] = event.text
        customer = self._identify(snapshot, event.text, phone)
        if customer is not None:
            return self._identified(snapshot, customer)
        snapshot.mode_state["attempts"] += 1
        if snapshot.mode_state["attempts"] >= MAX_IDENTIFICATION_ATTEMPTS:
            self._mark(snapshot, handoff="identification")
            snapshot.mode_state["handoff"] = "identification"
            self.engine.fire(snapshot, "identification_failed")
            replies = self._say(snapshot, "bot/identification_failed.j2")
            self.engine.fire(snapshot, "farewell")
            snapshot.finished = True
            return replies
        return self._say(snapshot, "bot/identification_retry.j2")

    def _candidates(self, snapshot: Snapshot, contract: str | None, phone: str | None) -> list[DemoCustomer]:
        preset = snapshot.customer_id
        if preset:
            customer = self.directory.get(preset)
            found = [customer] if customer is not None else []
            if contract is not None:
                return [c for c in found if c.contract == contract]
            return [c for c in found if phone and c.phone == phone]
        if contract is not None:
            return self.directory.by_contract(contract)
        return self.directory.by_phone(phone) if phone else []

    def _identify(self, snapshot: Snapshot, text: str, phone: str) -> DemoCustomer | None:
        if phone:
            found = self._candidates(snapshot, None, phone)
            if len(found) == 1:  # a phone shared by several contracts identifies nobody
                return found[0]
        words = [word.lower().replace("ё", "е") for word in WORD.findall(text) if not word.isdigit()]
        for digits in dict.fromkeys(re.sub(r"\D", "", match) for match in CONTRACT_DIGITS.findall(text)):
            for customer in self._candidates(snapshot, digits, None):
                names = [customer.first_name.lower().replace("ё", "е"), customer.last_name.lower().replace("ё", "е")]
                if any(fuzz.ratio(word, name) >= NAME_SIMILARITY for word in words for name in names):
                    return customer
        return None

    def _identified(self, snapshot: Snapshot, customer: DemoCustomer) -> list[Reply]:
        snapshot.customer_id = customer.id
        snapshot.identified = True
        snapshot.mode_state[CUSTOMER] = customer.model_dump(mode="json")
        snapshot.mode_state[PRIOR_OPT_OUTS] = self.directory.opted_out(customer)
        snapshot.mode_state["history"] = [past.model_dump(mode="json") for past in self.directory.history(customer)]
        self._mark(snapshot, identified=customer.id)
        self.engine.fire(snapshot, "identified")
        pending = snapshot.mode_state.pop("pending_topic", None)
        pending_text = snapshot.mode_state.pop("pending_text", "")
        replies = self._say(snapshot, "bot/identified.j2", topic=bool(pending))
        if pending:
            replies += self._start_topic(snapshot, self.content.topics[pending], pending_text)
        return replies

    # -- the customer's issue ---------------------------------------------------------------------------------
    def _anytime_topic(self, text: str) -> Topic | None:
        joined = f" {' '.join(_lemmas(text))} "
        for topic in self.content.topics.values():
            if topic.anytime and _score(self._topic_phrases[topic.id], joined):
                return topic
        return None

    def _detect_topic(self, text: str, intent: str | None = None) -> Topic | None:
        """The topic with the most keyword words in the text (the first authored wins a tie); else by intent."""
        joined = f" {' '.join(_lemmas(text))} "
        best, best_score = None, 0
        for topic in self.content.topics.values():
            if topic.anytime:
                continue
            score = _score(self._topic_phrases[topic.id], joined)
            if score > best_score:
                best, best_score = topic, score
        if best is None and intent is not None:
            best = next((t for t in self.content.topics.values() if intent in t.intents and not t.anytime), None)
        return best

    def _at_issue(self, snapshot: Snapshot, event: Event, intent: str | None, phone: str) -> list[Reply]:
        if intent in STOP_INTENTS and intent not in snapshot.stop_reasons:
            snapshot.stop_reasons.append(intent)
        current = snapshot.mode_state.get("step")
        if current is not None:
            topic = self.content.topics[snapshot.issue_topic]
            step = topic.step(current)
            other = None if event.button else self._detect_topic(event.text)
            if other is not None and other.id != topic.id:  # «а ещё не работает пульт»: the customer moved on
                return self._start_topic(snapshot, other, event.text)
            chosen = self._choose(topic, step, event, intent)
            if chosen:
                return self._apply(snapshot, topic, chosen)
            return self._say(snapshot, "bot/choice_unclear.j2") + self._step(snapshot, topic, step)
        if event.button and event.button.startswith(TOPIC_PREFIX):
            topic = self.content.topics.get(event.button[len(TOPIC_PREFIX):])
        else:
            topic = self._detect_topic(event.text, intent)
        if topic is not None:
            return self._start_topic(snapshot, topic, event.text)
        snapshot.mode_state["unknown"] += 1
        if snapshot.mode_state["unknown"] >= MAX_UNKNOWN:
            return self._handoff(snapshot, "unknown")
        menu = tuple(Button(t.name, f"{TOPIC_PREFIX}{t.id}") for t in self.content.topics.values() if t.menu)
        return self._say(snapshot, "bot/topic_unknown.j2",
                         buttons=(*menu, Button(self.content.label("handoff_button"), BUTTON_HANDOFF)))

    def _start_topic(self, snapshot: Snapshot, topic: Topic, text: str) -> list[Reply]:
        snapshot.issue_topic = topic.id
        snapshot.mode_state["step"] = None
        if topic.stop is not None and topic.stop not in snapshot.stop_reasons:
            snapshot.stop_reasons.append(topic.stop)
        self._mark(snapshot, topic=topic.id)
        customer = identified_customer(snapshot)
        outage = affected_services(customer.global_problems, self.content.services) if customer else frozenset()
        if topic.outage is not None and topic.service in outage:
            replies = self._say(snapshot, topic.outage)
            return replies + self._finish(snapshot, topic, "outage")
        if not topic.steps:
            return self._finish(snapshot, topic, topic.result)
        first = topic.steps[0]
        said = [c for c in self._match(topic, first, text, None) if c.opt_out]  # «не присылайте смс» picks SMS
        if said:
            return self._apply(snapshot, topic, said)
        return self._step(snapshot, topic, first)

    def _step(self, snapshot: Snapshot, topic: Topic, step: FlowStep, **details: Any) -> list[Reply]:
        snapshot.mode_state["step"] = step.id
        buttons = tuple(Button(choice.label, f"{STEP_PREFIX}{topic.id}:{step.id}:{index}")
                        for index, choice in enumerate(step.choices))
        return self._say(snapshot, step.say, buttons=buttons, **details)

    def _choice_of_button(self, data: str) -> tuple[Topic, FlowStep, FlowChoice] | None:
        if not data.startswith(STEP_PREFIX):
            return None
        parts = data[len(STEP_PREFIX):].split(":")
        if len(parts) != 3 or parts[0] not in self.content.topics or not parts[2].isdigit():
            return None
        topic = self.content.topics[parts[0]]
        step = next((s for s in topic.steps if s.id == parts[1]), None)
        if step is None or int(parts[2]) >= len(step.choices):
            return None
        return topic, step, step.choices[int(parts[2])]

    def _match(self, topic: Topic, step: FlowStep, text: str, intent: str | None) -> list[FlowChoice]:
        """The choices typed text picks: the best by keyword words (+ intent); every opt-out choice named at once."""
        joined = f" {' '.join(_lemmas(text))} "
        scored = []
        for choice in step.choices:
            phrases = _phrases([choice.label, *choice.keywords])
            if len(choice.opt_out) == 1:
                phrases += self._channel_phrases.get(choice.opt_out[0], [])
            score = _score(phrases, joined) + (INTENT_WEIGHT if intent in choice.intents else 0)
            if score:
                scored.append((score, choice))
        if not scored:
            return []
        if len(scored) > 1 and all(choice.opt_out for _, choice in scored):
            return [choice for _, choice in scored]
        best = max(score for score, _ in scored)
        return [next(choice for score, choice in scored if score == best)]

    def _choose(self, topic: Topic, step: FlowStep, event: Event, intent: str | None) -> list[FlowChoice]:
        if event.button:
            found = self._choice_of_button(event.button)
            if found is not None and found[0].id == topic.id and found[1].id == step.id:
                return [found[2]]
            return []
        return self._match(topic, step, event.text, intent)

    def _apply(self, snapshot: Snapshot, topic: Topic, chosen: list[FlowChoice]) -> list[Reply]:
        channels = list(dict.fromkeys(channel for choice in chosen for channel in choice.opt_out))
        if channels:
            recorded = snapshot.mode_state.setdefault(OPT_OUTS, [])
            recorded.extend(channel for channel in channels if channel not in recorded)
            self._mark(snapshot, opt_outs=channels)
        choice = chosen[0]
        if choice.goto is not None:
            names = ", ".join(self.content.channels[channel].name for channel in channels)
            return self._step(snapshot, topic, topic.step(choice.goto), channels=names)
        return self._finish(snapshot, topic, choice.result)

    def _ticket(self, snapshot: Snapshot, topic: Topic) -> str:
        tickets = snapshot.mode_state.setdefault("tickets", [])
        number = f"{snapshot.session_id[:8].upper()}-{len(tickets) + 1}"
        ticket = {"number": number, "kind": topic.ticket or "repair", "service": topic.service}
        tickets.append(ticket)
        self._mark(snapshot, ticket=ticket)
        return number

    def _finish(self, snapshot: Snapshot, topic: Topic, result: str) -> list[Reply]:
        snapshot.mode_state["step"] = None
        snapshot.mode_state[RESULT] = result
        self._mark(snapshot, result=result)
        if result == "handoff":
            number = self._ticket(snapshot, topic) if topic.ticket is not None else ""
            return self._handoff(snapshot, topic.id, number)
        replies: list[Reply] = []
        if result == "ticket":
            replies += self._say(snapshot, "bot/ticket_created.j2", ticket=self._ticket(snapshot, topic))
        snapshot.issue_resolved = result == "solved"
        return replies + self._offer_or_close(snapshot, result)

    def _handoff(self, snapshot: Snapshot, reason: str, ticket: str = "") -> list[Reply]:
        """A human takes over: the conversation is marked for one (with its transcript, in the records)."""
        snapshot.mode_state["handoff"] = reason
        self._mark(snapshot, handoff=reason)
        if snapshot.stage in BEFORE_OFFER:
            self.engine.fire(snapshot, "stop_selling")
        elif snapshot.stage != "closing":
            self.engine.fire(snapshot, "hung_up")
        replies = self._say(snapshot, "bot/handoff.j2", ticket=ticket)
        if snapshot.stage == "closing":
            self.engine.fire(snapshot, "farewell")
        snapshot.finished = True
        return replies

    # -- the offer --------------------------------------------------------------------------------------------
    def _offer_or_close(self, snapshot: Snapshot, ending: str) -> list[Reply]:
        product = self._best_offer(snapshot)
        step = self.engine.fire(snapshot, "issue_handled", offer_allowed=product is not None)
        if step is None or step.dest != "bridge":
            replies = self._say(snapshot, "bot/farewell.j2", ending=ending)
            self.engine.fire(snapshot, "farewell")
            snapshot.finished = True
            return replies
        snapshot.offers.append(OfferState(product=product))
        bridge = self.content.bridges.get(snapshot.issue_topic or "") or self.content.bridges[GENERAL_BRIDGE]
        replies = self._say(snapshot, bridge.template, product=product)
        self.engine.fire(snapshot, "bridged")
        return replies + self._say(snapshot, self.content.products[product].speech, product=product,
                                   buttons=self._offer_buttons())

    def _offer_buttons(self) -> tuple[Button, ...]:
        return (Button(self.content.label("offer_agree"), BUTTON_AGREE),
                Button(self.content.label("offer_details"), BUTTON_DETAILS),
                Button(self.content.label("offer_decline"), BUTTON_DECLINE))

    def _best_offer(self, snapshot: Snapshot) -> str | None:
        """The best offer the bridge of the customer's topic leads to (the general bridge's list for a topic without
        one), ranked by the next best offer; None when the eligibility check and the contact policy allow none of
        them. The decision — and why each held-back offer was held back — is noted on the customer's line."""
        customer, call = customer_mode_context(self.content, snapshot)
        history = [PastResponse.model_validate(past) for past in snapshot.mode_state.get("history", [])]
        bridge = self.content.bridges.get(snapshot.issue_topic or "")
        if bridge is None or not bridge.products:
            bridge = self.content.bridges[GENERAL_BRIDGE]
        request = OfferRequest(customer=customer, call=call, topic=snapshot.issue_topic, history=history,
                               campaigns=list(bridge.products), now=self.engine.clock())
        ranked = next_best_offers(request, self.content)
        held_back = {skip.offer: list(skip.reasons) for skip in ranked.skipped}
        offer = ranked.offers[0].offer if ranked.offers else None
        self._mark(snapshot, offer_decision={"offer": offer, "held_back": held_back})
        return offer

    def _at_offer(self, snapshot: Snapshot, event: Event, intent: str | None, phone: str) -> list[Reply]:
        offer = snapshot.current_offer
        if event.button == BUTTON_DETAILS or intent == "question":
            return self._say(snapshot, "bot/offer_details.j2", product=offer.product, buttons=self._offer_buttons())
        trigger = {BUTTON_AGREE: "agreed", BUTTON_DECLINE: "declined"}.get(event.button or "")
        trigger = trigger or OFFER_TRIGGERS.get(intent or "")
        if trigger is None:
            return self._say(snapshot, "bot/offer_unclear.j2", product=offer.product, buttons=self._offer_buttons())
        if intent in STOP_INTENTS and intent not in snapshot.stop_reasons:
            snapshot.stop_reasons.append(intent)
        if intent == "opt_out":
            self._opt_out_named(snapshot, event.text)
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

    def _opt_out_named(self, snapshot: Snapshot, text: str) -> None:
        """«…и не присылайте мне смс»: during an offer, record the channels the customer names."""
        joined = f" {' '.join(_lemmas(text))} "
        channels = [cid for cid, phrases in self._channel_phrases.items() if _score(phrases, joined)]
        if channels:
            recorded = snapshot.mode_state.setdefault(OPT_OUTS, [])
            recorded.extend(channel for channel in channels if channel not in recorded)
            self._mark(snapshot, opt_outs=channels)

    def _close(self, snapshot: Snapshot) -> list[Reply]:
        offer = snapshot.current_offer
        closing = CLOSINGS.get(offer.response if offer else "", "not_offered")
        replies = self._say(snapshot, f"closings/{closing}.j2", product=offer.product if offer else None)
        self.engine.fire(snapshot, "farewell")
        snapshot.finished = True
        return replies
