"""What happened to an offer → its response code, as each call type's YAML says (seed 000 «Правила выбора отклика
клиента»; seed 003 «как правильно закрывать контакты»), and the codes of CONTRACT.md."""
from __future__ import annotations

import pytest

from engine.content.loader import Content

# (outcome, code, the seed's wording)
INBOUND = [
    ("agreed", "agreed", "согласился на подключение сразу"),
    ("agreed_after_objections", "agreed", "… или после отработки возражений"),
    ("thinking", "thinking", "надо посоветоваться / позднее перезвонит / подумает"),
    ("not_owner", "thinking", "обращается не владелец договора, предложение нужно озвучить владельцу"),
    ("said_no", "not_interested", "ясное «нет»"),
    ("said_no_after_objections", "not_interested", "после озвучивания предложения и отработки возражений"),
    ("refused_and_hung_up", "not_interested", "ответил «нет» и положил трубку"),
    ("wants_disconnect", "not_interested", "услуга подключена, а клиент обращается за отключением"),
    ("no_answer", "not_offered", "не дослушал и ничего не ответил — отклик не меняем"),
    ("already_connected", "already_changed", "уже подключена услуга или опция из рекомендаций"),
    ("campaign_duplicate", "already_changed", "дубль кампании: на втором предложении"),
    ("not_allowed", "not_offered", "нельзя озвучить предложение в связи с ограничениями"),
    ("asked_himself", "not_offered", "клиент сам обратился для подключения услуги, которая есть в Предложениях"),
    ("not_offered", "not_offered", "значение по умолчанию"),
]
UPSELL_CODES = {"agreed", "thinking", "already_changed", "not_interested", "not_offered"}


@pytest.mark.parametrize(("outcome", "code"), [case[:2] for case in INBOUND], ids=[case[2] for case in INBOUND])
def test_inbound_outcome_codes(content: Content, outcome: str, code: str) -> None:
    assert content.call_types["inbound_upsell"].code_of(outcome) == code


def test_every_inbound_outcome_is_in_the_table(content: Content) -> None:
    assert {o.id for o in content.call_types["inbound_upsell"].outcomes} == {case[0] for case in INBOUND}


def test_the_contract_codes_exist_with_labels(content: Content) -> None:
    assert UPSELL_CODES <= content.response_codes.keys()
    assert set(content.call_types["inbound_upsell"].codes) == UPSELL_CODES
    assert content.call_types["inbound_upsell"].default_code == "not_offered"


def test_every_code_of_a_call_type_is_reachable(content: Content) -> None:
    for call_type in content.call_types.values():
        assert {outcome.code for outcome in call_type.outcomes} == set(call_type.codes), call_type.id


@pytest.mark.parametrize(("fate", "code"), [("has_it", "already_changed"), ("forbidden", "not_offered"),
                                            ("repeated", "already_changed"), ("never_made", "not_offered")])
def test_what_the_rules_alone_make_of_an_offer(content: Content, fate: str, code: str) -> None:
    assert content.call_types["inbound_upsell"].fate(fate).code == code
