"""Personalomsättning (personnel turnover), our documented default definition (domain §3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from uppfoljning.plan import EndReasonGroup


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


def leavers_by_reason_group(
    leavers_by_reason: Mapping[str, int],
    groups: Sequence[EndReasonGroup],
    *,
    turnover_suppressed: bool,
    max_suppressed_size: int,
) -> dict[str, object]:
    """The leavers of the turnover window per end-reason group of the plan, with suppression.

    A count is about the persons who ended for that reason, so it follows the rule for groups: a count of
    one to `max_suppressed_size` persons is withheld (None). A count of 0 is about no one and is shown.
    The total (the turnover's numerator) is published, so a single withheld count could be found by
    subtraction: then the smallest shown count is withheld too (complementary suppression). "Left the
    region" (all but internal moves) is shown only when the internal moves are, for the same reason.
    When the turnover itself is withheld (a small office), every count is.
    """
    counts = [sum(int(leavers_by_reason.get(r, 0)) for r in g.reasons) for g in groups]
    if turnover_suppressed:
        withheld = set(range(len(groups)))
    else:
        withheld = {i for i, n in enumerate(counts) if 0 < n <= max_suppressed_size}
        shown = [i for i in range(len(groups)) if i not in withheld]
        if len(withheld) == 1 and shown:
            withheld.add(min(shown, key=lambda i: (counts[i], i)))
    lines = [
        {
            "label": g.label,
            "reasons": list(g.reasons),
            "internal": g.internal,
            "count": None if i in withheld else counts[i],
        }
        for i, g in enumerate(groups)
    ]
    internal = [i for i, g in enumerate(groups) if g.internal]
    internal_shown = not turnover_suppressed and not any(i in withheld for i in internal)
    left_region = sum(n for i, n in enumerate(counts) if i not in internal)
    return {
        "groups": lines,
        "left_region": left_region if internal_shown and internal else None,
        "internal_moves": sum(counts[i] for i in internal) if internal_shown and internal else None,
        "any_suppressed": bool(withheld),
    }
