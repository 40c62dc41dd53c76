"""Logging for every entry point (the bot, the console, the command line): secrets and personal data never reach a
log line, and log files are readable by their owner only.

Masked in the message and in the traceback of every record: the bot token (also inside Bot API URLs) and any
other secret the entry point names; every run of five or more digits (contract numbers, phones, passports, dates,
Telegram ids) becomes ``#`` and a short hash keyed per process, so the lines of one user still go together; words
that the morphology takes for first names, surnames or patronymics become ``<name>``.
"""
from __future__ import annotations

import hashlib
import logging
import re
import secrets as random_secrets
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

from engine.privacy import redact
from engine.records import owner_only

TOKEN_IN_URL = re.compile(r"bot\d+:[\w-]+")
TOKEN = re.compile(r"\b\d{5,}:[\w-]{20,}")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_KEY = random_secrets.token_bytes(16)


def _tag(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "#" + hashlib.blake2s(digits.encode(), key=_KEY, digest_size=3).hexdigest()


def mask(text: str, secrets: Iterable[str] = (), *, names: bool = True) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<secret>")
    text = TOKEN_IN_URL.sub("bot<token>", text)
    text = TOKEN.sub("<token>", text)
    return redact(text, digits=_tag, names=names)


class PrivacyFilter(logging.Filter):
    """Rewrites each record passing through a handler: message, arguments and traceback masked."""

    def __init__(self, secrets: Iterable[str] = ()):
        super().__init__()
        self.secrets = tuple(secret for secret in secrets if secret)
        self._masking = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        # the morphology that finds names logs while it loads: that record is masked without it
        names = not getattr(self._masking, "active", False)
        self._masking.active = True
        try:
            record.msg = mask(record.getMessage(), self.secrets, names=names)
            record.args = None
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = mask(record.exc_text, self.secrets, names=names)
            if record.stack_info:
                record.stack_info = mask(record.stack_info, self.secrets, names=names)
        finally:
            self._masking.active = not names
        return True


_installed: list[logging.Handler] = []
# libraries that log a line at INFO for every state change (transitions: three a turn) or every request (aiohttp's
# access log; aiogram logs each update handled, with its duration): under load, writing them took about half of
# the engine thread's busy time (issue 13)
CHATTY = ("transitions", "aiohttp.access")


def configure_logging(*, file: Path | None = None, level: int = logging.INFO, secrets: Iterable[str] = ()) -> None:
    """Every log record of the process goes through the privacy filter, to ``file`` or to stderr; calling it again
    replaces the handler it installed before (and only that one)."""
    handler: logging.Handler
    if file is not None:
        handler = logging.FileHandler(owner_only(file), encoding="utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(PrivacyFilter(secrets))
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    while _installed:
        previous = _installed.pop()
        root.removeHandler(previous)
        previous.close()
    root.addHandler(handler)
    root.setLevel(level)
    for name in CHATTY:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    _installed.append(handler)
