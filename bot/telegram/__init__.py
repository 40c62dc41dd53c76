"""The Telegram front end (aiogram 3): ``run_bot()`` for ``python main.py bot``, ``setup_dispatcher()`` for tests."""
from __future__ import annotations

from .app import create_bot, run_bot, setup_dispatcher
from .settings import Settings, load_settings

__all__ = ["Settings", "create_bot", "load_settings", "run_bot", "setup_dispatcher"]
