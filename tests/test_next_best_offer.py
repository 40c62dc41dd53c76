"""Next best offer: only eligible offers, ranked by propensity × value × context weight, explained; contact policy."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from engine.content.catalog import Segment
from engine.content.loader import load_content
from engine.content.rules_content import DEFAULT_POLICY
from engine.content.speech import money
from engine.content.yaml_source import ContentError
from engine.eligibility import ContextError, EligibilityContext, check_eligibility
from engine.next_best_offer import OfferRequest, PolicyReason, next_best_offers, offer_value, segment_of

from .conftest import line_of

NOW = dt.datetime(2026, 11, 16, 12, 0, tzinfo=dt.timezone.utc)
INTERNET_TV = {"services": ["internet", "tv"], "payment": "credit"}


@pytest.fixture(scope="module")
def content():
    return load_content()


@pytest.fixture(scope="module")
def policy(content):
    return content.offer_policy[DEFAULT_POLICY]


def rank(content, **fields):
    fields.setdefault("customer", INTERNET_TV)
    return next_best_offers(OfferRequest.model_validate(fields), content)


def ids(result) -> list[str]:
    return [offer.offer for offer in result.offers]


def skipped(result) -> dict[str, tuple]:
    return {item.offer: (item.reasons, item.response) for item in result.skipped}


def days_ago(days: float) -> str:
    return (NOW - dt.timedelta(days=days)).isoformat()


@pytest.mark.parametrize(("services", "segment"), [
    (["internet", "tv"], Segment.internet_tv),
    (["internet", "tv", "phone"], Segment.internet_tv_phone),
    (["internet", "tv", "phone", "mobile"], Segment.internet_tv_phone),
    (["internet"], Segment.mono_internet),
    (["phone"], Segment.mono_phone),
    (["tv"], Segment.mono_tv),
    (["internet", "phone"], None),
    (["mobile"], None),
    ([], None),
])
def test_segment_of(services, segment):
    assert segment_of(services) == segment


@pytest.mark.parametrize(("product", "months", "expected"), [
    ("guarantee_plus", 12, 90 * 12),                    # no trial, no instalment
    ("antivirus", 12, 239 * 11),                        # 30 days free
    ("smart_speaker", 12, 2000 + 555 * 12),             # upfront + 12 of 24 instalments
    ("smart_speaker_mini", 24, 2000 + 555 * 15),        # instalment shorter than the horizon
    ("video_surveillance", 36, 390 * 24),
])
def test_offer_value(content, product, months, expected):
    assert offer_value(content.products[product], months) == pytest.approx(expected)


def test_only_eligible_offers_are_ranked_and_everything_is_accounted_for(content):
    customer = {**INTERNET_TV, "options": ["start"]}
    call = {"down_services": ["tv"]}
    result = rank(content, customer=customer, call=call)
    assert result.offers
    for offer in result.offers:
        verdict = check_eligibility(EligibilityContext.model_validate(
            {"offer": offer.offer, "customer": customer, "call": call}), content)
        assert verdict.allowed
    default_families = content.call_types[content.default_call_type].offer_families
    offered_in_default_call = {pid for pid, product in content.products.items() if product.family in default_families}
    assert offered_in_default_call < set(content.products)  # the porting discounts belong to the retention call
    assert set(ids(result)) | set(skipped(result)) == offered_in_default_call
    assert not set(ids(result)) & set(skipped(result))
    for product_id in ("start", "viju", "wink_5in1"):
        assert "service_down" in skipped(result)[product_id][0]


def test_ranking_is_sorted_deterministic_and_explained(content):
    first = rank(content, topic="virus")
    second = rank(content, topic="virus")
    assert first == second
    keys = [(-offer.score, offer.offer) for offer in first.offers]
    assert keys == sorted(keys)
    assert [offer.rank for offer in first.offers] == list(range(1, len(first.offers) + 1))
    for offer in first.offers:
        weight = 1.0
        for factor in offer.factors:
            weight *= factor.weight
        assert offer.weight == pytest.approx(weight)
        assert offer.score == pytest.approx(offer.propensity * offer.value * offer.weight, abs=0.01)
        assert offer.propensity == content.offer_priors[offer.offer].propensity
        assert money(offer.value) in offer.why


def test_issue_topic_raises_the_offers_of_its_bridge(content, policy):
    plain = rank(content)
    slow = rank(content, topic="slow_internet")
    bridge = content.bridges["slow_internet"].products
    first = bridge[0]
    assert ids(slow)[0] == first
    assert ids(plain).index(first) > 0
    top = slow.offers[0]
    [factor] = [f for f in top.factors if f.kind == "topic"]
    assert (factor.topic, factor.position, factor.weight) == ("slow_internet", 1, policy.bridge_weights[0])
    assert content.bridges["slow_internet"].name in top.why
    by_id = {offer.offer: offer for offer in slow.offers}
    plain_by_id = {offer.offer: offer for offer in plain.offers}
    for position, product_id in enumerate(bridge):
        if product_id in by_id:
            expected = policy.bridge_weights[min(position, len(policy.bridge_weights) - 1)]
            assert by_id[product_id].score == pytest.approx(plain_by_id[product_id].score * expected, abs=0.02)
    outside = next(pid for pid in ids(plain) if pid not in bridge)
    assert by_id[outside].score == plain_by_id[outside].score


def test_general_topic_does_not_reorder(content, policy):
    assert policy.topic_weights["general"] == [1]
    assert ids(rank(content, topic="general")) == ids(rank(content))


def test_virus_topic_puts_antivirus_first(content):
    assert ids(rank(content, topic="virus"))[0] == "antivirus"


def test_segment_weights(content, policy):
    result = rank(content)
    assert result.segment == Segment.internet_tv
    by_id = {offer.offer: offer for offer in result.offers}
    for product_id in policy.featured[Segment.internet_tv]:
        [factor] = [f for f in by_id[product_id].factors if f.kind == "segment"]
        assert (factor.fit, factor.weight) == ("featured", policy.featured_weight)
        assert policy.segment_names[Segment.internet_tv] in by_id[product_id].why
    # Not for this segment and the policy says 0: held back, and it says why.
    assert policy.off_segment_weight == 0
    assert skipped(result)["ent_package"] == ((PolicyReason.off_segment.value,), "not_offered")


def test_package_for_a_phone_only_customer(content):
    result = rank(content, customer={"services": ["phone"]})
    assert result.segment == Segment.mono_phone
    assert "ent_package" in ids(result)
    assert skipped(result)["antivirus"] == (("not_applicable", "off_segment"), "not_offered")


def test_explicit_segment_overrides_the_services(content):
    result = rank(content, customer={"services": ["internet", "tv"]}, segment="internet_tv_phone")
    assert result.segment == Segment.internet_tv_phone


def test_ties_are_broken_by_id_and_explained(content):
    # The two speakers have the same value over 12 months; give them the same propensity.
    priors = dict(content.offer_priors)
    same = priors["smart_speaker"].propensity
    priors["smart_speaker_mini"] = priors["smart_speaker_mini"].model_copy(update={"propensity": same})
    tied = dataclasses.replace(content, offer_priors=priors)
    result = rank(tied, campaigns=["smart_speaker_mini", "smart_speaker"])
    assert ids(result) == ["smart_speaker", "smart_speaker_mini"]
    assert result.offers[0].score == result.offers[1].score
    assert content.products["smart_speaker"].name in result.offers[1].why
    assert content.products["smart_speaker"].name not in result.offers[0].why


def test_campaigns_limit_the_candidates_and_duplicates_get_already_changed(content):
    result = rank(content, campaigns=["antivirus", "start", "antivirus"])
    assert sorted(ids(result)) == ["antivirus", "start"]
    assert [(item.offer, item.reasons, item.response) for item in result.skipped] == [
        ("antivirus", (PolicyReason.duplicate.value,), "already_changed")]


def test_already_connected_is_never_offered(content):
    result = rank(content, customer={**INTERNET_TV, "options": ["start", "antivirus"]})
    assert "start" not in ids(result) and "antivirus" not in ids(result)
    assert skipped(result)["start"] == (("already_has",), "already_changed")
    # Already connected wins over any other reason for the response code.
    blocked = rank(content, customer={**INTERNET_TV, "options": ["start"]}, call={"peak_hours": True})
    assert skipped(blocked)["start"] == (("already_has", "peak_hours"), "already_changed")
    assert skipped(blocked)["viju"] == (("peak_hours",), "not_offered")
    assert blocked.offers == ()


# (response, days after it: a number, or (True, delta) = the policy's cool-off for it + delta, held back, code)
COOLOFF = [
    ("not_interested", 1, True, "not_offered"),
    ("not_interested", (True, -0.01), True, "not_offered"),
    ("not_interested", (True, 0), False, None),
    ("not_interested", (True, 1), False, None),
    ("thinking", 0.5, True, "not_offered"),
    ("thinking", (True, 0), False, None),
    ("agreed", 1, True, "already_changed"),
    ("not_offered", 0, False, None),
]


@pytest.mark.parametrize(("response", "age", "held_back", "code"), COOLOFF)
def test_cooloff_after_a_response(content, policy, response, age, held_back, code):
    if isinstance(age, tuple):
        age = policy.cooloff_days[response] + age[1]
    history = [{"product": "antivirus", "response": response, "at": days_ago(age)}]
    result = rank(content, history=history, now=NOW.isoformat())
    if held_back:
        assert "antivirus" not in ids(result)
        assert skipped(result)["antivirus"] == ((PolicyReason.cooloff.value,), code)
        assert content.reasons["cooloff"].text in result.skipped[0].why
    else:
        assert "antivirus" in ids(result)


def test_cooloff_days_are_configurable(content, policy):
    history = [{"product": "antivirus", "response": "not_interested", "at": days_ago(5)}]
    strict = rank(content, history=history, now=NOW.isoformat())
    assert "antivirus" not in ids(strict)
    relaxed_policy = policy.model_copy(update={"cooloff_days": {**policy.cooloff_days, "not_interested": 2}})
    relaxed = dataclasses.replace(content, offer_policy={DEFAULT_POLICY: relaxed_policy})
    assert "antivirus" in ids(rank(relaxed, history=history, now=NOW.isoformat()))


def test_every_response_holds_back_for_its_own_days(content, policy):
    declined = policy.cooloff_days["not_interested"]
    # A recent decline holds back whatever came before it, in any order of the history.
    history = [{"product": "antivirus", "response": "thinking", "at": days_ago(declined + 5)},
               {"product": "antivirus", "response": "not_interested", "at": days_ago(1)}]
    for order in (history, list(reversed(history))):
        assert skipped(rank(content, history=order, now=NOW.isoformat()))["antivirus"] == (("cooloff",), "not_offered")
    # A later answer with no cool-off does not lift a decline.
    history = [{"product": "antivirus", "response": "not_interested", "at": days_ago(2)},
               {"product": "antivirus", "response": "not_offered", "at": days_ago(1)}]
    assert "antivirus" not in ids(rank(content, history=history, now=NOW.isoformat()))
    # The latest response still holding back decides the code: agreed after a decline → already changed.
    history = [{"product": "books", "response": "not_interested", "at": days_ago(3)},
               {"product": "books", "response": "agreed", "at": days_ago(1)}]
    assert skipped(rank(content, history=history, now=NOW.isoformat()))["books"] == (("cooloff",), "already_changed")
    # Old answers hold nothing back; other products are not touched.
    history = [{"product": "books", "response": "not_interested", "at": days_ago(declined + 1)},
               {"product": "viju", "response": "not_interested", "at": days_ago(1)}]
    result = rank(content, history=history, now=NOW.isoformat())
    assert "books" in ids(result) and "viju" not in ids(result) and "start" in ids(result)


def test_naive_times_are_utc(content):
    naive_now = NOW.replace(tzinfo=None).isoformat()
    history = [{"product": "antivirus", "response": "not_interested", "at": "2026-11-15"}]
    assert "antivirus" not in ids(rank(content, history=history, now=naive_now))


def test_limit(content):
    full = rank(content)
    assert ids(rank(content, limit=3)) == ids(full)[:3]


@pytest.mark.parametrize(("fields", "message"), [
    ({"topic": "weather"}, "unknown topic 'weather'"),
    ({"campaigns": ["kino"]}, "campaigns: unknown product 'kino'"),
    ({"history": [{"product": "kino", "response": "agreed", "at": "2026-11-01"}], "now": "2026-11-16"},
     "history: unknown product 'kino'"),
    ({"history": [{"product": "books", "response": "agreed", "at": "2026-11-01"}]},
     "now: required when there is history"),
    ({"customer": {"services": ["iptv"]}}, "customer.services: unknown service 'iptv'"),
])
def test_bad_requests(content, fields, message):
    with pytest.raises(ContextError) as caught:
        next_best_offers(OfferRequest.model_validate(fields), content)
    assert any(problem.startswith(message) for problem in caught.value.problems)


def test_nothing_to_offer_in_a_conflict(content):
    result = rank(content, call={"mood": "conflict"})
    assert result.offers == ()
    assert all("conflict" in item.reasons for item in result.skipped)
    assert all(content.reasons["conflict"].text in item.why for item in result.skipped)


def test_guarantee_plus_is_the_only_offer_after_an_unresolved_issue(content):
    result = rank(content, call={"issue_resolved": False}, topic="tech_fault")
    assert ids(result) == ["guarantee_plus"]


# (text in rules.yaml, its replacement, the problem, a text on the line the problem must point at)
RULES_PROBLEMS = [
    ("  - product: lyceum\n", "  - product: lyceumm\n", "unknown product 'lyceumm'", "product: lyceumm"),
    ("      thinking: 3\n", "      thinkin: 3\n", "unknown response code 'thinkin'", "thinkin: 3"),
    ("      general: [1]", "      generall: [1]", "unknown topic 'generall'", "generall: [1]"),
    ("mono_tv: [wink_5in1]", "mono_tv: [antivirus]", "product 'antivirus' is not offered to segment 'mono_tv'",
     "mono_tv: [antivirus]"),
    ("{previous}", "{previos}", "explain_tie: unknown placeholder(s) previos", "explain_tie:"),
    ("= {score}", "= {score.real}", "explain_score: unknown placeholder(s) score.real", "explain_score:"),
    ("  - id: default\n", "  - id: main\n", "offer_policy 'default' is missing", "id: main"),
]


@pytest.mark.parametrize(("old", "new", "message", "line_text"), RULES_PROBLEMS)
def test_rules_problems_point_at_their_line(content_copy, old, new, message, line_text):
    dialogues = content_copy / "dialogues"
    rules = dialogues / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    assert text.count(old) == 1
    rules.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(dialogues, content_copy / "scripts_ru")
    found = [p for p in caught.value.problems if message in p.message]
    assert len(found) == 1, caught.value.problems
    assert found[0].file.endswith("rules.yaml")
    assert found[0].line == line_of(rules, line_text)
