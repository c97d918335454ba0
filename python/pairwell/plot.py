"""Pictures of matchings: score distributions and seniority gaps per method (matplotlib, an
optional extra: ``pip install pairwell[plot]``)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["plot_pairs"]


def _figure(**kwargs: Any) -> Any:
    """A matplotlib figure that pyplot does not track, so a notebook shows it once, as the value
    of the cell (not once for pyplot's open figure and again for the returned one). It renders
    itself as PNG, so it shows even where pyplot was never imported (which is what installs
    IPython's figure formatter)."""
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("plotting needs matplotlib, an optional extra: pip install 'pairwell[plot]'") from None

    class ShownFigure(Figure):
        def _repr_png_(self) -> bytes:
            buffer = io.BytesIO()
            self.savefig(buffer, format="png")
            return buffer.getvalue()

    return ShownFigure(**kwargs)


def plot_pairs(pairs_by_method: Mapping[str, pd.DataFrame], title: str = "") -> Any:
    """Two panels: the pair-score distribution and the seniority-gap distribution of each
    method's pairs (DataFrames with ``score`` and ``gap`` columns). Returns the figure
    (``fig.savefig(path)`` writes it; a notebook shows it once)."""
    fig = _figure(figsize=(11, 4), layout="tight")
    scores, gaps = fig.subplots(1, 2)
    score_bins = [i / 20 for i in range(21)]
    all_gaps = pd.concat([pairs["gap"] for pairs in pairs_by_method.values()])
    low, high = (int(all_gaps.min() // 1), int(all_gaps.max() // 1) + 1) if len(all_gaps) else (0, 1)
    gap_bins = [low + i / 2 for i in range(2 * (high - low) + 1)]
    for method, pairs in pairs_by_method.items():
        scores.hist(pairs["score"], bins=score_bins, histtype="step", linewidth=1.6, label=f"{method} ({len(pairs)})")
        gaps.hist(pairs["gap"], bins=gap_bins, histtype="step", linewidth=1.6, label=method)
    scores.set(xlabel="pair score", ylabel="pairs", title="score distribution")
    gaps.set(xlabel="seniority gap (levels, program direction)", ylabel="pairs", title="seniority gaps")
    scores.legend(fontsize="small")
    if title:
        fig.suptitle(title)
    return fig
