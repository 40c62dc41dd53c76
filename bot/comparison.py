"""What ``simulate`` shows: the comparison of two versions as a terminal table, a CSV file and a PNG chart; every
word from content (dialogues/reports.yaml, scripts_ru/bot/reports/verdict.j2)."""
from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from rich.table import Table

from engine.content.loader import Content
from engine.content.speech import Person
from engine.simulation.compare import Interval, Row

from .charts import figure_png, plt, ru, wrap

COLOURS = {"A": "#4c72b0", "B": "#dd8452"}
SHARES_SHOWN = ("conversion", "toxic", "hung_up", "handoff")



def _scale(row: Row) -> float:
    return 100.0 if row.metric.share else 1.0


def metric_label(content: Content, row: Row, prefix: str = "sim_") -> str:
    code = row.metric.code
    if code is not None:
        return content.label(f"{prefix}code").format(code=content.response_codes[code].label)
    return content.label(f"{prefix}{row.metric.id}")


def shown(row: Row, interval: Interval | None) -> str:
    if interval is None:
        return ""
    k = _scale(row)
    unit = " %" if row.metric.share else ""
    return f"{ru(interval.value * k)}{unit} [{ru(interval.low * k)}; {ru(interval.high * k)}]"


def verdict(content: Content, row: Row) -> str:
    if row.diff is None:
        return ""
    k = _scale(row)
    details = {"metric": metric_label(content, row, "sim_by_"), "direction": row.direction,
               "significant": row.significant, "diff": ru(row.diff.value * k, sign=True), "low": ru(row.diff.low * k),
               "high": ru(row.diff.high * k),
               "unit": content.label("sim_unit_points" if row.metric.share else "sim_unit_turns")}
    context = content.speech_context(Person(""), Person(""), None, dt.date.today(), details=details)
    return content.speech.render("bot/reports/verdict.j2", **context).strip()


def table(content: Content, rows: Sequence[Row], names: Sequence[str], title: str) -> Table:
    compared = len(names) > 1
    grid = Table(title=title, title_justify="left")
    grid.add_column(content.label("sim_metric"))
    for name in names:
        grid.add_column(f"{content.label('sim_version')} {name}", justify="right")
    if compared:
        grid.add_column(content.label("sim_difference"), justify="right")
        grid.add_column(content.label("sim_verdict"))
    for row in rows:
        cells = [metric_label(content, row), shown(row, row.a)]
        if compared:
            diff = row.diff
            k = _scale(row)
            cells += [shown(row, row.b),
                      f"{ru(diff.value * k, sign=True)} [{ru(diff.low * k)}; {ru(diff.high * k)}]",
                      verdict(content, row)]
        style = {1: "green", -1: "red"}.get(row.direction, "")
        grid.add_row(*cells, style=style)
    return grid


def write_csv(path: Path, content: Content, rows: Sequence[Row]) -> None:
    """One line per figure: shares in %, means as they are; the interval of each version and of B − A."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["metric", "label", "unit", "a", "a_low", "a_high", "b", "b_low", "b_high",
                         "diff", "diff_low", "diff_high", "significant", "verdict"])
        for row in rows:
            k = _scale(row)
            cells = [row.metric.id, metric_label(content, row), "%" if row.metric.share else "mean"]
            for interval in (row.a, row.b, row.diff):
                cells += ([round(interval.value * k, 3), round(interval.low * k, 3), round(interval.high * k, 3)]
                          if interval is not None else ["", "", ""])
            cells += [int(row.significant) if row.diff is not None else "", verdict(content, row)]
            writer.writerow(cells)


def chart(content: Content, rows: Sequence[Row], names: Sequence[str], title: str) -> bytes:
    """Three panels: the shares that matter with their intervals, the length of the calls, the mix of codes; a
    figure whose difference between the versions is significant is marked with an asterisk."""
    by_id = {row.metric.id: row for row in rows}
    figure, (shares, turns, codes) = plt.subplots(1, 3, figsize=(16, 6), dpi=110,
                                                  gridspec_kw={"width_ratios": [4, 1.3, 5]})
    width = 0.8 / len(names)
    picked = [by_id[m] for m in SHARES_SHOWN]
    code_rows = [row for row in rows if row.metric.code is not None]
    for v, name in enumerate(names):
        def pick(row: Row) -> Interval:
            return row.a if v == 0 else row.b

        offset = (v - (len(names) - 1) / 2) * width
        _bars(shares, [i + offset for i in range(len(picked))], [pick(r) for r in picked], 100, width, name)
        _bars(turns, [offset], [pick(by_id["turns"])], 1, width, name)
        _bars(codes, [i + offset for i in range(len(code_rows))], [pick(r) for r in code_rows], 100, width, name)
    shares.set_xticks(range(len(picked)), [_marked(wrap(metric_label(content, r)), r) for r in picked])
    shares.set_title(content.label("sim_conversions"))
    turns.set_xticks([0], [_marked(wrap(content.label("sim_turns")), by_id["turns"])])
    turns.set_title(wrap(content.label("sim_turns_axis"), 18))
    codes.set_xticks(range(len(code_rows)),
                     [_marked(wrap(content.response_codes[r.metric.code].label, 12), r) for r in code_rows])
    codes.set_title(content.label("sim_codes_axis"))
    for axes in (shares, turns, codes):
        axes.grid(axis="y", alpha=0.3)
        axes.set_axisbelow(True)
        axes.set_ylim(0, axes.get_ylim()[1] * 1.12)  # room for the figures above the whiskers
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
    shares.legend([f"{content.label('sim_version')} {name}" for name in names], loc="upper right", frameon=False)
    figure.suptitle(title, fontsize=13)
    if len(names) > 1:
        figure.text(0.01, 0.01, content.label("sim_significant_note"), fontsize=9, color="#444444")
    return figure_png(figure, bottom=0.04 if len(names) > 1 else 0.0)


def _marked(text: str, row: Row) -> str:
    return f"{text} *" if row.significant else text


def _bars(axes, xs, intervals, scale, width, name) -> None:
    values = [i.value * scale for i in intervals]
    errors = [[max(0.0, i.value - i.low) * scale for i in intervals],
              [max(0.0, i.high - i.value) * scale for i in intervals]]
    axes.bar(xs, values, width, color=COLOURS.get(name, "#8172b3"), yerr=errors, capsize=4, label=name,
             error_kw={"elinewidth": 1, "ecolor": "#333333"})
    for x, value, interval in zip(xs, values, intervals):
        axes.annotate(ru(value), (x, interval.high * scale), textcoords="offset points", xytext=(0, 4), ha="center",
                      fontsize=8)

