"""A trainee's history and progress from the record store: what the Telegram /history and the console show."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .content.loader import Content

RECENT = 10


@dataclass(frozen=True)
class HistoryItem:
    session_id: str
    started_at: str
    scenario_id: str
    title: str
    status: str
    score: int | None
    passed: bool | None
    hints: int | None


@dataclass(frozen=True)
class History:
    items: list[HistoryItem] = field(default_factory=list)

    @property
    def scored(self) -> list[HistoryItem]:
        return [item for item in self.items if item.score is not None]

    def summary(self) -> dict[str, Any]:
        scored = self.scored
        best: dict[str, int] = {}
        for item in scored:
            best[item.scenario_id] = max(best.get(item.scenario_id, 0), item.score)
        half = len(scored) // 2
        first, last = scored[:half], scored[half:]
        trend = (round(sum(i.score for i in last) / len(last) - sum(i.score for i in first) / len(first))
                 if first and last else 0)
        return {
            "sessions": len(self.items),
            "scored": len(scored),
            "passed": sum(1 for item in scored if item.passed),
            "average": round(sum(item.score for item in scored) / len(scored)) if scored else None,
            "best": max((item.score for item in scored), default=None),
            "trend": trend,
            "scenarios_passed": sorted(sid for sid in {i.scenario_id for i in scored if i.passed}),
            "best_by_scenario": best,
            "recent": [item.__dict__ for item in self.items[-RECENT:][::-1]],
        }


def history_of(rows: Iterable[dict[str, Any]], content: Content) -> History:
    """Rows of ``Records.sessions_of(user, "trainee")`` (oldest first) → the trainee's history."""
    items = []
    for row in rows:
        card = {}
        if row.get("scorecard"):
            try:
                card = json.loads(row["scorecard"])
            except (TypeError, ValueError):
                card = {}
        scenario = content.scenarios.get(row.get("scenario_id") or "")
        score = row.get("score")
        items.append(HistoryItem(
            session_id=row["id"], started_at=row.get("started_at") or "",
            scenario_id=row.get("scenario_id") or "", title=scenario.title if scenario else (row.get("scenario_id") or ""),
            status=row.get("status") or "active", score=None if score is None else round(score),
            passed=None if row.get("passed") is None else bool(row["passed"]),
            hints=card.get("hints") if isinstance(card, dict) else None,
        ))
    return History(items)


def render_history(history: History, content: Content) -> str:
    """The history as a phone-sized note (scripts_ru/bot/history.j2)."""
    from .content.speech import Person

    context = content.speech_context(Person(""), Person("", company=content.assistant.company), None,
                                     dt.date.today(), details=history.summary())
    return content.speech.render("bot/history.j2", **{k: v for k, v in context.items()
                                                      if k in ("client", "operator", "products", "details")})
