"""Trainee-mode scenarios and the simulated customer's machine: the customer the program plays, what he hides, and
what a good operator should make of him (dialogues/scenarios/, dialogues/customer_machines/).

The machine is data end to end: its states, what moves it, how the customer reads the trainee's turn (``reads``:
the first rule whose conditions hold fires its trigger — conditions from the closed registry of
engine/trainee/reading.py), what he says and which call-stage events each reaction fires.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field, NonNegativeInt, PositiveInt, field_validator

from ..eligibility import Call, Customer
from .base import Authored, Identifier, TemplatePath
from .call_types import GuardedTransition

# Lines whose text depends on the scenario, not on the machine: the next objection, the final answer, a trap, the
# details of his issue, the reason he is leaving, his identification data, his answer to a direct question.
DYNAMIC_LINES = ("next_objection", "final", "stands", "trap", "details", "reason", "identity", "answer")
BRIEFING = "briefing"  # a trap the trainee learns from the briefing card, before the call


class Identity(Authored):
    """What the customer answers when asked to identify himself (seed 003: full name + passport, or full name +
    registration address + date of birth)."""

    passport: str = Field(default="", description="Серия и номер паспорта, как клиент их называет")
    address: str = Field(default="", description="Адрес прописки: город, улица, дом")
    birth_date: str = Field(default="", description="Дата рождения")
    decision_maker: bool = Field(default=True, description="Он владелец договора (ЛПР)")


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
    identity: Identity = Field(default_factory=Identity, description="Данные для идентификации (удержание)")


class Trap(Authored):
    """Something the customer's profile or call hides until the trainee asks the right question (or he lets it slip)."""

    id: Identifier = Field(description="Ловушка; её реплика — scripts_ru/client/traps/<id>.j2, если не указана line")
    fields: list[str] = Field(min_length=1, description="Поля контекста проверки, которые стажёр узнаёт только из "
                                                        "разговора: customer.financial_block, call.churn_signals…")
    asked_by: list[Identifier] = Field(default_factory=list, description="Вопросы оператора (questions машины "
                                                                         "клиента), которые её раскрывают")
    volunteered: Identifier | None = Field(default=None, description="Когда клиент сам проговорится: момент машины "
                                                                     "клиента (introduce, solved, bridge…) или "
                                                                     "briefing — стажёр узнаёт из вводной")
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
    line: TemplatePath | None = Field(default=None, description="Его собственные слова для этого возражения "
                                                                "вместо scripts_ru/client/objections/<id>.j2")

    @property
    def template(self) -> str:
        return self.line or f"client/objections/{self.id}.j2"


class Scenario(Authored):
    id: Identifier
    title: str = Field(description="Название сценария для списка тренировок")
    difficulty: Literal["easy", "medium", "hard"]
    call_type: Identifier | None = Field(default=None, description="Тип звонка (по умолчанию — основной)")
    persona: Persona
    contract: str = Field(default="", description="Номер договора или телефона, который клиент называет")
    customer: Customer = Field(default_factory=Customer, description="Профиль клиента — вся правда, с ловушками")
    call: Call = Field(default_factory=Call, description="Контекст звонка — вся правда, с ловушками")
    situation: dict[Identifier, bool] = Field(
        default_factory=dict, description="Обстоятельства звонка из situation типа звонка (автоответчик, уже "
                                          "перенёс номер, прошло меньше 60 дней…)")
    topic: Identifier | None = Field(default=None, description="Тема обращения (как у бизнес-мостиков и тем "
                                                               "самообслуживания)")
    issue_text: str = Field(default="", description="С чем клиент звонит, его словами")
    issue_details: str = Field(default="", description="Что он уточнит, если оператор задаст вопрос о проблеме")
    reason: Identifier | None = Field(default=None, description="Удержание: почему он уходит (причина из "
                                                                "retention_reasons)")
    reason_text: str = Field(default="", description="Удержание: причина ухода его словами")
    facts: dict[Identifier, str] = Field(
        default_factory=dict, description="Что клиент ответит на прямой вопрос: вопрос машины клиента → ответ")
    solution: list[str] = Field(default_factory=list, description="Фразы оператора, которые решают вопрос (синтаксис "
                                                                  "фраз понимания речи); пусто — фразы темы вопроса")
    offers: list[Identifier] = Field(description="Предложения во вкладке «Рекомендации», по порядку")
    objections: list[ObjectionStep] = Field(default_factory=list, description="Возражения клиента по порядку")
    final_answer: Identifier = Field(description="Что клиент ответит, когда возражения отработаны (answers машины)")
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
    """A question of the operator the customer recognises (a trap it reveals, a fact he answers), by its phrases."""

    id: Identifier
    name: str = Field(description="Что за вопрос — для тренеров")
    phrases: list[str] = Field(min_length=1, description="Фразы понимания речи (синтаксис лексикона)")


class LineSpec(Authored):
    id: Identifier = Field(description="Реплика клиента: scripts_ru/client/<id>.j2 (варианты через строку ---)")
    template: TemplatePath | None = Field(default=None, description="Свой шаблон реплики вместо client/<id>.j2")
    intent: Identifier = Field(description="Намерение реплики для оценки (agree, decline, other…)")
    chatty: bool = Field(default=False, description="Разговорчивый клиент может добавить к ней пару слов от себя")
    repeats_objection: bool = Field(default=False, description="Клиент повторяет неотработанное возражение")


class ReadRule(Authored):
    """How the customer reads the trainee's turn: when every condition holds, the trigger fires."""

    fire: Identifier = Field(description="Событие машины клиента")
    moves: list[Identifier] = Field(default_factory=list, description="Есть хотя бы один из этих ходов оператора")
    all_moves: list[Identifier] = Field(default_factory=list, description="Есть все эти ходы")
    no_moves: list[Identifier] = Field(default_factory=list, description="Нет ни одного из этих ходов")
    when: list[Identifier] = Field(default_factory=list, description="Условия чтения из закрытого списка "
                                                                     "(solves, trap_asked, vzor_worked, asked…)")
    unless: list[Identifier] = Field(default_factory=list, description="Условия, которые должны быть ложны")
    moments: list[Identifier] = Field(default_factory=list, description="Для trap_pending: ловушки, которые клиент "
                                                                        "выдаёт в эти моменты")


class CustomerTransition(GuardedTransition):
    dest: Identifier | None = Field(default=None, description="Новое состояние; нет — клиент остаётся, где был")
    say: Identifier | None = Field(default=None, description="Реплика клиента (id из lines или objection/final/trap…)")
    call: list[Identifier] = Field(default_factory=list, description="События этапов звонка оператора, которые "
                                                                     "это двигает (greeted, identified…)")
    moments: list[Identifier] = Field(default_factory=list, description="Какие это моменты звонка: ловушка, "
                                                                        "которую клиент выдаёт в этот момент, "
                                                                        "звучит здесь")
    resolves_issue: bool = Field(default=False, description="Вопрос клиента решён (если машина сдвинулась)")
    offer: bool = Field(default=False, description="Стажёр сделал предложение: оно отмечается во вкладке")


class CustomerState(Authored):
    id: Identifier
    name: str
    final: bool = False
    reads: list[ReadRule] = Field(default_factory=list, description="Как клиент в этом состоянии читает реплику")


class Answer(Authored):
    """A final answer the customer may give to an offer: his line and the call-stage event it fires."""

    id: Identifier
    call: Identifier = Field(description="Событие машины этапов звонка")
    agrees: bool = Field(default=False, description="Это «да»: на новые уговоры он только подтверждает")


class CustomerMachineSpec(Authored):
    """The simulated customer as data: states, how he reads the trainee, what he says."""

    id: Identifier
    name: str
    initial: Identifier
    states: list[CustomerState]
    reads: list[ReadRule] = Field(default_factory=list, description="Правила чтения до правил состояния")
    transitions: list[CustomerTransition]
    lines: list[LineSpec] = Field(description="Постоянные реплики клиента и их намерения")
    answers: list[Answer] = Field(min_length=1, description="Окончательные ответы на предложение")
    stands: dict[Identifier, Identifier] = Field(
        default_factory=dict, description="Вид неотработанного возражения → его окончательный ответ "
                                          "(hesitation → think, objection → decline)")
    questions: list[Question] = Field(default_factory=list, description="Вопросы, которые клиент узнаёт")
    irritation: dict[Identifier, int] = Field(
        default_factory=dict, description="Как событие машины или ход оператора (cliche) меняет раздражение "
                                          "клиента (+ — злится, − — смягчается)")
    complaints: dict[Identifier, Identifier] = Field(
        default_factory=dict, description="Ход оператора, который клиента задевает → его реплика об этом "
                                          "(cliche → client/cliche.j2); если терпение кончилось — fed_up")
    trap_events: dict[str, Identifier] = Field(
        default_factory=dict, description="Ловушка, которую клиент выдаёт в ответ на предложение: поле "
                                          "контекста → событие этапов звонка (customer.options → already_has)")
    start_irritation: dict[Identifier, NonNegativeInt] = Field(
        default_factory=dict, description="Раздражение в начале звонка по настроению персоны")
    worked_by: dict[Identifier, list[Identifier]] = Field(
        default_factory=dict, description="Возражение → ходы оператора, без которых оно не отработано")
    vzor_min_steps: PositiveInt = Field(default=3, description="Сколько шагов В.З.О.Р отрабатывают возражение")
    vzor_steps: list[Identifier] = Field(default_factory=list, description="Ходы оператора — шаги В.З.О.Р")
    asking_moves: list[Identifier] = Field(
        default_factory=list, description="Ходы оператора, которые спрашивают клиента и без «?»: на них он отвечает "
                                          "фактами персоны (facts сценария)")

    def line(self, line_id: str) -> LineSpec | None:
        return next((line for line in self.lines if line.id == line_id), None)

    def template(self, line_id: str) -> str:
        """The speech module of a line: its own, else scripts_ru/client/<id>.j2."""
        line = self.line(line_id)
        return line.template if line is not None and line.template else f"client/{line_id}.j2"

    def answer(self, answer_id: str) -> Answer | None:
        return next((answer for answer in self.answers if answer.id == answer_id), None)

    def state(self, state_id: str) -> CustomerState:
        return next(state for state in self.states if state.id == state_id)
