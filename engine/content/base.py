"""The base of every authored content item: strict, immutable, and aware of where it was written."""
from __future__ import annotations

from collections.abc import Mapping
from string import Formatter
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PrivateAttr, StringConstraints

from .yaml_source import Loc, Problem, YamlDocument

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
TemplatePath = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_/.-]+\.j2$")]


class Authored(BaseModel):
    """A content item; ``problem()`` points an author at the line of one of its fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    _doc: YamlDocument | None = PrivateAttr(default=None)
    _loc: Loc = PrivateAttr(default=())

    def __deepcopy__(self, memo: dict[int, object] | None = None) -> Authored:
        # frozen content is shared, never copied: a snapshot holding a customer or a topic result copies in
        # microseconds, not with the whole YAML document the item was read from
        return self

    def bind_origin(self, doc: YamlDocument, loc: Loc) -> None:
        self._doc = doc
        self._loc = loc

    def problem(self, message: str, *sub: str | int) -> Problem:
        if self._doc is None:
            return Problem("<built-in>", 1, message)
        return self._doc.problem((*self._loc, *sub), message)

    @property
    def origin(self) -> str:
        if self._doc is None:
            return "<built-in>"
        return f"{self._doc.path}:{self._doc.line_of(self._loc)}"


def section_problem(section: Mapping[str, Authored], message: str) -> Problem:
    """A problem about a section as a whole (something missing from it), shown at its first item."""
    first = next(iter(section.values()), None)
    return first.problem(message) if first is not None else Problem("dialogues", 1, message)


def format_problem(item: Authored, field: str, text: str, placeholders: Mapping[str, object],
                   *sub: str | int) -> Problem | None:
    """A ``str.format`` text an author wrote: only the known placeholders, and it must fill with sample values."""
    names = {name for _, name, _, _ in Formatter().parse(text) if name is not None}
    unknown = sorted(name for name in names if name not in placeholders)
    if unknown:
        return item.problem(f"{field}: unknown placeholder(s) {', '.join(unknown)}; known: "
                            f"{', '.join(sorted(placeholders))}", field, *sub)
    try:
        text.format(**placeholders)
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        return item.problem(f"{field}: cannot be filled ({type(exc).__name__}: {exc})", field, *sub)
    return None
