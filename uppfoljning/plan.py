"""The operational plan as typed data: schema, loader and the few look-ups every stage needs.

The plan file (plans/verksamhetsplan-YYYY.yaml) is the only place where goals, targets, budgets, the report
calendar, the account mapping and the definition choices live. Unknown keys are errors, so a typo in the
file fails loudly instead of silently falling back to a default.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from uppfoljning.datafile import load_yaml
from uppfoljning.errors import DataError, schema_error_key

MNKR = 1_000_000.0
ReportKind = Literal["avvikelserapport", "ur1", "ur2", "arsredovisning", "manadsrapport"]
PNL_ROWS = ("intakter", "personalkostnader", "ovriga_driftskostnader")
"""The rows whose sum is the net cost (netto); the allocation (regionbidrag) is outside it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BoardGoal(_Strict):
    id: str
    name: str
    commitments: list[str] = []
    """The goal's commitments (åtaganden), word for word from the plan: every sentence of the goal text
    that says what the board or the work shall or will do."""


class CouncilGoal(_Strict):
    name: str
    board_goals: list[BoardGoal]


class FocusArea(_Strict):
    id: str
    name: str
    council_goals: list[CouncilGoal]


class BasicMission(_Strict):
    id: str = "grunduppdrag"
    name: str
    text: str


class Activity(_Strict):
    id: str
    name: str
    desired_effect: str | None = None
    """The plan's "Önskade effekter" of a work-environment activity, word for word."""


class FollowUpTool(_Strict):
    """A way the work-environment plan is followed up (egenkontroller, medarbetarundersökning, ...)."""

    id: str
    name: str


class EconomyIndicator(_Strict):
    """A row of the plan's Tabell 3 (economy indicators): the figures key it shows and the plan's wording."""

    id: Literal[
        "periodresultat",
        "ackumulerad_budgetavvikelse",
        "prognos_budgetavvikelse",
        "prognos_investeringsbudgetavvikelse",
    ]
    name: str
    description: str | None = None


class Materiality(_Strict):
    """When a deviation is listed (and must be explained) in a board report."""

    economy_share_of_net_budget_percent: float = Field(gt=0)
    """An economy row or the result is material when its accumulated or forecast deviation is at least
    this share of the year's net budget (0.5 % of 820 mnkr = 4.1 mnkr)."""
    investment_share_of_budget_percent: float = Field(gt=0)
    """An investment is material when its forecast deviation is at least this share of its budget, or at
    least the economy threshold."""
    indicator_missing_target: bool = True
    """An indicator is material when it misses its target."""


class Indicator(_Strict):
    name: str
    sentence_name: str
    """The indicator as the subject of a Swedish sentence ("Sjukfrånvaron")."""
    target: float
    direction: Literal["lower_is_better", "higher_is_better"]
    description: str

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value <= self.target if self.direction == "lower_is_better" else value >= self.target


class Investment(_Strict):
    name: str
    category: Literal["beslutad", "reinvestering"]
    budget_mnkr: dict[int, float]


class ReportRow(_Strict):
    id: str
    name: str
    accounts: list[tuple[int, int]]
    type: Literal["revenue", "cost"]
    """How a reader names the row's deviations: more revenue is better, more cost is worse."""
    sentence_name: str
    """The row as the subject of a Swedish sentence ("Personalkostnaderna", "Regionbidraget")."""


class ReportKindSpec(_Strict):
    title: str
    whole_plan: bool
    board_report: bool
    """Sent to the board: investment comments are then mandatory (plan, Tabell 3)."""
    audience: str


class EndReasonGroup(_Strict):
    """A line of the turnover breakdown: the end reasons it counts, and whether the person stays."""

    label: str
    reasons: list[str]
    internal: bool = False
    """True for moves within the region (byte av tjänst): the person did not leave the region."""


class TurnoverDefinition(_Strict):
    window_months: int = Field(ge=1, le=24)
    employment_types: list[str]
    end_reasons: list[str]
    end_reason_groups: list[EndReasonGroup] = []

    @model_validator(mode="after")
    def _groups_partition_reasons(self) -> TurnoverDefinition:
        if self.end_reason_groups:
            grouped = [r for g in self.end_reason_groups for r in g.reasons]
            if sorted(grouped) != sorted(self.end_reasons):
                raise ValueError("end_reason_groups must list every end reason of end_reasons exactly once")
        return self


class AgeGroup(_Strict):
    label: str
    min_age: int | None = None
    max_age: int | None = None


class SickLeaveDefinition(_Strict):
    window_months: int = Field(ge=1, le=24)
    long_term_min_days: int = Field(ge=1)
    age_groups: list[AgeGroup]


class Definitions(_Strict):
    turnover: TurnoverDefinition
    sick_leave: SickLeaveDefinition
    suppression_max_group_size: int = Field(ge=0)


class Plan(_Strict):
    year: int
    organisation: str
    approved_budget_version: str
    focus_areas: list[FocusArea]
    basic_mission: BasicMission
    work_environment_activities: list[Activity]
    work_environment_follow_up: list[FollowUpTool] = []
    indicators: dict[Literal["personalomsattning", "sjukfranvaro"], Indicator]
    economy_indicators: list[EconomyIndicator] = []
    materiality: Materiality
    operating_budget_mnkr: dict[str, float]
    investments: list[Investment]
    report_rows: list[ReportRow]
    balance_sheet_accounts: list[tuple[int, int]]
    investment_accounts: list[tuple[int, int]]
    calendar: dict[int, ReportKind]
    default_report_kind: ReportKind
    report_kinds: dict[ReportKind, ReportKindSpec]
    definitions: Definitions

    @model_validator(mode="after")
    def _consistent(self) -> Plan:
        row_ids = [r.id for r in self.report_rows]
        missing = {*PNL_ROWS, "regionbidrag"} - set(row_ids)
        if missing:
            raise ValueError(f"report_rows lacks {sorted(missing)}")
        if set(self.operating_budget_mnkr) != set(row_ids):
            raise ValueError("operating_budget_mnkr must have exactly one amount per report row")
        if any(not 1 <= m <= 12 for m in self.calendar):
            raise ValueError("calendar months must be 1..12")
        kinds_used = {*self.calendar.values(), self.default_report_kind}
        if kinds_used - set(self.report_kinds):
            raise ValueError(f"report_kinds lacks {sorted(kinds_used - set(self.report_kinds))}")
        goal_ids = [g.id for g in self.board_goals()]
        if len(goal_ids) != len(set(goal_ids)):
            raise ValueError("board goal ids must be unique")
        return self

    # --- look-ups -------------------------------------------------------------------------------------
    def board_goals(self) -> list[BoardGoal]:
        return [g for fa in self.focus_areas for cg in fa.council_goals for g in cg.board_goals]

    def report_kind(self, month: int) -> ReportKind:
        return self.calendar.get(month, self.default_report_kind)

    def previous_report_month(self, month: int) -> int | None:
        """The month of the previous report of the same year (contract §3, forecast_previous): the latest
        earlier month whose kind is not a månadsrapport; None for the year's first report."""
        earlier = [m for m in range(1, month) if self.report_kind(m) != "manadsrapport"]
        return earlier[-1] if earlier else None

    def report_row(self, row_id: str) -> ReportRow:
        return next(r for r in self.report_rows if r.id == row_id)

    def row_for_account(self, account: str) -> str | None:
        """The report row of a P&L account, 'balance' for a balance-sheet account, None when unmapped."""
        try:
            number = int(account)
        except (TypeError, ValueError):
            return None
        for row in self.report_rows:
            if any(lo <= number <= hi for lo, hi in row.accounts):
                return row.id
        if any(lo <= number <= hi for lo, hi in self.balance_sheet_accounts):
            return "balance"
        return None

    def is_investment_account(self, account: str) -> bool:
        try:
            number = int(account)
        except (TypeError, ValueError):
            return False
        return any(lo <= number <= hi for lo, hi in self.investment_accounts)

    def budget_year_sek(self, row: str) -> float:
        """The plan's approved full-year budget of a report row, SEK in ledger sign."""
        if row == "netto":
            return sum(self.budget_year_sek(r) for r in PNL_ROWS)
        return self.operating_budget_mnkr[row] * MNKR


def load_plan(path: Path | None = None, year: int = 2025) -> Plan:
    """Load a plan file; without a path, the built-in plan of `year`."""
    source = f"plans/verksamhetsplan-{year}.yaml" if path is None else str(path)
    try:
        if path is None:
            text = (
                resources.files("plans").joinpath(f"verksamhetsplan-{year}.yaml").read_text(encoding="utf-8")
            )
        else:
            text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(
            table=source,
            key="the file",
            rule="plan.exists",
            problem=f"there is no plan file for {year}" if path is None else "the plan file does not exist",
            fix="Give the plan with --plan, or add plans/verksamhetsplan-YYYY.yaml.",
        ) from None
    except OSError as exc:
        raise DataError(
            table=source, key="the file", rule="plan.readable", problem=f"the plan file cannot be read: {exc}"
        ) from exc
    try:
        return Plan.model_validate(load_yaml(text))
    except (yaml.YAMLError, ValidationError) as exc:  # pydantic's message names the field; add the file
        raise DataError(
            table=source,
            key=schema_error_key(exc),
            rule="plan.schema",
            problem=f"the plan file is invalid: {exc}",
        ) from exc
