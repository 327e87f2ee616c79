"""The numbers in the data-quality rules, as data: `expectations/thresholds.yaml` beside the rules.

They live in a file of their own rather than in the plan: the plan is the board's yearly decisions, while
these limits describe what the region's source data may look like, belong to whoever runs the pipeline,
and hold across years. A region overrides any of them with a file that lists only what differs.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from uppfoljning.datafile import file_error, invalid_file, load_yaml, read_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Years(_Strict):
    first: int = Field(ge=1000, le=9999)
    last: int = Field(ge=1000, le=9999)

    @model_validator(mode="after")
    def _ordered(self) -> Years:
        if self.first > self.last:
            raise ValueError(f"first ({self.first}) is after last ({self.last})")
        return self


class Thresholds(_Strict):
    """See thresholds.yaml for what each one means and which rule reads it."""

    plausible_years: Years
    voucher_tolerance_sek: float = Field(ge=0)
    decimals_tolerance_ore: float = Field(ge=0, lt=0.5)
    period_end_grace_days: int = Field(ge=0, le=31)
    plan_tolerance_sek: float = Field(ge=0)
    max_scheduled_hours_per_month: float = Field(gt=0)
    min_scheduled_hours_per_month: float

    @model_validator(mode="after")
    def _hours_ordered(self) -> Thresholds:
        if self.min_scheduled_hours_per_month > self.max_scheduled_hours_per_month:
            raise ValueError(
                "min_scheduled_hours_per_month is above max_scheduled_hours_per_month "
                f"({self.min_scheduled_hours_per_month} > {self.max_scheduled_hours_per_month})"
            )
        return self

    def sql_values(self) -> dict[str, str]:
        """Each number as SQL text under its own name, for the rules' `{placeholders}`."""
        values = self.model_dump(exclude={"plausible_years"})
        return {name: _sql_number(value) for name, value in values.items()}


def _sql_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


RULE = "thresholds.valid"
"""The rule a broken thresholds file fails (a DataError: exit status 2, nothing runs)."""


def default_thresholds() -> Thresholds:
    return _validated(_builtin(), "expectations/thresholds.yaml")


def load_thresholds(path: Path | None) -> Thresholds:
    """The built-in thresholds, with those of the file at `path` (if any) in their place. Raises a
    DataError naming the file and every problem."""
    if path is None:
        return default_thresholds()
    data = read_yaml(path, "thresholds file", RULE)
    if not isinstance(data, dict):
        raise file_error(path, "thresholds file", RULE, "is invalid: expected a mapping of names to values")
    return _validated({**_builtin(), **data}, str(path))


def _builtin() -> dict[str, Any]:
    text = resources.files("expectations").joinpath("thresholds.yaml").read_text(encoding="utf-8")
    return dict(load_yaml(text))


def _validated(data: dict[str, Any], source: str) -> Thresholds:
    try:
        return Thresholds.model_validate(data)
    except ValidationError as exc:
        raise invalid_file(source, "thresholds file", RULE, exc) from exc
