"""``classify``: one utterance per input line in, one JSON line out, streaming; odd input never stops the run."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from engine.content.yaml_source import ContentError
from engine.json_io import decode_utf8, dump, line_too_long

from .understanding import Understanding

SIDES = ("client", "operator")
_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9,))


def run_classify(side: str, lines: Iterable[bytes | None], write: Callable[[str], None], dialogues_dir: Path,
                 call_type: str | None = None) -> int:
    """Classify each line (bytes without its end, as ``json_io.read_lines`` gives them, None for a line too long);
    ``write`` gets one JSON text per line (no newline) and must emit and flush it. ``call_type`` adds the intents
    only calls of that type have (``answering_machine`` in ``retention_mnp``).

    Returns the exit code: 0, or 1 when a line could not be classified or the lexicon is invalid, 2 for a bad side.
    """
    if side not in SIDES:
        write(dump({"error": f"unknown side {side!r}; use one of {list(SIDES)}"}))
        return 2
    try:
        nlu = Understanding.load(dialogues_dir)
    except ContentError as exc:
        for problem in exc.problems:
            write(dump({"error": str(problem)}))
        return 1
    failed = False
    for number, raw in enumerate(lines, start=1):
        try:
            if raw is None:
                raise ValueError(line_too_long(f"line {number}"))
            text = decode_utf8(raw, f"line {number}")
        except ValueError as exc:
            write(dump({"error": str(exc)}))
            failed = True
            continue
        clean = text.translate(_CONTROL)
        if side == "client":
            result = nlu.client_intent(clean, call_type=call_type)
            write(dump({"text": text, "intent": result.intent, "confidence": result.confidence}))
        else:
            moves = nlu.operator_moves(clean)
            write(dump({"text": text, "tags": sorted(moves.tags)}))
    return 1 if failed else 0
