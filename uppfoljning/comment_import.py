"""Import a filled-in comment sheet (publish.comment_sheet) into the inputs file the pipeline reads.

All or nothing: every row of every sheet is checked first, and any problem — an id the plan does not
know, a row or sheet of another period, an assessment outside the allowed values, a mandatory cell left
empty, an amount that is not a number in kronor — refuses the whole import with one line per problem
naming the sheet, the row and the cell; the inputs file is then not touched. Otherwise the entries are
merged into the inputs and the file is replaced atomically (a temporary file in the same folder, then a
rename), so a reader never sees half a file.

Row semantics (the sheet is pre-filled with what the inputs already say):
- a row whose editable cells are all empty changes nothing;
- any other row replaces that entry with exactly what the row holds (a cleared forecast is removed);
- within a row, the comment is mandatory when anything else is filled in, and an assessment needs both
  its value and its comment; an other deviation needs its title and description;
- the rows of "Övriga avvikelser" replace the period's list when at least one is filled in.
"""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, get_args

import yaml
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import ValidationError

from publish.comment_sheet import (
    ACTIVITY,
    ASSESSMENT_COLUMNS,
    ASSESSMENT_SHEET,
    DEVIATION_COLUMNS,
    DEVIATION_SHEET,
    GOAL,
    INFO_KIND,
    INFO_PERIOD,
    INFO_SHEET,
    INVESTMENT_COLUMNS,
    INVESTMENT_SHEET,
    MISSION,
    OTHER_COLUMNS,
    OTHER_SHEET,
    TOOL,
)
from publish.writer import replace_file
from transforms.deviations import INVESTMENT_PREFIX, possible_ids
from transforms.periods import Month
from uppfoljning.errors import DataError
from uppfoljning.inputs import STATUS_LABELS, Inputs, load_inputs
from uppfoljning.plan import Plan, ReportKind

UNREADABLE = (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException)
"""What openpyxl raises for a path that is not an xlsx workbook."""
STATUS_OF_LABEL = {label.casefold(): status for status, label in STATUS_LABELS.items()}
HEADER = "# Indata från ekonomi: bedömningar, kommentarer, åtgärder och prognosjusteringar (uppfoljning/inputs.py).\n"


@dataclass(frozen=True)
class Problem:
    """One refused cell: where, and what is wrong (Swedish for finance staff, then English)."""

    sheet: str
    row: int
    column: int
    swedish: str
    english: str

    def __str__(self) -> str:
        cell = f"{get_column_letter(self.column)}{self.row}"
        return (
            f"blad ”{self.sheet}”, rad {self.row}, cell {cell}: {self.swedish} "
            f"/ sheet {self.sheet}, row {self.row}, cell {cell}: {self.english}"
        )


class ImportRefused(DataError):
    """The sheet cannot be imported; `problems` lists every refused cell. Nothing was written."""

    def __init__(self, source: Path, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(
            table=str(source),
            key=f"{len(problems)} {'cell' if len(problems) == 1 else 'cells'}",
            rule="comment_sheet.import",
            problem="the comment sheet was not imported, nothing changed: "
            + "; ".join(str(p) for p in problems),
            fix="Correct the cells and import the sheet again. / Rätta cellerna och läs in bladet igen.",
        )


@dataclass(frozen=True)
class ImportResult:
    period: str
    kind: ReportKind
    entries: int
    """Rows that changed an entry of the inputs."""
    inputs_path: Path


def import_comment_sheet(
    sheet_path: Path, inputs_path: Path, plan: Plan, *, expected_period: str | None = None
) -> ImportResult:
    """Check the whole sheet, merge it into the inputs file, and write that file atomically."""
    try:
        workbook = load_workbook(sheet_path, data_only=True)
    except UNREADABLE as exc:  # not a file, not a workbook
        raise DataError(
            table=str(sheet_path),
            key="the file",
            rule="comment_sheet.readable",
            problem=f"the file is not a readable comment sheet (xlsx): {exc}",
        ) from exc
    reader = _Reader(workbook, plan)
    period, kind = reader.identity(expected_period)
    entries, data = 0, {}
    if not reader.problems:
        year = Month.parse(period).year
        try:
            inputs = load_inputs(inputs_path, year) if inputs_path.exists() else Inputs(year=year)
        except DataError as exc:
            if exc.rule != "inputs.year":
                raise
            reader.refuse_period(
                f"indatafilen {inputs_path} gäller ett annat år",
                f"the inputs file {inputs_path} is for another year",
            )
        else:
            data = inputs.model_dump(mode="json")
            entries = reader.merge(data, period, kind)
    if reader.problems:
        raise ImportRefused(sheet_path, reader.problems)
    try:
        merged = Inputs.model_validate(data)
    except ValidationError as exc:  # a value that passed the cell checks but not the schema (a bug of ours)
        raise DataError(
            table=str(sheet_path), key="the sheet", rule="comment_sheet.schema", problem=str(exc)
        ) from exc
    _write_atomically(inputs_path, merged)
    return ImportResult(period=period, kind=kind, entries=entries, inputs_path=inputs_path)


class _Reader:
    """Reads the sheets, collecting every problem instead of stopping at the first."""

    def __init__(self, workbook: Any, plan: Plan) -> None:
        self.workbook = workbook
        self.plan = plan
        self.problems: list[Problem] = []
        self.period = ""
        self.period_row = 3

    def refuse(self, sheet: str, row: int, column: int, swedish: str, english: str) -> None:
        self.problems.append(Problem(sheet, row, column, swedish, english))

    def refuse_period(self, swedish: str, english: str) -> None:
        """A problem with the sheet's period as a whole: named at the period cell of the information sheet."""
        self.refuse(
            INFO_SHEET,
            self.period_row,
            2,
            f"bladet gäller {self.period}, men {swedish}",
            f"the sheet is for {self.period}, but {english}",
        )

    # --- the sheet's identity -----------------------------------------------------------------------
    def identity(self, expected_period: str | None) -> tuple[str, ReportKind]:
        if INFO_SHEET not in self.workbook.sheetnames:
            self.refuse(
                INFO_SHEET, 1, 1, "bladet saknas; är det här ett kommentarsblad?", "the sheet is missing"
            )
            return "", "manadsrapport"
        info = self.workbook[INFO_SHEET]
        found: dict[str, tuple[int, Any]] = {}
        for row in info.iter_rows(min_row=1, max_col=2):
            if row[0].value in (INFO_PERIOD, INFO_KIND):
                found[str(row[0].value)] = (row[1].row, row[1].value)
        row, period = found.get(INFO_PERIOD, (3, None))
        self.period_row = row
        try:
            Month.parse(str(period))
        except DataError:
            self.refuse(
                INFO_SHEET,
                row,
                2,
                f"perioden {period!r} är inte ÅÅÅÅ-MM",
                f"period {period!r} is not YYYY-MM",
            )
            return "", "manadsrapport"
        if expected_period is not None and period != expected_period:
            self.refuse(
                INFO_SHEET,
                row,
                2,
                f"bladet gäller {period}, inte {expected_period}",
                f"the sheet is for {period}, not {expected_period}",
            )
        row, kind = found.get(INFO_KIND, (4, None))
        if kind not in get_args(ReportKind) or kind not in self.plan.report_kinds:
            self.refuse(INFO_SHEET, row, 2, f"okänd rapporttyp {kind!r}", f"unknown report kind {kind!r}")
            kind = "manadsrapport"
        self.period = str(period)
        return str(period), kind

    # --- rows ---------------------------------------------------------------------------------------
    def rows(self, name: str, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row number, {heading: value}) for every data row; text is stripped, empty text is None."""
        if name not in self.workbook.sheetnames:
            return
        sheet = self.workbook[name]
        header = [cell.value for cell in sheet[1]][: len(columns)]
        if tuple(header) != columns:
            for index, (got, want) in enumerate(
                zip([*header, *[None] * len(columns)], columns, strict=False), 1
            ):
                if got != want:
                    self.refuse(
                        name, 1, index, f"rubriken ska vara ”{want}”", f"the heading must be {want!r}"
                    )
                    return
        for cells in sheet.iter_rows(min_row=2, max_col=len(columns)):
            values = {heading: _clean(cell.value) for heading, cell in zip(columns, cells, strict=True)}
            yield cells[0].row, values

    def same_period(self, sheet: str, row: int, column: int, value: Any) -> bool:
        if value != self.period:
            self.refuse(
                sheet,
                row,
                column,
                f"raden gäller perioden {value}, bladet {self.period}",
                f"the row is for period {value}, the sheet for {self.period}",
            )
            return False
        return True

    def amount(self, sheet: str, row: int, column: int, value: Any) -> float | None:
        """Kronor with at most two decimals, as a number (a typed "1 200,50" is refused: type a number)."""
        if value is None:
            return None
        try:
            exact = Decimal(str(value))
        except InvalidOperation:
            exact = Decimal("NaN")
        if isinstance(value, bool) or not exact.is_finite() or exact != exact.quantize(Decimal("0.01")):
            self.refuse(
                sheet,
                row,
                column,
                f"{value!r} är inte ett belopp i kronor (ett tal med högst två decimaler)",
                f"{value!r} is not an amount in kronor (a number with at most two decimals)",
            )
            return None
        return float(exact)

    def status(self, sheet: str, row: int, column: int, value: Any) -> str | None:
        status = STATUS_OF_LABEL.get(str(value).casefold()) if value is not None else None
        if value is not None and status is None:
            allowed = ", ".join(STATUS_LABELS.values())
            self.refuse(
                sheet,
                row,
                column,
                f"bedömningen ”{value}” är inte en av {allowed}",
                f"assessment {value!r} is not one of {allowed}",
            )
        return status

    def required(self, sheet: str, row: int, column: int, value: Any, what: str, english: str) -> bool:
        if value is None:
            self.refuse(
                sheet,
                row,
                column,
                f"{what} saknas (obligatorisk på en ifylld rad)",
                f"{english} is missing (mandatory in a filled-in row)",
            )
            return False
        return True

    # --- merging ------------------------------------------------------------------------------------
    def merge(self, data: dict[str, Any], period: str, kind: ReportKind) -> int:
        return (
            self._assessments(data, kind)
            + self._deviations(data, period)
            + self._investments(data, period)
            + self._other(data, period)
        )

    def _assessments(self, data: dict[str, Any], kind: ReportKind) -> int:
        plan, sheet, cols = self.plan, ASSESSMENT_SHEET, ASSESSMENT_COLUMNS
        known = {
            GOAL: {g.id for g in plan.board_goals()},
            ACTIVITY: {a.id for a in plan.work_environment_activities},
            MISSION: {plan.basic_mission.id},
            TOOL: {t.id for t in plan.work_environment_follow_up},
        }
        changed = 0
        for row, v in self.rows(sheet, cols):
            status_cell, comment = v["Bedömning"], v["Kommentar"]
            row_type = v["Typ"]
            if row_type == TOOL:
                status_cell = None  # the "–" in a tool's locked assessment cell
            if status_cell is None and comment is None:
                continue
            if not self.same_period(sheet, row, 3, v["Period"]):
                continue
            if row_type not in known or v["Id"] not in known[row_type]:
                self.refuse(
                    sheet,
                    row,
                    2,
                    f"okänt id ”{v['Id']}” ({row_type})",
                    f"unknown id {v['Id']!r} ({row_type})",
                )
                continue
            if row_type == TOOL:
                data["work_environment_follow_up"].setdefault(kind, {})[v["Id"]] = {"comment": comment}
                changed += 1
                continue
            status = self.status(sheet, row, 5, status_cell)
            ok = self.required(sheet, row, 5, status_cell, "bedömning", "the assessment")
            ok = self.required(sheet, row, 6, comment, "kommentar", "the comment") and ok
            if not ok or status is None:
                continue
            entry = {"status": status, "comment": comment}
            if row_type == GOAL:
                data["goal_assessments"].setdefault(kind, {})[v["Id"]] = entry
            elif row_type == ACTIVITY:
                data["activity_assessments"].setdefault(kind, {})[v["Id"]] = entry
            else:
                data["basic_mission_assessments"][kind] = entry
            changed += 1
        return changed

    def _deviations(self, data: dict[str, Any], period: str) -> int:
        sheet, known = DEVIATION_SHEET, possible_ids(self.plan)
        changed = 0
        for row, v in self.rows(sheet, DEVIATION_COLUMNS):
            comment, measures = v["Kommentar"], v["Åtgärder"]
            if comment is None and measures is None:
                continue
            if not self.same_period(sheet, row, 2, v["Period"]):
                continue
            deviation_id = v["Id"]
            if deviation_id not in known or str(deviation_id).startswith(INVESTMENT_PREFIX):
                self.refuse(
                    sheet, row, 1, f"okänd avvikelse ”{deviation_id}”", f"unknown deviation {deviation_id!r}"
                )
                continue
            if not self.required(sheet, row, 9, comment, "kommentar", "the comment"):
                continue
            data["deviation_comments"].setdefault(period, {})[deviation_id] = {
                "comment": comment,
                "measures": measures,
            }
            changed += 1
        return changed

    def _investments(self, data: dict[str, Any], period: str) -> int:
        sheet, known = INVESTMENT_SHEET, {i.name for i in self.plan.investments}
        changed = 0
        for row, v in self.rows(sheet, INVESTMENT_COLUMNS):
            carry = v["Ombudgetering, kr"]
            carry = None if carry == "–" else carry  # the locked dash outside the annual report
            comment, forecast, measures = v["Kommentar"], v["Egen prognos, kr"], v["Åtgärder"]
            if comment is None and forecast is None and measures is None and carry is None:
                continue
            if not self.same_period(sheet, row, 2, v["Period"]):
                continue
            if v["Investering"] not in known:
                self.refuse(
                    sheet,
                    row,
                    1,
                    f"okänd investering ”{v['Investering']}”",
                    f"unknown investment {v['Investering']!r}",
                )
                continue
            forecast_sek = self.amount(sheet, row, 8, forecast)
            carry_sek = self.amount(sheet, row, 10, carry)
            if not self.required(sheet, row, 7, comment, "kommentar", "the comment"):
                continue
            data["investments"].setdefault(period, {})[v["Investering"]] = {
                "comment": comment,
                "forecast_sek": forecast_sek,
                "measures": measures,
                "carry_over_sek": carry_sek,
            }
            changed += 1
        return changed

    def _other(self, data: dict[str, Any], period: str) -> int:
        sheet = OTHER_SHEET
        entries = []
        for row, v in self.rows(sheet, OTHER_COLUMNS):
            title, description, measures = v["Rubrik"], v["Beskrivning"], v["Åtgärder"]
            if title is None and description is None and measures is None:
                continue
            if not self.same_period(sheet, row, 1, v["Period"]):
                continue
            ok = self.required(sheet, row, 2, title, "rubrik", "the title")
            ok = self.required(sheet, row, 3, description, "beskrivning", "the description") and ok
            if ok:
                entries.append({"title": title, "description": description, "measures": measures})
        if entries:
            data["other_deviations"][period] = entries
        return len(entries)


def sheet_period(sheet_path: Path) -> str | None:
    """The period a comment sheet says it is for (to find the year's inputs file), None when unreadable."""
    try:
        info = load_workbook(sheet_path, read_only=True, data_only=True)[INFO_SHEET]
    except UNREADABLE:
        return None
    for row in info.iter_rows(min_row=1, max_col=2, values_only=True):
        if row[0] == INFO_PERIOD:
            return str(row[1])
    return None


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _write_atomically(path: Path, inputs: Inputs) -> None:
    """Replace the inputs file in one rename, keeping its mode; empty sections and unset values are left
    out."""
    data = inputs.model_dump(mode="json", exclude_none=True)
    data = {key: value for key, value in data.items() if value or key == "year"}
    text = HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    replace_file(path, text.encode("utf-8"), mode=mode)
