"""Publishing: the report package of a version and the atomic, versioned files under OUT/YYYY-MM/.

- `formatting`: Swedish numbers and dates (mnkr, percent, month names) for the templates.
- `render`: `render_report(figures, plan, charts)` -> the report page as HTML (screen and PDF source).
- `charts`, `pdf`, `workbook`, `mail`, `manifest`: the parts of the package; `history`: the year's earlier
  reports for the history charts; `package.build_package(...)`: every file of one version.
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
