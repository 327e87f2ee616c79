"""Inputs that are not in the source systems: assessments, comments, measures, forecast adjustments.

Finance staff keep them in one YAML file a year (see README, "Inputs"), written by hand or by the import of
the comment sheet (uppfoljning.comment_import). Missing entries are not errors: a missing assessment or
comment is shown as a deviation in the report. A forecast adjustment without a comment is an error, because
the forecast sent to the board must be explainable (domain §5).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from uppfoljning.datafile import load_yaml
from uppfoljning.errors import DataError, schema_error_key

AssessmentStatus = Literal["uppfyllt", "delvis_uppfyllt", "ej_uppfyllt"]
STATUS_LABELS: dict[str, str] = {
    "uppfyllt": "Uppfyllt",
    "delvis_uppfyllt": "Delvis uppfyllt",
    "ej_uppfyllt": "Ej uppfyllt",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Assessment(_Strict):
    status: AssessmentStatus
    comment: str = Field(min_length=1)


def _whole_ore(value: float | None) -> float | None:
    """SEK with at most two decimals: the pipeline counts whole öre and must not round an input silently."""
    if value is not None and Decimal(str(value)) != Decimal(str(value)).quantize(Decimal("0.01")):
        raise ValueError(f"{value} has more than two decimals (amounts are SEK to the öre)")
    return value


class ForecastAdjustment(_Strict):
    row: Literal["intakter", "personalkostnader", "ovriga_driftskostnader", "regionbidrag"]
    amount_sek: float
    comment: str = Field(min_length=1)

    _two_decimals = field_validator("amount_sek")(_whole_ore)


class InvestmentInput(_Strict):
    comment: str | None = None
    forecast_sek: float | None = None
    measures: str | None = None
    """Åtgärder, when the investment is among the deviations."""
    carry_over_sek: float | None = None
    """Proposed carry-over of unspent budget to next year (ombudgetering), in the annual report."""

    _two_decimals = field_validator("forecast_sek", "carry_over_sek")(_whole_ore)


class DeviationComment(_Strict):
    """The controller's explanation of a material deviation, and the measures (åtgärder) taken."""

    comment: str | None = None
    measures: str | None = None


class OtherDeviation(_Strict):
    """The plan's "annan eventuell avvikelse" (avvikelserapport): anything the figures do not show."""

    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    measures: str | None = None


class FollowUpNote(_Strict):
    """What the work-environment follow-up by one of the plan's tools showed, for one report."""

    comment: str = Field(min_length=1)


class Inputs(_Strict):
    year: int
    # report kind (ur1, ur2, arsredovisning) -> board goal id -> assessment
    goal_assessments: dict[str, dict[str, Assessment]] = {}
    # report kind -> work-environment activity id (plan) -> assessment
    activity_assessments: dict[str, dict[str, Assessment]] = {}
    # report kind -> assessment of the basic mission (grunduppdrag)
    basic_mission_assessments: dict[str, Assessment] = {}
    # report kind -> follow-up tool id (plan's work_environment_follow_up) -> what it showed
    work_environment_follow_up: dict[str, dict[str, FollowUpNote]] = {}
    # period "YYYY-MM" -> adjustments valid from that report on (the latest period <= M applies)
    forecast_adjustments: dict[str, list[ForecastAdjustment]] = {}
    # period "YYYY-MM" -> investment name (as in the plan) -> comment / forecast / measures / carry-over
    investments: dict[str, dict[str, InvestmentInput]] = {}
    # period "YYYY-MM" -> deviation id (transforms.deviations) -> comment and measures
    deviation_comments: dict[str, dict[str, DeviationComment]] = {}
    # period "YYYY-MM" -> other deviations of that report
    other_deviations: dict[str, list[OtherDeviation]] = {}

    @field_validator("forecast_adjustments", "investments", "deviation_comments", "other_deviations")
    @classmethod
    def _periods(cls, value: dict[str, object]) -> dict[str, object]:
        for key in value:
            if len(key) != 7 or key[4] != "-" or not (key[:4] + key[5:]).isdigit():
                raise ValueError(f"period key {key!r} is not YYYY-MM")
        return value

    def adjustments_for(self, period: str) -> list[ForecastAdjustment]:
        """The adjustments in force for a report period: those entered for the latest period up to it."""
        keys = sorted(k for k in self.forecast_adjustments if k <= period)
        return list(self.forecast_adjustments[keys[-1]]) if keys else []

    def investment_for(self, period: str, name: str) -> InvestmentInput:
        """The investment comment and forecast of exactly this period (comments are per report)."""
        return self.investments.get(period, {}).get(name, InvestmentInput())

    def deviation_comment_for(self, period: str, deviation_id: str) -> DeviationComment:
        """The comment and measures on one deviation of exactly this period's report."""
        return self.deviation_comments.get(period, {}).get(deviation_id, DeviationComment())


def load_inputs(path: Path | None, year: int) -> Inputs:
    """Load the inputs file; without one, empty inputs (every assessment will show as missing)."""
    if path is None or not Path(path).exists():
        return Inputs(year=year)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(
            table=str(path),
            key="the file",
            rule="inputs.readable",
            problem=f"the inputs file cannot be read: {exc}",
        ) from exc
    try:
        inputs = Inputs.model_validate(load_yaml(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise DataError(
            table=str(path),
            key=schema_error_key(exc),
            rule="inputs.schema",
            problem=f"the inputs file is invalid: {exc}",
        ) from exc
    if inputs.year != year:
        raise DataError(
            table=str(path),
            key="year",
            rule="inputs.year",
            problem=f"the inputs file is for {inputs.year}, the run is for {year}",
        )
    return inputs
