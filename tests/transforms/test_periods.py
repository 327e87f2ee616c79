"""Month arithmetic, the one copy in the core: expected months and days are written out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from transforms.periods import Month, Window, calendar_year, rolling_window, year_to_date

D = dt.date


@pytest.mark.parametrize(
    ("month", "step", "expected"),
    [
        (Month(2025, 12), 1, Month(2026, 1)),  # over the year end
        (Month(2025, 1), -1, Month(2024, 12)),  # back over the year start
        (Month(2025, 3), -14, Month(2024, 1)),  # 2 months back to January, then 12 more: a year earlier
        (Month(2025, 3), 24, Month(2027, 3)),
        (Month(2025, 3), 0, Month(2025, 3)),
    ],
)
def test_plus_carries_over_year_boundaries(month: Month, step: int, expected: Month) -> None:
    assert month.plus(step) == expected


@pytest.mark.parametrize(
    ("period", "expected"),
    [(202501, Month(2025, 1)), (202412, Month(2024, 12)), (199910, Month(1999, 10))],
)
def test_of_period_reads_the_sources_integer_period(period: int, expected: Month) -> None:
    assert Month.of_period(period) == expected
    assert Month.of_period(period).yyyymm == period


@pytest.mark.parametrize("period", [202513, 202500])
def test_of_period_refuses_a_month_that_does_not_exist(period: int) -> None:
    with pytest.raises(ValueError, match="month must be 1..12"):
        Month.of_period(period)


@pytest.mark.parametrize(
    ("month", "last_day"),
    [
        (Month(2025, 1), D(2025, 1, 31)),
        (Month(2025, 4), D(2025, 4, 30)),
        (Month(2025, 2), D(2025, 2, 28)),  # 2025 is not a leap year
        (Month(2024, 2), D(2024, 2, 29)),  # divisible by 4
        (Month(2100, 2), D(2100, 2, 28)),  # a century not divisible by 400: no leap day
        (Month(2000, 2), D(2000, 2, 29)),  # divisible by 400: a leap day
        (Month(2025, 12), D(2025, 12, 31)),
    ],
)
def test_month_ends(month: Month, last_day: dt.date) -> None:
    assert month.last_day == last_day
    assert month.first_day == D(month.year, month.month, 1)


def test_window_months_over_the_year_end() -> None:
    window = Window(Month(2024, 11), Month(2025, 2))
    assert [m.yyyymm for m in window.months] == [202411, 202412, 202501, 202502]
    assert window.month_ends == [D(2024, 11, 30), D(2024, 12, 31), D(2025, 1, 31), D(2025, 2, 28)]
    assert str(window) == "2024-11..2025-02"


def test_a_window_of_one_month() -> None:
    assert Window(Month(2025, 6), Month(2025, 6)).months == [Month(2025, 6)]


def test_rolling_window_and_year_to_date() -> None:
    assert rolling_window(Month(2025, 4), 12) == Window(Month(2024, 5), Month(2025, 4))
    assert rolling_window(Month(2025, 12), 12) == Window(Month(2025, 1), Month(2025, 12))  # the year itself
    assert rolling_window(Month(2025, 4), 3) == Window(Month(2025, 2), Month(2025, 4))
    assert year_to_date(Month(2025, 4)) == Window(Month(2025, 1), Month(2025, 4))
    assert year_to_date(Month(2025, 1)) == Window(Month(2025, 1), Month(2025, 1))


@pytest.mark.parametrize("year", [2024, 2025])
def test_calendar_year(year: int) -> None:
    window = calendar_year(year)
    assert (window.first, window.last) == (Month(year, 1), Month(year, 12))
    assert len(window.months) == 12
    assert window.month_ends[1] == D(year, 2, 29 if year == 2024 else 28)


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        # The rolling 12 months of April 2025 already hold its year to date: the rolling window itself.
        (
            (Window(Month(2024, 5), Month(2025, 4)), Window(Month(2025, 1), Month(2025, 4))),
            Window(Month(2024, 5), Month(2025, 4)),
        ),
        # A rolling 3 months of April is shorter than the year to date: from January.
        (
            (Window(Month(2025, 2), Month(2025, 4)), Window(Month(2025, 1), Month(2025, 4))),
            Window(Month(2025, 1), Month(2025, 4)),
        ),
        # Two windows with a gap between them: the months between are spanned too.
        (
            (Window(Month(2024, 11), Month(2024, 12)), Window(Month(2025, 3), Month(2025, 4))),
            Window(Month(2024, 11), Month(2025, 4)),
        ),
        # Single months, in any order.
        ((Month(2025, 3), Month(2024, 12), Month(2025, 1)), Window(Month(2024, 12), Month(2025, 3))),
        ((Month(2025, 3),), Window(Month(2025, 3), Month(2025, 3))),
        ((calendar_year(2025), Month(2026, 2)), Window(Month(2025, 1), Month(2026, 2))),
    ],
)
def test_spanning(periods: tuple[Month | Window, ...], expected: Window) -> None:
    assert Window.spanning(*periods) == expected


def test_spanning_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Window.spanning()
