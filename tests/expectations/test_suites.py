"""The validation gate: a tiny clean source passes; breaking one rule fails exactly that rule, naming the key.

The report under test is March 2025 (ledger periods 202501..202503; HR periods 202404..202503).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from great_expectations.core import ExpectationValidationResult

from expectations import RULES, Check, Finding, Rule, ValidationReport, runner, validate_sources
from expectations import hr as hr_suite
from expectations.thresholds import default_thresholds
from extract.sources import (
    HR_TABLES,
    LEDGER_TABLES,
    budget_entries,
    cost_centers,
    create_source_tables,
    employees,
    employments,
    gl_entries,
    investment_projects,
    scheduled_hours,
    sick_leave,
)
from tests.pg import pg_url_factory  # noqa: F401  (a fixture: used as a test parameter)
from transforms.periods import Month
from uppfoljning.plan import load_plan

YEAR, MONTH = 2025, 3
PLAN = load_plan(year=YEAR)
Breaker = Callable[[sa.Connection], None]


# --- the tiny clean source -----------------------------------------------------------------------------------
def gl(voucher: str, row: int, period: int, account: str, amount: float) -> dict[str, object]:
    day = dt.date(period // 100, period % 100, 15)
    return dict(
        voucher_id=voucher,
        row_no=row,
        booking_date=day,
        period=period,
        account=account,
        cost_center="100",
        project=None,
        amount=amount,
        description=None,
    )


BUDGET_ACCOUNTS = {
    "intakter": "3011",
    "personalkostnader": "4011",
    "ovriga_driftskostnader": "5011",
    "regionbidrag": "8911",
}


def approved_budget() -> list[dict[str, object]]:
    """The approved version: one account per report row, each month a whole thousand of SEK, December
    the rest, so that every row's year is exactly the plan's."""
    rows = []
    for row, account in BUDGET_ACCOUNTS.items():
        year_total = round(PLAN.budget_year_sek(row))
        monthly = round(year_total / 12, -3)
        for m in range(1, 13):
            amount = monthly if m < 12 else year_total - 11 * monthly
            rows.append(
                dict(
                    budget_version="B2025",
                    period=202500 + m,
                    account=account,
                    cost_center="100",
                    amount=float(amount),
                )
            )
    return rows


def fill_clean_source(conn: sa.Connection) -> None:
    conn.execute(
        gl_entries.insert(),
        [
            gl("A1", 1, 202501, "4011", 100.00),  # salary cost ...
            gl("A1", 2, 202501, "1930", -100.00),  # ... paid from the bank: the voucher sums to 0
            gl("A2", 1, 202502, "3011", -250.25),  # revenue
            gl("A2", 2, 202502, "1930", 250.25),
            # Every month of the report has entries, February even without A2 (moved by a breaker).
            gl("A3", 1, 202502, "5011", 75.50),
            gl("A3", 2, 202502, "1930", -75.50),
            gl("A4", 1, 202503, "5011", 12.00),
            gl("A4", 2, 202503, "1930", -12.00),
        ],
    )
    budget = approved_budget()
    # A preliminary version with an unmapped account and a bad period: not the plan's version, so ignored.
    budget.append(dict(budget_version="P2025", period=202513, account="8500", cost_center="100", amount=1.0))
    conn.execute(budget_entries.insert(), budget)
    conn.execute(cost_centers.insert(), [dict(cost_center="100", name="Regionkontoret", parent=None)])
    conn.execute(
        investment_projects.insert(),
        [
            dict(
                project=f"P{100 + n}",
                name=i.name,
                category=i.category,
                year=YEAR,
                budget=i.budget_mnkr[YEAR] * 1e6,
            )
            for n, i in enumerate(PLAN.investments)
        ],
    )
    conn.execute(
        employees.insert(),
        [dict(person_id="P1", birth_year=1980, sex="K"), dict(person_id="P2", birth_year=1995, sex="M")],
    )
    conn.execute(
        employments.insert(),
        [
            dict(
                employment_id="E1",
                person_id="P1",
                cost_center="100",
                employment_type="tillsvidare",
                start_date=dt.date(2020, 1, 1),
                end_date=None,
                end_reason=None,
                work_rate=1.0,
            ),
            dict(
                employment_id="E2",
                person_id="P2",
                cost_center="100",
                employment_type="visstid",
                start_date=dt.date(2024, 6, 1),
                end_date=dt.date(2025, 6, 30),
                end_reason=None,
                work_rate=0.5,
            ),
        ],
    )
    conn.execute(
        scheduled_hours.insert(),
        [
            dict(person_id="P1", period=202501, hours=160.0),
            dict(person_id="P1", period=202502, hours=150.0),
            dict(person_id="P2", period=202501, hours=80.0),
        ],
    )
    conn.execute(
        sick_leave.insert(),
        [
            dict(
                person_id="P1",
                spell_id="S1",
                spell_start=dt.date(2025, 1, 10),
                spell_end=dt.date(2025, 1, 14),
                period=202501,
                hours=24.0,
            )
        ],
    )


def build_source(url: str, *breakers: Breaker) -> str:
    """The clean source at `url` (ledger and HR tables in one database), then the breakers applied."""
    engine = sa.create_engine(url)
    try:
        create_source_tables(engine, engine)
        with engine.begin() as conn:
            fill_clean_source(conn)
            for breaker in breakers:
                breaker(conn)
    finally:
        engine.dispose()
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'source.db'}"


def validate(url: str, month: int = MONTH) -> ValidationReport:
    return validate_sources(url, url, PLAN, YEAR, month)


# --- one breaker per rule -------------------------------------------------------------------------------------
def update(table: sa.Table, where: sa.ColumnElement[bool], **values: object) -> Breaker:
    def apply(conn: sa.Connection) -> None:
        conn.execute(sa.update(table).where(where).values(**values))

    return apply


def insert(table: sa.Table, *rows: dict[str, object], **values: object) -> Breaker:
    """Insert the rows given, or the one row given as keywords."""

    def apply(conn: sa.Connection) -> None:
        conn.execute(sa.insert(table), list(rows) or [values])

    return apply


def execute(sql: str) -> Breaker:
    def apply(conn: sa.Connection) -> None:
        conn.execute(sa.text(sql))

    return apply


def gl_row(voucher: str, row: int) -> sa.ColumnElement[bool]:
    return sa.and_(gl_entries.c.voucher_id == voucher, gl_entries.c.row_no == row)


# (rule, table, breaker, expected example key, expected count of offending keys, by hand)
BREAKS: list[tuple[str, str, Breaker, str, int]] = [
    ("ledger.vouchers_balance", "gl_entries", update(gl_entries, gl_row("A1", 1), amount=100.01), "A1", 1),
    # Same key twice; amount 0 so that the voucher still balances.
    ("ledger.keys_unique", "gl_entries", insert(gl_entries, gl("A2", 1, 202502, "3011", 0.0)), "A2/1", 1),
    (
        "ledger.account_mapped",
        "gl_entries",
        update(gl_entries, gl_row("A1", 1), account="8500"),
        "account 8500",
        1,
    ),
    (
        "ledger.account_mapped",
        "gl_entries",
        update(gl_entries, gl_row("A2", 1), account="3O11"),
        "account 3O11",
        1,
    ),
    (  # an amount of 0, so that the budget still sums to the plan
        "ledger.account_mapped",
        "budget_entries",
        insert(
            budget_entries,
            budget_version="B2025",
            period=202507,
            account="9100",
            cost_center="100",
            amount=0.0,
        ),
        "account 9100",
        1,
    ),
    # Both rows move, so the voucher leaves the period scope whole and still balances.
    (
        "ledger.period_valid",
        "gl_entries",
        update(gl_entries, gl_entries.c.voucher_id == "A2", period=202513),
        "A2/1 (period 202513)",
        2,  # A2/1 and A2/2
    ),
    (  # an extra row, so that December still has its rows
        "ledger.period_valid",
        "budget_entries",
        insert(
            budget_entries,
            budget_version="B2025",
            period=202500,
            account="4011",
            cost_center="100",
            amount=0.0,
        ),
        "period 202500",
        1,
    ),
    (
        "ledger.required_not_null",
        "gl_entries",
        update(gl_entries, gl_row("A1", 2), cost_center=None),
        "A1/2 (cost_center)",
        1,
    ),
    (
        "ledger.required_not_null",
        "gl_entries",
        update(gl_entries, gl_row("A2", 2), booking_date=None),
        "A2/2 (booking_date)",
        1,
    ),
    (
        "ledger.required_not_null",
        "budget_entries",
        update(budget_entries, budget_entries.c.period == 202503, cost_center=None),
        "period 202503 account 4011 cost_center (null) (cost_center)",
        4,  # March's row of each of the four accounts 3011, 4011, 5011, 8911
    ),
    (
        "hr.person_ids_unique",
        "employees",
        insert(employees, person_id="P1", birth_year=1980, sex="K"),
        "P1",
        1,
    ),
    (
        "hr.employment_ids_unique",
        "employments",
        insert(
            employments,
            employment_id="E1",
            person_id="P2",
            cost_center="100",
            employment_type="timavlonad",
            start_date=dt.date(2023, 1, 1),
            work_rate=0.1,
        ),
        "E1",
        1,
    ),
    (
        "hr.employment_person_known",
        "employments",
        update(employments, employments.c.employment_id == "E2", person_id="P404"),
        "P404",
        1,
    ),
    (
        "hr.scheduled_hours_person_known",
        "scheduled_hours",
        insert(scheduled_hours, person_id="P405", period=202503, hours=10.0),
        "P405",
        1,
    ),
    (
        "hr.sick_leave_person_known",
        "sick_leave",
        insert(
            sick_leave,
            person_id="P406",
            spell_id="S9",
            spell_start=dt.date(2025, 3, 3),
            period=202503,
            hours=8.0,
        ),
        "P406",
        1,
    ),
    # E2 (P2 has no sick leave) with an end reason: an ended employment needs one (hr.end_reason_iff_end_date).
    (
        "hr.dates_valid",
        "employments",
        update(
            employments,
            employments.c.employment_id == "E2",
            end_date=dt.date(2024, 5, 31),
            end_reason="ovrigt",
        ),
        "employment E2",
        1,
    ),
    (
        "hr.dates_valid",
        "sick_leave",
        update(sick_leave, sick_leave.c.spell_id == "S1", spell_end=dt.date(2025, 1, 9)),
        "spell S1",
        1,
    ),
    (
        "hr.period_valid",
        "scheduled_hours",
        update(scheduled_hours, scheduled_hours.c.person_id == "P2", period=202514),
        "period 202514",
        1,
    ),
    (
        "hr.period_valid",
        "sick_leave",
        update(sick_leave, sick_leave.c.spell_id == "S1", period=None),
        "period (null)",
        1,
    ),
    ("hr.sex_valid", "employees", update(employees, employees.c.person_id == "P2", sex="X"), "P2", 1),
]


def assert_only(report: ValidationReport, rule: str, table: str, key: str) -> Finding:
    assert [(f.rule, f.table) for f in report.findings] == [(rule, table)], report.findings
    (finding,) = report.findings
    assert finding.severity == "critical"
    assert not report.passed and report.critical == [finding]
    assert key in finding.examples
    assert key in finding.message and rule in finding.message and table in finding.message
    return finding


# --- tests ---------------------------------------------------------------------------------------------------
def test_clean_source_passes(sqlite_url: str) -> None:
    report = validate(build_source(sqlite_url))

    assert report.findings == []
    assert report.passed
    # Per source: reaching it (1) + its 4 contract tables (4), then one check per rule and table:
    # ledger 20 = vouchers_balance 1, keys_unique 1, account_mapped 2 (gl, budget), period_valid 2,
    #   required_not_null 2, cost_center_known 2, project_known 1, amount_two_decimals 2,
    #   period_matches_booking_date 1, report_month_loaded 1, budget_version_exists 1, budget_covers_year 1,
    #   budget_matches_plan 1, investment_projects_known 1, investment_budget_matches_plan 1;
    # HR 20 = person_ids_unique 1, employment_ids_unique 1, the three *_person_known 3, dates_valid 2
    #   (employments, sick_leave), period_valid 2, sex_valid 1, end_reason_iff_end_date 1,
    #   employment_type_allowed 1, end_reason_allowed 1, work_rate_valid 1, scheduled_hours_nonnegative 1,
    #   scheduled_hours_bounds 1, sick_hours_nonnegative 1, sick_hours_within_schedule 1, spell_consistent 1,
    #   sick_leave_has_employment 1.
    assert report.checks_run == (1 + 4 + 20) + (1 + 4 + 20) == 50
    assert report.status == "passed"
    assert set(report.seconds_by_suite) == {"ledger", "hr"}


@pytest.mark.parametrize(
    ("rule", "table", "breaker", "key", "count"), BREAKS, ids=[f"{r}-{t}-{k}" for r, t, _, k, _ in BREAKS]
)
def test_each_rule_blocks_with_the_key(
    sqlite_url: str, rule: str, table: str, breaker: Breaker, key: str, count: int
) -> None:
    finding = assert_only(validate(build_source(sqlite_url, breaker)), rule, table, key)
    assert finding.count == count


def test_every_rule_has_a_breaking_test() -> None:
    # The ledger rules not broken here are broken in tests/expectations/test_ledger.py, which also checks
    # that every ledger check is covered by one of the two files; likewise the HR rules, in
    # tests/expectations/test_hr.py.
    elsewhere = {r.id for r in RULES} - {r for r, _, _, _, _ in BREAKS}
    assert {(r.id, c.table) for r in RULES for c in r.checks if r.id not in elsewhere} == {
        (r, t) for r, t, _, _, _ in BREAKS
    }


def test_each_table_is_read_by_one_query_run_once(sqlite_url: str) -> None:
    # Before: one query per check, and GX ran each twice (a COUNT(*) around it, then a sample).
    url = build_source(sqlite_url, BREAKS[0][2])  # one failing rule: its count and examples come along
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    sa.event.listen(sa.Engine, "before_cursor_execute", record)
    try:
        report = validate(url)
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", record)

    scans = [s for s in statements if s.startswith("WITH pass_1")]
    # One per contract table that has checks: 4 ledger (gl_entries, budget_entries, investment_projects,
    # cost_centers has none of its own) = 3, and the 4 HR tables.
    assert len(scans) == 3 + 4 and len(set(scans)) == len(scans)
    assert not [s for s in statements if "unexpected_row_count" in s]  # GX's counting query never runs
    assert [(f.rule, f.count, f.examples) for f in report.findings] == [
        ("ledger.vouchers_balance", 1, ["A1"])
    ]


def test_rerun_of_an_old_month_ignores_later_periods(sqlite_url: str) -> None:
    # April's books hold an unbalanced voucher on an unmapped account; March's report does not read April.
    april = [gl("A9", 1, 202504, "8500", 70.0), gl("A9", 2, 202504, "1930", -69.0)]
    url = build_source(sqlite_url, insert(gl_entries, *april))

    assert validate(url, month=3).findings == []
    april_report = validate(url, month=4)
    assert {f.rule for f in april_report.findings} == {"ledger.vouchers_balance", "ledger.account_mapped"}


def test_examples_are_capped_and_the_message_says_so(sqlite_url: str) -> None:
    # 25 one-row vouchers of 1 SEK each: 25 unbalanced vouchers, 20 named.
    rows = [gl(f"B{n:02d}", 1, 202503, "4011", 1.0) for n in range(25)]
    finding = assert_only(
        validate(build_source(sqlite_url, insert(gl_entries, *rows))),
        "ledger.vouchers_balance",
        "gl_entries",
        "B00",
    )
    assert finding.count == 25
    assert finding.examples == [f"B{n:02d}" for n in range(20)]
    assert "(first 20 of 25)" in finding.message and "(20 av 25)" in finding.message


def test_missing_table_is_named_and_its_checks_skipped(sqlite_url: str) -> None:
    url = build_source(sqlite_url, execute("DROP TABLE sick_leave"))
    finding = assert_only(validate(url), "hr.table_exists", "sick_leave", "sick_leave")
    assert "table sick_leave does not exist in the HR source" in finding.message


def test_missing_column_is_named(sqlite_url: str) -> None:
    url = build_source(
        sqlite_url,
        execute("DROP TABLE budget_entries"),
        execute("CREATE TABLE budget_entries (budget_version TEXT, period INTEGER, account TEXT)"),
    )
    finding = assert_only(validate(url), "ledger.columns_exist", "budget_entries", "amount")
    assert finding.examples == ["cost_center", "amount"]


def test_unreachable_source_is_a_finding_and_creates_no_file(tmp_path: Path, sqlite_url: str) -> None:
    missing = tmp_path / "no-such.db"
    report = validate_sources(f"sqlite:///{missing}", build_source(sqlite_url), PLAN, YEAR, MONTH)

    assert [f.rule for f in report.findings] == ["ledger.source_reachable"]
    assert "does not exist" in report.findings[0].message
    assert not missing.exists()


def test_an_expectation_that_errors_is_an_internal_error_not_bad_data(sqlite_url: str) -> None:
    # A condition on a column the table lacks: GX returns success=False with an empty result and the
    # database error only in exception_info. The query is the table's, so every check of it is unverified.
    def rule(rule_id: str, where: str) -> Rule:
        return Rule(
            rule_id,
            "critical",
            "never",
            "aldrig",
            "",
            (Check("gl_entries", where, "voucher_id", ("row", "rows")),),
        )

    source = runner.Source(
        "ledger",
        "ledger source",
        "huvudbokskällan",
        build_source(sqlite_url),
        {"gl_entries": gl_entries},
        [rule("ledger.test_broken", "no_such_column > 0"), rule("ledger.test_fine", "amount > 1e12")],
        {},
    )
    outcome = runner.run_suite(runner.new_context(), source)

    assert [(f.rule, f.table, f.severity) for f in outcome.findings] == [
        ("internal.expectation_error", "gl_entries", "critical")
    ] * 2
    broken, fine = outcome.findings
    assert "ledger.test_broken" in broken.message and "no such column: no_such_column" in broken.message
    assert "ledger.test_fine" in fine.message and "says nothing about the data" in fine.message


CHECK = runner.RuleCheck(RULES[0], RULES[0].checks[0])  # ledger.vouchers_balance on gl_entries


@pytest.mark.parametrize(
    ("success", "result", "exception_info", "rule"),
    [
        (True, {"observed_value": 0}, {"raised_exception": False}, None),
        (
            False,
            {"observed_value": 1, "details": {"unexpected_rows": [{"example_key": "A7"}]}},
            {},
            "ledger.vouchers_balance",
        ),
        # The silent-failure trap: an empty result, the error keyed by metric id.
        (
            False,
            {},
            {"metric-id": {"raised_exception": True, "exception_message": "boom"}},
            "internal.expectation_error",
        ),
        (True, {}, {"raised_exception": True, "exception_message": "boom"}, "internal.expectation_error"),
        (False, {}, {}, "internal.expectation_error"),  # a failure without a count proves nothing
    ],
)
def test_result_to_finding(success: bool, result: dict, exception_info: dict, rule: str | None) -> None:
    gx_result = ExpectationValidationResult(success=success, result=result, exception_info=exception_info)
    finding = runner.finding_from_result(CHECK, gx_result)
    assert (finding.rule if finding else None) == rule


def test_validation_prints_nothing(sqlite_url: str, capfd: pytest.CaptureFixture[str]) -> None:
    url = build_source(sqlite_url, BREAKS[0][2])
    capfd.readouterr()
    validate(url)
    assert capfd.readouterr() == ("", "")  # no GX progress bars, warnings or prints


# The plan's ranges: 1000-2999 balance sheet, 3000-3999, 4000-4999, 5000-7999, 8900-8999 report rows.
ACCOUNTS = [
    ("4011", False),
    (" 4011 ", False),  # spaces around the number
    ("04011", False),  # 4011 with a leading zero
    ("0000000004011", False),  # still 4011
    ("3999", False),  # the last revenue account
    ("8500", True),  # 8000-8899 is no report row
    ("8899", True),
    ("8900", False),  # the first allocation account
    ("9000", True),
    ("1930", False),  # balance sheet
    ("4O11", True),  # a letter O: not a number
    ("", True),
]


@pytest.mark.parametrize(("account", "unmapped"), ACCOUNTS)
def test_sql_account_mapping_agrees_with_the_plan(sqlite_url: str, account: str, unmapped: bool) -> None:
    url = build_source(sqlite_url, update(gl_entries, gl_row("A1", 1), account=account))
    findings = [(f.rule, f.examples) for f in validate(url).findings]
    assert findings == ([("ledger.account_mapped", [f"account {account}"])] if unmapped else [])
    assert (PLAN.row_for_account(account) is None) == unmapped  # the report's own reading agrees


@pytest.mark.parametrize(
    ("window", "month", "first"), [(12, 3, 202404), (12, 12, 202501), (12, 1, 202402), (6, 12, 202501)]
)
def test_hr_scope_starts_at_the_window_or_january(window: int, month: int, first: int) -> None:
    sick = PLAN.definitions.sick_leave.model_copy(update={"window_months": window})
    plan = PLAN.model_copy(update={"definitions": PLAN.definitions.model_copy(update={"sick_leave": sick})})
    assert hr_suite.scope(plan, Month(YEAR, month)).first.yyyymm == first


def table_queries() -> Iterator[tuple[str, str, frozenset[str]]]:
    """(source, table, query) of every table's query, for SQLite, the views stand-ins."""
    for source in runner.build_sources(
        "sqlite://", "sqlite://", PLAN, Month(YEAR, MONTH), None, default_thresholds()
    ):
        views = {name: f"SELECT * FROM raw_{name}" for name in source.tables}
        for table, checks in runner.by_anchor(source.checks):
            yield source.suite, table, runner.query_of(source, checks, views)


@pytest.mark.parametrize(
    ("suite", "table", "query"), list(table_queries()), ids=lambda v: v if len(v) < 30 else ""
)
def test_queries_follow_the_gx_conventions(suite: str, table: str, query: str) -> None:
    fields = {field for _, field, _, _ in string.Formatter().parse(query) if field}
    assert fields == {"batch"}  # every other placeholder replaced; GX reads the whole table without it
    assert " JOIN " not in query.upper()  # GX substitutes {batch} differently for joins
    assert not re.search(r"\{batch\}\s+AS\b", query)  # GX substitutes "(...) AS subselect" itself
    # Other tables are read as views of the same source only.
    others = {t.name for t in (LEDGER_TABLES if suite == "ledger" else HR_TABLES)}
    assert set(re.findall(r"FROM raw_(\w+)", query)) <= others - {table}


def test_budget_version_with_quote_colon_and_braces_reaches_the_database(sqlite_url: str) -> None:
    # Each would break the query unescaped: ' ends the literal, {x} is a GX placeholder, :x a bind parameter.
    version = "B'25:{x}"
    row = dict(budget_version=version, period=202501, account="9100", cost_center="100", amount=1.0)
    plan = PLAN.model_copy(update={"approved_budget_version": version})
    copy = [{**r, "budget_version": version} for r in approved_budget()]  # a complete version of that name

    url = build_source(sqlite_url, insert(budget_entries, *copy, row))
    report = validate_sources(url, url, plan, YEAR, MONTH)
    assert_only(report, "ledger.account_mapped", "budget_entries", "account 9100")


PG_BREAKS = [BREAKS[0], BREAKS[3], BREAKS[5], BREAKS[-2]]  # the dialect-sensitive SQL: sums, CAST, % and NULL


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("rule", "table", "breaker", "key", "count"), PG_BREAKS, ids=[f"{r}-{k}" for r, _, _, k, _ in PG_BREAKS]
)
def test_postgres_clean_and_broken(
    pg_url_factory: Callable[[], str],  # noqa: F811  (the fixture imported above)
    rule: str,
    table: str,
    breaker: Breaker,
    key: str,
    count: int,
) -> None:
    assert validate(build_source(pg_url_factory())).findings == []
    assert assert_only(validate(build_source(pg_url_factory(), breaker)), rule, table, key).count == count


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_key_three_times_is_one_repeated_key(
    request: pytest.FixtureRequest,
    database: str,
    sqlite_url: str,
) -> None:
    # A2/1 (three copies) and A3/1 (two copies) are 2 repeated keys, each shown once, on either database's
    # grouping (expectations.ledger._vouchers). Amounts 0: the vouchers still balance.
    url = sqlite_url if database == "sqlite" else request.getfixturevalue("pg_url_factory")()
    copies = [gl("A2", 1, 202502, "3011", 0.0)] * 2 + [gl("A3", 1, 202502, "3011", 0.0)]
    finding = assert_only(
        validate(build_source(url, insert(gl_entries, *copies))), "ledger.keys_unique", "gl_entries", "A2/1"
    )
    assert finding.count == 2
    assert finding.examples == ["A2/1", "A3/1"]
