"""Trainee-mode scenarios and the simulated customer's machine: the customer the program plays, what he hides, and
what a good operator should make of him (dialogues/scenarios/, dialogues/customer_machines.yaml)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, NonNegativeInt, PositiveInt, field_validator

from ..eligibility import Call, Customer
from .base import Authored, Identifier, TemplatePath
from .call_types import GuardedTransition

# When a simulated customer says something without being asked (a trap he gives away, a briefing for the trainee).
Moment = Literal["briefing", "introduce", "issue", "solved", "bridge", "offer"]
FinalAnswer = Literal["agree", "think", "decline", "not_owner"]
# Lines whose text depends on the scenario, not on the machine: the next objection, the final answer, a trap.
DYNAMIC_LINES = ("objection", "final", "trap")
STANDING_LINE = "stands"  # the objection he raised stands: his final word is that objection


class Persona(Authored):
    first_name: str
    patronymic: str
    last_name: str = ""
    gender: Literal["m", "f"] = Field(description="Пол — для форм глаголов в репликах (сказал/сказала)")
    mood: Literal["calm", "neutral", "irritated", "conflict"] = Field(
        default="neutral", description="Настроение в начале звонка: чем хуже, тем меньше он стерпит")
    patience: PositiveInt = Field(default=3, description="Сколько раздражения (штампы, давление, неотработанные "
                                                         "возражения) клиент терпит, прежде чем уйти")
    talkativeness: Literal["short", "normal", "chatty"] = Field(
        default="normal", description="short — самый короткий вариант реплики; chatty — добавляет пару слов от себя")


class Trap(Authored):
    """Something the customer's profile or call hides until the trainee asks the right question (or he lets it slip)."""

    id: Identifier = Field(description="Ловушка; её реплика — scripts_ru/client/traps/<id>.j2, если не указана line")
    fields: list[str] = Field(min_length=1, description="Поля контекста проверки, которые стажёр узнаёт только из "
                                                        "разговора: customer.financial_block, call.churn_signals…")
    asked_by: list[Identifier] = Field(default_factory=list, description="Вопросы оператора (questions машины "
                                                                         "клиента), которые её раскрывают")
    volunteered: Moment | None = Field(default=None, description="Когда клиент сам проговорится (briefing — "
                                                                 "стажёр узнаёт из вводной)")
    line: TemplatePath | None = Field(default=None, description="Реплика клиента, раскрывающая ловушку")
    intent: Identifier = Field(default="other", description="Намерение этой реплики (для оценки)")

    @property
    def template(self) -> str:
        return self.line or f"client/traps/{self.id}.j2"


class ObjectionStep(Authored):
    """One objection the customer raises, and what softens him on it beyond the В.З.О.Р steps."""

    id: Identifier = Field(description="Возражение из objections.yaml (objection_price, think…)")
    worked_by: list[Identifier] | None = Field(
        default=None, description="Ходы оператора, без которых он не смягчится (price_per_day после «дорого», "
                                  "clarify после «я подумаю»); по умолчанию — из машины клиента")

    @property
    def template(self) -> str:
        return f"client/objections/{self.id}.j2"


class Scenario(Authored):
    id: Identifier
    title: str = Field(description="Название сценария для списка тренировок")
    difficulty: Literal["easy", "medium", "hard"]
    persona: Persona
    machine: Identifier = Field(default="inbound_caller", description="Машина клиента из customer_machines")
    contract: str = Field(description="Номер договора, который клиент называет")
    customer: Customer = Field(default_factory=Customer, description="Профиль клиента — вся правда, с ловушками")
    call: Call = Field(default_factory=Call, description="Контекст звонка — вся правда, с ловушками")
    issue: Identifier = Field(description="Тема обращения (как у бизнес-мостиков)")
    issue_text: str = Field(description="С чем клиент звонит, его словами")
    issue_details: str = Field(default="", description="Что он уточнит, если оператор задаст вопрос о проблеме")
    solution: list[str] = Field(default_factory=list, description="Слова оператора, которые решают вопрос (начала "
                                                                  "слов, строчными); пусто — решает любой ответ по делу")
    offers: list[Identifier] = Field(description="Предложения во вкладке «Рекомендации», по порядку")
    objections: list[ObjectionStep] = Field(default_factory=list, description="Возражения клиента по порядку")
    final_answer: FinalAnswer = Field(description="Что клиент ответит, когда возражения отработаны")
    traps: list[Trap] = Field(default_factory=list, description="Скрытые ловушки «когда не предлагаем»")
    expected_outcome: Identifier = Field(description="Правильный код отклика для главного предложения")
    other_outcomes: dict[Identifier, Identifier] = Field(
        default_factory=dict, description="Правильные коды отклика для остальных предложений вкладки")
    briefing: str = Field(default="", description="Что стажёр видит в карточке до звонка (кроме ловушек)")
    lines: dict[Identifier, TemplatePath] = Field(
        default_factory=dict, description="Свои реплики вместо реплик машины: issue_solved → client/ticket_accepted.j2")
    max_objection_repeats: NonNegativeInt = Field(default=1, description="Сколько раз клиент повторит "
                                                                          "неотработанное возражение")

    @field_validator("objections", mode="before")
    @classmethod
    def _plain_ids(cls, value: object) -> object:
        if isinstance(value, list):
            return [{"id": item} if isinstance(item, str) else item for item in value]
        return value


class Question(Authored):
    """A question of the operator that can reveal a trap, recognised by its words."""

    id: Identifier
    name: str = Field(description="Что за вопрос — для тренеров")
    phrases: list[str] = Field(min_length=1, description="Фразы: все слова фразы есть в реплике (лемма или начало "
                                                         "слова со *)")


class LineSpec(Authored):
    id: Identifier = Field(description="Реплика клиента: scripts_ru/client/<id>.j2 (варианты через строку ---)")
    intent: Identifier = Field(description="Намерение реплики для оценки (agree, decline, other…)")


class CustomerTransition(GuardedTransition):
    dest: Identifier | None = Field(default=None, description="Новое состояние; нет — клиент остаётся, где был")
    say: Identifier | None = Field(default=None, description="Реплика клиента (id из lines или objection/final/trap)")
    call: list[Identifier] = Field(default_factory=list, description="События этапов звонка оператора, которые "
                                                                     "это двигает (greeted, identified…)")


class CustomerState(Authored):
    id: Identifier
    name: str
    final: bool = False


class CustomerMachineSpec(Authored):
    """The simulated customer as data: states, what moves him, what he says."""

    id: Identifier
    name: str
    initial: Identifier
    states: list[CustomerState]
    transitions: list[CustomerTransition]
    lines: list[LineSpec] = Field(description="Постоянные реплики клиента и их намерения")
    questions: list[Question] = Field(default_factory=list, description="Вопросы, раскрывающие ловушки")
    irritation: dict[Identifier, int] = Field(
        default_factory=dict, description="Как ход оператора меняет раздражение клиента (+ — злится, − — смягчается)")
    start_irritation: dict[Identifier, NonNegativeInt] = Field(
        default_factory=dict, description="Раздражение в начале звонка по настроению персоны")
    worked_by: dict[Identifier, list[Identifier]] = Field(
        default_factory=dict, description="Возражение → ходы оператора, без которых оно не отработано")
    vzor_min_steps: PositiveInt = Field(default=3, description="Сколько шагов В.З.О.Р отрабатывают возражение")

    def line(self, line_id: str) -> LineSpec | None:
        return next((line for line in self.lines if line.id == line_id), None)
