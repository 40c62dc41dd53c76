"""The one eligibility check: every rule of CONTRACT.md, every exception, and combinations (table-driven)."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from engine.content.loader import load_content
from engine.content.yaml_source import ContentError
from engine.eligibility import (
    ContextError,
    EligibilityContext,
    Reason,
    check_eligibility,
    reason_texts,
    related_services,
    upfront_needed,
)

from .conftest import line_of

ALL_HOME = ["internet", "tv", "phone"]


@pytest.fixture(scope="module")
def content():
    return load_content()


def ctx(offer: str, customer: dict | None = None, call: dict | None = None) -> EligibilityContext:
    """A context as the CLI gets it: a customer with every home service, a calm resolved call, then the patch."""
    return EligibilityContext.model_validate({
        "offer": offer,
        "customer": {"identified": True, "role": "owner", "services": ALL_HOME, "payment": "credit",
                     **(customer or {})},
        "call": {"mood": "neutral", "issue_resolved": True, **(call or {})},
    })


def reasons(content, offer: str, customer: dict | None = None, call: dict | None = None) -> list[str]:
    verdict = check_eligibility(ctx(offer, customer, call), content)
    assert verdict.allowed is (not verdict.reasons)
    assert list(verdict.reasons) == sorted(verdict.reasons, key=lambda r: r.value)
    return [reason.value for reason in verdict.reasons]


def ticket(service: str | None, line: int = 2, kind: str = "repair") -> dict:
    return {"service": service, "line": line, "kind": kind}


# (case id, offer, customer patch, call patch, expected reasons)
RULES = [
    # simple flags
    ("clean", "antivirus", {}, {}, []),
    ("simplified_mode", "antivirus", {}, {"simplified_mode": True}, ["simplified_mode"]),
    ("peak_hours", "books", {}, {"peak_hours": True}, ["peak_hours"]),
    ("not_identified", "antivirus", {"identified": False}, {}, ["not_identified"]),
    ("child", "antivirus", {"role": "child"}, {}, ["not_user"]),
    ("not a user (installer)", "books", {"role": "not_user"}, {}, ["not_user"]),
    ("family member who uses the service", "antivirus", {"role": "user"}, {}, []),
    ("conflict", "antivirus", {}, {"mood": "conflict"}, ["conflict"]),
    ("contract_terminated", "antivirus", {"contract_terminated": True}, {}, ["contract_terminated"]),
    ("transfer", "antivirus", {}, {"transfer_needed": True}, ["transfer"]),
    ("relocation", "antivirus", {}, {"relocation": True}, ["relocation"]),
    ("financial_block", "antivirus", {"financial_block": True}, {}, ["financial_block"]),
    ("opt_out", "books", {"marketing_opt_out": True}, {}, ["opt_out"]),
    # churn
    ("churn signals", "antivirus", {}, {"churn_signals": True}, ["churn"]),
    ("termination ticket on a service is churn, not open_ticket", "antivirus", {},
     {"open_tickets": [ticket("internet", 2, "termination")]}, ["churn"]),
    ("termination ticket on the contract", "books", {}, {"open_tickets": [ticket(None, 1, "termination")]},
     ["churn"]),
    ("termination ticket on the issue service", "books", {},
     {"issue_service": "internet", "open_tickets": [ticket("internet", 3, "termination")]}, ["churn"]),
    # asked for it himself
    ("requested this very offer", "antivirus", {}, {"requested_product": "antivirus"}, ["requested_by_client"]),
    ("requested another product", "antivirus", {}, {"requested_product": "start"}, []),
    # voluntary block on the main service of the offer
    ("block on tv, tv offer", "start", {"voluntary_blocks": ["tv"]}, {}, ["voluntary_block"]),
    ("block on internet, tv offer (dependency)", "viju", {"voluntary_blocks": ["internet"]}, {},
     ["voluntary_block"]),
    ("block on tv, internet offer", "antivirus", {"voluntary_blocks": ["tv"]}, {}, []),
    ("block on tv, package with tv", "ent_package", {"voluntary_blocks": ["tv"]}, {}, ["voluntary_block"]),
    ("block on tv, product with no service", "books", {"voluntary_blocks": ["tv"]}, {}, []),
    ("block, but the call is about lifting it", "start", {"voluntary_blocks": ["tv"]}, {"unblock_request": True},
     []),
    # global problem (ГП)
    ("GP on a related service", "antivirus", {}, {"global_problem_services": ["internet"]}, ["global_problem"]),
    ("GP on internet, tv offer (dependency)", "start", {}, {"global_problem_services": ["internet"]},
     ["global_problem"]),
    ("GP on internet, product with no service", "books", {}, {"global_problem_services": ["internet"]}, []),
    ("GP on the issue service, any offer", "books", {},
     {"issue_service": "internet", "global_problem_services": ["internet"]}, ["global_problem"]),
    ("GP on internet, issue on tv (dependency)", "books", {},
     {"issue_service": "tv", "global_problem_services": ["internet"]}, ["global_problem"]),
    ("GP on tv does not touch internet", "antivirus", {}, {"global_problem_services": ["tv"]}, []),
    ("GP on tv, issue on internet", "books", {}, {"issue_service": "internet", "global_problem_services": ["tv"]},
     []),
    # unresolved on the 1st line, and the Гарантия+ exception
    ("unresolved issue", "antivirus", {}, {"issue_resolved": False}, ["unresolved_issue"]),
    ("unresolved issue: Гарантия+ may be offered", "guarantee_plus", {}, {"issue_resolved": False}, []),
    ("unresolved issue: Гарантия+ not when transferred", "guarantee_plus", {},
     {"issue_resolved": False, "transfer_needed": True}, ["transfer", "unresolved_issue"]),
    ("unresolved + transferred, other offer", "antivirus", {}, {"issue_resolved": False, "transfer_needed": True},
     ["transfer", "unresolved_issue"]),
    ("transferred, resolved: Гарантия+ still not", "guarantee_plus", {}, {"transfer_needed": True}, ["transfer"]),
    # open tickets on the 2nd/3rd line, and the extra-works exception
    ("2nd-line ticket on a related service", "antivirus", {}, {"open_tickets": [ticket("internet", 2)]},
     ["open_ticket"]),
    ("3rd-line ticket on a related service", "speed_boost", {}, {"open_tickets": [ticket("internet", 3)]},
     ["open_ticket"]),
    ("1st-line ticket does not count", "antivirus", {}, {"open_tickets": [ticket("internet", 1)]}, []),
    ("ticket on internet, tv offer (dependency)", "start", {}, {"open_tickets": [ticket("internet")]},
     ["open_ticket"]),
    ("ticket on tv, internet offer", "antivirus", {}, {"open_tickets": [ticket("tv")]}, []),
    ("ticket on an unrelated service", "books", {}, {"open_tickets": [ticket("internet")]}, []),
    ("ticket on the issue service, any offer", "books", {},
     {"issue_service": "internet", "open_tickets": [ticket("internet")]}, ["open_ticket"]),
    ("ticket on internet, issue on tv (dependency)", "books", {},
     {"issue_service": "tv", "open_tickets": [ticket("internet")]}, ["open_ticket"]),
    ("extra works ticket is the exception", "antivirus", {}, {"open_tickets": [ticket("internet", 2, "extra_works")]},
     []),
    ("extra works ticket on the issue service", "books", {},
     {"issue_service": "internet", "open_tickets": [ticket("internet", 3, "extra_works")]}, []),
    ("extra works + repair on the same service", "antivirus", {},
     {"open_tickets": [ticket("internet", 2, "extra_works"), ticket("internet", 2)]}, ["open_ticket"]),
    ("Гарантия+ exception does not cover tickets", "guarantee_plus", {},
     {"issue_resolved": False, "issue_service": "internet", "open_tickets": [ticket("internet")]}, ["open_ticket"]),
    # КПП: no package while a component has a ticket or a problem
    ("package: ticket on its tv", "ent_package", {"services": ["phone"]}, {"open_tickets": [ticket("tv")]},
     ["open_ticket"]),
    ("package: ticket on its internet", "ent_package", {"services": ["phone"]},
     {"open_tickets": [ticket("internet", 3)]}, ["open_ticket"]),
    ("package: ticket on the phone it does not include", "ent_package", {"services": ["phone"]},
     {"open_tickets": [ticket("phone")]}, []),
    ("package: ticket on the phone the customer called about", "ent_package", {"services": ["phone"]},
     {"issue_service": "phone", "open_tickets": [ticket("phone")]}, ["open_ticket"]),
    ("package: tv down", "ent_package", {"services": ["phone"]}, {"down_services": ["tv"]}, ["service_down"]),
    ("package: unresolved issue and a ticket", "ent_package", {"services": ["phone"]},
     {"issue_resolved": False, "open_tickets": [ticket("tv")]}, ["open_ticket", "unresolved_issue"]),
    # the service of the offer does not work
    ("internet down ⇒ tv offer", "viju", {}, {"down_services": ["internet"]}, ["service_down"]),
    ("internet down ⇒ video surveillance", "video_surveillance", {}, {"down_services": ["internet"]},
     ["service_down"]),
    ("internet down ⇒ internet offer", "antivirus", {}, {"down_services": ["internet"]}, ["service_down"]),
    ("internet down, product with no service", "books", {}, {"down_services": ["internet"]}, []),
    ("tv down ⇒ tv offer", "wink_5in1", {}, {"down_services": ["tv"]}, ["service_down"]),
    ("tv down, internet offer", "speed_boost", {}, {"down_services": ["tv"]}, []),
    # already connected / does not apply
    ("already has it", "start", {"options": ["start"]}, {}, ["already_has"]),
    ("has another option", "viju", {"options": ["start"]}, {}, []),
    ("lacks internet", "antivirus", {"services": ["phone"]}, {}, ["not_applicable"]),
    ("lacks tv", "start", {"services": ["internet"]}, {}, ["not_applicable"]),
    ("no services at all, product needing none", "who_calls", {"services": []}, {}, []),
    ("package needs nothing", "ent_package", {"services": ["phone"]}, {}, []),
    # money: credit model never checks the balance
    ("credit model, negative balance", "guarantee_plus", {"payment": "credit", "balance": -500}, {}, []),
    ("advance, negative balance, free trial", "antivirus", {"payment": "advance", "balance": -0.01}, {},
     ["insufficient_funds"]),
    ("advance, zero balance, free trial", "antivirus", {"payment": "advance", "balance": 0}, {}, []),
    ("advance, zero balance, product with a trial and no upfront", "ent_package",
     {"payment": "advance", "balance": 0, "services": ["phone"]}, {}, []),
    ("advance + financial block + debt", "antivirus", {"payment": "advance", "balance": -10, "financial_block": True},
     {}, ["financial_block", "insufficient_funds"]),
]


@pytest.mark.parametrize(("offer", "customer", "call", "expected"), [case[1:] for case in RULES],
                         ids=[case[0] for case in RULES])
def test_rule(content, offer, customer, call, expected):
    assert reasons(content, offer, customer, call) == expected


# Funds on the advance model: the balance must cover upfront + (monthly price unless there is a free trial).
@pytest.mark.parametrize("offer", ["guarantee_plus", "start", "smart_speaker", "smart_speaker_mini",
                                   "video_surveillance", "wink_5in1", "speed_boost", "who_calls"])
def test_advance_funds_without_trial(content, offer):
    product = content.products[offer]
    assert not product.has_trial
    need = product.upfront + (product.price_month or 0)
    assert upfront_needed(product) == need
    assert need > 0
    advance = {"payment": "advance"}
    assert reasons(content, offer, {**advance, "balance": need - 0.01}) == ["insufficient_funds"]
    assert reasons(content, offer, {**advance, "balance": need}) == []
    assert reasons(content, offer, {"payment": "credit", "balance": need - 0.01}) == []


@pytest.mark.parametrize("offer", ["antivirus", "books", "viju", "ent_package", "lyceum"])
def test_advance_funds_with_trial(content, offer):
    product = content.products[offer]
    assert product.has_trial
    assert upfront_needed(product) == product.upfront
    customer = {"payment": "advance", "balance": product.upfront}
    assert reasons(content, offer, customer) == []
    assert reasons(content, offer, {**customer, "balance": -1}) == ["insufficient_funds"]


def test_upfront_counts_with_monthly_price(content):
    speaker = content.products["smart_speaker"]
    assert speaker.upfront > 0 and speaker.price_month
    only_upfront = {"payment": "advance", "balance": speaker.upfront}
    assert reasons(content, "smart_speaker", only_upfront) == ["insufficient_funds"]


def test_every_contract_reason_is_tested():
    tested = {code for case in RULES for code in case[4]}
    assert tested == {reason.value for reason in Reason}


def test_everything_at_once_lists_every_reason(content):
    customer = {"identified": False, "role": "child", "services": ["phone"], "options": ["antivirus"],
                "payment": "advance", "balance": -1, "financial_block": True, "voluntary_blocks": ["internet"],
                "contract_terminated": True, "marketing_opt_out": True}
    call = {"simplified_mode": True, "peak_hours": True, "mood": "conflict", "churn_signals": True,
            "relocation": True, "requested_product": "antivirus", "transfer_needed": True, "issue_resolved": False,
            "issue_service": "internet", "global_problem_services": ["internet"],
            "open_tickets": [ticket("internet")], "down_services": ["internet"]}
    assert reasons(content, "antivirus", customer, call) == sorted(reason.value for reason in Reason)


@pytest.mark.parametrize("offer", ["ent_package", "video_surveillance", "smart_speaker", "smart_speaker_mini",
                                   "antivirus", "safe_kids", "who_calls", "lyceum", "guarantee_plus", "books",
                                   "start", "viju", "wink_5in1", "speed_boost"])
def test_every_contract_product_allowed_for_a_clean_context(content, offer):
    assert reasons(content, offer) == []


RELATED = {
    "ent_package": {"internet", "tv"},
    "video_surveillance": {"internet"},
    "smart_speaker": set(),
    "smart_speaker_mini": set(),
    "antivirus": {"internet"},
    "safe_kids": {"internet"},
    "who_calls": set(),
    "lyceum": {"internet"},
    "guarantee_plus": set(),
    "books": set(),
    "start": {"tv", "internet"},
    "viju": {"tv", "internet"},
    "wink_5in1": {"tv", "internet"},
    "speed_boost": {"internet"},
}


@pytest.mark.parametrize(("offer", "expected"), sorted(RELATED.items()))
def test_related_services(content, offer, expected):
    assert related_services(content.products[offer], content.services) == expected


def test_contract_example_context(content):
    example = {
        "offer": "antivirus",
        "customer": {"identified": True, "role": "owner", "services": ["internet", "tv"], "options": ["start"],
                     "payment": "advance", "balance": 500.0, "financial_block": False, "voluntary_blocks": ["tv"],
                     "contract_terminated": False, "marketing_opt_out": False},
        "call": {"simplified_mode": False, "peak_hours": False, "mood": "neutral", "churn_signals": False,
                 "relocation": False, "requested_product": None, "transfer_needed": False, "issue_resolved": True,
                 "issue_service": None, "unblock_request": False, "global_problem_services": [],
                 "open_tickets": [{"service": "internet", "line": 2, "kind": "repair"}], "down_services": []},
    }
    verdict = check_eligibility(EligibilityContext.model_validate(example), content)
    assert verdict.as_json() == {"offer": "antivirus", "allowed": False, "reasons": ["open_ticket"]}


def test_partial_contexts_use_defaults(content):
    assert check_eligibility(EligibilityContext(offer="books"), content).as_json() == {
        "offer": "books", "allowed": True, "reasons": []}
    partial = EligibilityContext.model_validate({"offer": "antivirus", "customer": {"services": ["internet"]}})
    assert check_eligibility(partial, content).allowed
    # No services known: the customer lacks what antivirus requires.
    assert check_eligibility(EligibilityContext(offer="antivirus"), content).as_json()["reasons"] == [
        "not_applicable"]


@pytest.mark.parametrize("bad", [
    {"offer": "antivirus", "customer": {"identifed": True}},
    {"offer": "antivirus", "call": {"mood": "angry"}},
    {"offer": "antivirus", "customer": {"payment": "prepaid"}},
    {"offer": "antivirus", "call": {"open_tickets": [{"service": "internet", "kind": "urgent"}]}},
    {"customer": {}},
])
def test_malformed_contexts_are_rejected(bad):
    with pytest.raises(ValidationError):
        EligibilityContext.model_validate(bad)


@pytest.mark.parametrize(("context", "message"), [
    ({"offer": "kino"}, "unknown offer 'kino'"),
    ({"offer": "books", "customer": {"services": ["iptv"]}}, "customer.services: unknown service 'iptv'"),
    ({"offer": "books", "customer": {"options": ["kino"]}}, "customer.options: unknown product 'kino'"),
    ({"offer": "books", "call": {"down_services": ["wifi"]}}, "call.down_services: unknown service 'wifi'"),
    ({"offer": "books", "call": {"requested_product": "vip"}}, "call.requested_product: unknown product 'vip'"),
    ({"offer": "books", "call": {"open_tickets": [{"service": "tvv"}]}},
     "call.open_tickets.service: unknown service 'tvv'"),
])
def test_unknown_ids_are_context_errors(content, context, message):
    with pytest.raises(ContextError) as caught:
        check_eligibility(EligibilityContext.model_validate(context), content)
    assert message in caught.value.problems


def test_ticket_defaults_to_a_2nd_line_repair(content):
    assert reasons(content, "antivirus", call={"open_tickets": [{"service": "internet"}]}) == ["open_ticket"]


def test_every_reason_has_a_russian_text(content):
    texts = reason_texts(list(Reason), content)
    assert len(texts) == len(Reason)
    assert all(any("а" <= ch <= "я" for ch in text.lower()) for text in texts)
    assert reason_texts(["open_ticket"], content) == [content.reasons["open_ticket"].text]


def test_missing_reason_text_is_a_content_problem(content_copy):
    dialogues = content_copy / "dialogues"
    rules = dialogues / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    start = text.index("  - code: opt_out")
    end = text.index("  - code:", start + 1)
    rules.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(dialogues, content_copy / "scripts_ru")
    messages = [p.message for p in caught.value.problems]
    assert "reason code 'opt_out' has no text in reasons:" in messages


def test_unknown_reason_code_points_at_its_line(content_copy):
    dialogues = content_copy / "dialogues"
    rules = dialogues / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("  - code: opt_out\n", "  - code: opt_outt\n"),
                     encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(dialogues, content_copy / "scripts_ru")
    found = [p for p in caught.value.problems if "unknown reason code 'opt_outt'" in p.message]
    assert len(found) == 1
    assert found[0].file.endswith("rules.yaml")
    assert found[0].line == line_of(rules, "code: opt_outt")
