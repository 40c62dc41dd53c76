"""JSON lines in, JSON lines out: ``python main.py eligibility`` and ``python main.py offers`` (CONTRACT.md).

Each non-blank input line is one context; each gets exactly one output line. A bad line gets ``{"error": "..."}``,
the run goes on, and the exit code is 1 at the end; nothing here ever prints a traceback.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .eligibility import ContextError, EligibilityContext, check_eligibility
from .json_io import decode_utf8, dump, line_too_long, parse_object
from .next_best_offer import OfferRequest, next_best_offers

if TYPE_CHECKING:
    from .content.loader import Content

Write = Callable[[str], Any]


def _parse(raw: str | bytes | None, number: int, model: type[BaseModel]) -> BaseModel:
    where = f"line {number}"
    if raw is None:
        raise ValueError(line_too_long(where))
    text = decode_utf8(raw, where) if isinstance(raw, bytes) else raw
    return parse_object(text, model, where, "a context must be a JSON object")


def _run(lines: Iterable[str | bytes | None], write: Write, model: type[BaseModel],
         answer: Callable[[Any], dict]) -> int:
    status = 0
    for number, raw in enumerate(lines, 1):
        if raw is not None and not raw.strip():
            continue
        try:
            result = answer(_parse(raw, number, model))
        except ContextError as exc:
            result, status = {"error": f"line {number}: {exc}"}, 1
        except ValueError as exc:
            result, status = {"error": str(exc)}, 1
        except Exception as exc:  # noqa: BLE001 — a contract promise: one bad line never kills the run
            result, status = {"error": f"line {number}: internal error: {type(exc).__name__}: {exc}"}, 1
        write(dump(result))
    return status


def run_eligibility(lines: Iterable[str | bytes | None], write: Write, content: Content) -> int:
    """Contexts (JSON lines) → ``{"offer", "allowed", "reasons"}`` lines; returns the exit code (0 or 1)."""
    return _run(lines, write, EligibilityContext, lambda context: check_eligibility(context, content).as_json())


def run_offers(lines: Iterable[str | bytes | None], write: Write, content: Content) -> int:
    """Offer requests (JSON lines) → ranked offers with explanations; returns the exit code (0 or 1)."""
    return _run(lines, write, OfferRequest, lambda request: next_best_offers(request, content).as_json())
