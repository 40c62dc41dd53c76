"""Services and products: what a customer can have and what can be offered to him."""
from __future__ import annotations

from enum import Enum

from pydantic import Field, NonNegativeFloat, NonNegativeInt, PositiveInt

from .base import Authored, Identifier, TemplatePath


class Segment(str, Enum):
    """The customer segments that offers are chosen for (seed 001)."""

    internet_tv = "internet_tv"
    internet_tv_phone = "internet_tv_phone"
    mono_internet = "mono_internet"
    mono_phone = "mono_phone"
    mono_tv = "mono_tv"


class Service(Authored):
    id: Identifier
    name: str = Field(description="Название услуги для людей")
    depends_on: list[Identifier] = Field(
        default_factory=list, description="Услуги, без которых эта не работает (IPTV — без интернета)"
    )


class Product(Authored):
    id: Identifier
    name: str = Field(description="Название продукта, как его произносит оператор")
    spoken_names: list[str] = Field(
        default_factory=list, description="Как название пишут кириллицей в разговоре («старт», «касперский»): по ним "
                                          "оценка узнаёт продукт в репликах, как по name")
    family: Identifier = Field(description="Семейство продуктов: package, security, tv_subscription…")
    price_month: NonNegativeFloat | None = Field(
        default=None, description="Абонентская плата или ежемесячный платёж рассрочки, руб./мес."
    )
    trial_days: NonNegativeInt = Field(default=0, description="Бесплатный период, дней (0 — без пробного периода)")
    upfront: NonNegativeFloat = Field(default=0, description="Первый (единовременный) платёж, руб.")
    instalment_months: PositiveInt | None = Field(default=None, description="Срок рассрочки, месяцев")
    requires: list[Identifier] = Field(default_factory=list, description="Услуги, без которых продукт не подключить")
    components: list[Identifier] = Field(default_factory=list, description="Услуги, входящие в пакет (КПП)")
    segments: list[Segment] = Field(default_factory=list, description="Сегменты, которым продукт предлагают")
    reward: NonNegativeFloat | None = Field(default=None, description="Вознаграждение оператору за продажу, руб.")
    speech: TemplatePath = Field(description="Речевой модуль в scripts_ru/")
    benefits: list[str] = Field(default_factory=list, description="Выгоды продукта коротко, для подсказок и оценки")
    code: str | None = Field(default=None, description="Код предложения в CRM (удержание MNP, seed 003)")
    discount_percent: PositiveInt | None = Field(default=None, le=100, description="Скидка на абонентскую плату, %")
    period_months: PositiveInt | None = Field(default=None, description="На сколько месяцев действует условие")
    period_days: PositiveInt | None = Field(default=None, description="На сколько дней действует условие")
    day_rate: NonNegativeFloat | None = Field(default=None, description="Плата за сутки на время условия, руб.")
    allowance: str = Field(default="", description="Что входит в пакет: «10 ГБ», «100 минут по России»")
    source: str = Field(description="Откуда взяты условия: семинар (seed) и раздел")
    demo_values: list[str] = Field(
        default_factory=list, description="Поля с демонстрационными значениями, которых нет в материалах"
    )

    @property
    def has_trial(self) -> bool:
        return self.trial_days > 0
