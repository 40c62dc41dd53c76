"""Call types as data: stages and what each does, transitions, outcomes with their codes, and the judge's rules.

A call type names everything about itself in YAML (dialogues/call_types/): its stages and the behaviour of each
(by name, from the closed registries of engine/assistant/behaviours.py), the transitions between them with named
guards, the outcomes an offer can have and the response code of each, the ordered rules by which the scorecard
finds the correct code of a finished call, its rubric and its simulated customer. No Python module names a stage,
a code or a call type's text.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, PositiveInt, StringConstraints, field_validator

from ..vocabulary import Fate, IntentKind
from .base import Authored, Identifier, TemplatePath

# Speech modules a hint may take its phrase from instead of its own template.
HintSpeech = Literal["bridge_module", "offer_module", "objection_module"]


class Hint(Authored):
    """What /hint says at a stage: a phrase from a speech module of the scenario, else the stage's own template."""

    template: TemplatePath = Field(description="Подсказка стажёру: фраза для этого этапа")
    speech: HintSpeech | None = Field(
        default=None, description="Взять фразу из речевого модуля сценария: bridge — мостик темы, offer — "
                                  "предложение, objection — ответ на текущее возражение")
    when_forbidden: TemplatePath | None = Field(
        default=None, description="Подсказка, если предлагать нельзя, а предложения не было")


class BotBehaviour(Authored):
    """What the self-service bot does at a stage (customer mode); names from a closed registry."""

    enter: Identifier | None = Field(default=None, description="Что бот делает, войдя в этап (greet, present_offer…)")
    input: Identifier | None = Field(default=None, description="Как бот читает сообщение клиента на этапе "
                                                               "(identify_by_contract, solve_issue, answer_offer…)")
    template: TemplatePath | None = Field(default=None, description="Что бот говорит, если поведению нужна реплика")
    then: Identifier | None = Field(default=None, description="Событие, которое бот подаёт, сказав своё")
    buttons: Literal["offer_answers", "yes_no"] | None = Field(default=None, description="Кнопки под репликой бота")
    next_rung: bool = Field(default=False, description="На возражение — ступень выше по лестнице предложений")


class Stage(Authored):
    id: Identifier
    name: str = Field(description="Название этапа для тренеров и подсказок")
    hint: Hint | None = Field(default=None, description="Подсказка стажёру на этом этапе")
    final: bool = Field(default=False, description="Звонок на этом этапе окончен")
    bot: BotBehaviour = Field(default_factory=BotBehaviour, description="Режим клиента: что делает бот на этапе")
    reading: Identifier | None = Field(
        default=None, description="Контекст лексикона, в котором читаются слова клиента на этом этапе")
    on_kind: dict[IntentKind, Identifier] = Field(
        default_factory=dict, description="Режим клиента: вид намерения клиента → событие машины этапов")
    on_button: dict[Identifier, Identifier] = Field(
        default_factory=dict, description="Режим клиента: кнопка предложения (agree, decline) → событие")


# A guard's name: one of the closed registry, or ``situation:<flag>`` — a circumstance the scenario sets.
GuardName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(:[a-z][a-z0-9_]*)?$", max_length=64)]


class GuardedTransition(Authored):
    """A transition of an authored machine: what fires it, from where, and the named conditions that let it pass."""

    trigger: Identifier = Field(description="Событие, которое двигает машину")
    source: list[Identifier | Literal["*"]] = Field(description="Состояния, из которых переход возможен ('*' — из любого)")
    conditions: list[GuardName] = Field(default_factory=list, description="Условия (из закрытого списка), все истинны")
    unless: list[GuardName] = Field(default_factory=list, description="Условия (из закрытого списка), все ложны")

    @field_validator("source", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class Transition(GuardedTransition):
    dest: Identifier = Field(description="Этап, в который ведёт переход")
    outcome: Identifier | None = Field(
        default=None, description="Что случилось с показанными предложениями без отклика (из outcomes; из него — код)")
    counts_objection: bool = Field(default=False, description="Переход — ещё одно отработанное возражение")
    order: bool = Field(default=False, description="Согласие: по предложению оформляется заказ")


class Outcome(Authored):
    """What happened to an offer, and the response code saved for it."""

    id: Identifier
    code: Identifier = Field(description="Код отклика (из response_codes)")
    why: str = Field(description="Почему этот код верен — для отзыва стажёру; {reasons} — почему нельзя предлагать")
    fate: Fate | None = Field(default=None, description="Исход, который дают одни правила, до ответа клиента: "
                                                        "has_it, forbidden, duplicate, not_offered")


class JudgeRule(Authored):
    """One rule of the correct code of a finished call: the first whose facts hold gives the outcome."""

    outcome: Identifier = Field(description="Исход (из outcomes)")
    when: list[str] = Field(default_factory=list, description="Факты разговора, которые все верны")
    when_any: list[str] = Field(default_factory=list, description="Факты, из которых верен хотя бы один")
    unless: list[str] = Field(default_factory=list, description="Факты, которые все неверны")


class Closing(Authored):
    """How the bot ends a call whose offer got this code (customer mode)."""

    code: Identifier
    template: TemplatePath


class CallType(Authored):
    id: Identifier
    name: str
    description: str = Field(default="", description="Что это за звонок — для выбора тренировки")
    default: bool = Field(default=False, description="Основной тип: сценарии и разговоры без типа — этого типа")
    company: str | None = Field(default=None, description="Компания, от имени которой звонит оператор (по "
                                                           "умолчанию — компания ассистента)")
    initial: Identifier = Field(description="Этап, с которого начинается звонок")
    max_objections: PositiveInt = Field(default=2, description="Сколько возражений можно отработать")
    modes: list[Literal["trainee", "customer"]] = Field(
        default=["trainee", "customer"], description="Режимы, в которых есть этот звонок")
    customer_machine: Identifier = Field(description="Машина симулированного клиента (режим тренировки)")
    rubric: Identifier = Field(description="Чек-лист оценки стажёра (rubrics)")
    codes: list[Identifier] = Field(min_length=1, description="Коды, которые сохраняют в этом звонке")
    default_code: Identifier = Field(description="Код предложения, на которое клиент ничего не ответил")
    code_per_offer: bool = Field(default=True, description="Код сохраняют по каждому предложению вкладки "
                                                           "(иначе — один код контакта, как при удержании)")
    offer_families: list[Identifier] = Field(
        min_length=1, description="Семейства продуктов, которые предлагают в этом звонке (catalog family)")
    waived_reasons: list[Identifier] = Field(
        default_factory=list, description="Причины «когда не предлагаем», которые в этом звонке не действуют "
                                          "(удержание предлагают именно уходящему клиенту)")
    situation: dict[Identifier, str] = Field(
        default_factory=dict, description="Обстоятельства звонка, которые задаёт сценарий: id → что это значит")
    stages: list[Stage]
    transitions: list[Transition]
    outcomes: list[Outcome] = Field(min_length=1)
    judge: list[JudgeRule] = Field(min_length=1, description="Верный код завершённого звонка: первое правило, "
                                                              "факты которого верны")
    trainee_briefing: TemplatePath = Field(
        default="bot/trainee_start.j2", description="Карточка стажёра перед звонком этого типа")
    closings: list[Closing] = Field(default_factory=list, description="Режим клиента: завершение по коду отклика")
    default_closing: TemplatePath | None = Field(default=None, description="Завершение, если предложения не было")

    def stage(self, stage_id: str) -> Stage:
        return next(stage for stage in self.stages if stage.id == stage_id)

    def outcome(self, outcome_id: str) -> Outcome:
        return next(outcome for outcome in self.outcomes if outcome.id == outcome_id)

    def code_of(self, outcome_id: str) -> str:
        return self.outcome(outcome_id).code

    def fate(self, fate: str) -> Outcome:
        return next(outcome for outcome in self.outcomes if outcome.fate == fate)

    def closing(self, code: str | None) -> str | None:
        found = next((closing.template for closing in self.closings if closing.code == code), None)
        return found or self.default_closing
