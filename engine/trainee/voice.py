"""What the simulated customer says: his lines from scripts_ru/client/ with the scenario's words in them.

A line has variants separated by a line ``---``; one is chosen by a generator seeded from the session seed and the
turn, so a replay is the same. He never says the very same thing twice in a row, and a terse customer always
takes the shortest (first) variant.
"""
from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING, Any

from ..content.speech import Person

if TYPE_CHECKING:
    from ..content.loader import Content
    from ..content.scenarios import Scenario
    from ..conversation import Snapshot
    from .state import TraineeState

VARIANTS = re.compile(r"\s*-{3,}\s*")


def split_variants(text: str) -> list[str]:
    """Variants of a line are separated by ``---`` (a block tag may have swallowed the line break before it)."""
    return [part.strip() for part in VARIANTS.split(text) if part.strip()]


class Voice:
    def __init__(self, content: Content, scenario: Scenario, snapshot: Snapshot, state: TraineeState, today: Any):
        self.content = content
        self.scenario = scenario
        self.snapshot = snapshot
        self.state = state
        self.today = today

    def people(self) -> tuple[Person, Person]:
        persona = self.scenario.persona
        client = Person(persona.first_name, persona.patronymic, persona.gender)
        return client, Person("", company=self.content.company(self.scenario.call_type))

    def context(self, product_id: str | None, **details: Any) -> dict[str, Any]:
        client, operator = self.people()
        return self.content.speech_context(client, operator, product_id, self.today, issue_text=self.scenario.issue_text,
                                           details=details)

    def render(self, template: str, product_id: str | None, **details: Any) -> str:
        return self.content.speech.render(template, **self.context(product_id, **details))

    def rng(self, salt: str) -> random.Random:
        return random.Random(f"{self.snapshot.seed}:{len(self.snapshot.lines)}:{salt}")

    def line(self, template: str, product_id: str | None, salt: str, **details: Any) -> str:
        """One variant of a line: seeded, never the line he said last, the shortest for a terse customer."""
        text = self.render(template, product_id, **details)
        variants = split_variants(text) or [text]
        fresh = [variant for variant in variants if variant != self.state.last_line] or variants
        if self.scenario.persona.talkativeness == "short":
            return fresh[0]
        return self.rng(salt).choice(fresh)
