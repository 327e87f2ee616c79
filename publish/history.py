"""The year's earlier reports, for the history charts: read from what was published, never from later months.

The forecast path and the indicator curves show how the year's reports developed. They come from the
latest published figures.json of each earlier month of the same year (January..M−1), so a rerun of an old
month shows exactly the history up to that month, even when later months are already published.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from publish.charts import ReportPoint
from publish.writer import FIGURES_FILE


def earlier_figures(out_dir: Path, period: str) -> list[dict[str, Any]]:
    """The published figures of January..the month before `period`, in month order; gaps are skipped."""
    year, month = int(period[:4]), int(period[5:])
    found = []
    for earlier in range(1, month):
        path = Path(out_dir) / f"{year}-{earlier:02d}" / FIGURES_FILE
        if path.is_file():
            found.append(json.loads(path.read_text(encoding="utf-8")))
    return found


def report_points(figures_by_month: Sequence[Mapping[str, Any]]) -> list[ReportPoint]:
    """What the history charts need of each report: the forecast deviation and the two indicators."""
    return [
        ReportPoint(
            period=f["period"],
            prognos_budgetavvikelse=f["economy"].get("prognos_budgetavvikelse"),
            personalomsattning=f["indicators"]["personalomsattning"].get("value"),
            sjukfranvaro=f["indicators"]["sjukfranvaro"].get("value"),
        )
        for f in figures_by_month
    ]
