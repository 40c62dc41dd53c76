"""The offer of customer mode: only after the customer's issue, only what the one eligibility check and the contact
policy allow (ranked by the next best offer), bridged from his topic, answered with buttons or words, at most the
call type's number of objections worked, closed by the code it got."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..call_context import customer_mode_context
from ..conversation import Event, OfferState, Reply, Snapshot
from ..next_best_offer import OfferRequest, next_best_offers

if TYPE_CHECKING:
    from ..content.loader import Content
    from ..content.speech_content import Bridge
    from .mode import AssistantMode

GENERAL_BRIDGE = "general"


def bridge_of(content: Content, topic: str | None) -> Bridge:
    """The bridge from a customer's topic to an offer: the topic's own, else the general one (reports name it)."""
    bridge = content.bridges.get(topic or "")
    return bridge if bridge is not None and bridge.products else content.bridges[GENERAL_BRIDGE]


ISSUE_HANDLED = "issue_handled"  # the call-stage event: the customer's issue is over, an offer may follow


class Offers:
    def __init__(self, mode: AssistantMode):
        self.mode = mode
        self.content = mode.content

    def _bridge(self, snapshot: Snapshot):
        return bridge_of(self.content, snapshot.issue_topic)

    def best(self, snapshot: Snapshot, campaigns: list[str]) -> str | None:
        """The best of ``campaigns`` ranked by the next best offer; None when the eligibility check and the contact
        policy allow none of them. The decision — and why each held-back offer was held back — is noted on the
        customer's line."""
        customer, call = customer_mode_context(self.content, snapshot)
        call_type = self.mode.call_type(snapshot)
        request = OfferRequest(customer=customer, call=call, topic=snapshot.issue_topic,
                               history=list(snapshot.assistant.history), campaigns=campaigns,
                               now=self.mode.engine.clock(), waived=list(call_type.waived_reasons))
        ranked = next_best_offers(request, self.content)
        held_back = {skip.offer: list(skip.reasons) for skip in ranked.skipped}
        offer = ranked.offers[0].offer if ranked.offers else None
        self.mode.mark(snapshot, offer_decision={"product": offer, "held_back": held_back})
        return offer

    def after_issue(self, snapshot: Snapshot) -> list[Reply]:
        """The issue is over: the offer the bridge of his topic leads to, if any may be made; else goodbye."""
        product = self.best(snapshot, list(self._bridge(snapshot).products))
        if product is not None:
            snapshot.offers.append(OfferState(product=product))
        return self.mode.fire(snapshot, ISSUE_HANDLED, offer_allowed=product is not None) or []

    # -- what the assistant says on entering a stage ----------------------------------------------------------
    def bridge(self, snapshot: Snapshot, then: str | None) -> list[Reply]:
        offer = snapshot.current_offer
        replies = self.mode.say(snapshot, self._bridge(snapshot).template, product=offer.product)
        return replies + (self.mode.fire(snapshot, then) or [] if then else [])

    def present(self, snapshot: Snapshot, template: str | None) -> list[Reply]:
        """The offer's speech module; after a reason for leaving, its reply first (the reason is the bridge)."""
        offer = snapshot.current_offer
        reason = self.content.retention_reasons.get(snapshot.assistant.reason or "")
        replies = self.mode.say(snapshot, reason.reply, product=offer.product) if reason and reason.reply else []
        return replies + self.mode.say(snapshot, template or self.content.products[offer.product].speech,
                                       product=offer.product, buttons=self.mode.offer_buttons())

    def answer_objection(self, snapshot: Snapshot, next_rung: bool) -> list[Reply]:
        """The В.З.О.Р answer to his objection (this call type's own, if it has one), on the next rung of the
        ladder when the stage climbs it."""
        if next_rung:
            self.mode.retention.next_rung(snapshot)
        offer = snapshot.current_offer
        said = next((line for line in reversed(snapshot.lines) if line.role == "client"), None)
        intent = said.analysis.get("intent") if said is not None else None
        objection = self.content.objections.get(intent or "") or self._objection_of_kind(intent)
        return self.mode.say(snapshot, objection.template_for(snapshot.call_type), product=offer.product,
                             buttons=self.mode.offer_buttons())

    def _objection_of_kind(self, intent: str | None):
        """An objection without its own answer gets the answer to the first objection of the same kind."""
        kind = self.mode.nlu.intent_kind(intent) if intent is not None else None
        same = [o for o in self.content.objections.values() if self.mode.nlu.intent_kind(o.id) == kind]
        return same[0] if same else next(iter(self.content.objections.values()))

    def close(self, snapshot: Snapshot) -> list[Reply]:
        """Goodbye by the code the offer got; without an offer, by how his issue ended."""
        call_type = self.mode.call_type(snapshot)
        offer = snapshot.current_offer
        if snapshot.assistant.handoff is not None:  # a human takes over: what was said is said
            replies: list[Reply] = []
        elif offer is not None:
            template = call_type.closing(offer.response)
            replies = self.mode.say(snapshot, template, product=offer.product) if template else []
        else:
            result = snapshot.assistant.result
            replies = self.mode.say(snapshot, call_type.default_closing, ending=result or "") \
                if call_type.default_closing else []
        self.mode.finish(snapshot)
        return replies

    # -- reading the customer's answer ------------------------------------------------------------------------
    def answer(self, snapshot: Snapshot, event: Event, intent: str | None) -> list[Reply]:
        from .mode import BUTTON_DETAILS

        mode = self.mode
        offer = snapshot.current_offer
        stage = mode.stage(snapshot)
        kind = mode.nlu.intent_kind(intent) if intent is not None else None
        if event.button == BUTTON_DETAILS or kind == "question":
            return mode.say(snapshot, "bot/offer_details.j2", product=offer.product, buttons=mode.offer_buttons())
        button = (event.button or "").removeprefix("offer:")
        trigger = stage.on_button.get(button) if event.button else stage.on_kind.get(kind or "")
        if trigger is None:
            return mode.say(snapshot, "bot/offer_unclear.j2", product=offer.product, buttons=mode.offer_buttons())
        if kind in {"conflict", "churn", "relocation"} and kind not in snapshot.stop_reasons:
            snapshot.stop_reasons.append(kind)
        if kind == "opt_out":
            channels = mode.topics.channels_named(event.text)
            if channels:
                mode.topics.record_opt_outs(snapshot, channels)
        return mode.fire(snapshot, trigger) or []
