"""What happened to an offer → its response code (seed 000, «Правила выбора отклика клиента»)."""
from __future__ import annotations

import pytest

from engine.eligibility import Reason
from engine.responses import Outcome, ResponseCode, outcome_of_verdict, response_code

# (outcome, code, the seed's wording)
TABLE = [
    (Outcome.agreed, "agreed", "согласился на подключение сразу"),
    (Outcome.agreed_after_objections, "agreed", "… или после отработки возражений"),
    (Outcome.thinking, "thinking", "надо посоветоваться / позднее перезвонит / подумает"),
    (Outcome.not_owner, "thinking", "обращается не владелец договора, предложение нужно озвучить владельцу"),
    (Outcome.declined, "not_interested", "ясное «нет»"),
    (Outcome.declined_after_objections, "not_interested", "после озвучивания предложения и отработки возражений"),
    (Outcome.refused_and_hung_up, "not_interested", "ответил «нет» и положил трубку"),
    (Outcome.wants_disconnect, "not_interested", "услуга подключена, а клиент обращается за отключением"),
    (Outcome.hung_up, "not_offered", "не дослушал и ничего не ответил — отклик не меняем"),
    (Outcome.already_connected, "already_changed", "уже подключена услуга или опция из рекомендаций"),
    (Outcome.duplicate, "already_changed", "дубль кампании: на втором предложении"),
    (Outcome.not_allowed, "not_offered", "нельзя озвучить предложение в связи с ограничениями"),
    (Outcome.not_offered, "not_offered", "значение по умолчанию"),
]


@pytest.mark.parametrize(("outcome", "code"), [case[:2] for case in TABLE], ids=[case[2] for case in TABLE])
def test_response_code(outcome, code):
    assert response_code(outcome) == ResponseCode(code)
    assert response_code(outcome.value) == ResponseCode(code)


def test_every_outcome_is_in_the_table():
    assert {case[0] for case in TABLE} == set(Outcome)


def test_every_response_code_is_reachable():
    assert {response_code(outcome) for outcome in Outcome} == set(ResponseCode)


def test_codes_are_the_contract_ones():
    assert {code.value for code in ResponseCode} == {
        "agreed", "thinking", "already_changed", "not_interested", "not_offered"}


def test_unknown_outcome_is_an_error():
    with pytest.raises(ValueError):
        response_code("maybe")


@pytest.mark.parametrize(("reasons", "outcome"), [
    ((), Outcome.not_offered),
    ((Reason.peak_hours,), Outcome.not_allowed),
    (("open_ticket", "unresolved_issue"), Outcome.not_allowed),
    ((Reason.already_has,), Outcome.already_connected),
    ((Reason.already_has, Reason.conflict), Outcome.already_connected),
    (("already_has", "peak_hours"), Outcome.already_connected),
])
def test_outcome_of_a_refused_offer(reasons, outcome):
    assert outcome_of_verdict(reasons) is outcome
