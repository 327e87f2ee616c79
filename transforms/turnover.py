"""Personalomsättning (personnel turnover), our documented default definition (domain §3)."""

from __future__ import annotations

from collections.abc import Sequence


def personalomsattning(
    leavers: int, headcounts: Sequence[int], *, max_suppressed_size: int
) -> dict[str, object]:
    """Leavers in the window / mean of the window's month-end headcounts × 100.

    The figure is withheld (None) when the mean headcount is at most `max_suppressed_size`: so few
    employees make leavers traceable to individuals.
    """
    denominator = sum(headcounts) / len(headcounts) if headcounts else 0.0
    value = None if denominator <= max_suppressed_size else leavers / denominator * 100
    return {"value": value, "numerator": leavers, "denominator": denominator}
