"""Year-end forecast (helårsprognos), domain §5."""

from __future__ import annotations


def budget_based_forecast(
    *, actual_ytd: float, budget_year: float, budget_ytd: float, adjustment: float
) -> float:
    """Actual to date + the rest of the periodised budget + controllers' adjustments (each with a comment)."""
    return actual_ytd + (budget_year - budget_ytd) + adjustment
