"""The ledger rules of the data-quality gate (issue 3): each broken alone on the tiny clean source.

The clean source and the breakers come from tests/expectations/test_suites.py; the report under test is March 2025
(ledger periods 202501..202503). Critical rules block (`report.passed` is False); warnings are reported
and publication goes on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from expectations import RULES, Finding, ValidationReport, validate_sources
from expectations import ledger as ledger_suite
from expectations.thresholds import Thresholds, default_thresholds, load_thresholds
from extract.sources import budget_entries, gl_entries, investment_projects
from tests.expectations.test_suites import (
    BREAKS,
    MONTH,
    PLAN,
    YEAR,
    Breaker,
    build_source,
    execute,
    gl,
    gl_row,
    insert,
    update,
)
from tests.pg import pg_url_factory  # noqa: F401  (a fixture: used as a test parameter)
from uppfoljning.errors import DataError

BUDGET_B2025 = budget_entries.c.budget_version == "B2025"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'source.db'}"


def validate(
    url: str, year: int = YEAR, month: int = MONTH, thresholds: Thresholds | None = None
) -> ValidationReport:
    plan = PLAN if year == PLAN.year else PLAN.model_copy(update={"year": year})
    return validate_sources(url, url, plan, year, month, thresholds=thresholds)


def with_grace(days: int) -> Thresholds:
    return default_thresholds().model_copy(update={"period_end_grace_days": days})


WARNINGS = {"ledger.period_matches_booking_date", "ledger.investment_budget_matches_plan"}
"""The ledger rules that publish with a warning (README's rule table); every other one blocks."""


def assert_only(report: ValidationReport, rule: str, table: str, *keys: str) -> Finding:
    """Exactly one finding, of `rule` on `table`, naming every key in its examples and its message."""
    assert [(f.rule, f.table) for f in report.findings] == [(rule, table)], report.findings
    (finding,) = report.findings
    severity = "warning" if rule in WARNINGS else "critical"
    assert finding.severity == severity
    assert report.passed is (severity == "warning")
    assert report.status == ("warnings" if severity == "warning" else "failed")
    assert rule in finding.message and table in finding.message
    for key in keys:
        assert key in finding.examples, finding.examples
        assert key in finding.message
    assert finding.fix and finding.fix in finding.message
    return finding


def moved_voucher(voucher: str, **values: object) -> Breaker:
    """Every row of a voucher changed the same way: it still balances."""
    return update(gl_entries, gl_entries.c.voucher_id == voucher, **values)


def chain(*breakers: Breaker) -> Breaker:
    def apply(conn: sa.Connection) -> None:
        for breaker in breakers:
            breaker(conn)

    return apply


def budget_row(account: str, period: int) -> sa.ColumnElement[bool]:
    return sa.and_(BUDGET_B2025, budget_entries.c.account == account, budget_entries.c.period == period)


def project(name: str) -> sa.ColumnElement[bool]:
    return sa.and_(investment_projects.c.name == name, investment_projects.c.year == YEAR)


# (rule, table, breaker, expected example keys): each breaks exactly that rule of the clean source.
LEDGER_BREAKS: list[tuple[str, str, Breaker, tuple[str, ...]]] = [
    ("ledger.cost_center_known", "gl_entries", moved_voucher("A2", cost_center="999"), ("cost_center 999",)),
    (
        "ledger.cost_center_known",
        "budget_entries",
        update(budget_entries, sa.and_(BUDGET_B2025, budget_entries.c.account == "5011"), cost_center="998"),
        ("cost_center 998",),
    ),
    (
        "ledger.project_known",
        "gl_entries",
        update(gl_entries, gl_row("A2", 2), project="P-404"),
        ("project P-404",),
    ),
    (  # 100.005 - 100.005: the voucher balances, the amounts have three decimals
        "ledger.amount_two_decimals",
        "gl_entries",
        chain(
            update(gl_entries, gl_row("A1", 1), amount=100.005),
            update(gl_entries, gl_row("A1", 2), amount=-100.005),
        ),
        ("A1/1 (amount 100.005)", "A1/2 (amount -100.005)"),
    ),
    (  # a thousandth of a krona: far below the plan's tolerance of 0.5 SEK
        "ledger.amount_two_decimals",
        "budget_entries",
        update(budget_entries, budget_row("5011", 202502), amount=56_167_000.001),
        ("period 202502 account 5011 cost_center 100 (amount 56167000.001)",),
    ),
    (
        "ledger.period_matches_booking_date",
        "gl_entries",
        moved_voucher("A2", booking_date=dt.date(2025, 4, 20)),
        ("A2 (booked 2025-04-20, period 202502)",),
    ),
    (
        "ledger.report_month_loaded",
        "gl_entries",
        execute("DELETE FROM gl_entries WHERE period = 202503"),
        ("period 202503",),
    ),
    (
        "ledger.budget_version_exists",
        "budget_entries",
        update(budget_entries, BUDGET_B2025, budget_version="B2025-REV"),
        ("budget_version B2025",),
    ),
    (  # December's rows booked on November: the year's sums still match the plan
        "ledger.budget_covers_year",
        "budget_entries",
        update(budget_entries, sa.and_(BUDGET_B2025, budget_entries.c.period == 202512), period=202511),
        ("period 202512",),
    ),
    (
        "ledger.budget_matches_plan",
        "budget_entries",
        update(budget_entries, budget_row("4011", 202507), amount=47_833_000.0),
        ("personalkostnader: 585 000 000,00 ≠ 586 000 000,00",),
    ),
    (  # a stray space: the plan's name is missing, and the row's name is not the plan's
        "ledger.investment_projects_known",
        "investment_projects",
        update(investment_projects, project("FVIS"), name="FVIS "),
        ('plan: "FVIS"', 'investment_projects: "FVIS " (P101)'),
    ),
    (
        "ledger.investment_budget_matches_plan",
        "investment_projects",
        update(investment_projects, project("FVIS"), budget=14_000_000.0),
        ("FVIS: 14 000 000,00 ≠ 15 000 000,00",),
    ),
]


# --- one test per rule ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rule", "table", "breaker", "keys"), LEDGER_BREAKS, ids=[f"{r}-{t}" for r, t, _, _ in LEDGER_BREAKS]
)
def test_each_ledger_rule_reports_its_keys(
    sqlite_url: str, rule: str, table: str, breaker: Breaker, keys: tuple[str, ...]
) -> None:
    finding = assert_only(validate(build_source(sqlite_url, breaker)), rule, table, *keys)
    assert finding.count == len(keys)


def test_every_ledger_check_is_broken_by_a_test() -> None:
    tested = {(b[0], b[1]) for b in BREAKS} | {(r, t) for r, t, _, _ in LEDGER_BREAKS}
    assert {(r.id, c.table) for r in ledger_suite.LEDGER_RULES for c in r.checks} <= tested


def test_registry_lists_every_rule_once_with_a_fix() -> None:
    assert all(rule.checks and rule.id.startswith("ledger.") for rule in ledger_suite.LEDGER_RULES)
    assert all(rule in RULES for rule in ledger_suite.LEDGER_RULES)
    assert len({r.id for r in RULES}) == len(RULES)
    for rule in ledger_suite.LEDGER_RULES:
        english, swedish = rule.fix.split(" / ")  # one English sentence, then the Swedish one
        assert english.endswith(".") and swedish.endswith("."), rule.id


# --- the rules' edges ----------------------------------------------------------------------------------------
def test_missing_months_are_each_named(sqlite_url: str) -> None:
    url = build_source(sqlite_url, execute("DELETE FROM gl_entries WHERE period IN (202501, 202503)"))
    finding = assert_only(
        validate(url), "ledger.report_month_loaded", "gl_entries", "period 202501", "period 202503"
    )
    assert finding.count == 2


def test_the_report_month_itself_must_be_loaded(sqlite_url: str) -> None:
    url = build_source(sqlite_url)
    assert validate(url, month=3).findings == []
    april = validate(url, month=4)  # books not closed yet
    assert [(f.rule, f.examples) for f in april.findings] == [
        ("ledger.report_month_loaded", ["period 202504"])
    ]


def test_later_periods_do_not_block_a_rerun(sqlite_url: str) -> None:
    # April's books hold every kind of row the new rules reject; March's report does not read April.
    april = [
        {**gl("A9", 1, 202504, "4011", 10.005), "cost_center": "999", "project": "P-404"},
        {**gl("A9", 2, 202504, "1930", -10.005), "booking_date": dt.date(2025, 7, 1)},
    ]
    assert validate(build_source(sqlite_url, insert(gl_entries, *april))).findings == []


def test_a_project_of_another_year_is_known(sqlite_url: str) -> None:
    later = dict(project="P-2026", name="Nytt 2026", category="beslutad", year=2026, budget=5e6)
    url = build_source(
        sqlite_url, insert(investment_projects, later), update(gl_entries, gl_row("A2", 2), project="P-2026")
    )
    assert validate(url).findings == []


def test_large_two_decimal_amounts_are_not_flagged(sqlite_url: str) -> None:
    # SQLite keeps them as floating point: 987 654 321.99 * 100 is not a whole number there.
    rows = [gl("A8", 1, 202503, "5011", 987_654_321.99), gl("A8", 2, 202503, "1930", -987_654_321.99)]
    assert validate(build_source(sqlite_url, insert(gl_entries, *rows))).findings == []


def test_a_budget_row_without_any_budget_is_compared_with_the_plan(sqlite_url: str) -> None:
    url = build_source(sqlite_url, execute("DELETE FROM budget_entries WHERE account = '8911'"))
    assert_only(
        validate(url), "ledger.budget_matches_plan", "budget_entries", "regionbidrag: 0,00 ≠ -820 000 000,00"
    )


def test_half_a_krona_off_the_plan_is_a_match(sqlite_url: str) -> None:
    url = build_source(sqlite_url, update(budget_entries, budget_row("4011", 202507), amount=48_833_000.40))
    assert validate(url).findings == []


def test_accounts_outside_the_report_rows_are_not_summed(sqlite_url: str) -> None:
    # Balance-sheet and unmapped accounts belong to no report row (an unmapped one is account_mapped's).
    rows = [
        dict(budget_version="B2025", period=202501, account="1930", cost_center="100", amount=5.0),
        dict(budget_version="B2025", period=202501, account="4O11", cost_center="100", amount=5.0),
    ]
    report = validate(build_source(sqlite_url, insert(budget_entries, *rows)))
    assert [(f.rule, f.examples) for f in report.findings] == [("ledger.account_mapped", ["account 4O11"])]


def test_investment_names_are_matched_both_ways_and_once(sqlite_url: str) -> None:
    extra = dict(project="P-X", name="Okänd investering", category="beslutad", year=YEAR, budget=1e6)
    twin = dict(project="P-FVIS2", name="FVIS", category="beslutad", year=YEAR, budget=0.0)
    other_year = dict(project="P-Y", name="Något 2026", category="beslutad", year=2026, budget=1e6)
    url = build_source(
        sqlite_url,
        execute(f"DELETE FROM investment_projects WHERE name = 'IT-utrustning' AND year = {YEAR}"),
        insert(investment_projects, extra, twin, other_year),
    )
    finding = assert_only(
        validate(url),
        "ledger.investment_projects_known",
        "investment_projects",
        'plan: "IT-utrustning"',
        'investment_projects: "Okänd investering" (P-X)',
        'investment_projects: "FVIS" (2 rows)',
    )
    assert finding.count == 3


# --- period against booking date: the grace days, the year end, the dialects -------------------------------------
GRACE_CASES = [
    # (period, booking date, grace days, warns)
    (202502, dt.date(2025, 2, 1), 15, False),
    (202502, dt.date(2025, 2, 28), 15, False),
    (202502, dt.date(2025, 3, 15), 15, False),  # a period-end entry on the last allowed day
    (202502, dt.date(2025, 3, 16), 15, True),
    (202502, dt.date(2025, 3, 15), 0, True),
    (202502, dt.date(2025, 3, 31), 31, False),
    (202502, dt.date(2025, 4, 1), 31, True),
    (202502, dt.date(2025, 1, 31), 15, True),  # booked before its month
    (202502, dt.date(2024, 2, 15), 15, True),  # the right month of another year
    (202412, dt.date(2025, 1, 10), 15, False),  # over the year end
    (202412, dt.date(2025, 1, 20), 15, True),
]


def _booked(period: int, booking_date: dt.date) -> Breaker:
    return update(gl_entries, gl_entries.c.voucher_id == "A2", period=period, booking_date=booking_date)


def _period_warnings(report: ValidationReport) -> list[str]:
    return [e for f in report.findings if f.rule == "ledger.period_matches_booking_date" for e in f.examples]


def _assert_grace(url: str, period: int, booking_date: dt.date, grace: int, warns: bool) -> None:
    year, month = divmod(period, 100)
    report = validate(url, year=year, month=month, thresholds=with_grace(grace))
    key = f"A2 (booked {booking_date.isoformat()}, period {period})"
    assert _period_warnings(report) == ([key] if warns else [])


@pytest.mark.parametrize(("period", "booking_date", "grace", "warns"), GRACE_CASES)
def test_booking_date_within_the_period_or_the_grace_days(
    sqlite_url: str, period: int, booking_date: dt.date, grace: int, warns: bool
) -> None:
    _assert_grace(build_source(sqlite_url, _booked(period, booking_date)), period, booking_date, grace, warns)


def test_a_booking_date_that_is_not_a_date_warns(sqlite_url: str) -> None:
    # SQLite stores whatever text the view gives; strftime cannot read it, and that must not pass silently.
    url = build_source(
        sqlite_url, execute("UPDATE gl_entries SET booking_date = '15/02/2025' WHERE voucher_id = 'A2'")
    )
    assert_only(
        validate(url),
        "ledger.period_matches_booking_date",
        "gl_entries",
        "A2 (booked 15/02/2025, period 202502)",
    )


def test_grace_days_out_of_range_are_refused(tmp_path: Path) -> None:
    thresholds = tmp_path / "gransvarden.yaml"
    thresholds.write_text("period_end_grace_days: 32\n", encoding="utf-8")
    with pytest.raises(
        DataError, match=r"gransvarden.yaml, the file: is invalid: period_end_grace_days: .*31"
    ):
        load_thresholds(thresholds)


BOOKING_DATES = [  # (the stored date, YYYYMMDD by hand)
    ("2025-03-15", 20250315),
    ("2024-12-31", 20241231),
    ("2025-01-01", 20250101),
    ("2024-02-29", 20240229),  # a leap day
]


def _booking_date_numbers(url: str, dialect: str) -> list[int | None]:
    """booking_date_number(dialect) run on each of BOOKING_DATES, stored in a date column at `url`."""
    dates = sa.Table("dates", sa.MetaData(), sa.Column("booking_date", sa.Date))
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            dates.create(conn)
            conn.execute(
                dates.insert(), [{"booking_date": dt.date.fromisoformat(d)} for d, _ in BOOKING_DATES]
            )
            number = ledger_suite.booking_date_number(dialect)
            query = f"SELECT {number} FROM dates ORDER BY booking_date DESC"
            return [row[0] for row in conn.execute(sa.text(query))]
    finally:
        engine.dispose()


def test_sqlite_reads_the_booking_date_as_yyyymmdd(sqlite_url: str) -> None:
    assert _booking_date_numbers(sqlite_url, "sqlite") == [20250315, 20250101, 20241231, 20240229]


@pytest.mark.postgres
@pytest.mark.parametrize("dialect", ["postgresql", "oracle"])  # date_part, and standard SQL's EXTRACT
def test_postgres_reads_the_booking_date_as_yyyymmdd(
    pg_url_factory: Callable[[], str],  # noqa: F811  (the fixture imported above)
    dialect: str,
) -> None:
    assert _booking_date_numbers(pg_url_factory(), dialect) == [20250315, 20250101, 20241231, 20240229]


# --- PostgreSQL: the dialect-specific date SQL and the plan comparison -----------------------------------------
PG_CASES = [GRACE_CASES[2], GRACE_CASES[3], GRACE_CASES[7], GRACE_CASES[10]]


@pytest.mark.postgres
def test_postgres_period_matches_booking_date(
    pg_url_factory: Callable[[], str],  # noqa: F811  (the fixture imported above)
) -> None:
    url = build_source(pg_url_factory())
    assert validate(url).findings == []
    for period, booking_date, grace, warns in PG_CASES:
        url = build_source(pg_url_factory(), _booked(period, booking_date))
        _assert_grace(url, period, booking_date, grace, warns)
    rule, table, breaker, keys = next(
        b for b in LEDGER_BREAKS if b[0] == "ledger.period_matches_booking_date"
    )
    assert_only(validate(build_source(pg_url_factory(), breaker)), rule, table, *keys)


@pytest.mark.postgres
def test_postgres_budget_matches_plan(
    pg_url_factory: Callable[[], str],  # noqa: F811  (the fixture imported above)
) -> None:
    rule, table, breaker, keys = next(b for b in LEDGER_BREAKS if b[0] == "ledger.budget_matches_plan")
    # numeric on PostgreSQL: the sums are exact, and formatted the same as SQLite's floating point
    assert_only(validate(build_source(pg_url_factory(), breaker)), rule, table, *keys)
    url = build_source(pg_url_factory(), execute("DELETE FROM budget_entries WHERE account = '8911'"))
    assert_only(validate(url), rule, table, "regionbidrag: 0,00 ≠ -820 000 000,00")
    rule, table, breaker, keys = next(
        b for b in LEDGER_BREAKS if b[0] == "ledger.investment_budget_matches_plan"
    )
    assert_only(validate(build_source(pg_url_factory(), breaker)), rule, table, *keys)


# --- the voucher grouping: each voucher's balance of the year to date and its keys of every year ---------------
VOUCHER_CASES = [
    # A copy of A2/1 booked in December 2024: outside the year to date, still the same key. Its 7 SEK
    # unbalance A2 over both years, not over 2025's months, which the balance rule reads.
    pytest.param(
        insert(gl_entries, gl("A2", 1, 202412, "3011", 7.0)),
        [("ledger.keys_unique", 1, ["A2/1"])],
        id="copy-in-another-year",
    ),
    # A second A1/1 of 5 SEK: A1 sums to 5 and has a repeated key; each rule names it once.
    pytest.param(
        insert(gl_entries, gl("A1", 1, 202501, "4011", 5.0)),
        [("ledger.keys_unique", 1, ["A1/1"]), ("ledger.vouchers_balance", 1, ["A1"])],
        id="copy-in-an-unbalanced-voucher",
    ),
    # A3 balances and repeats both its keys (+1 -1 more); A4/1 repeats in a voucher that is fine otherwise.
    pytest.param(
        insert(
            gl_entries,
            gl("A3", 1, 202502, "5011", 1.0),
            gl("A3", 2, 202502, "1930", -1.0),
            gl("A4", 1, 202503, "5011", 0.0),
        ),
        [("ledger.keys_unique", 3, ["A3/1", "A3/2", "A4/1"])],
        id="copies-in-balanced-vouchers",
    ),
    # Unbalanced only in April, a later period: March's report does not see it; the key repeats in March.
    pytest.param(
        insert(gl_entries, gl("A9", 1, 202503, "5011", 0.0), gl("A9", 1, 202504, "5011", 3.0)),
        [("ledger.keys_unique", 1, ["A9/1"])],
        id="unbalanced-after-the-report-month",
    ),
]


@pytest.mark.parametrize(("breaker", "expected"), VOUCHER_CASES)
@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_voucher_balance_and_keys_from_one_grouping(
    request: pytest.FixtureRequest,
    database: str,
    sqlite_url: str,
    breaker: Breaker,
    expected: list[tuple[str, int, list[str]]],
) -> None:
    url = sqlite_url if database == "sqlite" else request.getfixturevalue("pg_url_factory")()
    report = validate(build_source(url, breaker))
    assert sorted((f.rule, f.count, f.examples) for f in report.findings) == expected


# --- the codes: each cost centre and project looked up once, on either database -------------------------------
@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_unknown_codes_are_each_named_once(
    request: pytest.FixtureRequest, database: str, sqlite_url: str
) -> None:
    # Two rows on cost centre 999 in two months, one row on project P-404 and one on the known P100;
    # April's unknown codes are outside March's report.
    url = sqlite_url if database == "sqlite" else request.getfixturevalue("pg_url_factory")()
    breakers = chain(
        moved_voucher("A1", cost_center="999"),
        moved_voucher("A4", cost_center="999"),
        update(gl_entries, gl_row("A2", 2), project="P-404"),
        update(gl_entries, gl_row("A3", 2), project="P100"),
        insert(gl_entries, {**gl("A9", 1, 202504, "5011", 0.0), "cost_center": "997", "project": "P-405"}),
    )
    report = validate(build_source(url, breakers))
    assert sorted((f.rule, f.table, f.count, f.examples) for f in report.findings) == [
        ("ledger.cost_center_known", "gl_entries", 1, ["cost_center 999"]),
        ("ledger.project_known", "gl_entries", 1, ["project P-404"]),
    ]


def test_a_booking_date_with_a_time_counts_by_its_day(sqlite_url: str) -> None:
    # SQLite keeps whatever text the view gives; a time of day does not move the date to the next day.
    rows = [
        ("A2", "2025-03-15 23:59:59", False),  # the last allowed day of period 202502 (15 grace days)
        ("A3", "2025-03-16 00:00:00", True),
    ]
    url = build_source(
        sqlite_url,
        *(
            execute(f"UPDATE gl_entries SET booking_date = '{d}' WHERE voucher_id = '{v}'")
            for v, d, _ in rows
        ),
    )
    assert _period_warnings(validate(url)) == [
        f"{v} (booked {d}, period 202502)" for v, d, warns in rows if warns
    ]


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_an_invalid_period_of_another_year_is_found(
    request: pytest.FixtureRequest, database: str, sqlite_url: str
) -> None:
    # Month 00 of 2024: no month of the report's year to date, yet it may be one of ours mistyped.
    url = sqlite_url if database == "sqlite" else request.getfixturevalue("pg_url_factory")()
    row = {**gl("A2", 3, 202501, "3011", 0.0), "period": 202400}
    finding = assert_only(
        validate(build_source(url, insert(gl_entries, row))),
        "ledger.period_valid",
        "gl_entries",
        "A2/3 (period 202400)",
    )
    assert finding.count == 1
