"""What the generator's parts share: exact integer splits, the calendar, and row types.

Amounts are integer öre and hours integer centi-hours until a row is written, so budget totals and voucher
balances are exact. Month arithmetic is `transforms.periods.Month`'s, as everywhere in the project.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from transforms.periods import Month

Row = dict[str, Any]
ORE_PER_MNKR = 100_000_000


def split_exact(total: int, weights: Sequence[float]) -> list[int]:
    """Split an integer total in proportion to weights, parts summing exactly to it (largest remainder)."""
    sign, magnitude = (-1, -total) if total < 0 else (1, total)
    scaled = [round(w * 1_000_000) for w in weights]  # integer weights: the split is exact arithmetic
    weight_sum = sum(scaled)
    parts = [magnitude * w // weight_sum for w in scaled]
    by_remainder = sorted(range(len(parts)), key=lambda i: (-(magnitude * scaled[i] % weight_sum), i))
    for i in by_remainder[: magnitude - sum(parts)]:
        parts[i] += 1
    return [sign * p for p in parts]


def round_div(numerator: int, denominator: int) -> int:
    """Integer division rounded half up, for non-negative numerators (exact, unlike float rounding)."""
    return (2 * numerator + denominator) // (2 * denominator)


def last_day_of_month(year: int, month: int) -> date:
    return Month(year, month).last_day


def months_between(first_day: date, last_day: date) -> list[tuple[int, int]]:
    """The (year, month) pairs that overlap [first_day, last_day]."""
    return [
        (year, month)
        for year in range(first_day.year, last_day.year + 1)
        for month in range(1, 13)
        if first_day <= last_day_of_month(year, month) and date(year, month, 1) <= last_day
    ]


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    later = Month(year, month).plus(n)
    return later.year, later.month


def yyyymm(year: int, month: int) -> int:
    """The contract's integer period, e.g. 202502."""
    return Month(year, month).yyyymm


def weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def random_weekday(rng: random.Random, year: int, month: int) -> date:
    return weekday_on_or_after(date(year, month, rng.randint(1, last_day_of_month(year, month).day - 3)))


class Weekdays:
    """Counts weekdays (Mon-Fri) of a date range in constant time, within the data's calendar."""

    def __init__(self, first_day: date, last_day: date) -> None:
        self.first_day, self.last_day = first_day, last_day
        self._cumulative = [0]
        for ordinal in range(first_day.toordinal(), last_day.toordinal() + 1):
            self._cumulative.append(self._cumulative[-1] + (date.fromordinal(ordinal).weekday() < 5))

    def between(self, start: date, end: date) -> int:
        """Weekdays in [start, end], clipped to the calendar; 0 for an empty range."""
        start, end = max(start, self.first_day), min(end, self.last_day)
        if start > end:
            return 0
        base = self.first_day.toordinal()
        return self._cumulative[end.toordinal() - base + 1] - self._cumulative[start.toordinal() - base]
