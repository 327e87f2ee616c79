"""End to end through the command line (contract §2) against figures.json (contract §3).

The source data is tests/fixtures/small_office.py; its docstring tables show every row. Each expected number
below is worked out by hand from those tables, with the arithmetic in a comment; none is computed by project
code. Report month 2025-04 (UR1): rolling window 202405..202504, year to date 202501..202504; 2025-06; and
2025-12 (the annual report basis). Amounts are compared exactly (==), percentages to 1e-9 relative.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from tests.fixtures.small_office import write_small_office
from tests.pg import pg_url_factory  # noqa: F401  (a fixture: used as a test parameter)
from uppfoljning.cli import main


def sek(amount: float) -> float:
    """An amount in SEK, exact: figures.json must hold this two-decimal number itself (compared with ==),
    not a float that drifted from it."""
    return amount


def pct(value: float) -> Any:
    """A percentage: the pipeline's unrounded value."""
    return pytest.approx(value, rel=1e-9)


IT_COMMENT = "Leveranser av datorer skjuts till 2026; prognosen sänks till 70 mnkr."
BOARD_GOALS = (
    "rs01-kris-och-krig",
    "rs02-framtidens-vardutbud",
    "rs03-kompetensbehov",
    "rs04-klimat-miljo",
    "rs05-smarta-specialiseringar",
    "rs06-tillganglighet-arbete-studier",
    "rs07-paverkansagenda",
    "rs08-jamstalldhet-barns-rattigheter",
    "rs09-tillganglighet-vard",
    "rs10-nara-vard",
    "rs11-ai-informationsdriven",
    "rs12-vardinformationsstod",
)

INPUTS = {
    "year": 2025,
    "goal_assessments": {
        "ur1": {
            goal: {"status": "delvis_uppfyllt", "comment": "Arbetet pågår enligt plan."}
            for goal in BOARD_GOALS
        }
    },
    "activity_assessments": {
        "ur1": {
            activity: {"status": "uppfyllt", "comment": "Introduktionen är omarbetad."}
            for activity in ("chefers-forutsattningar", "medarbetarnas-forutsattningar")
        }
    },
    "basic_mission_assessments": {
        "ur1": {"status": "delvis_uppfyllt", "comment": "Ledningsformerna utvecklas."}
    },
    "forecast_adjustments": {
        # Superseded in April by the 2025-04 list (the latest list up to the report month applies).
        "2025-02": [{"row": "intakter", "amount_sek": -1_000_000, "comment": "Extra statsbidrag väntas."}],
        "2025-04": [
            {
                "row": "personalkostnader",
                "amount_sek": -2_000_000,
                "comment": "Vakanser som inte tillsätts i år.",
            }
        ],
    },
    "investments": {
        # A comment belongs to its own report: it must not show in April.
        "2025-02": {"Bredbandsutbyggnad": {"comment": "Kommentar till februari."}},
        "2025-04": {"IT-utrustning": {"comment": IT_COMMENT, "forecast_sek": 70_000_000}},
    },
}

# --- 2025-04, worked out by hand --------------------------------------------------------------------------
# Budget B2025 a month (Jan..Nov): 3010 -36 000 000, 4010 48 000 000, 5010 55 000 000, 8910 -68 000 000.
# Actuals 202501..202504 (202412, 202505, 202506 and B2025-PRELIM are present and must not count):
#   intakter   = -34 000 000 - 35 000 000 - 36 000 000 - 250 000 (3590) - 37 500 000.50 = -142 750 000.50
#   personal   = (34 000 000 + 13 000 000) + (34 000 000 + 13 500 000) + (35 000 000 + 500 000 + 13 000 000)
#                + (36 000 000 + 13 250 000.75, the closing entry booked 2025-05-08)   =  192 250 000.75
#   ovriga     = 4 x 20 000 000 (5010) + 30 000 000 + 34 000 000 + 38 000 000 + 39 000 000 = 221 000 000
#   regionbid. = 4 x -68 000 000                                                         = -272 000 000
APRIL_ECONOMY = {
    "rows": {
        "intakter": {
            "budget_year": sek(-440_000_000.00),  # 11 x -36 000 000 - 44 000 000 (= the plan's -440 mnkr)
            "budget_ytd": sek(-144_000_000.00),  # 4 x -36 000 000
            "actual_ytd": sek(-142_750_000.50),  # see above
            "deviation_ytd": sek(-1_249_999.50),  # -144 000 000 - (-142 750 000.50)
            # -142 750 000.50 + (-440 000 000 + 144 000 000); no adjustment in force (2025-02's is superseded)
            "forecast_year": sek(-438_750_000.50),
            "forecast_deviation": sek(-1_249_999.50),  # -440 000 000 - (-438 750 000.50)
        },
        "personalkostnader": {
            "budget_year": sek(586_000_000.00),  # 11 x 48 000 000 + 58 000 000
            "budget_ytd": sek(192_000_000.00),  # 4 x 48 000 000
            "actual_ytd": sek(192_250_000.75),  # see above
            "deviation_ytd": sek(-250_000.75),  # 192 000 000 - 192 250 000.75
            # 192 250 000.75 + (586 000 000 - 192 000 000) - 2 000 000 (adjustment of 2025-04)
            "forecast_year": sek(584_250_000.75),
            "forecast_deviation": sek(1_749_999.25),  # 586 000 000 - 584 250 000.75
        },
        "ovriga_driftskostnader": {
            "budget_year": sek(674_000_000.00),  # 11 x 55 000 000 + 69 000 000
            "budget_ytd": sek(220_000_000.00),  # 4 x 55 000 000
            "actual_ytd": sek(221_000_000.00),  # see above
            "deviation_ytd": sek(-1_000_000.00),  # 220 000 000 - 221 000 000
            "forecast_year": sek(675_000_000.00),  # 221 000 000 + (674 000 000 - 220 000 000)
            "forecast_deviation": sek(-1_000_000.00),  # 674 000 000 - 675 000 000
        },
        "netto": {
            "budget_year": sek(820_000_000.00),  # -440 + 586 + 674 mnkr
            "budget_ytd": sek(268_000_000.00),  # -144 + 192 + 220 mnkr
            "actual_ytd": sek(270_500_000.25),  # -142 750 000.50 + 192 250 000.75 + 221 000 000
            "deviation_ytd": sek(-2_500_000.25),  # 268 000 000 - 270 500 000.25
            "forecast_year": sek(820_500_000.25),  # -438 750 000.50 + 584 250 000.75 + 675 000 000
            "forecast_deviation": sek(-500_000.25),  # 820 000 000 - 820 500 000.25
        },
        "regionbidrag": {
            "budget_year": sek(-820_000_000.00),  # 11 x -68 000 000 - 72 000 000
            "budget_ytd": sek(-272_000_000.00),  # 4 x -68 000 000
            "actual_ytd": sek(-272_000_000.00),  # 4 x -68 000 000
            "deviation_ytd": sek(0.00),
            "forecast_year": sek(-820_000_000.00),  # -272 000 000 + (-820 000 000 + 272 000 000)
            "forecast_deviation": sek(0.00),
        },
    },
    # -(netto actual + regionbidrag actual) = -(270 500 000.25 - 272 000 000)
    "periodresultat": sek(1_499_999.75),
    # budgeted result YTD = -(268 000 000 - 272 000 000) = +4 000 000; 1 499 999.75 - 4 000 000
    "ackumulerad_budgetavvikelse": sek(-2_500_000.25),
    # forecast result = -(820 500 000.25 - 820 000 000) = -500 000.25; budgeted full-year result = 0
    "prognos_budgetavvikelse": sek(-500_000.25),
}

# Investments: class-1 rows with the project, periods 202501..202504. Default forecast = max(actual, budget).
APRIL_INVESTMENTS = {
    "Bredbandsutbyggnad": {
        "project": "P-BB01",
        "budget_year": sek(10_000_000.00),  # the 2025 row, not 2026's 20 000 000
        "actual_ytd": sek(3_500_000.00),  # 1 500 000 (Feb) + 2 000 000 (Apr); June's 2 500 000 is later
        "forecast_year": sek(10_000_000.00),  # max(3 500 000, 10 000 000)
        "forecast_deviation": sek(0.00),
        "comment": None,  # only 2025-02 has a comment
    },
    "FVIS": {
        "project": "P-FVIS",
        "budget_year": sek(15_000_000.00),
        # 4 000 000 + 5 000 000 + 7 500 000; not the 2440 row tagged P-FVIS, not the 500 000 salary on 4010
        "actual_ytd": sek(16_500_000.00),
        "forecast_year": sek(16_500_000.00),  # max(16 500 000, 15 000 000)
        "forecast_deviation": sek(-1_500_000.00),  # 15 000 000 - 16 500 000
        "comment": None,
    },
    "Möbler och utrustning, övrigt": {
        "project": "R-MOB",
        "budget_year": sek(600_000.00),
        "actual_ytd": sek(150_000.00),  # March; May's 200 000 is later
        "forecast_year": sek(600_000.00),  # max(150 000, 600 000)
        "forecast_deviation": sek(0.00),
        "comment": None,
    },
    "IT-utrustning": {
        "project": "R-IT",
        "budget_year": sek(80_000_000.00),
        "actual_ytd": sek(11_000_000.50),  # 5 000 000 + 6 000 000.50
        "forecast_year": sek(70_000_000.00),  # forecast_sek of 2025-04 in the inputs file
        "forecast_deviation": sek(10_000_000.00),  # 80 000 000 - 70 000 000
        "comment": IT_COMMENT,
    },
}

# Turnover, window 2024-05-01..2025-04-30.
# Numerator: tillsvidare employments ending in the window: E21 2024-08-15, E22 2024-12-31 (pension),
# E24A 2025-01-31 (byte_av_tjanst), E23 2025-03-31 = 4. Not E25 (2025-05-31), E26 (2024-04-30), E27 (visstid).
# Headcount at month-ends (20 core persons, p13 once for two employments, + the others active that day):
#   2024-05-31, 06-30, 07-31: 20 + p21 p22 p23 p24 p25           = 25, 25, 25
#   2024-08-31, 09-30:        20 + p22 p23 p24 p25               = 24, 24
#   2024-10-31, 11-30, 12-31: 20 + p22 p23 p24 p25 p29           = 25, 25, 25
#   2025-01-31, 02-28:        20 + p23 p24 p25 p29               = 24, 24 (p24 on E24A, then E24B)
#   2025-03-31:               20 + p23 p24 p25 p29               = 24 (p23's last day)
#   2025-04-30:               20 + p24 p25 p29 p30               = 24
#   mean = (6 x 25 + 6 x 24) / 12 = 294 / 12 = 24.5;  turnover = 4 / 24.5 x 100 = 16.3265...
#
# Sick leave, window periods 202405..202504, over the 28 persons with scheduled hours in the window.
# Scheduled hours (160 a month full time):
#   core 19 x 12 x 160 = 36 480, p05 12 x 80 = 960, p21 3 x 160 + 80 = 560, p22 8 x 160 = 1 280,
#   p23 11 x 160 = 1 760, p24 1 920, p25 1 920, p27 6 x 160 = 960, p29 7 x 160 = 1 120, p30 80  => 47 040
# Sick hours in the window: S1 160 + 144 = 304 (60 days: long), S2 112 + 160 + 48 = 320 (59: short),
#   S3 120 + 160 = 280 (ongoing, 57 days to 2025-04-30: short), S4 72 + 160 = 232 (cut at 2025-04-30:
#   47 days: short), S5 160 + 160 = 320 (202405, 202406 of a 122-day spell: long), S6 24, S7 40, S8 24, S9 32
#   => 1 576; long-term 304 + 320 = 624
# Year to date 202501..202504: scheduled core 19 x 4 x 160 = 12 160, p05 320, p23 480, p24 640, p25 640,
#   p27 320, p29 640, p30 80 => 15 280; sick S2 320 + S3 280 + S4 232 + S7 40 + S9 32 => 904
# Groups (window): K 18 persons, 31 280 h (13 x 1 920 + 960 + p21 560 + p23 1 760 + p25 1 920 + p29 1 120),
#   sick S1 304 + S3 280 + S5 320 + S6 24 + S9 32 = 960;  M exactly 10 persons => suppressed.
#   -29: 6 persons => suppressed.  30-49: 11 persons, 9 x 1 920 + p23 1 760 + p24 1 920 = 20 960 h,
#   sick S2 320 + S4 232 + S6 24 + S7 40 + S9 32 = 648.  50-: 11 persons, 7 x 1 920 + p05 960 + p22 1 280
#   + p25 1 920 + p30 80 = 17 680 h, sick S1 304 + S5 320 + S8 24 = 648.
APRIL_INDICATORS = {
    "personalomsattning": {
        "value": pct(4 / 24.5 * 100),  # 16.33 %
        "target": pct(11.0),
        "numerator": sek(4),
        "denominator": pct(24.5),
        "met": False,  # 16.33 > 11.0, lower is better
    },
    "sjukfranvaro": {
        "value": pct(1576 / 47040 * 100),  # 3.35 %
        "value_ytd": pct(904 / 15280 * 100),  # 5.92 %
        "target": pct(5.2),
        "met": True,  # the rolling value 3.35 <= 5.2
        "long_term_share": pct(624 / 1576 * 100),  # 39.59 %
        "by_sex": {"K": pct(960 / 31280 * 100), "M": None},  # K 3.07 %
        "by_age": {"-29": None, "30-49": pct(648 / 20960 * 100), "50-": pct(648 / 17680 * 100)},  # 3.09, 3.67
    },
}

APRIL = {
    "period": "2025-04",
    "report_kind": "ur1",
    "version": 1,
    "economy": APRIL_ECONOMY,
    "investments": APRIL_INVESTMENTS,
    "indicators": APRIL_INDICATORS,
    # The sources pass every rule; the inputs give every goal an assessment but comment only IT-utrustning,
    # so the one finding is the warning on the three uncommented investments (a warning still publishes).
    "data_quality": {"status": "warnings"},
}


# --- helpers --------------------------------------------------------------------------------------------
def _mismatches(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Every difference between the expected (sub)tree and figures.json; extra keys in the file are allowed."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        found: list[str] = []
        for key, value in expected.items():
            if key not in actual:
                found.append(f"{path}.{key}: missing")
            else:
                found += _mismatches(value, actual[key], f"{path}.{key}")
        return found
    if expected is None:
        return [] if actual is None else [f"{path}: expected null (suppressed), got {actual!r}"]
    if isinstance(expected, bool | str):
        ok = type(actual) is type(expected) and actual == expected
    else:
        ok = isinstance(actual, int | float) and not isinstance(actual, bool) and actual == expected
    return [] if ok else [f"{path}: expected {expected}, got {actual!r}"]


def _by_name(figures: dict[str, Any]) -> dict[str, Any]:
    """figures.json with its list of investments keyed by the plan's name, for comparison."""
    return {**figures, "investments": {item["name"]: item for item in figures["investments"]}}


def assert_figures(figures: dict[str, Any], expected: dict[str, Any]) -> None:
    found = _mismatches(expected, _by_name(figures))
    assert not found, "figures.json differs from the hand calculation:\n  " + "\n  ".join(found)


def assert_april(out: Path, figures: dict[str, Any]) -> None:
    """The whole hand-computed April: shared by the SQLite and the PostgreSQL test."""
    assert_figures(figures, APRIL)
    names = [item["name"] for item in figures["investments"]]
    assert sorted(names) == sorted(APRIL_INVESTMENTS), "one entry per plan investment"
    assert [(c["rule"], c["severity"], sorted(c["examples"])) for c in figures["data_quality"]["checks"]] == [
        (
            "inputs.investment_comment_missing",
            "warning",
            ["Bredbandsutbyggnad", "FVIS", "Möbler och utrustning, övrigt"],
        ),
        # Turnover misses its target (see indicators above), so it is a material deviation that the
        # board report must explain, and no comment is entered for it.
        ("inputs.deviation_comment_missing", "warning", ["indikator.personalomsattning"]),
    ]
    report = out / "2025-04" / "report.html"
    assert report.is_file()
    assert "Uppföljningsrapport 1" in report.read_text(encoding="utf-8")


def run(period: str, urls: tuple[str, str], out: Path, inputs: Path, *extra: str) -> dict[str, Any]:
    """`uppfoljning run` through its entry point; the period's figures.json."""
    ledger_url, hr_url = urls
    argv = ["run", "--period", period, "--ledger-url", ledger_url, "--hr-url", hr_url]
    status = main([*argv, "--out", str(out), "--inputs", str(inputs), *extra])
    assert status == 0, f"uppfoljning run --period {period} exited with {status}; see the captured stderr"
    return json.loads((out / period / "figures.json").read_text(encoding="utf-8"))


# --- fixtures -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sqlite_office(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The office in two SQLite files: the ledger and HR sources are separate URLs."""
    folder = tmp_path_factory.mktemp("small-office")
    urls = (f"sqlite:///{folder / 'ledger.db'}", f"sqlite:///{folder / 'hr.db'}")
    write_small_office(*urls)
    return urls


@pytest.fixture(scope="module")
def inputs_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("inputs") / "indata-2025.yaml"
    path.write_text(yaml.safe_dump(INPUTS, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def april_sqlite(
    sqlite_office: tuple[str, str], inputs_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("out-april")
    return out, run("2025-04", sqlite_office, out, inputs_file)


# --- tests ----------------------------------------------------------------------------------------------
def test_figures_april_sqlite(april_sqlite: tuple[Path, dict[str, Any]]) -> None:
    out, figures = april_sqlite
    assert_april(out, figures)


# One row per rule the fixture was built to pin: (path in figures.json, value under the rule). The comment
# gives the value a pipeline breaking that rule would produce instead.
EDGE_CASES = {
    # E23 ends 2025-03-31: a leaver in the window and in that day's headcount (else 293 / 12 = 24.4167)
    "month-end-leaver-in-headcount": (("indicators", "personalomsattning", "denominator"), pct(24.5)),
    # E21, E22 (pension), E24A (byte_av_tjanst: p24 stays), E23 (else 3 without pension or internal moves);
    # not E25 ending 2025-05-31, E26 ending 2024-04-30, nor visstid E27 (each would make 5)
    "leavers-in-window-any-reason": (("indicators", "personalomsattning", "numerator"), sek(4)),
    # p13 has two concurrent tillsvidare employments: one person (else 306 / 12 = 25.5, 4 / 25.5)
    "person-with-two-employments-counted-once": (
        ("indicators", "personalomsattning", "value"),
        pct(4 / 24.5 * 100),
    ),
    "group-of-ten-suppressed": (("indicators", "sjukfranvaro", "by_sex", "M"), None),
    "group-of-six-suppressed": (("indicators", "sjukfranvaro", "by_age", "-29"), None),
    # 30-49 has exactly 11 persons (born 1995 is 30, born 1976 is 49)
    "group-of-eleven-shown": (("indicators", "sjukfranvaro", "by_age", "30-49"), pct(648 / 20960 * 100)),
    # born 1975 is 50 in 2025
    "age-fifty-in-oldest-group": (("indicators", "sjukfranvaro", "by_age", "50-"), pct(648 / 17680 * 100)),
    # S1 is exactly 60 days (else 320 / 1576); S2 is 59 days (else 944 / 1576); S3 ongoing counts to
    # 2025-04-30, 57 days (else 904 / 1576); S4 ended 2025-05-20 counts to 2025-04-30, 47 days (else 856 / 1576)
    "spell-lengths-60-59-ongoing-cut": (
        ("indicators", "sjukfranvaro", "long_term_share"),
        pct(624 / 1576 * 100),
    ),
    # 202505 sick hours (S3 160, S4 96, S10 24) and 2024-03/04 hours of S5 are outside the window
    "sick-hours-window-periods-only": (("indicators", "sjukfranvaro", "value"), pct(1576 / 47040 * 100)),
    # year to date: 904 / 15 280, not the rolling window
    "sick-leave-year-to-date": (("indicators", "sjukfranvaro", "value_ytd"), pct(904 / 15280 * 100)),
    # 202412 (45 000 000) and 202505/06 salaries excluded; the 2025-05-08 closing entry of 202504 included
    "actuals-by-period-of-year": (
        ("economy", "rows", "personalkostnader", "actual_ytd"),
        sek(192_250_000.75),
    ),
    # B2025-PRELIM (-10 000 000 a month) ignored
    "approved-budget-version-only": (("economy", "rows", "intakter", "budget_ytd"), sek(-144_000_000.00)),
    # budgeted result YTD is +4 000 000, not 0 (else -2 500 000.25 + 4 000 000)
    "accumulated-deviation-uses-periodised-budget": (
        ("economy", "ackumulerad_budgetavvikelse"),
        sek(-2_500_000.25),
    ),
    # the 2025-02 adjustment (-1 000 000) is superseded by 2025-04's list (else -439 750 000.50)
    "latest-adjustment-list-applies": (
        ("economy", "rows", "intakter", "forecast_year"),
        sek(-438_750_000.50),
    ),
    "adjustment-flows-into-forecast": (
        ("economy", "rows", "personalkostnader", "forecast_year"),
        sek(584_250_000.75),
    ),
    # class-1 rows only: not the tagged 2440 row (else 12 500 000), not the 4010 salary row (else 17 000 000)
    "investment-spending-class-1-only": (("investments", "FVIS", "actual_ytd"), sek(16_500_000.00)),
    # spending above budget: the default forecast is the spending
    "investment-forecast-at-least-spending": (("investments", "FVIS", "forecast_year"), sek(16_500_000.00)),
    "investment-forecast-from-inputs": (
        ("investments", "IT-utrustning", "forecast_year"),
        sek(70_000_000.00),
    ),
    "investment-comment-from-inputs": (("investments", "IT-utrustning", "comment"), IT_COMMENT),
    "investment-comment-of-other-period-not-shown": (("investments", "Bredbandsutbyggnad", "comment"), None),
    # the 2026 budget row of P-BB01 (20 000 000) is not 2025's budget
    "investment-budget-of-the-year": (
        ("investments", "Bredbandsutbyggnad", "budget_year"),
        sek(10_000_000.00),
    ),
}


@pytest.mark.parametrize(("path", "expected"), EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_edge_case_april(
    april_sqlite: tuple[Path, dict[str, Any]], path: tuple[str, ...], expected: Any
) -> None:
    _, figures = april_sqlite
    value: Any = _by_name(figures)
    for key in path:
        value = value[key]
    assert not _mismatches(expected, value, ".".join(path)), f"{'.'.join(path)} = {value!r}"


# June, worked out by hand (report month 2025-06: window 202407..202506, YTD 202501..202506).
# Turnover: leavers E21, E22, E24A, E23 and now E25 (2025-05-31) = 5. Month-ends 2024-07-31..2025-06-30:
#   25 (Jul), 24, 24, 25, 25, 25 (Dec), 24, 24, 24, 24, 24 (May: p25's last day), 23 (Jun: 20 + p24 p29 p30)
#   = 4 x 25 + 7 x 24 + 23 = 291; mean 24.25.
# Sick leave: scheduled core 19 x 12 x 160 = 36 480, p05 960, p21 160 + 80 = 240, p22 6 x 160 = 960,
#   p23 9 x 160 = 1 440, p24 1 920, p25 11 x 160 = 1 760, p27 960, p29 9 x 160 = 1 440, p30 80 + 2 x 160 = 400
#   => 46 560. Sick: S1 304 (long), S2 320, S3 120 + 160 + 160 + 160 = 600 (ongoing, 118 days to 2025-06-30:
#   long), S4 72 + 160 + 96 = 328 (67 days: long), S7 40, S8 24, S9 32, S10 24 => 1 672; long 304 + 600 + 328
#   = 1 232. YTD: scheduled 19 x 6 x 160 = 18 240 + p05 480 + p23 480 + p24 960 + p25 800 + p27 320 + p29 960
#   + p30 400 = 22 640; sick S2 320 + S3 600 + S4 328 + S7 40 + S9 32 + S10 24 = 1 344.
JUNE = {
    "period": "2025-06",
    "report_kind": "manadsrapport",
    "version": 1,
    "economy": {
        "rows": {
            "intakter": {
                "budget_ytd": sek(-216_000_000.00),  # 6 x -36 000 000
                "actual_ytd": sek(-215_750_000.50),  # -142 750 000.50 - 36 000 000 - 37 000 000
            },
            "personalkostnader": {
                "budget_ytd": sek(288_000_000.00),  # 6 x 48 000 000
                "actual_ytd": sek(301_250_000.75),  # 192 250 000.75 + (40 + 14) + (41 + 14) mnkr
                # 301 250 000.75 + (586 000 000 - 288 000 000) - 2 000 000 (2025-04's list still in force)
                "forecast_year": sek(597_250_000.75),
            },
        },
    },
    "investments": {
        "Bredbandsutbyggnad": {"actual_ytd": sek(6_000_000.00)},  # 1 500 000 + 2 000 000 + 2 500 000
        "Möbler och utrustning, övrigt": {"actual_ytd": sek(350_000.00)},  # 150 000 + 200 000
        "IT-utrustning": {
            "actual_ytd": sek(14_000_000.50),  # 11 000 000.50 + 3 000 000
            "forecast_year": sek(80_000_000.00),  # no input for 2025-06: max(14 000 000.50, 80 000 000)
            "comment": None,
        },
    },
    "indicators": {
        "personalomsattning": {"numerator": sek(5), "denominator": pct(24.25), "value": pct(5 / 24.25 * 100)},
        "sjukfranvaro": {
            "value": pct(1672 / 46560 * 100),  # 3.59 %
            "value_ytd": pct(1344 / 22640 * 100),  # 5.94 %
            "long_term_share": pct(1232 / 1672 * 100),  # 73.68 %
        },
    },
}


def test_rerun_old_month_with_later_data(
    sqlite_office: tuple[str, str], inputs_file: Path, tmp_path: Path
) -> None:
    april = run("2025-04", sqlite_office, tmp_path, inputs_file)
    assert_april(tmp_path, april)

    june = run("2025-06", sqlite_office, tmp_path, inputs_file)
    assert_figures(june, JUNE)

    again = run("2025-04", sqlite_office, tmp_path, inputs_file)
    assert again["economy"] == april["economy"]
    assert again["indicators"] == april["indicators"]
    assert again["investments"] == april["investments"]
    assert_april(tmp_path, again)  # the hand-computed numbers, and still version 1: nothing changed


def test_february_is_avvikelserapport(
    sqlite_office: tuple[str, str], inputs_file: Path, tmp_path: Path
) -> None:
    february = run("2025-02", sqlite_office, tmp_path / "calendar", inputs_file)
    assert_figures(
        february,
        {
            "period": "2025-02",
            "report_kind": "avvikelserapport",
            "economy": {
                "rows": {
                    "intakter": {
                        "budget_ytd": sek(-72_000_000.00),  # 2 x -36 000 000
                        "actual_ytd": sek(-69_000_000.00),  # -34 000 000 - 35 000 000
                    }
                }
            },
        },
    )
    overridden = run("2025-02", sqlite_office, tmp_path / "override", inputs_file, "--kind", "manadsrapport")
    assert overridden["report_kind"] == "manadsrapport"


@pytest.mark.postgres
def test_figures_april_postgres(
    pg_url_factory: Callable[[], str],  # noqa: F811  (the imported fixture)
    inputs_file: Path,
    tmp_path: Path,
) -> None:
    # Skipped without a server, failed instead under UPPFOLJNING_REQUIRE_POSTGRES=1 (tests/pg.py).
    url = pg_url_factory()
    # Ledger and HR in the same database: the contract allows one URL for both.
    write_small_office(url, url)
    figures = run("2025-04", (url, url), tmp_path, inputs_file)
    assert_april(tmp_path, figures)


# December, worked out by hand (report month 2025-12, the annual report basis: the rolling window and the
# year to date are both 202501..202512; the books are closed, so every forecast is the outcome).
# Actuals 202501..202512 (from the June sums above plus the fixture's "JULY TO DECEMBER" table):
#   intakter   = -215 750 000.50 (Jan-Jun) + 5 x -36 000 000 - 43 999 999.99                  = -439 750 000.49
#   personal   = 301 250 000.75 + 5 x (36 000 000 + 12 000 000) + (45 000 000 + 13 000 000.01) = 599 250 000.76
#   ovriga     = 221 000 000 (Jan-Apr) + (20 + 35) + (20 + 36) mnkr (May, Jun) + 5 x 55 000 000
#                + (25 000 000 + 44 000 000)                                                    =  676 000 000
#   regionbid. = 11 x -68 000 000 - 72 000 000                                                  = -820 000 000
# Budget: the year = the year to date (the zero 3590 rows add nothing). Forecast = actual: the 2025-04
# adjustment of personalkostnader (-2 000 000) no longer applies.
DECEMBER_ECONOMY = {
    "rows": {
        "intakter": {
            "budget_year": sek(-440_000_000.00),
            "budget_ytd": sek(-440_000_000.00),
            "actual_ytd": sek(-439_750_000.49),
            "deviation_ytd": sek(-249_999.51),  # -440 000 000 - (-439 750 000.49)
            "forecast_year": sek(-439_750_000.49),
            "forecast_deviation": sek(-249_999.51),
        },
        "personalkostnader": {
            "budget_year": sek(586_000_000.00),
            "budget_ytd": sek(586_000_000.00),
            "actual_ytd": sek(599_250_000.76),
            "deviation_ytd": sek(-13_250_000.76),  # 586 000 000 - 599 250 000.76
            "forecast_year": sek(599_250_000.76),  # not 597 250 000.76: no adjustment after December
            "forecast_deviation": sek(-13_250_000.76),
        },
        "ovriga_driftskostnader": {
            "budget_year": sek(674_000_000.00),
            "budget_ytd": sek(674_000_000.00),
            "actual_ytd": sek(676_000_000.00),
            "deviation_ytd": sek(-2_000_000.00),
            "forecast_year": sek(676_000_000.00),
            "forecast_deviation": sek(-2_000_000.00),
        },
        "netto": {
            "budget_year": sek(820_000_000.00),
            "budget_ytd": sek(820_000_000.00),
            "actual_ytd": sek(835_500_000.27),  # -439 750 000.49 + 599 250 000.76 + 676 000 000
            "deviation_ytd": sek(-15_500_000.27),
            "forecast_year": sek(835_500_000.27),
            "forecast_deviation": sek(-15_500_000.27),
        },
        "regionbidrag": {
            "budget_year": sek(-820_000_000.00),
            "actual_ytd": sek(-820_000_000.00),
            "deviation_ytd": sek(0.00),
            "forecast_deviation": sek(0.00),
        },
    },
    "periodresultat": sek(-15_500_000.27),  # -(835 500 000.27 - 820 000 000)
    "budgeted_result_ytd": sek(0.00),  # -(820 000 000 - 820 000 000)
    "ackumulerad_budgetavvikelse": sek(-15_500_000.27),
    "forecast_result": sek(-15_500_000.27),
    "prognos_budgetavvikelse": sek(-15_500_000.27),  # the budgeted full-year result is 0
}
# Investments: class-1 rows with the project, 202501..202512; the year is closed, so forecast = spending.
DECEMBER_INVESTMENTS = {
    "Bredbandsutbyggnad": {
        "actual_ytd": sek(10_000_000.10),  # 1 500 000 + 2 000 000 + 2 500 000 + 3 000 000 + 1 000 000.10
        "forecast_year": sek(10_000_000.10),
        "forecast_deviation": sek(-0.10),  # 10 000 000 - 10 000 000.10
    },
    "FVIS": {
        "actual_ytd": sek(16_000_000.00),  # 4 000 000 + 5 000 000 + 7 500 000 - 500 000 (credit note, Aug)
        "forecast_year": sek(16_000_000.00),
        "forecast_deviation": sek(-1_000_000.00),
    },
    "Möbler och utrustning, övrigt": {
        "actual_ytd": sek(450_000.00),  # 150 000 + 200 000 + 100 000
        "forecast_year": sek(450_000.00),  # the outcome, not max(450 000, 600 000)
        "forecast_deviation": sek(150_000.00),  # 600 000 - 450 000
    },
    "IT-utrustning": {
        "actual_ytd": sek(79_000_000.50),  # 5 000 000 + 6 000 000.50 + 3 000 000 + 40 000 000 + 25 000 000
        "forecast_year": sek(79_000_000.50),
        "forecast_deviation": sek(999_999.50),  # 80 000 000 - 79 000 000.50
        "comment": None,
    },
}
# Turnover, window 2025-01-01..2025-12-31: leavers E24A (Jan 31), E23 (Mar 31), E25 (May 31) = 3; not the
# visstid E27 and E31. Month-ends: Jan-Mar 20 + p23 p24 p25 p29 = 24; Apr, May 20 + p24 p25 p29 p30 = 24;
# Jun-Dec 20 + p24 p29 p30 = 23. Sum 5 x 24 + 7 x 23 = 281, mean 281 / 12 = 23.4167; 3 / 23.4167 = 12.81 %.
#
# Sick leave 202501..202512 on person-month sums. Population: p01..p20, p23, p24, p25, p27, p29, p30 = 26
# persons; not p31, whose only month nets to 0 (160 - 160). Scheduled hours:
#   core 19 x 12 x 160 = 36 480, less p18's correction (-40 in 202511) and p20's October (160 - 160 = 0)
#   = 36 280; p05 12 x 80 = 960; p23 3 x 160 = 480; p24 1 920; p25 5 x 160 = 800; p27 2 x 160 = 320;
#   p29 1 920; p30 80 + 8 x 160 = 1 360                                                     => 44 040
# Sick hours: S2 320 (59 days: short), S3 120 + 9 x 160 = 1 560 (ongoing, Mar 5..Dec 31 = 302 days: long),
#   S4 328 (67 days: long), S7 40, S9 32, S10 24, S11 72 (cut at Dec 31: 17 days), S13 32 + 8 = 40;
#   not S12 (24 h in p20's zero month)                                                      => 2 416
#   long-term 1 560 + 328 = 1 888.
# Groups: K p01 p02 p03 p05 p06 p08 p10 p11 p13 p14 p16 p17 p19 p20 p23 p25 p29 = 17 persons,
#   12 x 1 920 + p05 960 + p20 1 760 + p23 480 + p25 800 + p29 1 920 = 28 960 h; sick S13 40 + S3 1 560
#   + S10 24 + S9 32 + S11 72 = 1 728.  M 9 persons => suppressed.
#   -29 (p06 p09 p17 p27 p29) 5 => suppressed; 50- (p02 p03 p05 p08 p11 p14 p15 p19 p25 p30) exactly 10 =>
#   suppressed; 30-49 (p01 p04 p07 p10 p12 p13 p16 p18 p20 p23 p24) 11 persons: 7 x 1 920 + p18 1 880
#   + p20 1 760 + p23 480 + p24 1 920 = 19 480 h, sick S13 40 + S2 320 + S4 328 + S7 40 + S9 32 = 760.
# (Row by row with hours > 0, as before person-month sums, the population would be 27 persons and
#  44 400 h: p18's 160, p20's 160 and p31's 160 counted.)
DECEMBER = {
    "period": "2025-12",
    "report_kind": "arsredovisning",
    "version": 1,
    "economy": DECEMBER_ECONOMY,
    "investments": DECEMBER_INVESTMENTS,
    "indicators": {
        "personalomsattning": {
            "value": pct(3 / (281 / 12) * 100),  # 12.81 %
            "numerator": 3,
            "denominator": pct(281 / 12),
            "met": False,
            "suppressed": False,
        },
        "sjukfranvaro": {
            "value": pct(2416 / 44040 * 100),  # 5.49 %
            "value_ytd": pct(2416 / 44040 * 100),  # the statutory annual figure: the same window in December
            "long_term_share": pct(1888 / 2416 * 100),  # 78.15 %
            "long_term_share_ytd": pct(1888 / 2416 * 100),
            "met": False,  # 5.49 > 5.2
            "persons": 26,
            "suppressed": False,
            "by_sex": {"K": pct(1728 / 28960 * 100), "M": None},
            "by_age": {"-29": None, "30-49": pct(760 / 19480 * 100), "50-": None},
        },
    },
}


def test_december_annual_basis_sqlite(
    sqlite_office: tuple[str, str], inputs_file: Path, tmp_path: Path
) -> None:
    december = run("2025-12", sqlite_office, tmp_path, inputs_file)
    assert_figures(december, DECEMBER)
    report = (tmp_path / "2025-12" / "report.html").read_text(encoding="utf-8")
    assert "Årsredovisning" in report


@pytest.mark.postgres
def test_december_annual_basis_postgres(
    pg_url_factory: Callable[[], str],  # noqa: F811  (the imported fixture)
    inputs_file: Path,
    tmp_path: Path,
) -> None:
    url = pg_url_factory()
    write_small_office(url, url)
    assert_figures(run("2025-12", (url, url), tmp_path, inputs_file), DECEMBER)


def test_office_of_ten_or_fewer_shows_no_employee_figure(inputs_file: Path, tmp_path: Path) -> None:
    # The small office with only p01..p08: eight permanent employees, all with scheduled hours in the window.
    # Eight is ten or fewer, so not only the groups but the headline figures themselves are withheld.
    urls = (f"sqlite:///{tmp_path / 'ledger.db'}", f"sqlite:///{tmp_path / 'hr.db'}")
    write_small_office(*urls)
    kept = ", ".join(f"'p{n:02d}'" for n in range(1, 9))
    with sa.create_engine(urls[1]).begin() as conn:
        for table in ("employees", "employments", "scheduled_hours", "sick_leave"):
            conn.execute(sa.text(f"DELETE FROM {table} WHERE person_id NOT IN ({kept})"))
    figures = run("2025-04", urls, tmp_path / "out", inputs_file)
    assert_figures(
        figures,
        {
            "economy": APRIL_ECONOMY,  # the ledger is untouched
            "indicators": {
                # Mean headcount 8: withheld, and so are the numerator and denominator it follows from.
                "personalomsattning": {
                    "value": None,
                    "numerator": None,
                    "denominator": None,
                    "met": None,
                    "suppressed": True,
                },
                "sjukfranvaro": {
                    "value": None,
                    "value_ytd": None,
                    "long_term_share": None,
                    "long_term_share_ytd": None,
                    "met": None,
                    "persons": None,
                    "suppressed": True,
                    "suppressed_ytd": True,
                    "by_sex": {"K": None, "M": None},
                    "by_age": {"-29": None, "30-49": None, "50-": None},
                },
            },
        },
    )
    report = (tmp_path / "out" / "2025-04" / "report.html").read_text(encoding="utf-8")
    # The reader is told why, in Swedish.
    assert "Personalomsättningen redovisas inte: i genomsnitt tio eller färre tillsvidareanställda" in report
    assert "Sjukfrånvaron redovisas inte: tio eller färre anställda hade ordinarie arbetstid" in report
