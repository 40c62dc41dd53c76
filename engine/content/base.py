"""The base of every authored content item: strict, immutable, and aware of where it was written."""
from __future__ import annotations

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
