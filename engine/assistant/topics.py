"""The customer's own issue: recognised by the one understanding (the topic's phrases, his intent) and solved by the
topic's flow of steps authored in YAML (dialogues/topics.yaml); a ticket, a hand-off or a known outage end it."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..conversation import Button, Event, Reply, Snapshot
from ..eligibility import affected_services
from ..understanding.text import NOT_WORD
from .state import TicketRecord

if TYPE_CHECKING:
    from ..content.self_service import FlowChoice, FlowStep, Topic
    from .mode import AssistantMode

BUTTON_HANDOFF = "handoff"
STEP_PREFIX, TOPIC_PREFIX = "step:", "topic:"
INTENT_WEIGHT = 2  # an intent that picks a choice counts like a two-word keyword
MAX_UNKNOWN = 2  # the second request the assistant does not understand goes to a human
SENTENCE = re.compile(r"(?<=[.!?\n])\s+")


def as_phrase(text: str) -> str:
    """A button label as a phrase of the understanding (its words, no punctuation)."""
    return " ".join(NOT_WORD.sub(" ", text).split())


class Topics:
    def __init__(self, mode: AssistantMode):
        self.mode = mode
        self.content = mode.content

    def _phrases(self, phrases: list[str]):
        return self.mode.nlu.phrases(tuple(as_phrase(p) for p in phrases if as_phrase(p)))

    def anytime(self, text: str) -> Topic | None:
        return next((topic for topic in self.content.topics.values()
                     if topic.anytime and self._phrases(topic.keywords).found(text)
                     and not (topic.not_when and self._phrases(topic.not_when).found(text))), None)

    def detect(self, text: str, intent: str | None = None) -> Topic | None:
        """The topic the understanding reads in the text — in the message as a whole, else in its first sentence
        that names one («договор 123…, Журавлёв Егор. Интернет тормозит»); else the first topic his intent stands
        for. A complaint that comes with a problem it is about is that problem (the anger stops selling anyway)."""
        among = [topic.id for topic in self.content.topics.values() if not topic.anytime]
        for part in [text, *SENTENCE.split(text)]:
            reading = self.mode.nlu.topic(part, among)
            if reading.topic is not None:
                topic = self.content.topics[reading.topic]
                second = self.content.topics.get(reading.second or "")
                return second if topic.stop is not None and second is not None and second.stop is None else topic
        if intent is not None:
            return next((t for t in self.content.topics.values() if intent in t.intents and not t.anytime), None)
        return None

    def flow_hands_off(self, snapshot: Snapshot, text: str, intent: str | None) -> bool:
        """«Передайте специалисту» answering a step whose choice hands off: the flow does it (with its ticket)."""
        state = snapshot.assistant
        if state.step is None or snapshot.issue_topic is None:
            return False
        topic = self.content.topics[snapshot.issue_topic]
        chosen = self.match(topic, topic.step(state.step), text, intent)
        return bool(chosen) and chosen[0].result == "handoff"

    def choice_of_button(self, data: str) -> tuple[Topic, FlowStep, FlowChoice] | None:
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

    def match(self, topic: Topic, step: FlowStep, text: str, intent: str | None) -> list[FlowChoice]:
        """The choices typed text picks: the best by keyword words (+ intent); every opt-out choice named at once."""
        scored = []
        for choice in step.choices:
            phrases = [choice.label, *choice.keywords]
            if len(choice.opt_out) == 1:
                phrases += self.content.channels[choice.opt_out[0]].keywords
            score = self._phrases(phrases).count(text) + (INTENT_WEIGHT if intent in choice.intents else 0)
            if score:
                scored.append((score, choice))
        if not scored:
            return []
        if len(scored) > 1 and all(choice.opt_out for _, choice in scored):
            return [choice for _, choice in scored]
        best = max(score for score, _ in scored)
        return [next(choice for score, choice in scored if score == best)]

    def channels_named(self, text: str) -> list[str]:
        return [cid for cid, channel in self.content.channels.items() if self._phrases(channel.keywords).found(text)]

    # -- the flow ---------------------------------------------------------------------------------------------
    def take(self, snapshot: Snapshot, event: Event, intent: str | None) -> list[Reply]:
        """The customer's message while his issue is being solved."""
        mode, state = self.mode, snapshot.assistant
        kind = mode.nlu.intent_kind(intent) if intent is not None else None
        if kind in {"conflict", "churn", "relocation"} and kind not in snapshot.stop_reasons:
            snapshot.stop_reasons.append(kind)
        if state.step is not None:
            topic = self.content.topics[snapshot.issue_topic]
            step = topic.step(state.step)
            chosen = self._choose(topic, step, event, intent)
            if chosen:
                return self.apply(snapshot, topic, chosen)
            other = None if event.button else self.detect(event.text)
            if other is not None and other.id != topic.id:  # «а ещё не работает пульт»: the customer moved on
                return self.start(snapshot, other, event.text)
            return mode.say(snapshot, "bot/choice_unclear.j2") + self.step(snapshot, topic, step)
        if event.button and event.button.startswith(TOPIC_PREFIX):
            topic = self.content.topics.get(event.button[len(TOPIC_PREFIX):])
        else:
            topic = self.detect(event.text, intent)
        if topic is not None:
            return self.start(snapshot, topic, event.text)
        if kind in {"hello", "neutral"} and state.unknown == 0 and not state.asked_topic:
            state.asked_topic = True  # asked once: the next unclear line gets the menu, not the same words again
            return mode.say(snapshot, "bot/topic_ask.j2", buttons=self.menu())
        state.unknown += 1
        if state.unknown >= MAX_UNKNOWN:
            return mode.handoff(snapshot, "unknown")
        return mode.say(snapshot, "bot/topic_unknown.j2", buttons=self.menu())

    def menu(self) -> tuple[Button, ...]:
        topics = tuple(Button(t.name, f"{TOPIC_PREFIX}{t.id}") for t in self.content.topics.values() if t.menu)
        return (*topics, Button(self.content.label("handoff_button"), BUTTON_HANDOFF))

    def start(self, snapshot: Snapshot, topic: Topic, text: str) -> list[Reply]:
        state = snapshot.assistant
        snapshot.issue_topic = topic.id
        state.step = None
        if topic.stop is not None and topic.stop not in snapshot.stop_reasons:
            snapshot.stop_reasons.append(topic.stop)
        self.mode.mark(snapshot, topic=topic.id)
        customer = state.customer
        outage = affected_services(customer.global_problems, self.content.services) if customer else frozenset()
        if topic.outage is not None and topic.service in outage:
            return self.mode.say(snapshot, topic.outage) + self.finish(snapshot, topic, "outage")
        if not topic.steps:
            return self.finish(snapshot, topic, topic.result)
        first = topic.steps[0]
        said = [c for c in self.match(topic, first, text, None) if c.opt_out]  # «не присылайте смс» picks SMS
        if said:
            return self.apply(snapshot, topic, said)
        return self.step(snapshot, topic, first)

    def step(self, snapshot: Snapshot, topic: Topic, step: FlowStep, **details) -> list[Reply]:
        snapshot.assistant.step = step.id
        buttons = tuple(Button(choice.label, f"{STEP_PREFIX}{topic.id}:{step.id}:{index}")
                        for index, choice in enumerate(step.choices))
        return self.mode.say(snapshot, step.say, buttons=buttons, **details)

    def _choose(self, topic: Topic, step: FlowStep, event: Event, intent: str | None) -> list[FlowChoice]:
        if event.button:
            found = self.choice_of_button(event.button)
            if found is not None and found[0].id == topic.id and found[1].id == step.id:
                return [found[2]]
            return []
        return self.match(topic, step, event.text, intent)

    def record_opt_outs(self, snapshot: Snapshot, channels: list[str]) -> None:
        recorded = snapshot.assistant.opt_outs
        recorded.extend(channel for channel in channels if channel not in recorded)
        self.mode.mark(snapshot, opt_outs=channels)

    def apply(self, snapshot: Snapshot, topic: Topic, chosen: list[FlowChoice]) -> list[Reply]:
        channels = list(dict.fromkeys(channel for choice in chosen for channel in choice.opt_out))
        if channels:
            self.record_opt_outs(snapshot, channels)
        choice = chosen[0]
        if choice.goto is not None:
            names = ", ".join(self.content.channels[channel].in_text for channel in channels)
            return self.step(snapshot, topic, topic.step(choice.goto), channels=names)
        return self.finish(snapshot, topic, choice.result)

    def ticket(self, snapshot: Snapshot, topic: Topic) -> TicketRecord:
        tickets = snapshot.assistant.tickets
        ticket = TicketRecord(number=f"{snapshot.session_id[:8].upper()}-{len(tickets) + 1}",
                              kind=topic.ticket or "repair", service=topic.service)
        tickets.append(ticket)
        self.mode.mark(snapshot, ticket=ticket.model_dump())
        return ticket

    def finish(self, snapshot: Snapshot, topic: Topic, result: str) -> list[Reply]:
        """The topic ended: a hand-off, or (after a ticket) the offer the rules allow, or a goodbye."""
        state = snapshot.assistant
        state.step = None
        state.result = result
        self.mode.mark(snapshot, result=result)
        if result == "handoff":
            number = self.ticket(snapshot, topic).number if topic.ticket is not None else ""
            return self.mode.handoff(snapshot, topic.id, number)
        replies: list[Reply] = []
        if result == "ticket":
            ticket = self.ticket(snapshot, topic)
            replies += self.mode.say(snapshot, "bot/ticket_created.j2", ticket=ticket.number, kind=ticket.kind)
        snapshot.issue_resolved = result == "solved"
        return replies + self.mode.offers.after_issue(snapshot)
