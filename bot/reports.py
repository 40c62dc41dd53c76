"""Trainer reports from the record store: a PNG chart of the last days and the figures for a short text."""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.records import Records


@dataclass(frozen=True)
class Report:
    png: bytes
    summary: dict[str, Any]


def _days(today: dt.date, days: int) -> list[dt.date]:
    return [today - dt.timedelta(days=n) for n in range(days - 1, -1, -1)]


def collect(records: Records, days: int, today: dt.date, taken: list[str]) -> dict[str, Any]:
    """Per-day counts of sessions (by mode) and of offers shown and taken (``taken``: the codes with which the
    customer gets the product), plus period totals."""
    first = (today - dt.timedelta(days=days - 1)).isoformat()
    per_day: dict[str, dict[str, int]] = {d.isoformat(): {"trainee": 0, "customer": 0, "offers": 0, "taken": 0}
                                          for d in _days(today, days)}
    for day, mode, count in records.execute(
            "select substr(started_at, 1, 10) as day, mode, count(*) from sessions "
            "where substr(started_at, 1, 10) >= ? group by day, mode", [first]).fetchall():
        if day in per_day and mode in ("trainee", "customer"):
            per_day[day][mode] = count
    marks = ", ".join("?" for _ in taken) or "null"
    for day, shown, took in records.execute(
            f"select substr(shown_at, 1, 10) as day, count(*), sum(case when response in ({marks}) then 1 else 0 "
            "end) from offers where substr(shown_at, 1, 10) >= ? group by day", [*taken, first]).fetchall():
        if day in per_day:
            per_day[day]["offers"] = shown
            per_day[day]["taken"] = int(took or 0)  # PostgreSQL sums to a Decimal
    finished, score = records.execute(
        "select sum(case when status = 'finished' then 1 else 0 end), avg(score) from sessions "
        "where substr(started_at, 1, 10) >= ?", [first]).fetchone()
    totals = {key: sum(day[key] for day in per_day.values()) for key in ("trainee", "customer", "offers", "taken")}
    return {
        "per_day": per_day,
        "days": days,
        "since": first,
        "sessions": totals["trainee"] + totals["customer"],
        "trainee": totals["trainee"],
        "customer": totals["customer"],
        "finished": int(finished or 0),
        "offers": totals["offers"],
        "taken": totals["taken"],
        "conversion": round(100 * totals["taken"] / totals["offers"]) if totals["offers"] else 0,
        "score": "" if score is None else round(float(score)),
    }


def chart(stats: dict[str, Any], label: Callable[[str], str]) -> bytes:
    """Sessions per day (trainee and customer stacked) with offers agreed as a line; PNG bytes."""
    import matplotlib  # on the first report, not at the bot's start (0.7 s)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    days = list(stats["per_day"])
    trainee = [stats["per_day"][d]["trainee"] for d in days]
    customer = [stats["per_day"][d]["customer"] for d in days]
    taken = [stats["per_day"][d]["taken"] for d in days]
    ticks = [d[5:] for d in days]  # MM-DD fits a phone screen
    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=100)
    try:
        axes.bar(ticks, trainee, label=label("tg_chart_trainee"), color="#4c72b0")
        axes.bar(ticks, customer, bottom=trainee, label=label("tg_chart_customer"), color="#dd8452")
        axes.plot(ticks, taken, marker="o", color="#55a868", label=label("tg_chart_agreed"))
        axes.set_title(label("tg_chart_title"))
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.legend(loc="upper left")
        axes.grid(axis="y", alpha=0.3)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    finally:
        plt.close(figure)
    return buffer.getvalue()


def build_report(records: Records, texts: Any, days: int = 7, today: dt.date | None = None) -> Report:
    """``texts`` gives ``label(id)``: every word on the chart comes from content."""
    taken = [code.id for code in texts.content.response_codes.values() if code.connects]
    stats = collect(records, days, today or dt.datetime.now(dt.timezone.utc).date(), taken)
    png = chart(stats, texts.label)
    summary = {key: value for key, value in stats.items() if key != "per_day"}
    return Report(png, summary)
