"""JSON in and out for the command-line tools: one-line error messages, UTF-8 without escapes, never a traceback."""
from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, TextIO, TypeVar

from pydantic import BaseModel, ValidationError

from .limits import MAX_INTEGER_DIGITS, MAX_LINE_BYTES

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


def read_lines(stream: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[bytes | None]:
    """The lines of a byte stream without their ends, read lazily; a line longer than ``limit`` bytes comes as None
    and the rest of it is skipped unread into memory, so even a stream without newlines (/dev/zero) is bounded."""
    while line := stream.readline(limit + 2):  # room for the line's own "\r\n"
        text = line.rstrip(b"\r\n")
        if len(text) <= limit:
            yield text
            continue
        yield None
        while not line.endswith(b"\n") and (line := stream.readline(limit)):
            pass  # the rest of the long line is skipped only when the reader asks for the next one


def line_too_long(where: str, limit: int = MAX_LINE_BYTES) -> str:
    return f"{where}: longer than {limit} bytes"


def decode_utf8(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{where}: not UTF-8 ({exc.reason} at byte {exc.start})") from None


class _NotANumber(ValueError):
    pass


def _not_a_number(constant: str) -> float:
    """JSON has no NaN nor Infinity (Python's json reads them): a rule fed NaN would pass every comparison."""
    raise _NotANumber(f"{constant} is not a number")


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _NotANumber(f"a number of {len(text.lstrip('-'))} digits is too large")
    return int(text)


def parse_object(text: str, model: type[Model], where: str, not_an_object: str) -> Model:
    """``text`` as one JSON object validated by ``model``; ValueError with a one-line message otherwise."""
    try:
        data = json.loads(text.lstrip("\ufeff").rstrip("\r\n"), parse_constant=_not_a_number, parse_int=_integer)
    except json.JSONDecodeError as exc:
        position = f"column {exc.colno}" if exc.doc.count("\n") == 0 else f"line {exc.lineno}, column {exc.colno}"
        raise ValueError(f"{where}: invalid JSON: {exc.msg} ({position})") from None
    except _NotANumber as exc:
        raise ValueError(f"{where}: invalid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{where}: {not_an_object}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"{where}: {validation_message(exc, 'context')}") from None
