"""Render the follow-up report as one self-contained HTML page in Swedish.

The page is rendered from the figures dict (what is also published as figures.json), so the report and the
figures can never disagree; the plan only supplies labels, targets and which sections a report kind has.
The few values the page derives for display (the Resultat row, groupings) are computed here rather than
in the templates, so the templates stay plain markup and the arithmetic is testable.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from publish import formatting, narrative
from publish.charts import Chart
from uppfoljning.inputs import STATUS_LABELS
from uppfoljning.plan import PNL_ROWS, AgeGroup, Plan

ECONOMY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("budget_year", "Budget helår"),
    ("budget_ytd", "Budget ack."),
    ("actual_ytd", "Utfall ack."),
    ("deviation_ytd", "Avvikelse ack."),
    ("forecast_year", "Prognos helår"),
    ("forecast_deviation", "Prognosavvikelse"),
)
# Deviations are already "positive = favourable", so the Resultat row adds them instead of negating.
DEVIATION_COLUMNS = frozenset({"deviation_ytd", "forecast_deviation"})
NETTO_LABEL = "Nettokostnad"
RESULT_LABEL = "Resultat"
SEX_LABELS: dict[str, str] = {"K": "Kvinnor", "M": "Män"}
INVESTMENT_CATEGORIES: dict[str, str] = {
    "beslutad": "Beslutade investeringar",
    "reinvestering": "Reinvesteringar",
}
SEVERITY_LABELS: dict[str, str] = {"warning": "Varning", "critical": "Kritisk"}

FILTERS: dict[str, Callable[..., str]] = {
    "mnkr": formatting.mnkr,
    "mnkr_or_tkr": formatting.mnkr_or_tkr,
    "money": formatting.money,
    "magnitude": narrative.magnitude,
    "result_phrase": narrative.result_phrase,
    "versus_budget": narrative.versus_budget,
    "target_percent": formatting.target_percent,
    "percent": formatting.percent,
    "number": formatting.number,
    "month_name": formatting.month_name,
    "month_span": formatting.month_span,
    "date_sv": formatting.date_sv,
    "count_word": formatting.count_word,
}


@dataclass(frozen=True)
class EconomyRow:
    """One line of the economy table: a label and the six column values in SEK (None = not computable)."""

    label: str
    values: Mapping[str, float | None]
    css_class: str = ""


@dataclass(frozen=True)
class ChartView:
    """A chart as a template places it: `src` is a data URI in the report and a cid: URL in the email."""

    key: str
    caption: str
    alt: str
    src: str
    display_width: int
    display_height: int


@dataclass(frozen=True)
class TocEntry:
    id: str
    title: str


@dataclass(frozen=True)
class CouncilGoalGroup:
    name: str
    goals: list[Mapping[str, Any]]


@dataclass(frozen=True)
class FocusAreaGroup:
    name: str
    council_goals: list[CouncilGoalGroup]


@cache
def build_environment() -> Environment:
    """The Jinja2 environment: templates from the report_templates package, escaping on, strict variables."""
    env = Environment(
        loader=PackageLoader("report_templates", "."),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        # A misspelt key in a template must fail the run, not print an empty cell in a board report.
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


REPORT_IMAGE_WIDTH_PX = 760
"""Display width of a chart on screen; the PDF scales it to the text width (report.css)."""


def render_report(figures: Mapping[str, Any], plan: Plan, charts: Sequence[Chart] = ()) -> str:
    """The report of one period and report kind as one self-contained HTML page (charts as data URIs).

    The same string is the screen version (report.html) and the source of the PDF. Whole-plan reports get
    a table of contents, filled in a second pass from the sections that the first pass rendered, so that
    a section added to the templates is listed without touching the list.
    """
    template = build_environment().get_template("report.html.j2")
    views = {c.key: chart_view(c, data_uri(c), REPORT_IMAGE_WIDTH_PX) for c in charts}
    context = {**report_context(figures, plan), "charts": views, "toc": None}
    html = template.render(**context)
    if not context["kind"].whole_plan:
        return html
    return template.render(**{**context, "toc": table_of_contents(html)})


def document_title(figures: Mapping[str, Any]) -> str:
    """The title of the page, the PDF's metadata and the email's subject: kind and period."""
    return f"{figures['title']} – {formatting.month_name(figures['period'])}"


def data_uri(chart: Chart) -> str:
    return "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")


def chart_view(chart: Chart, src: str, width_px: int) -> ChartView:
    """The chart shown `width_px` wide with its own aspect ratio (explicit sizes: Outlook needs them)."""
    height = round(chart.height_px * width_px / chart.width_px)
    return ChartView(chart.key, chart.caption, chart.alt, src, width_px, height)


class _SectionHeadings(HTMLParser):
    """Collects (section id, text of its first h2) from rendered report HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: list[TocEntry] = []
        self._section: str | None = None
        self._in_h2 = False
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self._section = dict(attrs).get("id")
        elif tag == "h2" and self._section:
            self._in_h2, self._text = True, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._in_h2 and self._section:
            self.entries.append(TocEntry(self._section, " ".join("".join(self._text).split())))
            self._in_h2, self._section = False, None

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self._text.append(data)


def table_of_contents(html: str) -> list[TocEntry]:
    """Every section with an id and its heading, in page order."""
    parser = _SectionHeadings()
    parser.feed(html)
    return parser.entries


def report_context(figures: Mapping[str, Any], plan: Plan) -> dict[str, Any]:
    """Everything the templates need: the figures as given plus labels and display-only derivations."""
    sick_leave = figures["indicators"]["sjukfranvaro"]
    year_closed = bool(figures.get("year_closed", figures["month"] == 12))
    kind = plan.report_kinds[figures["report_kind"]]
    return {
        "f": figures,
        "plan": plan,
        "kind": kind,
        "year_closed": year_closed,
        "document_title": document_title(figures),
        "charts": {},
        "ytd_span": (f"{figures['year']}-01", f"{figures['year']}-{figures['month']:02d}"),
        "economy_columns": ECONOMY_COLUMNS,
        "deviation_columns": DEVIATION_COLUMNS,
        "economy_rows": economy_table(figures["economy"]["rows"], plan),
        "reader_columns": reader_columns(year_closed),
        "reader_rows": economy_table(figures["economy"]["rows"], plan, reader=True),
        "adjustments": adjustment_lines(figures["economy"].get("forecast_adjustments", []), plan),
        "forecast_path": forecast_path(figures["economy"], plan),
        "adjustment_changes": adjustment_changes(figures["economy"], plan),
        "budgeted_result_sentence": narrative.budgeted_result_sentence(figures["economy"], figures),
        "key_figures": narrative.key_figures(figures, plan),
        "goal_summary_sentence": narrative.goal_summary_sentence(figures.get("goal_summary")),
        "forecast_path_sentence": (
            narrative.outcome_vs_forecast_sentence(figures["economy"])
            if year_closed
            else narrative.forecast_path_sentence(figures["economy"])
        ),
        "deviations": [
            {**d, "sentence": narrative.deviation_sentence(plan, d, figures)}
            for d in figures.get("deviations", [])
        ],
        "data_quality_sentences": narrative.data_quality_sentences(figures["data_quality"]["checks"], plan),
        "row_labels": row_labels(plan),
        "investment_groups": group_investments(figures["investments"]),
        "goal_tree": group_goals(figures["goals"]),
        "missing_assessments": sum(1 for g in figures["goals"] if g["status"] is None),
        "status_labels": STATUS_LABELS,
        "severity_labels": SEVERITY_LABELS,
        "sex_labels": SEX_LABELS,
        "age_labels": {g.label: age_group_label(g) for g in plan.definitions.sick_leave.age_groups},
        "has_suppressed_group": has_suppressed_group(sick_leave),
        "verdict": {
            key: formatting.verdict_percent(
                figures["indicators"][key]["value"],
                figures["indicators"][key]["target"],
                plan.indicators[key].direction,  # type: ignore[index]
            )
            for key in ("personalomsattning", "sjukfranvaro")
        },
    }


# --- the economy as a board member reads it ----------------------------------------------------------------
READER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("budget_year", "Budget helår"),
    ("budget_ytd", "Budget hittills"),
    ("actual_ytd", "Utfall hittills"),
    ("deviation_ytd", "Avvikelse hittills"),
    ("forecast_year", "Prognos helår"),
    ("forecast_deviation", "Avvikelse prognos"),
)
# Once the year is closed the accumulated figures are the year's: budget, outcome and their deviation.
READER_COLUMNS_CLOSED: tuple[tuple[str, str], ...] = (
    ("budget_year", "Budget helår"),
    ("actual_ytd", "Utfall helår"),
    ("deviation_ytd", "Avvikelse"),
)
REVENUE_ROWS = frozenset({"intakter", "regionbidrag"})


def reader_columns(year_closed: bool) -> tuple[tuple[str, str], ...]:
    return READER_COLUMNS_CLOSED if year_closed else READER_COLUMNS


def _reader_amount(row_id: str, column: str, value: float | None) -> float | None:
    """Revenues and the allocation as positive amounts (the ledger stores them negative); deviations are
    already "positive = better than budget" on every row, so they are shown as they are."""
    if value is None or column in DEVIATION_COLUMNS or row_id not in REVENUE_ROWS:
        return value
    return -value


@dataclass(frozen=True)
class AdjustmentLine:
    """A manual forecast adjustment in words: "Lägre kostnad" and its effect on the year's result."""

    row: str
    change: str
    effect: float
    """Effect on the forecast result, positive = better (−amount in ledger sign)."""
    comment: str


def adjustment_lines(adjustments: Sequence[Mapping[str, Any]], plan: Plan) -> list[AdjustmentLine]:
    labels = row_labels(plan)
    lines = []
    for adjustment in adjustments:
        amount = float(adjustment["amount_sek"])
        revenue = plan.report_row(adjustment["row"]).type == "revenue"
        # Ledger sign: a negative amount is less cost or more revenue.
        if revenue:
            word = "Högre intäkt" if amount < 0 else "Lägre intäkt"
        else:
            word = "Lägre kostnad" if amount < 0 else "Högre kostnad"
        lines.append(
            AdjustmentLine(
                labels.get(adjustment["row"], adjustment["row"]),
                f"{word}, {narrative.magnitude(amount)}",
                -amount,
                adjustment["comment"],
            )
        )
    return lines


@dataclass(frozen=True)
class PathRow:
    """One line of the forecast's path: previous forecast, this forecast (or the outcome), and the change
    as its effect on the result (positive = better), with the part that changed adjustments explain."""

    label: str
    previous: float | None
    current: float | None
    effect: float | None
    adjustment_effect: float | None
    css_class: str = ""


def forecast_path(economy: Mapping[str, Any], plan: Plan) -> list[PathRow]:
    """Per row and for the result: the previous report's forecast, this one, and the change (contract §3:
    forecast_previous, forecast_change). Empty in the year's first report."""
    if economy.get("previous_period") is None:
        return []
    labels = row_labels(plan)
    rows = economy["rows"]
    path = []
    for row_id, css in TABLE_ORDER:
        row = rows[row_id]
        change = row.get("forecast_change")
        adjustment_now, adjustment_before = (
            row.get("forecast_adjustment"),
            row.get("forecast_adjustment_previous"),
        )
        adjustment_effect = (
            None
            if adjustment_now is None or adjustment_before is None
            else -(adjustment_now - adjustment_before)
        )
        path.append(
            PathRow(
                labels[row_id],
                _reader_amount(row_id, "forecast_year", row.get("forecast_previous")),
                _reader_amount(row_id, "forecast_year", row["forecast_year"]),
                None if change is None else -change,
                adjustment_effect,
                css,
            )
        )
    result_adjustment = sum(
        p.adjustment_effect or 0.0
        for p, (r, _) in zip(path, TABLE_ORDER, strict=True)
        if r != "netto"  # the net cost is the sum of the P&L rows: counted once
    )
    path.append(
        PathRow(
            RESULT_LABEL,
            economy.get("forecast_result_previous"),
            economy["forecast_result"],
            economy.get("forecast_result_change"),
            result_adjustment,
            "resultat",
        )
    )
    return path


@dataclass(frozen=True)
class AdjustmentChange:
    status: str
    """"ny" (in force now, not then) or "upphörd" (in force then, not now)."""
    line: AdjustmentLine


def adjustment_changes(economy: Mapping[str, Any], plan: Plan) -> list[AdjustmentChange]:
    """The bridge between the two forecasts: adjustments added or removed since the previous report,
    each with its comment. Unchanged adjustments explain nothing and are left out."""
    before = economy.get("forecast_adjustments_previous")
    if before is None:
        return []
    now = list(economy.get("forecast_adjustments", []))

    def key(a: Mapping[str, Any]) -> tuple[str, float, str]:
        return (a["row"], float(a["amount_sek"]), a["comment"])

    kept_now, kept_before = {key(a) for a in now}, {key(a) for a in before}
    added = [a for a in now if key(a) not in kept_before]
    removed = [a for a in before if key(a) not in kept_now]
    return [
        *(AdjustmentChange("ny", line) for line in adjustment_lines(added, plan)),
        *(AdjustmentChange("upphörd", line) for line in adjustment_lines(removed, plan)),
    ]


def row_labels(plan: Plan) -> dict[str, str]:
    """Swedish names of the economy rows, from the plan, plus the net cost that the plan does not name."""
    return {**{row.id: row.name for row in plan.report_rows}, "netto": NETTO_LABEL}


TABLE_ORDER: tuple[tuple[str, str], ...] = (
    *((row_id, "") for row_id in PNL_ROWS),
    ("netto", "summa"),
    ("regionbidrag", ""),
)
"""The economy rows in report order, with the css class of their table line."""


def economy_table(
    rows: Mapping[str, Mapping[str, Any]], plan: Plan, *, reader: bool = False
) -> list[EconomyRow]:
    """The economy table in report order, ending with the result that the allocation leaves.

    Resultat = −(netto + regionbidrag) for amounts (positive = surplus); for the deviation columns it is
    the sum of the two deviations, since a deviation is already "positive = better than budget".
    A row missing from the figures is left out (and so is the result when it cannot be derived).
    Ledger sign (the workbook's); with `reader`, revenues and the allocation as positive amounts, as the
    board report shows them (deviations and the result are the same either way).
    """
    labels = row_labels(plan)
    table = [
        EconomyRow(
            labels[row_id],
            {
                col: _reader_amount(row_id, col, rows[row_id].get(col)) if reader else rows[row_id][col]
                for col, _ in ECONOMY_COLUMNS
            },
            css,
        )
        for row_id, css in TABLE_ORDER
        if row_id in rows
    ]
    if "netto" in rows and "regionbidrag" in rows:
        table.append(
            EconomyRow(RESULT_LABEL, _result_values(rows["netto"], rows["regionbidrag"]), "resultat")
        )
    return table


def _result_values(
    netto: Mapping[str, float | None], allocation: Mapping[str, float | None]
) -> dict[str, float | None]:
    values: dict[str, float | None] = {}
    for col, _ in ECONOMY_COLUMNS:
        a, b = netto[col], allocation[col]
        if a is None or b is None:
            values[col] = None
        else:
            values[col] = a + b if col in DEVIATION_COLUMNS else -(a + b)
    return values


def group_investments(investments: Sequence[Mapping[str, Any]]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    """Investments under their category heading, categories in plan order, projects in given order."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for investment in investments:
        groups.setdefault(investment["category"], []).append(investment)
    known = [c for c in INVESTMENT_CATEGORIES if c in groups]
    unknown = [c for c in groups if c not in INVESTMENT_CATEGORIES]
    return [(INVESTMENT_CATEGORIES.get(c, c), groups[c]) for c in known + unknown]


def group_goals(goals: Sequence[Mapping[str, Any]]) -> list[FocusAreaGroup]:
    """Focus area → council goal → board goals, keeping the plan's order (which the figures list follows)."""
    tree: dict[str, dict[str, list[Mapping[str, Any]]]] = {}
    for goal in goals:
        tree.setdefault(goal["focus_area"], {}).setdefault(goal["council_goal"], []).append(goal)
    return [
        FocusAreaGroup(area, [CouncilGoalGroup(name, listed) for name, listed in council.items()])
        for area, council in tree.items()
    ]


def age_group_label(group: AgeGroup) -> str:
    """Plan age group as report text: "29 år eller yngre", "30–49 år", "50 år eller äldre"."""
    if group.min_age is None and group.max_age is None:
        return "Alla åldrar"
    if group.min_age is None:
        return f"{group.max_age} år eller yngre"
    if group.max_age is None:
        return f"{group.min_age} år eller äldre"
    return f"{group.min_age}–{group.max_age} år"


def has_suppressed_group(sick_leave: Mapping[str, Any]) -> bool:
    """True when a sex or age group is null, i.e. withheld because the group is too small to report."""
    groups = [*(sick_leave["by_sex"] or {}).values(), *(sick_leave["by_age"] or {}).values()]
    return any(value is None for value in groups)
