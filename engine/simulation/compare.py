"""Two versions of a script side by side: every figure with its 95 % confidence interval, and whether B differs.

Both versions talk to the very same synthetic customers, so a difference is estimated on the pairs (customer by
customer): identical versions differ by exactly zero, and a real difference needs far fewer conversations to show."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .operator import Conversation

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Metric:
    """A figure of a conversation: a share (0/1 per call, shown in %) or a mean; ``better`` is +1 when more is
    better, −1 when less is, 0 when neither (the mix of response codes)."""

    id: str
    share: bool
    better: int
    value: Callable[[Conversation], float]
    code: str | None = None


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Row:
    metric: Metric
    a: Interval
    b: Interval | None = None
    diff: Interval | None = None

    @property
    def significant(self) -> bool:
        return self.diff is not None and (self.diff.low > 0 or self.diff.high < 0)

    @property
    def direction(self) -> int:
        """+1 when B is significantly better, −1 when worse, 0 when no difference shows (or neither is better)."""
        if not self.significant:
            return 0
        return self.metric.better * (1 if self.diff.value > 0 else -1)


def metrics(codes: Sequence[str]) -> list[Metric]:
    return [
        Metric("conversion", True, +1, lambda c: float(c.converted)),
        Metric("turns", False, 0, lambda c: float(c.turns)),  # a shorter call is not better in itself
        Metric("toxic", True, -1, lambda c: float(c.toxic)),
        Metric("hung_up", True, -1, lambda c: float(c.hung_up)),
        Metric("handoff", True, -1, lambda c: float(c.handoff)),
        *(Metric(f"code:{code}", True, 0, (lambda c, code=code: float(c.code == code)), code) for code in codes),
    ]


def estimate(values: Sequence[float], share: bool) -> Interval:
    """A share with Wilson's interval (sound near 0 and 1), a mean with the normal one."""
    n = len(values)
    if not n:
        return Interval(0.0, 0.0, 0.0)
    mean = sum(values) / n
    if share:
        centre = (mean + Z95 ** 2 / (2 * n)) / (1 + Z95 ** 2 / n)
        half = Z95 * math.sqrt(mean * (1 - mean) / n + Z95 ** 2 / (4 * n * n)) / (1 + Z95 ** 2 / n)
        return Interval(mean, max(0.0, centre - half), min(1.0, centre + half))
    half = Z95 * _sd(values, mean) / math.sqrt(n)
    return Interval(mean, mean - half, mean + half)


def paired(a: Sequence[float], b: Sequence[float]) -> Interval:
    """The mean of B − A over the same customers, with the normal interval of the paired differences."""
    differences = [y - x for x, y in zip(a, b, strict=True)]
    n = len(differences)
    if not n:
        return Interval(0.0, 0.0, 0.0)
    mean = sum(differences) / n
    half = Z95 * _sd(differences, mean) / math.sqrt(n)
    return Interval(mean, mean - half, mean + half)


def _sd(values: Sequence[float], mean: float) -> float:
    n = len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0


def compare(a: Sequence[Conversation], b: Sequence[Conversation] | None, codes: Sequence[str]) -> list[Row]:
    rows = []
    for metric in metrics(codes):
        xa = [metric.value(c) for c in a]
        if b is None:
            rows.append(Row(metric, estimate(xa, metric.share)))
            continue
        xb = [metric.value(c) for c in b]
        rows.append(Row(metric, estimate(xa, metric.share), estimate(xb, metric.share), paired(xa, xb)))
    return rows
