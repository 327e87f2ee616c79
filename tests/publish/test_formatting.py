"""Swedish formatting of report figures (domain §6): decimal comma, space-grouped thousands, real minus."""

from datetime import date, datetime

import pytest

from publish.formatting import (
    count_word,
    date_sv,
    mnkr,
    mnkr_or_tkr,
    money,
    month_name,
    month_span,
    number,
    percent,
    target_percent,
    verdict_percent,
)

NBSP = "\u00a0"
MINUS = "\u2212"


@pytest.mark.parametrize(
    ("sek", "expected"),
    [
        (600_000.0, "0,6"),  # domain §3's own example: 0,6 mnkr
        (-440_000_000.0, f"{MINUS}440,0"),  # revenues in ledger sign, with U+2212, not "-"
        (1_234_567_890.0, f"1{NBSP}234,6"),  # thousands grouped by a no-break space
        (-1_234_567_890.0, f"{MINUS}1{NBSP}234,6"),
        (820_000_000, "820,0"),  # an int is fine too
        (0.0, "0,0"),
        (50_000.0, "0,1"),  # 0,05 rounds half up (accounting), not half to even
        (-50_000.0, f"{MINUS}0,1"),
        (-40_000.0, "0,0"),  # rounds to zero: no "−0,0"
        (149_999.99, "0,1"),
        (None, "–"),
    ],
)
def test_mnkr(sek: float | None, expected: str) -> None:
    assert mnkr(sek) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (5.2, 1, f"5,2{NBSP}%"),
        (11.0, 1, f"11,0{NBSP}%"),
        (10.849, 1, f"10,8{NBSP}%"),
        (41.25, 1, f"41,3{NBSP}%"),  # half up
        (5.2, 0, f"5{NBSP}%"),
        (-1.5, 1, f"{MINUS}1,5{NBSP}%"),
        (None, 1, "–"),
    ],
)
def test_percent(value: float | None, decimals: int, expected: str) -> None:
    assert percent(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (85, 0, "85"),
        (786.9, 1, "786,9"),
        (1234567, 0, f"1{NBSP}234{NBSP}567"),
        (-12.5, 0, f"{MINUS}13"),
        (None, 0, "–"),
    ],
)
def test_number(value: float | None, decimals: int, expected: str) -> None:
    assert number(value, decimals) == expected


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2025-01", "januari 2025"),
        ("2025-02", "februari 2025"),
        ("2025-03", "mars 2025"),
        ("2025-04", "april 2025"),
        ("2025-05", "maj 2025"),
        ("2025-06", "juni 2025"),
        ("2025-07", "juli 2025"),
        ("2025-08", "augusti 2025"),
        ("2025-09", "september 2025"),
        ("2025-10", "oktober 2025"),
        ("2025-11", "november 2025"),
        ("2025-12", "december 2025"),
        (None, "–"),
    ],
)
def test_month_name(period: str | None, expected: str) -> None:
    assert month_name(period) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2025-01", "2025-04", "januari–april 2025"),  # year to date
        ("2024-05", "2025-04", "maj 2024 – april 2025"),  # rolling 12 months across the year end
        ("2025-01", "2025-01", "januari 2025"),
        (None, "2025-04", "–"),
    ],
)
def test_month_span(start: str | None, end: str | None, expected: str) -> None:
    assert month_span(start, end) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2025, 2, 3), "3 februari 2025"),
        (datetime(2026, 11, 26, 6, 0), "26 november 2026"),
        ("2026-11-26T06:00:00+01:00", "26 november 2026"),  # generated_at as stored in figures.json
        (None, "–"),
    ],
)
def test_date_sv(value: date | str | None, expected: str) -> None:
    assert date_sv(value) == expected


@pytest.mark.parametrize(("value", "expected"), [(0, "noll"), (10, "tio"), (12, "tolv"), (13, "13")])
def test_count_word(value: int, expected: str) -> None:
    assert count_word(value) == expected


@pytest.mark.parametrize(
    ("value", "target", "direction", "expected"),
    [
        # "5,2 %" beside "högst 5,2 %" and "uppnås inte" would contradict: the second decimal carries it.
        (5.24, 5.2, "lower_is_better", "5,24"),
        (5.236, 5.2, "lower_is_better", "5,24"),
        (5.2004, 5.2, "lower_is_better", "5,2004"),  # as many decimals as it takes
        (5.2, 5.2, "lower_is_better", "5,2"),  # exactly on target: met, one decimal agrees
        (5.16, 5.2, "lower_is_better", "5,2"),  # met, and "5,2" reads as met: one decimal
        (5.25, 5.2, "lower_is_better", "5,3"),  # not met, and "5,3" reads as not met
        (11.04, 11.0, "lower_is_better", "11,04"),
        (10.96, 11.0, "higher_is_better", "10,96"),  # "11,0" would read as reaching "minst 11,0 %"
        (11.0, 11.0, "higher_is_better", "11,0"),
    ],
)
def test_verdict_percent_shows_the_precision_that_carries_the_verdict(
    value: float, target: float, direction: str, expected: str
) -> None:
    assert verdict_percent(value, target, direction) == f"{expected}{NBSP}%"


def test_verdict_percent_of_nothing_is_a_dash() -> None:
    assert verdict_percent(None, 5.2, "lower_is_better") == "–"


def test_target_percent_keeps_the_plans_precision() -> None:
    assert target_percent(5.2) == f"5,2{NBSP}%"
    assert target_percent(11.0) == f"11,0{NBSP}%"
    assert target_percent(5.25) == f"5,25{NBSP}%"


@pytest.mark.parametrize(
    ("value", "small", "expected"),
    [
        (10_000_000.0, False, "10,0"),
        (869_000.0, False, "0,9"),  # readable in mnkr: stays
        (40_000.0, False, f"40{NBSP}tkr"),  # would read 0,0
        (-24_000.0, False, f"{MINUS}24{NBSP}tkr"),
        (0.0, False, "0,0"),
        (
            624_000.0,
            True,
            f"624{NBSP}tkr",
        ),  # a 600 tkr investment: 624 spent must not read 0,6 like its budget
        (600_000.0, True, f"600{NBSP}tkr"),
        (0.0, True, f"0{NBSP}tkr"),  # its deviation, in the row's unit like the rest of the row
        (1_200_000.0, True, "1,2"),
        (None, False, "–"),
    ],
)
def test_mnkr_or_tkr(value: float | None, small: bool, expected: str) -> None:
    assert mnkr_or_tkr(value, small) == expected


def test_money_carries_its_unit() -> None:
    assert money(2_300_000) == f"2,3{NBSP}mnkr"
    assert money(-624_000) == f"{MINUS}624{NBSP}tkr"
    assert money(300) == f"300{NBSP}kr"
