"""JSON in and out for the command-line tools: one-line error messages, UTF-8 without escapes, never a traceback."""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TextIO, TypeVar

from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)


def stdout_writer(stream: TextIO | None = None) -> Callable[[str], Any]:
    """A ``write`` for the streaming tools: one line, newline added, flushed at once (so a pipe sees every answer)."""

    def write(line: str) -> None:
        target = stream if stream is not None else sys.stdout
        target.write(line + "\n")
        target.flush()

    return write


def dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


def validation_message(exc: ValidationError, root: str = "input") -> str:
    """A pydantic error as one line: ``field.path: message; …``."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or root}: {error['msg']}" for error in exc.errors()
    )


def decode_utf8(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{where}: not UTF-8 ({exc.reason} at byte {exc.start})") from None


def parse_object(text: str, model: type[Model], where: str, not_an_object: str) -> Model:
    """``text`` as one JSON object validated by ``model``; ValueError with a one-line message otherwise."""
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{where}: {not_an_object}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"{where}: {validation_message(exc, 'context')}") from None
