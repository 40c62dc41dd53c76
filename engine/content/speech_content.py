"""Bridges, objections and response codes: the parts of the upsell script around the offer itself."""
from __future__ import annotations

from pydantic import Field

from .base import Authored, Identifier, TemplatePath


class Bridge(Authored):
    topic: Identifier = Field(description="Тема обращения клиента, к которой ведёт мостик")
    name: str = Field(description="Тема обращения для людей")
    template: TemplatePath = Field(description="Речевой модуль мостика в scripts_ru/")
    products: list[Identifier] = Field(description="Продукты, к которым мостик подводит, в порядке уместности")


class Objection(Authored):
    id: Identifier = Field(description="Тип возражения — намерение клиента (objection_price, think…)")
    name: str
    template: TemplatePath = Field(description="Ответ по технике В.З.О.Р в scripts_ru/")
    by_call_type: dict[Identifier, TemplatePath] = Field(
        default_factory=dict, description="Свой ответ в звонке этого типа (удержание: ступень выше по лестнице)")

    def template_for(self, call_type: str) -> str:
        return self.by_call_type.get(call_type, self.template)


class ResponseCode(Authored):
    id: Identifier
    label: str = Field(description="Как отклик называется в CRM")
    when: str = Field(description="Когда его выставляют")
    connects: bool = Field(default=False, description="С этим откликом продукт у клиента есть (согласился)")
