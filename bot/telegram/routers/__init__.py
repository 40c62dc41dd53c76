"""Routers per feature, collected in one ordered list; the catch-all comes last.

Each module builds a fresh router, so several dispatchers (tests, a restart in one process) never share one.
"""
from __future__ import annotations

from aiogram import Router

from . import common, conversation, fallback, trainee, trainer


def all_routers() -> list[Router]:
    return [common.make_router(), trainer.make_router(), trainee.make_router(), conversation.make_router(),
            fallback.make_router()]
