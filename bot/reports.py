"""What a trainer sees of a report (engine/report.py): terminal tables (rich), one CSV, PNG charts and the text of
/report in Telegram — every word from content (dialogues/reports.yaml and the names of stages, products, codes…)."""
from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table

from engine.assistant.offers import bridge_of
from engine.content.loader import Content
from engine.report import Report

from .charts import figure_png, plt, ru, wrap

PALETTE = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c"]


@dataclass(frozen=True)
class Section:
    """One table of the report: its title, its columns and rows of text (the CSV and the terminal share them)."""

    id: str
    title: str
    columns: list[str]
    rows: list[list[str]]


class Words:
    """Names for the ids a report holds; an id the content no longer knows is shown as it is."""

    def __init__(self, content: Content):
        self.content = content

    def label(self, label_id: str, **values: object) -> str:
        return self.content.label(label_id).format(**values)

    def _labelled(self, label_id: str, fallback: str) -> str:
        found = self.content.labels.get(label_id)
        return found.text if found is not None else fallback

    def trainee(self, trainee: str) -> str:
        return trainee or self.label("rep_team")

    def item(self, kind: str, item: str) -> str:
        return self._labelled(f"{kind}_{item}", item)

    def stage(self, call_type: str, stage: str) -> str:
        return self.content.call_types[call_type].stage(stage).name

    def call_type(self, call_type: str) -> str:
        known = self.content.call_types.get(call_type)
        return known.name if known is not None else call_type

    def product(self, product: str) -> str:
        known = self.content.products.get(product)
        return known.name if known is not None else product

    def code(self, code: str) -> str:
        known = self.content.response_codes.get(code)
        return known.label if known is not None else code

    def objection(self, intent: str) -> str:
        return self.content.objections[intent].name

    def topic(self, topic: str) -> str:
        known = self.content.topics.get(topic)
        return known.name if known is not None else topic

    def bridge(self, topic: str) -> str:
        return bridge_of(self.content, topic).name

    def channel(self, channel: str) -> str:
        known = self.content.channels.get(channel)
        return known.name if known is not None else channel

    def handoff(self, reason: str) -> str:
        known = self.content.topics.get(reason)
        return known.name if known is not None else self._labelled(f"handoff_{reason}", reason)

    def mode(self, mode: str) -> str:
        return self._labelled(f"rep_mode_{mode}", mode)

    def title(self, report: Report) -> str:
        period = self.label("rep_period", since=report.period.since.strftime("%d.%m.%Y"),
                            until=report.period.until.strftime("%d.%m.%Y"))
        scope = self.call_type(report.call_type) if report.call_type else self.label("rep_all_call_types")
        return f"{self.label('rep_title')}: {scope}, {period}"


def _percent(part: int, whole: int) -> str:
    return f"{ru(100 * part / whole)} %" if whole else "—"


def _points(value: float | None, sign: bool = False) -> str:
    return "—" if value is None else ru(value, sign=sign)


def sections(report: Report, words: Words) -> list[Section]:
    """The report as tables, in the order a trainer reads it; sections with nothing to show are left out."""
    label = words.label
    found: list[Section] = []

    def add(section_id: str, title: str, columns: list[str], rows: list[list[str]]) -> None:
        if rows:
            found.append(Section(section_id, title, columns, rows))

    people = [*report.trainees, *([report.team] if report.team is not None else [])]
    add("trainees", label("rep_trainees"),
        [label("rep_trainee"), label("rep_sessions"), label("rep_score"), label("rep_trend"), label("rep_pass_rate")],
        [[words.trainee(row.trainee), str(row.sessions), _points(row.score), _points(row.trend, sign=True),
          _points(100 * row.pass_rate)] for row in people])
    add("failures", label("rep_failures"),
        [label("rep_item"), label("rep_kind"), label("rep_count"), label("rep_example")],
        [[words.item(f.kind, f.id), label(f"rep_kind_{f.kind}"), str(f.count), f.example or "—"]
         for f in report.failures])
    for call_type, stages in report.funnels.items():
        first = stages[0][1] if stages else 0
        add(f"funnel:{call_type}", f"{label('rep_funnel')}: {words.call_type(call_type)}",
            [label("rep_stage"), label("rep_reached"), label("rep_share")],
            [[words.stage(call_type, stage), str(count), _percent(count, first)] for stage, count in stages])
    codes = sorted({code for row in report.codes.values() for code in row},
                   key=lambda code: list(words.content.response_codes).index(code)
                   if code in words.content.response_codes else len(words.content.response_codes))
    add("codes", label("rep_codes"), [label("rep_product"), *(words.code(code) for code in codes)],
        [[words.product(product), *(str(row.get(code, 0)) for code in codes)]
         for product, row in report.codes.items()])
    add("objections", label("rep_objections"),
        [label("rep_objection"), label("rep_met"), label("rep_overcome"), label("rep_share")],
        [[words.objection(intent), str(met), str(overcome), _percent(overcome, met)]
         for intent, met, overcome in report.objections])
    if report.conversations:
        handed = sum(count for _, count in report.handoffs)
        add("customers", label("rep_customers"), [label("rep_value"), ""],
            [[label("rep_conversations"), str(report.conversations)],
             [label("rep_solved_alone"), f"{report.solved_alone} ({_percent(report.solved_alone, report.conversations)})"],
             [label("rep_handoffs"), f"{handed} ({_percent(handed, report.conversations)})"]])
    add("topics", label("rep_topics"), [label("rep_topic"), label("rep_conversations")],
        [[words.topic(topic), str(count)] for topic, count in report.topics])
    add("handoffs", label("rep_handoffs"), [label("rep_reason"), label("rep_conversations")],
        [[words.handoff(reason), str(count)] for reason, count in report.handoffs])
    for section_id, title, column, rows, name in (
            ("offers_by_product", "rep_offers_product", "rep_product", report.offers_by_product, words.product),
            ("offers_by_bridge", "rep_offers_bridge", "rep_bridge", report.offers_by_bridge, words.bridge)):
        add(section_id, label(title),
            [label(column), label("rep_shown"), label("rep_agreed"), label("rep_orders"), label("rep_share")],
            [[name(row.key), str(row.shown), str(row.agreed), str(row.orders), _percent(row.agreed, row.shown)]
             for row in rows])
    add("opt_outs", label("rep_opt_outs"), [label("rep_channel"), label("rep_conversations")],
        [[words.channel(channel), str(count)] for channel, count in report.opt_outs])
    add("outcomes", label("rep_outcomes"),
        [label("rep_call_type"), label("rep_mode"), label("rep_code"), label("rep_calls"), label("rep_share")],
        [[words.call_type(call_type), words.mode(mode), words.code(code), str(count), _percent(count, sum(row.values()))]
         for call_type, modes in report.outcomes.items() for mode, row in modes.items()
         for code, count in row.items()])
    if report.winback_consents:
        add("winback", label("rep_winback"), [label("rep_value"), ""],
            [[label("rep_winback"), str(report.winback_consents)]])
    return found


def tables(report: Report, words: Words) -> Iterator[Table]:
    for section in sections(report, words):
        grid = Table(title=section.title, title_justify="left")
        for n, column in enumerate(section.columns):
            grid.add_column(column, justify="left" if n == 0 or column == words.label("rep_example") else "right",
                            overflow="fold")
        for row in section.rows:
            grid.add_row(*row)
        yield grid


def write_csv(path: Path, report: Report, words: Words) -> None:
    """Every table in one file, one line per cell of a row: section, row, column, value (a spreadsheet pivots it)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["section", "title", "row", "column", "value"])
        for section in sections(report, words):
            for row in section.rows:
                for column, value in zip(section.columns[1:], row[1:]):
                    writer.writerow([section.id, section.title, row[0], column or section.columns[0], value])


def caption(report: Report, words: Words) -> dict[str, object]:
    """The figures the caption of /report names (scripts_ru/bot/telegram/report.j2)."""
    team = report.team
    return {"title": words.title(report), "total": sum(report.sessions.values()),
            "trainee": report.sessions.get("trainee", 0), "customer": report.sessions.get("customer", 0),
            "score": _points(team.score) if team is not None else "",
            "pass_rate": _points(100 * team.pass_rate) if team is not None else "",
            "shown": sum(row.shown for row in report.offers_by_product),
            "taken": sum(row.agreed for row in report.offers_by_product)}


def telegram_text(report: Report, words: Words) -> str:
    """The same tables as plain text for a chat: one line a row."""
    blocks = [words.title(report)]
    for section in sections(report, words):
        lines = [f"\n{section.title}"]
        for row in section.rows:
            cells = [f"{column}: {value}" if column else value
                     for column, value in zip(section.columns[1:], row[1:]) if value]
            lines.append(f"• {row[0]} — " + "; ".join(cells))
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


# -- charts ---------------------------------------------------------------------------------------------------------
def charts(report: Report, words: Words) -> dict[str, bytes]:
    """PNG charts a trainer puts on a slide, by name; a chart with nothing to show is not made."""
    made = {}
    for name, draw in (("days", _days), ("scores", _scores), ("failures", _failures), ("funnel", _funnel), ("offers", _offers),
                       ("outcomes", _outcomes)):
        png = draw(report, words)
        if png is not None:
            made[name] = png
    return made


def _days(report: Report, words: Words) -> bytes | None:
    """Conversations per day (trainings and customers stacked) with the offers agreed as a line."""
    days = list(report.days)
    if not days:
        return None
    trainee = [report.days[day]["trainee"] for day in days]
    customer = [report.days[day]["customer"] for day in days]
    ticks = [f"{day[8:10]}.{day[5:7]}" for day in days]
    figure, axes = plt.subplots(figsize=(max(8.0, 0.35 * len(days) + 3), 4.5), dpi=110)
    axes.bar(ticks, trainee, color=PALETTE[0], label=words.label("rep_mode_trainee"))
    axes.bar(ticks, customer, bottom=trainee, color=PALETTE[1], label=words.label("rep_mode_customer"))
    axes.plot(ticks, [report.days[day]["taken"] for day in days], marker="o", color=PALETTE[2],
              label=words.label("rep_agreed"))
    axes.yaxis.get_major_locator().set_params(integer=True)
    if len(days) > 16:
        for n, tick in enumerate(axes.get_xticklabels()):
            tick.set_visible(n % (len(days) // 16 + 1) == 0)
    _finish(axes, words.label("rep_chart_days"))
    axes.legend(loc="upper left", frameon=False)
    return figure_png(figure)


def _scores(report: Report, words: Words) -> bytes | None:
    people = [*report.trainees, *([report.team] if report.team is not None else [])]
    if not people:
        return None
    figure, axes = plt.subplots(figsize=(9, 4.8), dpi=110)
    xs = range(len(people))
    width = 0.38
    scores = [row.score for row in people]
    passes = [100 * row.pass_rate for row in people]
    axes.bar([x - width / 2 for x in xs], scores, width, color=PALETTE[0], label=words.label("rep_score"))
    axes.bar([x + width / 2 for x in xs], passes, width, color=PALETTE[2], label=words.label("rep_pass_rate"))
    for x, score, share in zip(xs, scores, passes):
        axes.annotate(ru(score), (x - width / 2, score), textcoords="offset points", xytext=(0, 3), ha="center")
        axes.annotate(ru(share), (x + width / 2, share), textcoords="offset points", xytext=(0, 3), ha="center")
    axes.set_xticks(list(xs), [words.trainee(row.trainee) for row in people])
    axes.set_ylim(0, 115)
    axes.set_xlabel(words.label("rep_trainee"))
    _finish(axes, words.label("rep_chart_scores"))
    axes.legend(loc="upper left", ncols=2, frameon=False)
    return figure_png(figure)


def _failures(report: Report, words: Words) -> bytes | None:
    if not report.failures:
        return None
    failures = list(reversed(report.failures))
    figure, axes = plt.subplots(figsize=(9, 0.5 * len(failures) + 1.5), dpi=110)
    colours = [PALETTE[3] if f.kind == "flag" else PALETTE[1] for f in failures]
    axes.barh([wrap(words.item(f.kind, f.id), 32) for f in failures], [f.count for f in failures], color=colours)
    for y, f in enumerate(failures):
        axes.annotate(str(f.count), (f.count, y), textcoords="offset points", xytext=(4, 0), va="center")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_xlim(0, max(f.count for f in failures) * 1.15)
    handles = [plt.Rectangle((0, 0), 1, 1, color=PALETTE[1]), plt.Rectangle((0, 0), 1, 1, color=PALETTE[3])]
    axes.legend(handles, [words.label("rep_kind_check"), words.label("rep_kind_flag")], loc="lower right")
    _finish(axes, words.label("rep_chart_failures"), grid="x")
    return figure_png(figure)


def _funnel(report: Report, words: Words) -> bytes | None:
    funnels = [(call_type, stages) for call_type, stages in report.funnels.items() if stages and stages[0][1]]
    if not funnels:
        return None
    height = max(len(stages) for _, stages in funnels)
    figure, panels = plt.subplots(1, len(funnels), figsize=(5.2 * len(funnels), 0.45 * height + 1.8), dpi=110,
                                  squeeze=False)
    for axes, (call_type, stages) in zip(panels[0], funnels):
        first = stages[0][1]
        names = [wrap(words.stage(call_type, stage), 22) for stage, _ in reversed(stages)]
        counts = [count for _, count in reversed(stages)]
        axes.barh(names, counts, color=PALETTE[0])
        for y, count in enumerate(counts):
            axes.annotate(f"{count} ({_percent(count, first)})", (count, y), textcoords="offset points",
                          xytext=(4, 0), va="center", fontsize=9)
        axes.set_xlim(0, first * 1.45)
        axes.xaxis.get_major_locator().set_params(integer=True)
        _finish(axes, wrap(words.call_type(call_type), 40), grid="x", size=11)
    figure.suptitle(words.label("rep_chart_funnel"), fontsize=13)
    return figure_png(figure)


def _offers(report: Report, words: Words) -> bytes | None:
    rows = report.offers_by_product
    if not rows:
        return None
    figure, axes = plt.subplots(figsize=(max(7.0, 1.6 * len(rows) + 2), 4.8), dpi=110)
    width = 0.26
    for n, (label_id, values) in enumerate((("rep_shown", [r.shown for r in rows]),
                                            ("rep_agreed", [r.agreed for r in rows]),
                                            ("rep_orders", [r.orders for r in rows]))):
        xs = [x + (n - 1) * width for x in range(len(rows))]
        axes.bar(xs, values, width, color=PALETTE[n], label=words.label(label_id))
        for x, value in zip(xs, values):
            axes.annotate(str(value), (x, value), textcoords="offset points", xytext=(0, 3), ha="center", fontsize=9)
    axes.set_xticks(range(len(rows)), [wrap(words.product(r.key), 16) for r in rows], fontsize=9)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylim(0, max(r.shown for r in rows) * 1.2 + 0.5)
    _finish(axes, words.label("rep_chart_offers"))
    axes.legend(loc="upper right", frameon=False)
    return figure_png(figure)


def _outcomes(report: Report, words: Words) -> bytes | None:
    bars = [(call_type, mode, row) for call_type, modes in report.outcomes.items() for mode, row in modes.items()]
    if not bars:
        return None
    codes = list(dict.fromkeys(code for _, _, row in bars for code in row))
    figure, axes = plt.subplots(figsize=(10, 0.7 * len(bars) + 2.2), dpi=110)
    names = [wrap(f"{words.call_type(call_type)} — {words.mode(mode)}", 34) for call_type, mode, _ in bars]
    left = [0.0] * len(bars)
    for n, code in enumerate(codes):
        shares = [100 * row.get(code, 0) / sum(row.values()) for _, _, row in bars]
        axes.barh(names, shares, left=left, color=PALETTE[n % len(PALETTE)], label=words.code(code))
        for y, (start, share) in enumerate(zip(left, shares)):
            if share >= 8:
                axes.annotate(f"{ru(share)} %", (start + share / 2, y), ha="center", va="center", color="white",
                              fontsize=9)
        left = [a + b for a, b in zip(left, shares)]
    axes.set_xlim(0, 100)
    axes.invert_yaxis()
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=min(4, len(codes)), frameon=False)
    _finish(axes, words.label("rep_chart_outcomes"), grid="x")
    return figure_png(figure)


def _finish(axes, title: str, grid: str = "y", size: int = 13) -> None:
    axes.set_title(title, fontsize=size)
    axes.grid(axis=grid, alpha=0.3)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def save(report: Report, words: Words, folder: Path, stem: str) -> list[Path]:
    """The CSV and every chart of the report in ``folder``: ``stem``.csv and ``stem``-<chart>.png."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / f"{stem}.csv"]
    write_csv(written[0], report, words)
    for name, png in charts(report, words).items():
        path = folder / f"{stem}-{name}.png"
        path.write_bytes(png)
        written.append(path)
    return written

