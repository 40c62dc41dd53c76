"""Authored parts of the scorecard: a rubric per call type (checks, flags, weights, blockers), shared settings,
feedback texts and advice on clichés (dialogues/scorecard.yaml, dialogues/rubrics/).

What a check or a flag *does* is a rule from the closed registries of engine/scorecard/ (``said``, ``vzor``,
``ignored_refusal``…), named here with its parameters, exactly as guards are named in call types. Every text is a
``str.format`` template whose placeholders are checked at load time.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, NonNegativeInt, PositiveInt

from ..vocabulary import IntentKind, Phase, Window
from .base import Authored, Identifier, TemplatePath

# What a feedback text may name; each gets a sample value at load time.
PLACEHOLDERS: dict[str, Any] = {
    name: f"<{name}>" for name in ("client", "quote", "client_quote", "better", "reasons", "steps", "chosen",
                                   "correct", "why", "company", "expected", "product", "quote_tail")
} | {"count": 3, "max": 2, "score": 65, "pass_mark": 70}
# Feedback lines that are not about one check or flag.
SUMMARY_TEXTS = ("summary_passed", "summary_failed", "summary_blocked", "summary_slips", "all_good", "better",
                 "expected_differs", "no_outcome")
# Roles a rubric gives to operator moves (which moves start an offer, go on selling, work an objection…).
MoveRole = Literal["offers", "not_offers", "asks_permission", "pushes", "works", "accepts", "concedes",
                   "decision_prompts", "vzor_steps", "clarifies", "benefits", "prices", "check_questions",
                   "calls_to_action", "identifies", "cancels", "consents", "winbacks", "greetings", "farewells",
                   "cliches"]
SpeechModule = Literal["bridge_module", "offer_module", "objection_module"]
Weight = Annotated[float, Field(ge=0, le=100)]


class ScorecardSettings(Authored):
    """What every rubric shares: how feedback quotes, which companies an operator may name, the В.З.О.Р steps."""

    id: Identifier = Field(description="Имя набора; используется default")
    quote_max_words: PositiveInt = Field(default=25, description="Сколько слов реплики цитировать в отзыве")
    company_names: list[str] = Field(min_length=1, description="Названия компаний, которые оператор называет")
    introduction_cues: list[str] = Field(
        default_factory=list, description="Слова, после которых оператор называет себя («меня зовут»): слово с "
                                          "заглавной буквы после них — его имя, даже если словарь его не знает")
    feminine_markers: list[str] = Field(
        default_factory=list, description="Слова, по которым видно, что оператор — женщина (для примеров фраз)")
    vzor_step_names: dict[Identifier, str] = Field(description="Шаги В.З.О.Р (ход оператора → название для людей)")


class RubricItem(Authored):
    """A check or a flag: which rule judges it and with what parameters."""

    id: Identifier
    rule: Identifier = Field(description="Правило из закрытого списка (said, vzor, ignored_refusal…)")
    moves: list[Identifier] = Field(default_factory=list, description="Ходы оператора, которые правило ищет")
    window: Window = Field(default="whole", description="Где искать: first_turns, until_offer, before_offer, "
                                                        "presentation, after_offer, last_turns, whole")
    turns: PositiveInt = Field(default=2, description="Сколько реплик — начало или конец разговора")
    max_words: PositiveInt | None = Field(default=None, description="Порог слов для правил о длине")
    phrases: list[str] = Field(default_factory=list, description="Фразы понимания речи, которые правило ищет")
    min_digits: PositiveInt = Field(default=6, description="Столько цифр подряд — номер договора или паспорта")
    quote: Literal["first", "last", "offer_turn", "offer_or_greeting", "none"] = Field(
        default="none", description="Какую реплику цитировать в отзыве: первую, последнюю, предложение, "
                                    "предложение или приветствие, никакую")
    applies: list[str] = Field(default_factory=list, description="Факты разговора, при которых пункт оценивается")
    unless: list[str] = Field(default_factory=list, description="Факты, при которых пункт не оценивается")
    feedback: Identifier | None = Field(default=None, description="Текст отзыва (по умолчанию — id пункта)")

    @property
    def feedback_id(self) -> str:
        return self.feedback or self.id


class CheckSpec(RubricItem):
    weight: Weight = Field(description="Вес пункта чек-листа")


class FlagSpec(RubricItem):
    check: Identifier | None = Field(default=None, description="Правило failed: пункт чек-листа, невыполнение "
                                                               "которого ставит этот флаг")
    penalty: NonNegativeInt = Field(default=0, description="Сколько баллов снимает флаг")
    blocker: bool = Field(default=False, description="С этим флагом сессия не засчитана при любом балле")
    slip: bool = Field(default=True, description="Считается ли мягкий флаг промахом для max_slips (false — только "
                                                 "снимает баллы: длинный монолог, вопрос робота)")
    min_confidence: float = Field(default=0.0, ge=0, le=1, description="Правило ignored_refusal: насколько уверенно "
                                                                       "должен быть понят отказ клиента от рекламы")
    refusal_confidence: float = Field(default=0.0, ge=0, le=1, description="Правило ignored_refusal: насколько "
                                      "уверенно должен быть понят отказ от предложения — продавливать нельзя ясный "
                                      "отказ, а «хм, а жена номер менять не станет» ещё не он")
    question_refusal_confidence: float = Field(default=0.9, ge=0, le=1, description="Правило ignored_refusal: то "
                                               "же для отказа в форме вопроса («ну… а это правда бесплатно?»)")
    opt_out_before_offer: bool = Field(default=True, description="Правило ignored_refusal: отказ от рекламы до "
                                                                 "предложения — уже отказ от него (в удержании «ваши "
                                                                 "звонки с рекламой» — причина ухода, на неё отвечают)")


class Revealed(Authored):
    """How a call shows, without a scenario, that a rule «когда не предлагаем» holds."""

    moves: list[Identifier] = Field(default_factory=list, description="Ходы оператора, которыми он сам это сообщает "
                                                                     "(«у вас минус на балансе»)")
    kinds: list[IntentKind] = Field(default_factory=list, description="Виды реплик клиента, которые это сообщают")
    says: list[str] = Field(default_factory=list, description="Фразы клиента, которые это сообщают («у меня же минус "
                                                              "на счету»)")
    min_confidence: float = Field(default=0.0, ge=0, le=1, description="Насколько уверенно должна быть понята "
                                                                       "реплика клиента, чтобы это открыть")
    clauses: bool = Field(default=True, description="Открывает ли это одна часть реплики («надоели! хочу "
                                                    "расторгнуть»), или только реплика целиком")
    whole_call: bool = Field(default=False, description="Ход оператора открывает это, где бы в звонке он ни "
                                                        "прозвучал (минус на балансе был у него на экране с начала)")
    before_any_offer: bool = Field(default=False, description="Слова клиента открывают это и перед повторным "
                                   "предложением, не только перед первым: оператор узнал о переезде — и снова "
                                   "предложил")


class Rubric(Authored):
    """How one call type is judged."""

    id: Identifier
    pass_mark: int = Field(default=70, ge=0, le=100, description="Проходной балл (0–100)")
    max_slips: int | None = Field(default=None, ge=0, description="Сколько мягких промахов (флагов без blocker) "
                                                                 "допускает зачёт; не задано — сколько угодно")
    clause_confidence: float = Field(default=0.9, ge=0, le=1, description="Насколько уверенно должна быть понята "
                                     "одна часть реплики клиента («надоели! хочу расторгнуть»), чтобы она что-то "
                                     "открыла сама по себе")
    vzor_min_steps: int = Field(default=3, ge=1, le=4, description="Сколько шагов В.З.О.Р должно быть в ответе, "
                                                                 "чтобы возражение считалось отработанным")
    readings: dict[Phase, Identifier] = Field(
        default_factory=dict, description="Контекст лексикона для слов клиента: first_words, after_offer, "
                                          "after_objection")
    moves: dict[MoveRole, list[Identifier]] = Field(description="Роли ходов оператора для правил")
    owner_decides: list[str] = Field(
        default_factory=list, description="Фразы клиента о том, что решать владельцу договора: это не возражение, "
                                          "его принимают («Клиент думает»), а не отрабатывают по В.З.О.Р")
    refuses: list[str] = Field(
        default_factory=list, description="Фразы клиента, которыми он отказывается от предложения («не надо», «нет, "
                                          "спасибо»), даже отвечая на уточняющий вопрос оператора; без них «да не, "
                                          "никакого нет» на «а антивирус у вас стоит?» — ответ на вопрос")
    call_back: list[str] = Field(
        default_factory=list, description="Фразы клиента, которыми он просит перезвонить позже («давайте в пятницу "
                                          "созвонимся»): его последнее слово — «Клиент думает»")
    listens: list[str] = Field(
        default_factory=list, description="Короткие реплики клиента, которыми он только слушает («угу», «ага»): в "
                                          "ответ на рассказ без вопроса это не решение о предложении")
    agrees: list[str] = Field(
        default_factory=list, description="Фразы клиента, которыми он соглашается на предложение («оформляйте», "
                                          "«давайте подключим»), даже отвечая на вопрос оператора: «да вроде "
                                          "никаких, давайте, оформляйте» на «какие вопросы остались?» — решение")
    requested: list[str] = Field(
        default_factory=list, description="Фразы клиента, которыми он сам просит подключить услугу до любого "
                                          "предложения: её подключение — не допродажа (отклик «Не предлагалось»)")
    disconnects: list[str] = Field(
        default_factory=list, description="Фразы клиента, которыми он просит отключить услугу: если до предложения "
                                          "он так просит отключить продукт из Предложений — отклик «Клиент не "
                                          "заинтересован» (seed 000)")
    solutions: list[str] = Field(
        default_factory=list, description="Фразы оператора, которыми он решает вопрос клиента, а не предлагает "
                                          "услугу на продажу («подключу обещанный платёж»): такая реплика — не "
                                          "предложение")
    checks_line: list[str] = Field(
        default_factory=list, description="Фразы оператора, которыми он только проверяет связь («Сейчас слышно "
                                          "меня?»): такая реплика — ещё не возможность представиться")
    confirms_has_it: list[str] = Field(
        default_factory=list, description="Фразы оператора, которыми он в ответ на «так у меня это уже есть» "
                                          "подтверждает: услуга у клиента уже подключена (отклик «Конфигурация уже "
                                          "изменена»), если после этого не продаёт дальше")
    confirms_situation: dict[Identifier, list[str]] = Field(
        default_factory=dict, description="Без сценария: обстоятельство звонка (situation:…) → фразы оператора, "
                                          "которыми он до предложения подтверждает его («да, вижу, перенос уже "
                                          "завершён»); обстоятельство открывают и слова клиента (намерение с тем "
                                          "же именем)")
    revealed: dict[Identifier, Revealed] = Field(
        default_factory=dict, description="Без сценария: причина «когда не предлагаем» (код правила) → что в "
                                          "разговоре до предложения её открывает")
    request_gone: list[str] = Field(
        default_factory=list, description="Факты, при которых заявления уже нет (клиент сам его отменил, номер уже "
                                          "перенесён): слова оператора об отмене тогда — подтверждение, не отмена")
    checks: list[CheckSpec] = Field(min_length=1)
    flags: list[FlagSpec] = Field(default_factory=list)


class FeedbackText(Authored):
    id: Identifier = Field(description="Пункт чек-листа, флаг или общая строка (summary_passed…)")
    text: str = Field(description="Что сказать стажёру; {quote} — его собственная реплика")
    better: str | None = Field(default=None, description="Фраза лучше (без сценария или если модуль не подходит)")
    speech: SpeechModule | None = Field(
        default=None, description="Со сценарием: взять фразу лучше из речевого модуля (мостик, предложение, "
                                  "ответ на возражение)")
    template: TemplatePath | None = Field(default=None, description="Со сценарием: речевой модуль фразы лучше")


class ClicheAdvice(Authored):
    id: Identifier
    phrases: list[str] = Field(min_length=1, description="Как звучит штамп (фразы понимания речи)")
    better: str = Field(description="Что сказать вместо него")


DEFAULT_SETTINGS = "default"
