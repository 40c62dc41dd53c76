"""The shape of one YAML file in dialogues/: any of the content sections, so authors split files as they like."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .call_types import CallType
from .catalog import Product, Service
from .scenarios import CustomerMachineSpec, Scenario
from .simulation import Population
from .retention import RetentionReason
from .rubric import ClicheAdvice, FeedbackText, Rubric, ScorecardSettings
from .self_service import Assistant, Channel, DemoCustomer, Label, Topic
from .rules_content import OfferPolicy, OfferPrior, ReasonText
from .speech_content import Bridge, Objection, ResponseCode


class ContentFile(BaseModel):
    """Один YAML-файл контента Собеседника. Любой раздел можно вынести в отдельный файл."""

    model_config = ConfigDict(extra="forbid", title="Собеседник: файл контента")

    services: list[Service] = Field(default_factory=list, description="Основные услуги (ШПД, ТВ, ОТА, мобильная связь)")
    products: list[Product] = Field(default_factory=list, description="Продукты, которые можно предложить")
    call_types: list[CallType] = Field(default_factory=list, description="Типы звонков: этапы и переходы")
    bridges: list[Bridge] = Field(default_factory=list, description="Бизнес-мостики: тема обращения → предложение")
    objections: list[Objection] = Field(default_factory=list, description="Возражения и ответы по В.З.О.Р")
    response_codes: list[ResponseCode] = Field(default_factory=list, description="Коды отклика")
    reasons: list[ReasonText] = Field(default_factory=list, description="Почему нельзя предлагать: тексты причин")
    offer_priors: list[OfferPrior] = Field(default_factory=list, description="Склонность купить каждый продукт")
    offer_policy: list[OfferPolicy] = Field(default_factory=list, description="Ранжирование и контактная политика")

    assistants: list[Assistant] = Field(default_factory=list, description="Кем представляется бот (id default)")
    topics: list[Topic] = Field(default_factory=list, description="Темы обращений для самообслуживания")
    customers: list[DemoCustomer] = Field(default_factory=list, description="Демонстрационные клиенты")
    channels: list[Channel] = Field(default_factory=list, description="Каналы коммуникаций для отказа от рассылок")
    scenarios: list[Scenario] = Field(default_factory=list, description="Сценарии тренировки стажёров")
    retention_reasons: list[RetentionReason] = Field(
        default_factory=list, description="Удержание: причины ухода и подходящие им предложения лестницы")
    customer_machines: list[CustomerMachineSpec] = Field(
        default_factory=list, description="Машины симулированного клиента (режим тренировки)")
    labels: list[Label] = Field(default_factory=list, description="Надписи кнопок и интерфейса")
    scorecard: list[ScorecardSettings] = Field(default_factory=list, description="Оценка стажёра: общие настройки")
    rubrics: list[Rubric] = Field(default_factory=list, description="Чек-листы оценки стажёра по типам звонков")
    scorecard_feedback: list[FeedbackText] = Field(default_factory=list, description="Оценка стажёра: тексты отзыва")
    scorecard_cliches: list[ClicheAdvice] = Field(default_factory=list, description="Штампы и чем их заменить")
    populations: list[Population] = Field(
        default_factory=list, description="Синтетические клиенты для сравнения версий скрипта (simulate)")

    def sections(self) -> dict[str, list]:
        return {name: getattr(self, name) for name in type(self).model_fields}


# The key that identifies an item of each section (for duplicate checks and look-ups).
SECTION_KEYS: dict[str, str] = {
    "services": "id",
    "products": "id",
    "call_types": "id",
    "bridges": "topic",
    "objections": "id",
    "response_codes": "id",
    "assistants": "id",
    "topics": "id",
    "customers": "id",
    "channels": "id",
    "scenarios": "id",
    "retention_reasons": "id",
    "customer_machines": "id",
    "labels": "id",
    "reasons": "code",
    "offer_priors": "product",
    "offer_policy": "id",
    "scorecard": "id",
    "rubrics": "id",
    "scorecard_feedback": "id",
    "scorecard_cliches": "id",
    "populations": "call_type",
}
