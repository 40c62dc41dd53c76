"""The shape of one YAML file in dialogues/: any of the content sections, so authors split files as they like."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .call_types import CallType
from .catalog import Product, Service
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
}
