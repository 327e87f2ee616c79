"""The report package of one published version (contract §4), built in memory for the atomic writer.

    figures.json   the figures (the single source of every other file's content)
    report.html    the report, self-contained (charts as data URIs)
    report.pdf     the same HTML through WeasyPrint: A4, PDF/UA-1 (tagged, Swedish, titled)
    report.xlsx    the report's tables and the drill-down by cost centre and by account
    email.eml      the summary email with the charts (cid:) and the PDF and workbook attached
    manifest.json  version, parameters, the inputs' fingerprint and the sha256 of every file above

Each part is rendered once: the charts once for the HTML, the PDF and the email; the HTML once for the page
and the PDF. The flow builds a package only for a new version; an unchanged rerun renders nothing. A new
version whose chart data is unchanged (the demo's version 2 after the comment sheet: only words changed)
reuses the previous version's chart images, remembered in the process (`_recent_charts`).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from publish.charts import (
    Chart,
    EconomySeries,
    IndicatorSpec,
    ReportPoint,
    economy_chart,
    forecast_path_chart,
    indicators_chart,
)
from publish.history import report_points
from publish.mail import Change, as_correction, build_email
from publish.manifest import MANIFEST_FILE, manifest_json
from publish.pdf import render_pdf
from publish.render import render_report
from publish.workbook import build_workbook
from publish.writer import FIGURES_FILE, figures_json
from transforms.drilldown import NETTO, Drilldown
from uppfoljning.plan import Plan

PACKAGE_FILES = (FIGURES_FILE, "report.html", "report.pdf", "report.xlsx", "email.eml", MANIFEST_FILE)


@dataclass(frozen=True)
class Package:
    files: dict[str, bytes]
    seconds: dict[str, float] = field(default_factory=dict)
    """Time spent per part (charts, html, pdf, xlsx, eml): for the log and the benchmark."""


def build_package(
    figures: Mapping[str, Any],
    plan: Plan,
    drilldown: Drilldown,
    earlier: Sequence[Mapping[str, Any]],
    *,
    parameters: Mapping[str, Any],
    fingerprint: str,
    extra_files: Mapping[str, bytes] | None = None,
) -> Package:
    """Every file of the version whose `figures` (with its version number) are given.

    `earlier` are the published figures of the same year's earlier months (publish.history), for the
    history charts; `parameters` must already be free of passwords. `extra_files` are published with the
    version and listed in the manifest but not attached to the email (the comment sheet for finance staff).
    """
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(part: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[part] = round(now - clock, 3)
        clock = now

    charts = render_charts(figures, plan, drilldown, report_points([*earlier, figures]))
    lap("charts")
    html = render_report(figures, plan, charts)
    lap("html")
    pdf = render_pdf(html)
    lap("pdf")
    workbook = build_workbook(figures, plan, drilldown)
    lap("xlsx")
    email = build_email(figures, plan, charts, pdf, workbook).as_bytes()
    correction = figures.get("correction")
    if correction:  # a version that follows one already sent: its email is the correction
        changes = [Change(c["label"], c["old_text"], c["new_text"]) for c in correction["changes"]]
        email = as_correction(
            email, changes, since_version=correction["since_version"], sent_at=correction["sent_at"]
        ).as_bytes()
    lap("eml")
    files = {
        FIGURES_FILE: figures_json(figures).encode("utf-8"),
        "report.html": html.encode("utf-8"),
        "report.pdf": pdf,
        "report.xlsx": workbook,
        "email.eml": email,
        **(extra_files or {}),
    }
    files[MANIFEST_FILE] = manifest_json(figures, files, parameters=parameters, fingerprint=fingerprint)
    return Package(files=files, seconds=seconds)


def render_charts(
    figures: Mapping[str, Any], plan: Plan, drilldown: Drilldown, history: Sequence[ReportPoint]
) -> list[Chart]:
    """The three charts of the report from the figures, the monthly drill-down and the year's reports."""
    netto = drilldown.monthly[drilldown.monthly["row"] == NETTO].sort_values("period")
    rows = figures["economy"]["rows"]
    series = EconomySeries(
        year=figures["year"],
        month=figures["month"],
        budget_by_month=[int(v) / 100 for v in netto["budget_ore"]],
        actual_by_month=[int(v) / 100 for v in netto["actual_ore"].dropna()],
        forecast_year=rows[NETTO]["forecast_year"],
        budget_year=rows[NETTO]["budget_year"],
    )
    specs = [
        IndicatorSpec(
            key=key,
            name=plan.indicators[key].name,
            target=figures["indicators"][key]["target"],
            direction=plan.indicators[key].direction,
        )
        for key in ("personalomsattning", "sjukfranvaro")
    ]
    year = figures["year"]
    points = tuple(history)
    return [
        _recent(("ekonomi", series), lambda: economy_chart(series)),
        _recent(("prognos", points, year), lambda: forecast_path_chart(points, year)),
        _recent(("medarbetare", points, tuple(specs), year), lambda: indicators_chart(points, specs, year)),
    ]


_recent_charts: OrderedDict[str, Chart] = OrderedDict()
RECENT_CHARTS = 12
"""Charts remembered: a few versions' worth. A chart is a pure function of its data (frozen dataclasses of
plain values, whose repr is exact), so the same data gives the same PNG bytes, whenever it is drawn."""


def _recent(data: tuple[Any, ...], draw: Callable[[], Chart]) -> Chart:
    key = repr(data)
    chart = _recent_charts.get(key)
    if chart is None:
        chart = _recent_charts[key] = draw()
        while len(_recent_charts) > RECENT_CHARTS:
            _recent_charts.popitem(last=False)
    else:
        _recent_charts.move_to_end(key)
    return chart
