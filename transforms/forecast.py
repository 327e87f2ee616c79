"""Year-end forecast (helårsprognos), domain §5."""

from __future__ import annotations


def budget_based_forecast(*, actual_ytd: int, budget_year: int, budget_ytd: int, adjustment: int) -> int:
    """Actual to date + the rest of the periodised budget + controllers' adjustments (each with a comment).

    Whole öre in, whole öre out. In December the rest of the budget is 0, so this is the outcome plus the
    adjustment; transforms.figures passes no adjustment then.
    """
    return actual_ytd + (budget_year - budget_ytd) + adjustment
