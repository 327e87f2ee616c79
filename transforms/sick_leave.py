"""Sjukfrånvaro: the statutory sick-leave ratios (LKBR ch. 11; SKR's key figures), with suppression.

All ratios are hours / hours × 100 over employees with ordinary working time. A group's figure is
withheld (None) when the group has at most `max_suppressed_size` persons, as the law requires.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

SEXES = ("K", "M")


def ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator <= 0 else numerator / denominator * 100


def _group_value(groups: pd.DataFrame, max_suppressed_size: int) -> float | None:
    if int(groups["persons"].sum()) <= max_suppressed_size:
        return None
    return ratio(float(groups["sick_hours"].sum()), float(groups["scheduled_hours"].sum()))


def sjukfranvaro(
    rolling: pd.DataFrame,
    ytd: pd.DataFrame,
    *,
    age_labels: Sequence[str],
    max_suppressed_size: int,
) -> dict[str, object]:
    """Headline (rolling window), YTD, long-term share and breakdowns by sex and age group.

    An office of at most `max_suppressed_size` persons gets no figure at all: the headline, its YTD and
    the long-term shares are withheld like the groups (`suppressed`, `suppressed_ytd` say so).

    `rolling` and `ytd` hold one row per (sex, age_group) with persons, scheduled_hours, sick_hours and
    long_term_hours. The long-term share divides by sick hours, not scheduled hours (statutory item 2).
    """
    total_persons = int(rolling["persons"].sum())
    shown = total_persons > max_suppressed_size
    shown_ytd = int(ytd["persons"].sum()) > max_suppressed_size
    long_term_share = ratio(float(rolling["long_term_hours"].sum()), float(rolling["sick_hours"].sum()))
    long_term_share_ytd = ratio(float(ytd["long_term_hours"].sum()), float(ytd["sick_hours"].sum()))
    return {
        "value": _group_value(rolling, max_suppressed_size),
        "value_ytd": _group_value(ytd, max_suppressed_size),
        "long_term_share": long_term_share if shown else None,
        "long_term_share_ytd": long_term_share_ytd if shown_ytd else None,
        # Why a headline figure is missing: the whole population is ten persons or fewer (the report says so).
        "suppressed": not shown,
        "suppressed_ytd": not shown_ytd,
        "by_sex": {sex: _group_value(rolling[rolling["sex"] == sex], max_suppressed_size) for sex in SEXES},
        "by_age": {
            label: _group_value(rolling[rolling["age_group"] == label], max_suppressed_size)
            for label in age_labels
        },
        "persons": total_persons if shown else None,
        # The statutory annual disclosure is the calendar year: the same groups over the year to date.
        "by_sex_ytd": {sex: _group_value(ytd[ytd["sex"] == sex], max_suppressed_size) for sex in SEXES},
        "by_age_ytd": {
            label: _group_value(ytd[ytd["age_group"] == label], max_suppressed_size) for label in age_labels
        },
    }
