"""Latencies of a run: throughput and quantiles, as every benchmark reports them."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Latencies:
    """The time each unit of work took (seconds) and the wall time they took together."""

    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

    def summary(self, unit: str, digits: int) -> dict[str, float]:
        return {f"{unit}_per_s": round(self.per_second, 1), "p50_ms": round(self.quantile(0.5) * 1000, digits),
                "p99_ms": round(self.quantile(0.99) * 1000, digits), unit: len(self.latencies)}
