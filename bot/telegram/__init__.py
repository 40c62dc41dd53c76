"""The Telegram front end (aiogram 3): ``run_bot()`` for ``python main.py bot``, ``setup_dispatcher()`` for tests.

Imports are lazy, so bad settings are reported before aiogram and the content are even loaded.
"""
from __future__ import annotations

from typing import Any

__all__ = ["Settings", "create_bot", "load_settings", "run_bot", "setup_dispatcher"]


def run_bot() -> int:
    """Settings from the environment (exit 2 with one line per problem), then the bot (see ``app.run_bot``)."""
    import sys

    from .settings import load_settings

    settings, problems = load_settings()
    if settings is None:
        for line in problems:
            print(line, file=sys.stderr)
        return 2
    from .app import run_bot as run

    return run(settings)


def __getattr__(name: str) -> Any:
    if name in ("create_bot", "setup_dispatcher"):
        from . import app

        return getattr(app, name)
    if name in ("Settings", "load_settings"):
        from . import settings

        return getattr(settings, name)
    raise AttributeError(name)
