"""YAML reading that remembers where every key and item came from.

Trainers get errors as ``file:line: message``; pydantic reports a ``loc`` path, so while converting the
round-trip tree into plain data we record the line of each path.

Content is data: a file is refused, with the line to fix, before it is turned into Python objects when it is too
big, nested too deep, uses a tag (``!!python/…`` or any other), a merge key (``<<``), an alias of itself, or aliases
that expand beyond a limit (engine/limits.py).
"""
from __future__ import annotations

import hashlib
import marshal
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from ..file_cache import keep_newest, write_whole
from ..limits import MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES

PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}"
                       for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map"))
MERGE_TAG = "tag:yaml.org,2002:merge"

Loc = tuple[str | int, ...]

# Parsing with line numbers is the slowest part of loading content, so a parsed file is kept by the digest of its
# text; a change in the text, or in this module, is a different digest.
PARSED_CACHE_DIR = Path(__file__).resolve().parents[2] / "var" / "cache" / "yaml"
PARSED_CACHE_FILES = 400


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
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


class _Refused(Exception):
    def __init__(self, node: Node, message: str):
        super().__init__(message)
        self.line = node.start_mark.line + 1


def _expanded_size(node: Node, sizes: dict[int, int], open_nodes: set[int]) -> int:
    """How many values ``node`` stands for once every alias in it is expanded; refuses what content must not be."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    if id(node) in open_nodes:
        raise _Refused(node, "an alias refers to the node that contains it")
    tag = str(node.tag.value if hasattr(node.tag, "value") else node.tag)
    if tag == MERGE_TAG:
        raise _Refused(node, "merge keys (<<) are not supported: write the keys out")
    if tag not in PLAIN_TAGS:
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        raise _Refused(node, f"tag {shown!r} is not allowed: content is plain data")
    open_nodes.add(id(node))
    size = 1
    if isinstance(node, MappingNode):
        children = [child for pair in node.value for child in pair]
    elif isinstance(node, SequenceNode):
        children = node.value
    else:
        children = []
    for child in children:
        size += _expanded_size(child, sizes, open_nodes)
        if size > MAX_YAML_NODES:
            raise _Refused(node, f"its aliases expand to more than {MAX_YAML_NODES} values (the limit of a "
                                 "content file)")
    open_nodes.discard(id(node))
    sizes[id(node)] = size
    return size


def _read_text(path: Path, shown: str) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise ContentError([Problem(shown, 1, f"the file has {size} bytes; a content file may have at most "
                                                  f"{MAX_YAML_BYTES}")])
        with path.open("rb") as stream:
            raw = stream.read(MAX_YAML_BYTES + 1)  # the file may grow after stat()
        if len(raw) > MAX_YAML_BYTES:
            raise ContentError([Problem(shown, 1, f"a content file may have at most {MAX_YAML_BYTES} bytes")])
        return raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([Problem(shown, 1, f"cannot read the file: {exc}")]) from None


def load_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Read one YAML file within the limits; a syntax error or a refused construct becomes a ContentError with
    its line."""
    shown = display or str(path)
    text = _read_text(path, shown)
    cached = _parsed_cache(text)
    try:
        data, lines = marshal.loads(cached.read_bytes())
        return YamlDocument(shown, data, lines)
    except (OSError, EOFError, ValueError, TypeError):
        pass
    document = _parse(text, shown)
    _keep(cached, document)
    return document


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    return hashlib.sha256(Path(__file__).read_bytes()).digest()


def _parsed_cache(text: str) -> Path:
    digest = hashlib.sha256(_code_digest() + text.encode()).hexdigest()[:32]
    return PARSED_CACHE_DIR / f"{digest}.marshal"


def _keep(path: Path, document: YamlDocument) -> None:
    """Written whole or not at all; data marshal cannot hold (a date) or a read-only place means parsing again."""
    try:
        write_whole(path, marshal.dumps((document.data, document.lines)))
        keep_newest(path.parent, "*.marshal", PARSED_CACHE_FILES)
    except (OSError, ValueError):
        pass


def _parse(text: str, shown: str) -> YamlDocument:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.max_depth = MAX_YAML_DEPTH
    try:
        node = yaml.compose(text)
        if node is not None:
            _expanded_size(node, {}, set())
        tree = yaml.constructor.construct_document(node) if node is not None else None
    except _Refused as exc:
        raise ContentError([Problem(shown, exc.line, str(exc))]) from None
    except MaxDepthExceededError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        raise ContentError([Problem(shown, line, f"nested deeper than {MAX_YAML_DEPTH} levels")]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        raise ContentError([Problem(shown, line, f"YAML syntax: {message}")]) from None
    except Exception as exc:  # ruamel raises several unrelated classes for malformed input
        raise ContentError([Problem(shown, 1, f"YAML syntax: {exc}")]) from None
    lines: dict[Loc, int] = {(): 1}
    return YamlDocument(shown, _plain(tree, (), lines), lines)
