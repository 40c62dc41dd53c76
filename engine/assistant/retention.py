"""The retention chat of a customer porting his number away (seed 003), reached from the port-out SMS: the decision
maker identified first — by full name and passport, or full name, registration address and date of birth — then
the reason he leaves, the rung of the offers ladder that fits it (one rung up on each objection), his explicit
consent before the request is cancelled, WinBack with his consent to be informed when he leaves, a Flash note
with the offer when he wants to think, and the regulator's cases in which the request is cancelled anyway."""
from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from ..call_context import customer_mode_context
from ..conversation import Event, OfferState, Reply, Snapshot
from ..eligibility import check_offers
from ..understanding.text import normalize_word
from .identification import IDENTIFICATION_FAILED, IDENTIFIED, MAX_IDENTIFICATION_ATTEMPTS, names_match
from .state import FlashNote

if TYPE_CHECKING:
    from ..content.self_service import DemoCustomer
    from .mode import AssistantMode

# Call-stage events of a retention call the assistant raises.
REASON_GIVEN, CONSENTED, DECLINED, WINBACK_ANSWERED = "reason_given", "consented", "declined", "winback_answered"
DEADLINE_PASSED = "deadline_passed"  # the event when the request can no longer be cancelled
MAX_UNKNOWN_REASONS = 2
FLASH_DAYS = 7  # how long the offer noted on his card stands
PASSPORT = re.compile(r"(?<!\d)\d{2}\s?\d{2}\s?\d{6}(?!\d)")  # series (4 digits) and number (6)
DATE = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b|\b(\d{4})-(\d{1,2})-(\d{1,2})\b")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _dates(text: str) -> set[dt.date]:
    found = set()
    for match in DATE.finditer(text):
        day, month, year = (match.group(1), match.group(2), match.group(3)) if match.group(1) \
            else (match.group(6), match.group(5), match.group(4))
        try:
            found.add(dt.date(int(year), int(month), int(day)))
        except ValueError:
            continue
    return found


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", normalize_word(text)))


def proves_identity(customer: DemoCustomer, text: str) -> bool:
    """Full name + passport series and number, or full name + registration address + date of birth (seed 003)."""
    identity = customer.identity
    if identity is None or not names_match(text, [customer.last_name]) \
            or not names_match(text, [customer.first_name]):
        return False
    if identity.passport and identity.passport in {_digits(m) for m in PASSPORT.findall(text)}:
        return True
    address_words = _words(identity.address)
    said = _words(text)
    return bool(address_words) and address_words <= said and identity.birth_date in _dates(text)


class Retention:
    def __init__(self, mode: AssistantMode):
        self.mode = mode
        self.content = mode.content

    # -- the decision maker -----------------------------------------------------------------------------------
    def _candidates(self, snapshot: Snapshot, text: str, phone: str) -> list[DemoCustomer]:
        directory = self.mode.directory
        if snapshot.customer_id:
            customer = directory.get(snapshot.customer_id)
            return [customer] if customer is not None else []
        if phone:
            return directory.by_phone(phone)
        passports = dict.fromkeys(_digits(m) for m in PASSPORT.findall(text))
        return [customer for passport in passports for customer in directory.by_passport(passport)]

    def identify(self, snapshot: Snapshot, event: Event, intent: str | None, phone: str) -> list[Reply]:
        """The decision maker proves who he is; nothing about the request is said to anyone else."""
        mode, state = self.mode, snapshot.assistant
        found = next((c for c in self._candidates(snapshot, event.text, phone)
                      if c.port_request is not None and proves_identity(c, event.text)), None)
        kind = mode.nlu.intent_kind(intent) if intent is not None else None
        if found is None and kind in {"hello", "question"}:  # a greeting or a question is not an attempt
            return mode.say(snapshot, "bot/retention/identification_retry.j2", tried=False)
        if found is None:
            state.attempts += 1
            if state.attempts >= MAX_IDENTIFICATION_ATTEMPTS:
                state.handoff = "not_identified"
                mode.mark(snapshot, handoff="not_identified")
                replies = mode.say(snapshot, "bot/retention/not_identified.j2")
                return replies + (mode.fire(snapshot, IDENTIFICATION_FAILED) or [])
            return mode.say(snapshot, "bot/retention/identification_retry.j2", tried=True)
        snapshot.customer_id = found.id
        snapshot.identified = True
        state.customer = found
        state.history = mode.directory.history(found)
        mode.mark(snapshot, identified=found.id)
        request = found.port_request
        template = mode.stage(snapshot).bot.template
        status = DEADLINE_PASSED if request.status == "active" and request.deadline < mode.engine.today \
            else request.status
        if status != "active":  # ported, cancelled himself, already retained, too late: nothing to do
            return mode.fire(snapshot, status) or []
        replies = mode.fire(snapshot, IDENTIFIED) or []
        if template is not None:
            replies += mode.say(snapshot, template, regulator=request.regulator_case or "",
                                recipient=request.recipient)
        return replies

    # -- the reason and the ladder ----------------------------------------------------------------------------
    def _ladder(self, snapshot: Snapshot) -> list[str]:
        """The rungs of the ladder for his reason the rules allow him, in order; the rungs already shown go."""
        reason = self.content.retention_reasons[snapshot.assistant.reason]
        customer, call = customer_mode_context(self.content, snapshot)
        waived = self.mode.call_type(snapshot).waived_reasons
        shown = {offer.product for offer in snapshot.offers}
        verdicts = check_offers(customer, call, reason.offers, self.content, waived)
        return [verdict.offer for verdict in verdicts if verdict.allowed and verdict.offer not in shown]

    def reason(self, snapshot: Snapshot, event: Event, intent: str | None) -> list[Reply]:
        """Why he leaves: the reason the understanding reads, and the first rung of its ladder he may get."""
        mode, state = self.mode, snapshot.assistant
        reading = mode.nlu.topic(event.text, list(self.content.retention_reasons))
        if reading.topic is None:
            state.unknown += 1
            if state.unknown >= MAX_UNKNOWN_REASONS:
                return mode.handoff(snapshot, "unknown")
            return mode.say(snapshot, "bot/retention/reason_unclear.j2")
        state.reason = reading.topic
        mode.mark(snapshot, reason=reading.topic)
        ladder = self._ladder(snapshot)
        if ladder:
            snapshot.offers.append(OfferState(product=ladder[0]))
        return mode.fire(snapshot, REASON_GIVEN, offer_allowed=bool(ladder)) or []

    def next_rung(self, snapshot: Snapshot) -> None:
        """An objection: one rung up the ladder, if there is one (the answer names the new offer)."""
        ladder = self._ladder(snapshot)
        if ladder:
            snapshot.offers.append(OfferState(product=ladder[0]))

    # -- consent, WinBack, Flash ------------------------------------------------------------------------------
    def consent(self, snapshot: Snapshot, event: Event, intent: str | None) -> list[Reply]:
        """Only his explicit «да» cancels the request (seed 003: never without the decision maker's consent)."""
        mode, state = self.mode, snapshot.assistant
        kind = mode.nlu.intent_kind(intent) if intent is not None else None
        if event.button == "offer:agree" or kind == "agreement":
            state.request_cancelled = True
            mode.mark(snapshot, request_cancelled=True)
            return mode.fire(snapshot, CONSENTED) or []
        if event.button == "offer:decline" or kind in {"refusal", "objection", "hesitation"}:
            return mode.fire(snapshot, DECLINED) or []
        return mode.say(snapshot, mode.stage(snapshot).bot.template, buttons=mode.yes_no_buttons())

    def offer_winback(self, snapshot: Snapshot, template: str | None) -> list[Reply]:
        """He is not retained: when he wants to think, the offer goes on his card (Flash) with the days it stands;
        then WinBack — coming back after 60 days — and whether we may tell him about it."""
        mode = self.mode
        said = next((line for line in reversed(snapshot.lines) if line.role == "client"), None)
        intent = said.analysis.get("intent") if said is not None else None
        offer = snapshot.current_offer
        details: dict[str, str] = {"flash": "", "flash_to": ""}
        if offer is not None and intent is not None and mode.nlu.intent_kind(intent) == "hesitation":
            today = mode.engine.today
            note = FlashNote(text=self.content.products[offer.product].name, valid_from=today.isoformat(),
                             valid_to=(today + dt.timedelta(days=FLASH_DAYS)).isoformat())
            snapshot.assistant.flash = note
            mode.mark(snapshot, flash=note.model_dump())
            details = {"flash": note.text, "flash_to": dt.date.fromisoformat(note.valid_to).strftime("%d.%m.%Y")}
        if template is None:
            return []
        return mode.say(snapshot, template, buttons=mode.yes_no_buttons(), **details)

    def winback(self, snapshot: Snapshot, event: Event, intent: str | None) -> list[Reply]:
        """His answer to «may we tell you about coming back after 60 days?», recorded either way."""
        mode, state = self.mode, snapshot.assistant
        kind = mode.nlu.intent_kind(intent) if intent is not None else None
        if event.button == "offer:agree" or kind == "agreement":
            consent = True
        elif event.button == "offer:decline" or kind in {"refusal", "opt_out", "conflict"}:
            consent = False
        else:
            flash = state.flash
            return mode.say(snapshot, mode.stage(snapshot).bot.template, buttons=mode.yes_no_buttons(),
                            flash=flash.text if flash else "",
                            flash_to=dt.date.fromisoformat(flash.valid_to).strftime("%d.%m.%Y") if flash else "")
        state.winback_consent = consent
        mode.mark(snapshot, winback_consent=consent)
        return mode.fire(snapshot, WINBACK_ANSWERED) or []
