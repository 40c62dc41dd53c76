"""matplotlib without a display, and a figure as PNG bytes: the charts of every report share these."""
from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

__all__ = ["plt", "figure_png", "ru", "wrap"]


def figure_png(figure, bottom: float = 0.0) -> bytes:
    """The figure as PNG, laid out tight (``bottom``: a share of the height kept free for a footnote); the figure is
    closed either way."""
    try:
        figure.tight_layout(rect=(0, bottom, 1, 1))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    finally:
        plt.close(figure)
    return buffer.getvalue()


def ru(value: float, sign: bool = False) -> str:
    """A number as Russians write it: one decimal, a decimal comma, a true minus."""
    text = f"{value:+.1f}" if sign else f"{value:.1f}"
    return text.replace(".", ",").replace("-", "−")


def wrap(text: str, width: int = 14) -> str:
    """A long label on lines of about ``width`` characters, broken at spaces only."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text
