"""Personalomsättning (personnel turnover), our documented default definition (domain §3)."""

from __future__ import annotations

from collections.abc import Sequence


def personalomsattning(
    leavers: int, headcounts: Sequence[int], *, max_suppressed_size: int
) -> dict[str, object]:
    """Leavers in the window / mean of the window's month-end headcounts × 100.

    The figure is withheld when the mean headcount is at most `max_suppressed_size`: so few employees make
    leavers traceable to individuals. Its numerator and denominator are withheld with it (None), since the
    figure follows from them; `suppressed` says why the value is missing.
    """
    denominator = sum(headcounts) / len(headcounts) if headcounts else 0.0
    if denominator <= max_suppressed_size:
        return {"value": None, "numerator": None, "denominator": None, "suppressed": True}
    return {
        "value": leavers / denominator * 100,
        "numerator": leavers,
        "denominator": denominator,
        "suppressed": False,
    }
