"""The comment sheet (kommentarer.xlsx): what finance staff fill in for a report, pre-filled, in Excel.

One row per thing to assess or explain, with its figures in locked cells and the cells to fill unlocked:
- "Bedömningar" (whole-plan reports): each board goal, work-environment activity and the basic mission
  (assessment from a list, comment), and each work-environment follow-up tool (comment);
- "Avvikelser": each material deviation of a board report except investments (comment, measures);
- "Investeringar": each investment (comment, own forecast, measures; carry-over in December);
- "Övriga avvikelser": free rows for what the figures do not show (title, description, measures).
The editable cells hold what the inputs already say, so that a sheet filled in twice loses nothing. Every
sheet is protected (no password: it guards against slips, not people), and each row carries the period,
so that uppfoljning.comment_import can refuse rows from another report.

The sheet is written with each published version (beside report.xlsx, not attached to the board's email)
and read back by `uppfoljning import-kommentarer`. The layout below is the import's contract: the two
modules share these constants.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import xlsxwriter

from publish import narrative
from transforms.deviations import INVESTMENT_PREFIX
from uppfoljning.inputs import STATUS_LABELS, Inputs
from uppfoljning.plan import Plan

FILE_NAME = "kommentarer.xlsx"
INFO_SHEET = "Information"
ASSESSMENT_SHEET = "Bedömningar"
DEVIATION_SHEET = "Avvikelser"
INVESTMENT_SHEET = "Investeringar"
OTHER_SHEET = "Övriga avvikelser"
OTHER_ROWS = 10
"""Empty rows offered for other deviations (more can be entered in the inputs file)."""

INFO_PERIOD, INFO_KIND = "Period", "Rapporttyp"

# Row types of the assessment sheet.
GOAL, ACTIVITY, MISSION, TOOL = "Mål", "Arbetsmiljöaktivitet", "Grunduppdrag", "Arbetsmiljöuppföljning"

ASSESSMENT_COLUMNS = ("Typ", "Id", "Period", "Namn", "Bedömning", "Kommentar")
DEVIATION_COLUMNS = (
    "Id",
    "Period",
    "Avvikelse",
    "Underlag",
    "Avvikelse hittills, kr",
    "Avvikelse helår, kr",
    "Värde, %",
    "Målvärde, %",
    "Kommentar",
    "Åtgärder",
)
INVESTMENT_COLUMNS = (
    "Investering",
    "Period",
    "Budget, kr",
    "Förbrukat hittills, kr",
    "Prognos i rapporten, kr",
    "Avvikelse mot budget, kr",
    "Kommentar",
    "Egen prognos, kr",
    "Åtgärder",
    "Ombudgetering, kr",
)
OTHER_COLUMNS = ("Period", "Rubrik", "Beskrivning", "Åtgärder")
ASSESSMENT_VALUES = tuple(STATUS_LABELS.values())


def build_comment_sheet(figures: Mapping[str, Any], plan: Plan, inputs: Inputs) -> bytes:
    """The comment sheet of one report, as xlsx bytes."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    styles = _Styles(workbook)
    period, kind = figures["period"], figures["report_kind"]
    spec = plan.report_kinds[kind]

    info = workbook.add_worksheet(INFO_SHEET)
    info.set_column(0, 0, 22)
    info.set_column(1, 1, 90)
    info.write(0, 0, f"Kommentarer till {figures['title']}", styles.title)
    rows = [
        (INFO_PERIOD, period),
        (INFO_KIND, kind),
        ("Rapport", f"{figures['title']}, {narrative.ytd_span(figures)}"),
        ("Version", figures.get("version")),
        (
            "Så fyller du i",
            "Skriv i de gula cellerna; de andra är låsta. Bedömning väljs i listan: "
            + ", ".join(ASSESSMENT_VALUES)
            + ". Kommentar krävs på en rad där något annat är ifyllt. En tom rad ändrar ingenting. "
            "Belopp i kronor. Läs sedan in filen med: uppfoljning import-kommentarer kommentarer.xlsx",
        ),
    ]
    for index, (label, value) in enumerate(rows, start=2):
        info.write(index, 0, label, styles.label)
        info.write(index, 1, value, styles.wrap)
    info.protect()

    if spec.whole_plan:
        _assessments(workbook, styles, figures, plan, inputs)
    _deviations(workbook, styles, figures, plan, inputs)
    _investments(workbook, styles, figures, inputs)
    _other(workbook, styles, figures, inputs)
    workbook.close()
    return buffer.getvalue()


class _Styles:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.label = workbook.add_format({"bold": True, "valign": "top"})
        self.header = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.sek = workbook.add_format({"num_format": "# ##0.00", "valign": "top"})
        self.pct = workbook.add_format({"num_format": "0.00", "valign": "top"})
        self.fill = workbook.add_format(
            {"locked": False, "text_wrap": True, "valign": "top", "bg_color": "#FFF2CC"}
        )
        self.fill_sek = workbook.add_format(
            {"locked": False, "num_format": "# ##0.00", "valign": "top", "bg_color": "#FFF2CC"}
        )


def _sheet(
    workbook: xlsxwriter.Workbook, styles: _Styles, name: str, columns: tuple[str, ...], widths: list[int]
) -> Any:
    sheet = workbook.add_worksheet(name)
    for index, (heading, width) in enumerate(zip(columns, widths, strict=True)):
        sheet.write(0, index, heading, styles.header)
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 0)
    # Locked cells stay locked; widths and heights may be changed so that long comments can be read.
    sheet.protect("", {"format_columns": True, "format_rows": True})
    return sheet


def _assessments(
    workbook: xlsxwriter.Workbook, styles: _Styles, figures: Mapping[str, Any], plan: Plan, inputs: Inputs
) -> None:
    kind, period = figures["report_kind"], figures["period"]
    sheet = _sheet(workbook, styles, ASSESSMENT_SHEET, ASSESSMENT_COLUMNS, [22, 30, 9, 60, 18, 70])
    goals = inputs.goal_assessments.get(kind, {})
    activities = inputs.activity_assessments.get(kind, {})
    mission = inputs.basic_mission_assessments.get(kind)
    notes = inputs.work_environment_follow_up.get(kind, {})
    lines: list[tuple[str, str, str, Any]] = [
        *((GOAL, g.id, g.name, goals.get(g.id)) for g in plan.board_goals()),
        *((ACTIVITY, a.id, a.name, activities.get(a.id)) for a in plan.work_environment_activities),
        (MISSION, plan.basic_mission.id, plan.basic_mission.text, mission),
    ]
    row = 1
    for kind_label, item_id, name, entered in lines:
        sheet.write_row(row, 0, (kind_label, item_id, period, name), styles.wrap)
        sheet.write(row, 4, STATUS_LABELS[entered.status] if entered else "", styles.fill)
        sheet.write(row, 5, entered.comment if entered else "", styles.fill)
        sheet.data_validation(
            row,
            4,
            row,
            4,
            {
                "validate": "list",
                "source": list(ASSESSMENT_VALUES),
                "error_title": "Bedömning",
                "error_message": "Välj " + ", ".join(ASSESSMENT_VALUES) + ".",
            },
        )
        row += 1
    for tool in plan.work_environment_follow_up:
        note = notes.get(tool.id)
        sheet.write_row(row, 0, (TOOL, tool.id, period, tool.name, "–"), styles.wrap)
        sheet.write(row, 5, note.comment if note else "", styles.fill)
        row += 1


def _deviations(
    workbook: xlsxwriter.Workbook, styles: _Styles, figures: Mapping[str, Any], plan: Plan, inputs: Inputs
) -> None:
    period = figures["period"]
    sheet = _sheet(
        workbook, styles, DEVIATION_SHEET, DEVIATION_COLUMNS, [28, 9, 24, 60, 16, 16, 10, 10, 60, 50]
    )
    row = 1
    for deviation in figures.get("deviations", []):
        if deviation["id"].startswith(INVESTMENT_PREFIX) or not deviation["comment_required"]:
            # An investment is explained on its own sheet; the internal monthly report lists no deviations.
            continue
        numbers = deviation["figures"]
        entered = inputs.deviation_comment_for(period, deviation["id"])
        sheet.write_row(
            row,
            0,
            (
                deviation["id"],
                period,
                deviation["name"],
                narrative.deviation_sentence(plan, deviation, figures),
            ),
            styles.wrap,
        )
        if deviation["type"] == "indicator":
            _number(sheet, row, 6, numbers.get("value"), styles.pct)
            _number(sheet, row, 7, numbers.get("target"), styles.pct)
        else:
            accumulated = numbers.get("deviation_ytd", numbers.get("ackumulerad_budgetavvikelse"))
            forecast = numbers.get("forecast_deviation", numbers.get("prognos_budgetavvikelse"))
            _number(sheet, row, 4, accumulated, styles.sek)
            _number(sheet, row, 5, forecast, styles.sek)
        sheet.write(row, 8, entered.comment or "", styles.fill)
        sheet.write(row, 9, entered.measures or "", styles.fill)
        row += 1


def _investments(
    workbook: xlsxwriter.Workbook, styles: _Styles, figures: Mapping[str, Any], inputs: Inputs
) -> None:
    period = figures["period"]
    year_closed = bool(figures.get("year_closed"))
    sheet = _sheet(
        workbook, styles, INVESTMENT_SHEET, INVESTMENT_COLUMNS, [28, 9, 15, 15, 15, 15, 60, 15, 45, 15]
    )
    for row, investment in enumerate(figures["investments"], start=1):
        entered = inputs.investment_for(period, investment["name"])
        sheet.write_row(row, 0, (investment["name"], period), styles.wrap)
        for column, key in enumerate(
            ("budget_year", "actual_ytd", "forecast_year", "forecast_deviation"), start=2
        ):
            _number(sheet, row, column, investment[key], styles.sek)
        sheet.write(row, 6, entered.comment or "", styles.fill)
        _number(sheet, row, 7, entered.forecast_sek, styles.fill_sek, keep_empty_editable=True)
        sheet.write(row, 8, entered.measures or "", styles.fill)
        if year_closed:  # the carry-over is proposed in the annual report
            _number(sheet, row, 9, entered.carry_over_sek, styles.fill_sek, keep_empty_editable=True)
        else:
            sheet.write(row, 9, "–", styles.wrap)


def _other(
    workbook: xlsxwriter.Workbook, styles: _Styles, figures: Mapping[str, Any], inputs: Inputs
) -> None:
    period = figures["period"]
    sheet = _sheet(workbook, styles, OTHER_SHEET, OTHER_COLUMNS, [9, 36, 80, 60])
    entered = inputs.other_deviations.get(period, [])
    for row in range(1, max(OTHER_ROWS, len(entered) + 3) + 1):
        other = entered[row - 1] if row - 1 < len(entered) else None
        sheet.write(row, 0, period, styles.wrap)
        sheet.write(row, 1, other.title if other else "", styles.fill)
        sheet.write(row, 2, other.description if other else "", styles.fill)
        sheet.write(row, 3, (other.measures or "") if other else "", styles.fill)


def _number(
    sheet: Any, row: int, column: int, value: float | None, style: Any, keep_empty_editable: bool = False
) -> None:
    if value is None:
        sheet.write_blank(row, column, None, style) if keep_empty_editable else sheet.write(
            row, column, "", style
        )
    else:
        sheet.write_number(row, column, value, style)
