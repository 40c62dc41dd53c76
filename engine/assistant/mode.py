"""Customer mode: the self-service assistant runs the call type's stages as the best operator would.

What the assistant does at a stage is named in the call type's YAML (``bot: {enter: …, input: …}``) from the
closed registries of engine/assistant/behaviours.py: on entering a stage it may speak and move on; at a stage that
waits for the customer, it reads his message. A hand-off to a human is possible at any moment («оператор»).

Everything the conversation did that the records keep (identification, opt-outs by channel, tickets, a hand-off,
the offer decision, a cancelled port-out request, a WinBack consent, a Flash note) is written on the client line
that caused it (``Line.analysis``); see engine/records.py. Python holds no customer-facing Russian.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..content.speech import Person, money
from ..conversation import Button, Event, Reply, Snapshot
from ..customers import CustomerDirectory
from ..dialogue import FAREWELL
from ..vocabulary import HUNG_UP
from .behaviours import ENTER, INPUT
from .identification import Identification
from .offers import Offers
from .retention import Retention
from .state import AssistantState
from .topics import BUTTON_HANDOFF, TOPIC_PREFIX, Topics

if TYPE_CHECKING:
    from ..content.call_types import CallType, Stage
    from ..dialogue import DialogueEngine

HANDED_OFF = "handed_off"  # the call-stage event of a hand-off to a human
BUTTON_AGREE, BUTTON_DETAILS, BUTTON_DECLINE = "offer:agree", "offer:details", "offer:decline"


class AssistantMode:
    def __init__(self, engine: DialogueEngine, directory: CustomerDirectory):
        self.engine = engine
        self.content = engine.content
        self.nlu = engine.nlu
        self.directory = directory
        self.topics = Topics(self)
        self.offers = Offers(self)
        self.identification = Identification(self)
        self.retention = Retention(self)

    # -- speech -----------------------------------------------------------------------------------------------
    def client(self, snapshot: Snapshot) -> Person:
        customer = snapshot.assistant.customer if snapshot.identified else None
        if customer is None:
            return Person("")
        return Person(customer.first_name, customer.patronymic, customer.gender)

    def _details(self, snapshot: Snapshot) -> dict[str, Any]:
        """What bot/ templates may read from ``details``: the customer's account, as data (never Russian text)."""
        customer = snapshot.assistant.customer if snapshot.identified else None
        if customer is None:
            return {}
        profile = customer.profile
        return {"payment": profile.payment, "balance": money(profile.balance), "negative": profile.balance < 0,
                "options": list(profile.options)}

    def say(self, snapshot: Snapshot, template: str, *, product: str | None = None,
            buttons: tuple[Button, ...] = (), **details: Any) -> list[Reply]:
        operator = self.content.operator(snapshot.call_type)
        context = self.content.speech_context(self.client(snapshot), operator, product, self.engine.today,
                                              details={**self._details(snapshot), **details})
        parts = self.content.speech.messages(template, **context)
        for part in parts:
            snapshot.say("operator", part)
        replies = [Reply(part) for part in parts]
        if replies and buttons:
            replies[-1] = Reply(replies[-1].text, buttons=buttons)
        return replies

    @staticmethod
    def mark(snapshot: Snapshot, **analysis: Any) -> None:
        """Note on the customer's latest line what it did (records and the --json transcript read it there)."""
        for line in reversed(snapshot.lines):
            if line.role == "client":
                line.analysis.update(analysis)
                return

    def offer_buttons(self) -> tuple[Button, ...]:
        return (Button(self.content.label("offer_agree"), BUTTON_AGREE),
                Button(self.content.label("offer_details"), BUTTON_DETAILS),
                Button(self.content.label("offer_decline"), BUTTON_DECLINE))

    def yes_no_buttons(self) -> tuple[Button, ...]:
        return (Button(self.content.label("yes_button"), BUTTON_AGREE),
                Button(self.content.label("no_button"), BUTTON_DECLINE))

    def buttons(self, kind: str | None) -> tuple[Button, ...]:
        return {"offer_answers": self.offer_buttons, "yes_no": self.yes_no_buttons}[kind]() if kind else ()

    # -- the machine ------------------------------------------------------------------------------------------
    def call_type(self, snapshot: Snapshot) -> CallType:
        return self.content.call_types[snapshot.call_type]

    def stage(self, snapshot: Snapshot) -> Stage:
        return self.call_type(snapshot).stage(snapshot.stage)

    def fire(self, snapshot: Snapshot, trigger: str, *, offer_allowed: bool = False) -> list[Reply] | None:
        """Move the call-stage machine and do what the stage entered does; None when the trigger did not apply."""
        step = self.engine.fire(snapshot, trigger, offer_allowed=offer_allowed)
        if step is None:
            return None
        return self.enter(snapshot)

    def enter(self, snapshot: Snapshot) -> list[Reply]:
        stage = self.stage(snapshot)
        if stage.final:
            snapshot.finished = True
            return []
        if stage.bot.enter is None:
            return []
        return ENTER[stage.bot.enter](self, snapshot, stage)

    def finish(self, snapshot: Snapshot) -> None:
        self.engine.fire(snapshot, FAREWELL)
        snapshot.finished = True

    # -- turns ------------------------------------------------------------------------------------------------
    def start(self, snapshot: Snapshot) -> list[Reply]:
        snapshot.assistant = AssistantState()
        return self.enter(snapshot)

    def handle(self, snapshot: Snapshot, event: Event) -> list[Reply]:
        if event.hang_up:
            snapshot.hang_up("client")
            self.engine.fire(snapshot, HUNG_UP)
            snapshot.finished = True
            return []
        phone = re.sub(r"\D", "", event.verified_phone or "")
        text = event.text.strip() or (self._button_label(snapshot, event.button) if event.button else "") or phone
        if not text:
            return []
        reading = None if event.button or not event.text.strip() else \
            self.nlu.client_intent(text, self.stage(snapshot).reading or snapshot.stage, snapshot.call_type)
        intent = reading.intent if reading is not None else None
        analysis: dict[str, Any] = {"intent": intent, "button": event.button}
        if phone:
            analysis["verified_phone"] = True
        snapshot.say("client", text, **analysis)
        if event.button == BUTTON_HANDOFF or (not event.button and self.topics.anytime(text) is not None
                                              and not self.topics.flow_hands_off(snapshot, text, intent)):
            topic = self.topics.anytime(text)
            return self.handoff(snapshot, topic.id if topic is not None else BUTTON_HANDOFF)
        behaviour = self.stage(snapshot).bot.input
        if behaviour is None:
            return []
        return INPUT[behaviour](self, snapshot, event, intent, phone)

    def _button_label(self, snapshot: Snapshot, data: str) -> str:
        """The label of a pressed button (Telegram sends only its data), so the transcript reads as the chat did."""
        labels = {BUTTON_DETAILS: "offer_details", BUTTON_HANDOFF: "handoff_button",
                  **({BUTTON_AGREE: "yes_button", BUTTON_DECLINE: "no_button"} if self.stage(snapshot).bot.buttons == "yes_no"
                     else {BUTTON_AGREE: "offer_agree", BUTTON_DECLINE: "offer_decline"})}
        if data in labels:
            return self.content.label(labels[data])
        if data.startswith(TOPIC_PREFIX) and data[len(TOPIC_PREFIX):] in self.content.topics:
            return self.content.topics[data[len(TOPIC_PREFIX):]].name
        choice = self.topics.choice_of_button(data)
        return choice[2].label if choice is not None else data

    def handoff(self, snapshot: Snapshot, reason: str, ticket: str = "") -> list[Reply]:
        """A human takes over: the conversation is marked for one (with its transcript, in the records)."""
        snapshot.assistant.handoff = reason
        self.mark(snapshot, handoff=reason)
        self.engine.fire(snapshot, HANDED_OFF)
        replies = self.say(snapshot, "bot/handoff.j2", ticket=ticket)
        self.finish(snapshot)
        return replies
