"""matplotlib without a display, and a figure as PNG bytes: the charts of every report share these."""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

__all__ = ["plt", "figure_png"]


def figure_png(figure) -> bytes:
    """The figure as PNG, laid out tight; the figure is closed either way."""
    try:
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    finally:
        plt.close(figure)
    return buffer.getvalue()
