"""Who is writing: by contract number + name, or by a verified own phone (``Event.verified_phone``, set by the
Telegram front end only for the sender's own contact). Nothing personal is shown and nothing is offered before
it; three failed attempts hand the conversation to a human. A greeting or a question is not an attempt."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from ..conversation import Event, Reply, Snapshot

if TYPE_CHECKING:
    from ..content.self_service import DemoCustomer
    from .mode import AssistantMode

MAX_IDENTIFICATION_ATTEMPTS = 3
MAX_IDENTIFICATION_MESSAGES = 6  # messages without any data: after these a human helps
NAME_SIMILARITY = 85
CONTRACT_DIGITS = re.compile(r"\d[\d\s-]{4,}\d")
WORD = re.compile(r"[а-яёa-z0-9]+(?:-[а-яёa-z0-9]+)*", re.IGNORECASE)
IDENTIFIED, IDENTIFICATION_FAILED = "identified", "identification_failed"  # call-stage events


def _plain(word: str) -> str:
    return word.lower().replace("ё", "е")


def names_match(text: str, names: list[str]) -> bool:
    """Any word of the text is one of the names, allowing a typo."""
    words = [_plain(word) for word in WORD.findall(text) if not word.isdigit()]
    return any(fuzz.ratio(word, _plain(name)) >= NAME_SIMILARITY for word in words for name in names if name)


class Identification:
    def __init__(self, mode: AssistantMode):
        self.mode = mode

    def _candidates(self, snapshot: Snapshot, contract: str | None, phone: str | None) -> list[DemoCustomer]:
        directory = self.mode.directory
        preset = snapshot.customer_id
        if preset:
            customer = directory.get(preset)
            found = [customer] if customer is not None else []
            if contract is not None:
                return [c for c in found if c.contract == contract]
            return [c for c in found if phone and c.phone == phone]
        if contract is not None:
            return directory.by_contract(contract)
        return directory.by_phone(phone) if phone else []

    def find(self, snapshot: Snapshot, text: str, phone: str) -> DemoCustomer | None:
        if phone:
            found = self._candidates(snapshot, None, phone)
            if len(found) == 1:  # a phone shared by several contracts identifies nobody
                return found[0]
        for digits in dict.fromkeys(re.sub(r"\D", "", match) for match in CONTRACT_DIGITS.findall(text)):
            for customer in self._candidates(snapshot, digits, None):
                if names_match(text, [customer.first_name, customer.last_name]):
                    return customer
        return None

    def take(self, snapshot: Snapshot, event: Event, intent: str | None, phone: str) -> list[Reply]:
        """A message at identification: the customer found, another try, or a human after three failures."""
        mode, state = self.mode, snapshot.assistant
        topic = mode.topics.detect(event.text)
        if topic is not None:  # «договор 123…, интернет тормозит»: the issue is taken up once he is identified
            state.pending_topic = topic.id
            state.pending_text = event.text
        customer = self.find(snapshot, event.text, phone)
        if customer is not None:
            return self.identified(snapshot, customer)
        kind = mode.nlu.intent_kind(intent) if intent is not None else None
        tried = bool(phone) or not (topic is not None or kind in {"hello", "question"})
        if tried:
            state.attempts += 1
        else:
            state.unknown += 1
        if state.attempts >= MAX_IDENTIFICATION_ATTEMPTS or state.unknown >= MAX_IDENTIFICATION_MESSAGES:
            mode.mark(snapshot, handoff="not_identified")
            state.handoff = "not_identified"
            replies = mode.say(snapshot, "bot/identification_failed.j2")
            return replies + (mode.fire(snapshot, IDENTIFICATION_FAILED) or [])
        return mode.say(snapshot, "bot/identification_retry.j2", tried=tried)

    def identified(self, snapshot: Snapshot, customer: DemoCustomer) -> list[Reply]:
        mode, state = self.mode, snapshot.assistant
        snapshot.customer_id = customer.id
        snapshot.identified = True
        state.customer = customer
        state.prior_opt_outs = mode.directory.opted_out(customer)
        state.history = mode.directory.history(customer)
        state.unknown = 0
        mode.mark(snapshot, identified=customer.id)
        pending, pending_text = state.pending_topic, state.pending_text
        state.pending_topic, state.pending_text = None, ""
        template = mode.stage(snapshot).bot.template
        replies = mode.fire(snapshot, IDENTIFIED) or []
        if template is not None:
            replies += mode.say(snapshot, template, topic=bool(pending))
        if pending:
            replies += mode.topics.start(snapshot, mode.content.topics[pending], pending_text)
        return replies
