"""Publishing: the Swedish HTML report and the atomic, versioned files under OUT/YYYY-MM/.

- `formatting`: Swedish numbers and dates (mnkr, percent, month names) for the templates.
- `render`: `render_report(figures, plan)` -> the report page as HTML.
- `writer`: `next_version(...)` then `publish(...)`: versions kept under versions/vN, latest files on top.
"""

from publish.formatting import date_sv, mnkr, month_name, number, percent
from publish.render import render_report
from publish.writer import PublishResult, figures_json, next_version, publish

__all__ = [
    "PublishResult",
    "date_sv",
    "figures_json",
    "mnkr",
    "month_name",
    "next_version",
    "number",
    "percent",
    "publish",
    "render_report",
]
