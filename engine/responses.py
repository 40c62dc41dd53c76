"""What happened to an offer → the response code (отклик) saved for it (seed 000 «Правила выбора отклика клиента»).

Both modes call :func:`response_code`: the self-service bot to record its own offers, the trainee mode to know the
code a trainee should have chosen. The codes are those of CONTRACT.md; their labels live in
dialogues/response_codes.yaml.
"""
from __future__ import annotations

from enum import Enum

from .eligibility import Reason


class ResponseCode(str, Enum):
    agreed = "agreed"
    thinking = "thinking"
    already_changed = "already_changed"
    not_interested = "not_interested"
    not_offered = "not_offered"


class Outcome(str, Enum):
    """What happened to one offer shown in the «Рекомендации» tab."""

    agreed = "agreed"                                        # согласился сразу
    agreed_after_objections = "agreed_after_objections"      # согласился после отработки возражений
    thinking = "thinking"                                    # подумает, посоветуется, перезвонит
    not_owner = "not_owner"                                  # говорит не владелец договора: решать владельцу
    declined = "declined"                                    # ясное «нет» на предложение
    declined_after_objections = "declined_after_objections"  # отказался после предложения и отработки возражений
    refused_and_hung_up = "refused_and_hung_up"              # «мне ничего не нужно» / «нет» — и положил трубку
    wants_disconnect = "wants_disconnect"                    # услуга уже есть, а клиент обратился за её отключением
    hung_up = "hung_up"                                      # молча положил трубку, не дослушав предложение
    already_connected = "already_connected"                  # услуга или опция уже подключена
    not_allowed = "not_allowed"                              # предлагать было нельзя («когда не предлагаем»)
    duplicate = "duplicate"                                  # дубль кампании: на первое предложение уже ответили
    not_offered = "not_offered"                              # до предложения не дошло (значение по умолчанию)


RESPONSE_FOR_OUTCOME: dict[Outcome, ResponseCode] = {
    Outcome.agreed: ResponseCode.agreed,
    Outcome.agreed_after_objections: ResponseCode.agreed,
    Outcome.thinking: ResponseCode.thinking,
    Outcome.not_owner: ResponseCode.thinking,
    Outcome.declined: ResponseCode.not_interested,
    Outcome.declined_after_objections: ResponseCode.not_interested,
    Outcome.refused_and_hung_up: ResponseCode.not_interested,
    Outcome.wants_disconnect: ResponseCode.not_interested,
    Outcome.hung_up: ResponseCode.not_offered,
    Outcome.already_connected: ResponseCode.already_changed,
    Outcome.not_allowed: ResponseCode.not_offered,
    Outcome.duplicate: ResponseCode.already_changed,
    Outcome.not_offered: ResponseCode.not_offered,
}


def response_code(outcome: Outcome | str) -> ResponseCode:
    """The response code of CONTRACT.md for what happened to an offer; raises ValueError on an unknown outcome."""
    return RESPONSE_FOR_OUTCOME[Outcome(outcome)]


def outcome_of_verdict(reasons: tuple[str, ...] | list[str]) -> Outcome:
    """The outcome of an offer the eligibility check refused: already connected wins over every other reason."""
    codes = {str(getattr(reason, "value", reason)) for reason in reasons}
    if Reason.already_has.value in codes:
        return Outcome.already_connected
    return Outcome.not_allowed if codes else Outcome.not_offered
