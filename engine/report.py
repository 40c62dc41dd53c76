"""The trainer's report: the figures of a period (and a call type, or all of them) read from the named views of the
records (engine/record_views.py). ``python main.py report`` and /report in Telegram show this one object, so they
show the same numbers; the words are the content's (dialogues/reports.yaml), chosen where the figures are shown."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .assistant.offers import bridge_of

if TYPE_CHECKING:
    from .content.loader import Content
    from .records import Records

TOP_FAILURES = 8


@dataclass(frozen=True)
class Period:
    since: dt.date
    until: dt.date  # inclusive

    @classmethod
    def last_days(cls, days: int, today: dt.date) -> Period:
        """``days`` days up to ``today`` (at least one)."""
        return cls(today - dt.timedelta(days=max(days, 1) - 1), today)

    def sql(self) -> tuple[str, list[str]]:
        return "day between ? and ?", [self.since.isoformat(), self.until.isoformat()]


@dataclass(frozen=True)
class TraineeRow:
    trainee: str  # the team's row: ""
    sessions: int
    score: float
    trend: float | None  # the later half of his sessions against the earlier half, in points; None for one session
    pass_rate: float  # share of sessions passed, 0..1


@dataclass(frozen=True)
class Failure:
    kind: str  # "check" or "flag"
    id: str
    count: int
    example: str


@dataclass(frozen=True)
class Offered:
    key: str  # a product or a bridge id
    shown: int
    agreed: int
    orders: int


@dataclass
class Report:
    period: Period
    call_type: str | None
    sessions: dict[str, int] = field(default_factory=dict)  # mode → conversations started, finished or not
    days: dict[str, dict[str, int]] = field(default_factory=dict)  # every day → trainee, customer, offers taken
    trainees: list[TraineeRow] = field(default_factory=list)
    team: TraineeRow | None = None
    failures: list[Failure] = field(default_factory=list)
    funnels: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # call type → (stage, sessions) in order
    codes: dict[str, dict[str, int]] = field(default_factory=dict)  # trainee mode: product → code → offers
    objections: list[tuple[str, int, int]] = field(default_factory=list)  # intent, sessions met, of them overcome
    conversations: int = 0  # customer mode
    topics: list[tuple[str, int]] = field(default_factory=list)
    solved_alone: int = 0
    handoffs: list[tuple[str, int]] = field(default_factory=list)
    offers_by_product: list[Offered] = field(default_factory=list)
    offers_by_bridge: list[Offered] = field(default_factory=list)
    opt_outs: list[tuple[str, int]] = field(default_factory=list)
    outcomes: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)  # call type → mode → code → calls
    winback_consents: int = 0

    @property
    def empty(self) -> bool:
        return not self.sessions


def build_report(records: Records, content: Content, period: Period, call_type: str | None = None) -> Report:
    """``call_type``: one the content knows (the caller checks), or None for all of them."""
    return _Reading(records, content, period, call_type).report()


class _Reading:
    def __init__(self, records: Records, content: Content, period: Period, call_type: str | None):
        self.records = records
        self.content = content
        self.period = period
        self.call_type = call_type
        self.connecting = {code.id for code in content.response_codes.values() if code.connects}

    def rows(self, view: str, columns: str, where: str = "", args: tuple = (), tail: str = "") -> list[tuple]:
        """Rows of a view within the period (and the call type, when one is asked for)."""
        clause, values = self.period.sql()
        if self.call_type is not None:
            clause, values = f"{clause} and call_type = ?", [*values, self.call_type]
        if where:
            clause = f"{clause} and {where}"
        statement = f"select {columns} from {view} where {clause} {tail}"
        return self.records.execute(statement, [*values, *args]).fetchall()

    def report(self) -> Report:
        report = Report(self.period, self.call_type)
        self._trainees(report)
        self._failures(report)
        self._funnels(report)
        self._codes_and_objections(report)
        self._customers(report)
        self._outcomes(report)
        return report

    # -- trainee mode ------------------------------------------------------------------------------------------------
    def _trainees(self, report: Report) -> None:
        report.sessions = dict(self.rows("conversations", "mode, count(*)", tail="group by mode"))
        span = (self.period.until - self.period.since).days + 1
        report.days = {(self.period.since + dt.timedelta(days=n)).isoformat(): {"trainee": 0, "customer": 0, "taken": 0}
                       for n in range(span)}
        for day, mode, count in self.rows("conversations", "day, mode, count(*)", tail="group by day, mode"):
            report.days[day][mode] = count
        for day, count in self.rows("offer_results", "day, count(*)", f"response in ({_marks(self.connecting)})",
                                    tuple(self.connecting), tail="group by day"):
            report.days[day]["taken"] = count
        scored = self.rows("conversations", "trainee, score, passed", "mode = 'trainee' and score is not null",
                           tail="order by started_at")
        by_trainee: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for trainee, score, passed in scored:
            by_trainee[trainee].append((score, passed))
        report.trainees = [_trainee_row(trainee, rows) for trainee, rows in sorted(by_trainee.items())]
        if scored:
            report.team = _trainee_row("", [(score, passed) for _, score, passed in scored])

    def _failures(self, report: Report) -> None:
        counted: Counter[tuple[str, str]] = Counter()
        sessions: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for kind, view, column in (("check", "failed_checks", "check_id"), ("flag", "raised_flags", "flag")):
            for session_id, call_type, item in self.rows(view, f"session_id, call_type, {column}",
                                                         tail="order by started_at desc, session_id"):
                counted[kind, item] += 1
                sessions[kind, item].append((session_id, call_type))
        feedback: dict[str, list[str]] = defaultdict(list)
        for session_id, text in self.rows("trainee_feedback", "session_id, text", tail="order by line"):
            feedback[session_id].append(text)
        report.failures = [Failure(kind, item, count, self._example(kind, item, sessions[kind, item], feedback))
                           for (kind, item), count in _most_common(counted)[:TOP_FAILURES]]

    def _example(self, kind: str, item: str, sessions: list[tuple[str, str]], feedback: dict[str, list[str]]) -> str:
        """The trainee's words that the scorecard quoted for this item, from its latest session that has them (else
        that session's feedback line on it)."""
        found = ""
        for session_id, call_type in sessions:
            patterns = self._feedback_patterns(kind, item, call_type)
            for text in feedback.get(session_id, ()):
                match = next(filter(None, (pattern.match(text) for pattern in patterns)), None)
                if match is None:
                    continue
                if match.groupdict().get("quote"):
                    return match["quote"]
                found = found or text
        return found

    def _feedback_patterns(self, kind: str, item: str, call_type: str) -> list[re.Pattern]:
        """The feedback texts an item is worded with: its own, and that of the flag its failed check raises (the
        scorecard words the two once)."""
        rubric = self.content.rubrics.get(self.content.call_types[call_type].rubric) \
            if call_type in self.content.call_types else None
        if rubric is None:
            return []
        specs = [spec for spec in (rubric.checks if kind == "check" else rubric.flags) if spec.id == item]
        if kind == "check":
            specs += [spec for spec in rubric.flags if spec.check == item]
        else:
            specs += [spec for flag in specs[:1] if flag.check for spec in rubric.checks if spec.id == flag.check]
        texts = (self.content.scorecard_feedback.get(spec.feedback_id) for spec in specs)
        return [_template_pattern(text.text) for text in texts if text is not None]

    def _funnels(self, report: Report) -> None:
        """Per call type, how many trainee calls got at least as far as each stage (the furthest stage a call
        reached counts for every stage before it, even one the call skipped)."""
        furthest: dict[tuple[str, str], int] = {}
        for session_id, call_type, stage in self.rows("stages_reached", "session_id, call_type, stage",
                                                      "mode = 'trainee'"):
            if call_type not in self.content.call_types:
                continue
            order = [s.id for s in self.content.call_types[call_type].stages if not s.final]
            if stage in order:
                key = (call_type, session_id)
                furthest[key] = max(furthest.get(key, 0), order.index(stage))
        for call_type in sorted({call_type for call_type, _ in furthest}):
            order = [s.id for s in self.content.call_types[call_type].stages if not s.final]
            depths = [depth for (ct, _), depth in furthest.items() if ct == call_type]
            report.funnels[call_type] = [(stage, sum(1 for depth in depths if depth >= n))
                                         for n, stage in enumerate(order)]

    def _codes_and_objections(self, report: Report) -> None:
        for product, response, offers in sorted(self.rows("offer_results", "product, response, count(*)",
                                                          "mode = 'trainee' and response is not null",
                                                          tail="group by product, response")):
            report.codes.setdefault(product, {})[response] = offers
        kept = {row[0] for row in self.rows("offer_results", "distinct session_id",
                                            f"response in ({_marks(self.connecting)})", tuple(self.connecting))}
        objections = list(self.content.objections)
        met: dict[str, set[str]] = defaultdict(set)
        for session_id, intent in self.rows("client_intents", "session_id, intent",
                                            f"intent in ({_marks(objections)})", tuple(objections)):
            met[intent].add(session_id)
        report.objections = [(intent, len(met[intent]), len(met[intent] & kept)) for intent in objections
                             if met[intent]]

    # -- customer mode -----------------------------------------------------------------------------------------------
    def _customers(self, report: Report) -> None:
        rows = self.rows("conversations", "topic, handed_off", "mode = 'customer'")
        report.conversations = len(rows)
        report.topics = _most_common(Counter(topic for topic, _ in rows if topic))
        report.solved_alone = sum(1 for topic, handed_off in rows if topic and not handed_off)
        report.handoffs = _most_common(dict(self.rows("handoff_events", "reason, count(*)", tail="group by reason")))
        report.opt_outs = _most_common(dict(self.rows("opt_out_events", "channel, count(*)", tail="group by channel")))
        by_product: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        by_bridge: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for product, response, ordered, topic in self.rows("offer_results", "product, response, ordered, topic",
                                                           "mode = 'customer'"):
            if response is None or product not in self.content.products:
                continue
            bridge = bridge_of(self.content, topic).topic if topic else None
            for key, table in ((product, by_product), (bridge, by_bridge)):
                if key is None:
                    continue
                table[key][0] += 1
                table[key][1] += response in self.connecting
                table[key][2] += bool(ordered)
        report.offers_by_product = [Offered(key, *figures) for key, figures in sorted(by_product.items())]
        report.offers_by_bridge = [Offered(key, *figures) for key, figures in sorted(by_bridge.items())]

    def _outcomes(self, report: Report) -> None:
        """How the calls of each type ended (the retention call: kept, not kept, blocked, refused), by mode."""
        for call_type, mode, response, calls in sorted(self.rows(
                "offer_results", "call_type, mode, response, count(distinct session_id)", "response is not null",
                tail="group by call_type, mode, response")):
            report.outcomes.setdefault(call_type, {}).setdefault(mode, {})[response] = calls
        report.winback_consents = self.rows("retention_results", "count(*)", "winback_consent = 1")[0][0]


def _trainee_row(trainee: str, rows: list[tuple[float, int]]) -> TraineeRow:
    scores = [score for score, _ in rows]
    half = len(scores) // 2
    trend = sum(scores[-half:]) / half - sum(scores[:half]) / half if half else None
    return TraineeRow(trainee, len(rows), sum(scores) / len(scores), trend,
                      sum(1 for _, passed in rows if passed) / len(rows))


def _most_common(counts: dict) -> list[tuple]:
    """(key, count) by count, the most first; equal counts by key (not by the order the database gave the rows)."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _marks(values) -> str:
    return ", ".join("?" for _ in values) or "null"


def _template_pattern(template: str) -> re.Pattern:
    """A feedback text (str.format) as a pattern that finds its {quote} in a line made from it."""
    parts = re.split(r"\{(\w+)\}", template)
    pattern = "".join(re.escape(part) if n % 2 == 0 else ("(?P<quote>.+?)" if part == "quote" and "(?P<quote>"
                                                          not in "".join(parts[:n]) else ".*?")
                      for n, part in enumerate(parts))
    return re.compile(pattern, re.S)
