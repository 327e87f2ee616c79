"""The pure computations on tiny hand-made inputs; expected numbers are worked out in the comments."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from extract.hr import SICK_GROUP_COLUMNS, HrExtract
from extract.ledger import LedgerExtract
from transforms.economy import ROW_KEYS, UnmappedAccountError, economy_rows, results, sum_by_row
from transforms.figures import build_figures
from transforms.investments import InvestmentPlanRow, investment_figures
from transforms.money import ore, ore_from_mnkr, sek
from transforms.periods import Month, rolling_window, year_to_date
from transforms.sick_leave import sjukfranvaro
from transforms.turnover import leavers_by_reason_group, personalomsattning
from uppfoljning.errors import DataError
from uppfoljning.inputs import Inputs
from uppfoljning.plan import load_plan

NAMES = {"intakter": "Intäkter", "personalkostnader": "P", "ovriga_driftskostnader": "Ö", "regionbidrag": "R"}


def series(intakter: int, personal: int, ovriga: int, bidrag: int) -> pd.Series:
    """Amounts per report row in öre."""
    return pd.Series(
        {
            "intakter": intakter,
            "personalkostnader": personal,
            "ovriga_driftskostnader": ovriga,
            "regionbidrag": bidrag,
        }
    )


def test_rolling_window_crosses_the_year() -> None:
    window = rolling_window(Month(2025, 2), 12)
    assert (str(window.first), str(window.last)) == ("2024-03", "2025-02")
    assert len(window.month_ends) == 12
    assert str(window.month_ends[0]) == "2024-03-31" and str(window.month_ends[-1]) == "2025-02-28"
    assert str(year_to_date(Month(2025, 2)).first) == "2025-01"


def test_leap_year_february_ends_on_the_29th() -> None:
    # 2024 is a leap year (divisible by 4, not a century): February's month-end is the 29th; 2025's the 28th.
    window = rolling_window(Month(2024, 3), 2)
    assert [str(d) for d in window.month_ends] == ["2024-02-29", "2024-03-31"]
    assert str(Month(2025, 2).last_day) == "2025-02-28"
    assert str(Month(2100, 2).last_day) == "2100-02-28"  # a century not divisible by 400: no leap day


@pytest.mark.parametrize("text", ["2025-13", "2025-2", "202502", "abcd-ef", ""])
def test_bad_period_is_named(text: str) -> None:
    with pytest.raises(DataError, match="YYYY-MM") as raised:
        Month.parse(text)
    assert (raised.value.table, raised.value.key) == ("--period", repr(text))


def test_economy_rows_signs_and_forecast() -> None:
    # Budget year (mnkr): revenues -440, personnel 586, other 674, allocation -820 -> result 0.
    # Jan-Feb budget: -80, 100, 110, -140 -> budgeted result YTD = -(-80+100+110-140) = 10.
    # Actual Jan-Feb: -90 (more revenue), 95 (lower cost), 120 (higher cost), -140.
    rows = economy_rows(
        actual_ytd=series(-90, 95, 120, -140),
        budget_year=series(-440, 586, 674, -820),
        budget_ytd=series(-80, 100, 110, -140),
        adjustments={"personalkostnader": -3},
        names=NAMES,
    )
    # deviation = budget - actual: revenues -80 - -90 = 10 (favourable), personnel 100-95 = 5, other 110-120 = -10.
    assert [
        rows[r]["deviation_ytd"] for r in ("intakter", "personalkostnader", "ovriga_driftskostnader")
    ] == [
        10,
        5,
        -10,
    ]
    # forecast = actual + (budget_year - budget_ytd) + adjustment: personnel 95 + 486 - 3 = 578; deviation 8.
    assert rows["personalkostnader"]["forecast_year"] == 578
    assert rows["personalkostnader"]["forecast_deviation"] == 8
    # netto = the three rows: budget 820, actual -90+95+120 = 125, deviation 5.
    assert rows["netto"]["budget_year"] == 820 and rows["netto"]["actual_ytd"] == 125
    assert rows["netto"]["deviation_ytd"] == 5
    assert list(rows) == ["intakter", "personalkostnader", "ovriga_driftskostnader", "netto", "regionbidrag"]
    figures = results(rows)
    # periodresultat = -(125 - 140) = 15; budgeted YTD = 10 -> accumulated deviation 5.
    assert figures["periodresultat"] == 15
    assert figures["ackumulerad_budgetavvikelse"] == 5
    # forecast result = -(netto forecast + allocation forecast): netto forecast = (-90-360)+(578)+(120+564) = 812,
    # allocation -140-680 = -820 -> result 8 -> deviation against the budgeted 0 is 8.
    assert figures["prognos_budgetavvikelse"] == 8


def test_an_unmapped_account_is_a_data_error_naming_table_key_and_rule() -> None:
    amounts = pd.DataFrame({"account": ["3011", "8500"], "amount_ore": [-100, 200]})
    with pytest.raises(UnmappedAccountError) as raised:
        sum_by_row(amounts, {"3011": "intakter", "8500": None}, source="gl_entries")
    assert isinstance(raised.value, DataError)
    assert (raised.value.table, raised.value.key, raised.value.rule) == (
        "gl_entries",
        "account 8500",
        "ledger.account_mapped",
    )


@pytest.mark.parametrize(
    ("leavers", "headcounts", "expected"),
    [
        (11, [100] * 12, 11.0),  # 11 / 100 * 100
        (3, [20, 20, 20, 20, 20, 20, 30, 30, 30, 30, 30, 30], 12.0),  # mean 25 -> 3/25 = 12 %
        (1, [10] * 12, None),  # ten employees: suppressed
        (1, [11] * 12, 100 / 11),  # eleven: shown
        (1, [10] * 6 + [11] * 6, 100 / 10.5),  # mean 10.5 is more than ten: shown
        (0, [0] * 12, None),  # nobody (an empty source): suppressed, not a division by zero
    ],
)
def test_personalomsattning(leavers: int, headcounts: list[int], expected: float | None) -> None:
    result = personalomsattning(leavers, headcounts, max_suppressed_size=10)
    if expected is None:
        # The numerator and denominator would give the figure away: withheld with it.
        assert result == {"value": None, "numerator": None, "denominator": None, "suppressed": True}
    else:
        assert result["value"] == pytest.approx(expected, rel=1e-12)
        assert (result["numerator"], result["suppressed"]) == (leavers, False)
        assert result["denominator"] == pytest.approx(sum(headcounts) / 12, rel=1e-12)


def groups(rows: list[tuple[str, str, int, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["sex", "age_group", "persons", "scheduled_hours", "sick_hours", "long_term_hours"]
    )


def test_sjukfranvaro_suppresses_groups_of_ten_or_fewer() -> None:
    rolling = groups(
        [
            ("K", "30-49", 8, 1000.0, 60.0, 30.0),
            ("K", "50-", 4, 500.0, 40.0, 0.0),
            ("M", "30-49", 10, 1500.0, 30.0, 0.0),
        ]
    )
    result = sjukfranvaro(rolling, rolling, age_labels=["-29", "30-49", "50-"], max_suppressed_size=10)
    # Total: 130 / 3000 = 4.333 %; long-term 30 / 130 = 23.08 %.
    assert result["value"] == pytest.approx(130 / 3000 * 100)
    assert result["long_term_share"] == pytest.approx(30 / 130 * 100)
    # K has 12 persons (shown): 100 / 1500; M has exactly 10 (suppressed).
    assert result["by_sex"] == {"K": pytest.approx(100 / 1500 * 100), "M": None}
    # 30-49: 18 persons, 90 / 2500; 50-: 4 persons -> suppressed; -29: nobody -> suppressed.
    assert result["by_age"] == {"-29": None, "30-49": pytest.approx(90 / 2500 * 100), "50-": None}


def projects(*rows: tuple[str, str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        [(project, name, "beslutad", budget) for project, name, budget in rows],
        columns=["project", "name", "category", "budget_ore"],
    )


def actuals(*rows: tuple[int, str, str | None, int]) -> pd.DataFrame:
    return pd.DataFrame(
        [(period, account, "K1", project, amount) for period, account, project, amount in rows],
        columns=["period", "account", "cost_center", "project", "amount_ore"],
    )


def class_1(account: str) -> bool:
    return account.startswith("1")


def test_investments_default_and_override_forecasts() -> None:
    plan_rows = [
        InvestmentPlanRow("Bredband", "beslutad", 100, comment=None, forecast_override_ore=None),
        InvestmentPlanRow("IT", "reinvestering", 50, comment="Över budget", forecast_override_ore=None),
        InvestmentPlanRow("Saknas", "beslutad", 7, comment=None, forecast_override_ore=5),
    ]
    result = investment_figures(
        plan_rows,
        projects(("P1", "Bredband", 100), ("P2", "IT", 50)),
        actuals(
            (202501, "1110", "P1", 30),
            (202502, "1220", "P1", 20),
            (202502, "5410", "P1", 99),
            (202502, "1220", "P2", 60),
        ),
        class_1,
    )
    # P1: 30 + 20 on class 1 (the 5410 row is operating cost) = 50; forecast max(50, 100) = 100.
    assert result[0]["actual_ytd"] == 50 and result[0]["forecast_year"] == 100
    # P2: spent 60 > budget 50 -> forecast 60, deviation -10.
    assert result[1]["forecast_year"] == 60 and result[1]["forecast_deviation"] == -10
    # Not in the source: plan budget, nothing spent, the controller's forecast 5 -> deviation 2.
    assert result[2]["project"] is None and result[2]["forecast_deviation"] == 2


def test_a_credit_note_lowers_investment_spending() -> None:
    plan_rows = [
        InvestmentPlanRow("Bredband", "beslutad", 1_000_000_00, comment=None, forecast_override_ore=None),
        InvestmentPlanRow("IT", "reinvestering", 500_000_00, comment=None, forecast_override_ore=None),
    ]
    result = investment_figures(
        plan_rows,
        projects(("P1", "Bredband", 1_000_000_00), ("P2", "IT", 500_000_00)),
        actuals(
            (202501, "1110", "P1", 300_000_00),
            (202502, "1110", "P1", -50_000_00),  # a credit note: goods returned
            (202502, "1220", "P2", -20_000_00),  # P2's only entry is a credit note (last year's invoice)
        ),
        class_1,
    )
    # P1: 300 000 - 50 000 = 250 000 SEK spent; forecast max(250 000, 1 000 000) = 1 000 000.
    assert (result[0]["actual_ytd"], result[0]["forecast_year"]) == (250_000_00, 1_000_000_00)
    # P2: -20 000 SEK spent; forecast max(-20 000, 500 000) = 500 000, deviation 0.
    assert (result[1]["actual_ytd"], result[1]["forecast_year"], result[1]["forecast_deviation"]) == (
        -20_000_00,
        500_000_00,
        0,
    )


def test_in_december_the_investment_forecast_is_the_outcome() -> None:
    plan_rows = [
        InvestmentPlanRow("Bredband", "beslutad", 100_00, comment=None, forecast_override_ore=None),
        InvestmentPlanRow("IT", "reinvestering", 100_00, comment="Klart", forecast_override_ore=95_00),
    ]
    result = investment_figures(
        plan_rows,
        projects(("P1", "Bredband", 100_00), ("P2", "IT", 100_00)),
        actuals((202512, "1110", "P1", 80_00), (202512, "1110", "P2", 90_00)),
        class_1,
        year_closed=True,
    )
    # The year is over: forecast = spent. P1 80 (not max(80, 100) = 100), deviation 100 - 80 = 20;
    # P2 90 (not the controller's 95), deviation 10.
    assert [(r["forecast_year"], r["forecast_deviation"]) for r in result] == [(80_00, 20_00), (90_00, 10_00)]


def test_a_zero_budget_row() -> None:
    # Övriga driftskostnader has budget rows of 0 only; 500 öre were spent on it.
    budget = pd.DataFrame(
        {"account": ["3010", "4010", "5010", "5010", "8910"], "amount_ore": [-1000, 600, 0, 0, -400]}
    )
    spent = pd.DataFrame({"account": ["3010", "4010", "5010", "8910"], "amount_ore": [-1000, 600, 500, -400]})
    mapping = {
        "3010": "intakter",
        "4010": "personalkostnader",
        "5010": "ovriga_driftskostnader",
        "8910": "regionbidrag",
    }
    budget_rows = sum_by_row(budget, mapping, source="budget_entries")
    rows = economy_rows(
        actual_ytd=sum_by_row(spent, mapping, source="gl_entries"),
        budget_year=budget_rows,
        budget_ytd=budget_rows,
        adjustments={},
        names=NAMES,
    )
    # budget 0, actual 500: deviation 0 - 500 = -500; forecast 500 + (0 - 0) = 500, deviation -500.
    assert {k: rows["ovriga_driftskostnader"][k] for k in ROW_KEYS} == {
        "budget_year": 0,
        "budget_ytd": 0,
        "actual_ytd": 500,
        "deviation_ytd": -500,
        "forecast_year": 500,
        "forecast_deviation": -500,
    }
    # Result: -(-1000 + 600 + 500 - 400) = 300 öre; budgeted -(-1000 + 600 + 0 - 400) = 800.
    assert results(rows)["periodresultat"] == 300 and results(rows)["budgeted_result_ytd"] == 800


def test_money_is_summed_in_whole_ore_exactly() -> None:
    # 2 000 000 rows alternating 0.10 and 0.20 SEK: 1 000 000 x 30 öre = 30 000 000 öre = 300 000.00 SEK.
    # In binary floats 0.1 + 0.2 + ... drifts (0.1 is 0.1000000000000000055...); in öre it cannot.
    many = pd.DataFrame({"account": ["4010"] * 2_000_000, "amount_ore": [10, 20] * 1_000_000})
    # Plus a sum over millions of SEK: 3 rows of 3 333 333.33 SEK = 9 999 999.99 SEK.
    big = pd.DataFrame({"account": ["5010"] * 3, "amount_ore": [333_333_333] * 3})
    sums = sum_by_row(
        pd.concat([many, big]),
        {"4010": "personalkostnader", "5010": "ovriga_driftskostnader"},
        source="gl_entries",
    )
    assert int(sums["personalkostnader"]) == 30_000_000
    assert int(sums["ovriga_driftskostnader"]) == 999_999_999
    assert sek(999_999_999) == 9_999_999.99 and repr(sek(999_999_999)) == "9999999.99"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (1234.56, 123456),  # the binary product 1234.56 * 100 is 123455.99999999999
        (-3_000_000, -300_000_000),
        (0.29, 29),  # 0.29 * 100 is 28.999999999999996
        (70_000_000.1, 7_000_000_010),
    ],
)
def test_sek_as_typed_becomes_exact_ore(typed: float, expected: int) -> None:
    assert ore(typed) == expected


def test_plan_mnkr_becomes_exact_ore() -> None:
    assert ore_from_mnkr(0.6) == 60_000_000  # 0.6 mnkr = 600 000.00 SEK
    assert ore_from_mnkr(-440) == -44_000_000_000


@pytest.mark.parametrize(("persons", "shown"), [(10, False), (11, True)])
def test_sjukfranvaro_of_a_whole_office_of_ten_or_fewer_is_withheld(persons: int, shown: bool) -> None:
    # K 30-49 with `persons` - 6 persons and M 50- with 6; 2000 scheduled hours, 100 sick, 40 of them long.
    frame = groups([("K", "30-49", persons - 6, 1000.0, 60.0, 40.0), ("M", "50-", 6, 1000.0, 40.0, 0.0)])
    result = sjukfranvaro(frame, frame, age_labels=["-29", "30-49", "50-"], max_suppressed_size=10)
    if not shown:
        # Ten persons in all: nothing, not even the headline, the YTD or the long-term share.
        assert result["value"] is None and result["value_ytd"] is None
        assert result["long_term_share"] is None and result["long_term_share_ytd"] is None
        assert result["persons"] is None
        assert (result["suppressed"], result["suppressed_ytd"]) == (True, True)
    else:
        # 100 / 2000 = 5 %; long-term 40 / 100 = 40 %; 11 persons.
        assert result["value"] == pytest.approx(5.0, rel=1e-12)
        assert result["long_term_share"] == pytest.approx(40.0, rel=1e-12)
        assert (result["persons"], result["suppressed"]) == (11, False)
    assert result["by_sex"] == {"K": None, "M": None}  # 4 or 5 and 6 persons: suppressed either way


def test_figures_from_empty_extracts() -> None:
    # No row for the window at all (a new source, or a month not loaded): every amount 0, the investments
    # from the plan, and no employee figure (no one to count is fewer than eleven).
    plan = load_plan()
    ledger = LedgerExtract(
        actuals=pd.DataFrame(columns=["period", "account", "cost_center", "project", "amount_ore"]),
        budget=pd.DataFrame(columns=["period", "account", "cost_center", "amount_ore"]),
        projects=pd.DataFrame(columns=["project", "name", "category", "budget_ore"]),
        cost_centers=pd.DataFrame(columns=["cost_center", "name", "parent"]),
    )
    empty_groups = pd.DataFrame(columns=SICK_GROUP_COLUMNS)
    hr = HrExtract(headcounts=[0] * 12, leavers=0, sick_rolling=empty_groups, sick_ytd=empty_groups)
    figures = build_figures(
        plan,
        Inputs(year=2025),
        Month(2025, 4),
        "ur1",
        ledger,
        hr,
        {"status": "passed", "checks_run": 0, "checks": []},
        previous_ledger=ledger,  # February's report, as empty
        generated_at=dt.datetime(2025, 5, 8, 6, 0),
    )
    economy = figures["economy"]
    assert all(value == 0 for row in economy["rows"].values() for key, value in row.items() if key != "name")
    assert economy["periodresultat"] == 0 and economy["prognos_budgetavvikelse"] == 0
    bredband = figures["investments"][0]
    # The plan's 10 mnkr; nothing spent; default forecast max(0, 10 000 000) = 10 000 000.
    assert (
        bredband["project"],
        bredband["budget_year"],
        bredband["actual_ytd"],
        bredband["forecast_year"],
    ) == (
        None,
        10_000_000.0,
        0.0,
        10_000_000.0,
    )
    turnover, sick = figures["indicators"]["personalomsattning"], figures["indicators"]["sjukfranvaro"]
    assert (turnover["value"], turnover["numerator"], turnover["suppressed"], turnover["met"]) == (
        None,
        None,
        True,
        None,
    )
    assert (sick["value"], sick["value_ytd"], sick["suppressed"], sick["met"]) == (None, None, True, None)
    assert sick["by_sex"] == {"K": None, "M": None}


GROUPS = load_plan().definitions.turnover.end_reason_groups  # egen, pension, övriga (3 reasons), internal


@pytest.mark.parametrize(
    ("by_reason", "counts", "left_region", "internal"),
    [
        # Every line above ten: all shown; left the region 35 + 15 + 12 = 62, internal 14.
        (
            {
                "egen_begaran": 35,
                "pension": 15,
                "uppsagning": 5,
                "avliden": 1,
                "ovrigt": 6,
                "byte_av_tjanst": 14,
            },
            [35, 15, 12, 14],
            62,
            14,
        ),
        # "Övriga" has 1 + 0 + 2 = 3 persons: withheld; alone it could be found from the total (64), so the
        # smallest shown line (pension, 11) is withheld too. Internal moves stay shown.
        (
            {"egen_begaran": 36, "pension": 11, "avliden": 1, "ovrigt": 2, "byte_av_tjanst": 14},
            [36, None, None, 14],
            50,
            14,
        ),
        # Internal moves 10 (ten or fewer): withheld with the smallest other line (övriga 11), and the
        # "left the region" subtotal would give it away by subtraction, so it is withheld as well.
        (
            {"egen_begaran": 30, "pension": 12, "ovrigt": 11, "byte_av_tjanst": 10},
            [30, 12, None, None],
            None,
            None,
        ),
        # A reason with nobody is about no one: 0 is shown and is not a withheld line.
        ({"egen_begaran": 30, "pension": 12, "ovrigt": 11}, [30, 12, 11, 0], 53, 0),
    ],
)
def test_leavers_by_end_reason_with_suppression(
    by_reason: dict[str, int], counts: list[int | None], left_region: int | None, internal: int | None
) -> None:
    result = leavers_by_reason_group(by_reason, GROUPS, turnover_suppressed=False, max_suppressed_size=10)
    assert [g["count"] for g in result["groups"]] == counts
    assert (result["left_region"], result["internal_moves"]) == (left_region, internal)
    assert result["any_suppressed"] == (None in counts)


def test_no_leaver_breakdown_when_the_turnover_is_withheld() -> None:
    result = leavers_by_reason_group(
        {"egen_begaran": 30}, GROUPS, turnover_suppressed=True, max_suppressed_size=10
    )
    assert [g["count"] for g in result["groups"]] == [None] * 4
    assert (result["left_region"], result["internal_moves"]) == (None, None)


def test_sick_leave_groups_of_the_calendar_year() -> None:
    # Year to date: K 30-49 with 12 persons, 1000 h scheduled, 60 sick; M 50- with 11, 500 h, 40 sick.
    rolling = groups([("K", "30-49", 20, 2000.0, 100.0, 0.0), ("M", "50-", 20, 2000.0, 100.0, 0.0)])
    ytd = groups([("K", "30-49", 12, 1000.0, 60.0, 0.0), ("M", "50-", 11, 500.0, 40.0, 0.0)])
    result = sjukfranvaro(rolling, ytd, age_labels=["-29", "30-49", "50-"], max_suppressed_size=10)
    # K: 60 / 1000 = 6 %; M: 40 / 500 = 8 %; -29: nobody (0 persons, withheld); 30-49 6 %, 50- 8 %.
    assert result["by_sex_ytd"] == {"K": pytest.approx(6.0), "M": pytest.approx(8.0)}
    assert result["by_age_ytd"] == {"-29": None, "30-49": pytest.approx(6.0), "50-": pytest.approx(8.0)}
