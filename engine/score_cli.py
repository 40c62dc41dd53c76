"""``python main.py score FILE.json`` (CONTRACT.md): one finished dialogue in, one scorecard JSON object out.

Exit 0 with the scorecard; exit 1 with one line ``{"error": "..."}`` when the input is bad (unreadable file, not
UTF-8, invalid JSON, wrong shape, unknown scenario or response code, no turn). Never a traceback.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .json_io import decode_utf8, dump, parse_object
from .limits import MAX_DIALOGUE_BYTES
from .scorecard import ScoreInput, ScoreInputError, score_dialogue

if TYPE_CHECKING:
    from .content.loader import Content
    from .understanding import Understanding

Write = Callable[[str], Any]
STDIN = "-"


def _read(path: Path) -> str:
    try:
        if str(path) == STDIN:
            raw = sys.stdin.buffer.read(MAX_DIALOGUE_BYTES + 1)
        else:
            with path.open("rb") as stream:
                raw = stream.read(MAX_DIALOGUE_BYTES + 1)
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_DIALOGUE_BYTES:
        raise ValueError(f"{path}: larger than {MAX_DIALOGUE_BYTES} bytes")
    return decode_utf8(raw, str(path))


def parse_input(text: str, source: str = "input") -> ScoreInput:
    """The dialogue of a score input; ValueError with a one-line message when it is not one."""
    return parse_object(text, ScoreInput, source,
                        "the dialogue must be a JSON object with client_name, outcome, scenario, turns")


def run_score(path: Path, write: Write, content: Content, nlu: Understanding, pass_mark: int | None = None) -> int:
    """Score the dialogue in ``path`` (``-`` reads stdin) and write one JSON line; returns the exit code (0 or 1)."""
    try:
        dialogue = parse_input(_read(path), str(path))
        card = score_dialogue(dialogue, content, nlu, pass_mark=pass_mark)
    except ScoreInputError as exc:
        write(dump({"error": f"{path}: {exc}"}))
        return 1
    except ValueError as exc:
        write(dump({"error": str(exc)}))
        return 1
    except Exception as exc:  # noqa: BLE001 — a contract promise: a bad input never prints a traceback
        write(dump({"error": f"{path}: internal error: {type(exc).__name__}: {exc}"}))
        return 1
    write(dump(card.as_json()))
    return 0
