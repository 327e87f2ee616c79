"""Publishing: the report package of a version and the atomic, versioned files under OUT/YYYY-MM/.

- `formatting`: Swedish numbers and dates (mnkr, percent, month names) for the templates.
- `render`: `render_report(figures, plan, charts)` -> the report page as HTML (screen and PDF source).
- `charts`, `pdf`, `workbook`, `mail`, `manifest`: the parts of the package; `history`: the year's earlier
  reports for the history charts; `package.build_package(...)`: every file of one version.
- `writer`: `next_version(...)` then `publish(...)`: versions kept under versions/vN, latest files on top.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from publish.formatting import date_sv, mnkr, month_name, number, percent
    from publish.render import render_report
    from publish.writer import PublishResult, figures_json, next_version, publish

# Loaded on first use, not with the package: `from publish.lock import ...` must not import Jinja2 and Babel.
_SOURCES = {
    "PublishResult": "publish.writer",
    "date_sv": "publish.formatting",
    "figures_json": "publish.writer",
    "mnkr": "publish.formatting",
    "month_name": "publish.formatting",
    "next_version": "publish.writer",
    "number": "publish.formatting",
    "percent": "publish.formatting",
    "publish": "publish.writer",
    "render_report": "publish.render",
}
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


def __getattr__(name: str) -> Any:
    if name not in _SOURCES:
        raise AttributeError(f"module 'publish' has no attribute {name!r}")
    return getattr(importlib.import_module(_SOURCES[name]), name)
