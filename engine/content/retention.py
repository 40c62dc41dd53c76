"""Retention content (seed 003): why a customer ports his number away, and the rungs of the offers ladder that fit
each reason, cheapest concession first."""
from __future__ import annotations

from pydantic import Field

from .base import Authored, Identifier, TemplatePath


class RetentionReason(Authored):
    id: Identifier
    name: str = Field(description="Причина ухода для людей")
    offers: list[Identifier] = Field(min_length=1, description="Предложения лестницы, которые подходят к причине, "
                                                               "от меньшей уступки к большей")
    reply: TemplatePath | None = Field(default=None, description="Режим клиента: что бот отвечает на эту причину "
                                                                 "перед предложением")
    source: str = Field(default="", description="Откуда: семинар (seed) и раздел")
