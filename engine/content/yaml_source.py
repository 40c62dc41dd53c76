"""YAML reading that remembers where every key and item came from.

Trainers get errors as ``file:line: message``; pydantic reports a ``loc`` path, so while converting the
round-trip tree into plain data we record the line of each path.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, pointing at the line an author must fix."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ContentError(Exception):
    """All problems found while loading content; nothing of it is served."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class YamlDocument:
    """Plain data of one YAML file plus the line of every path in it (1-based)."""

    path: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int:
        """The line of the deepest known prefix of ``loc`` (pydantic may add segments of its own)."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return 1

    def problem(self, loc: Loc, message: str) -> Problem:
        return Problem(self.path, self.line_of(loc), message)


def _plain(node: Any, loc: Loc, lines: dict[Loc, int]) -> Any:
    if isinstance(node, CommentedMap):
        result = {}
        for key, value in node.items():
            child = (*loc, key)
            key_line, _ = node.lc.key(key)
            lines[child] = key_line + 1
            result[key] = _plain(value, child, lines)
        return result
    if isinstance(node, CommentedSeq):
        result = []
        for index, value in enumerate(node):
            child = (*loc, index)
            item_line, _ = node.lc.item(index)
            lines[child] = item_line + 1
            result.append(_plain(value, child, lines))
        return result
    if isinstance(node, str):
        return str(node)
    return node


def load_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Read one YAML file; a syntax error becomes a ContentError with its line."""
    shown = display or str(path)
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([Problem(shown, 1, f"cannot read the file: {exc}")]) from None
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        raise ContentError([Problem(shown, line, f"YAML syntax: {message}")]) from None
    except Exception as exc:  # ruamel raises several unrelated classes for malformed input
        raise ContentError([Problem(shown, 1, f"YAML syntax: {exc}")]) from None
    lines: dict[Loc, int] = {(): 1}
    return YamlDocument(shown, _plain(tree, (), lines), lines)
