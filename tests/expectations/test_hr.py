"""The HR rules of the data-quality gate: each breaker breaks exactly one rule on the tiny clean source of
tests/expectations/test_suites.py, and the finding names the rule, the table and the key.

The report under test is March 2025: HR periods 202404..202503. The clean source has P1 (E1, tillsvidare
since 2020, 160/150 h in 202501/202502, spell S1 of 24 h in 202501) and P2 (E2, visstid 2024-06-01 to
2025-06-30 without an end reason yet, 80 h in 202501).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from expectations import Finding, ValidationReport
from expectations import hr as hr_suite
from expectations.hr import HR_RULES
from extract.sources import HR_TABLES, employments, scheduled_hours, sick_leave
from tests.expectations.test_suites import BREAKS, PLAN, Breaker, build_source, insert, update, validate
from tests.pg import pg_url_factory  # noqa: F401  (a fixture: used as a test parameter)
from transforms.periods import Month

D = dt.date
RULES = {r.id: r for r in HR_RULES}


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'source.db'}"


def validate_hr(url: str, month: int) -> ValidationReport:
    """The HR source's findings for another month than March, whose ledger the tiny source lacks."""
    report = validate(url, month)
    hr_tables = {t.name for t in HR_TABLES}
    return dataclasses.replace(report, findings=[f for f in report.findings if f.table in hr_tables])


def employment(employment_id: str) -> sa.ColumnElement[bool]:
    return employments.c.employment_id == employment_id


def spell_row(
    person: str, spell: str, period: int, hours: float, start: dt.date, end: dt.date | None
) -> dict[str, object]:
    return dict(
        person_id=person, spell_id=spell, spell_start=start, spell_end=end, period=period, hours=hours
    )


def assert_only(report: ValidationReport, rule: str, table: str, key: str) -> Finding:
    """Exactly one finding, of `rule` on `table`, naming `key`, with the severity the README gives the rule."""
    assert [(f.rule, f.table) for f in report.findings] == [(rule, table)], report.findings
    (finding,) = report.findings
    assert finding.severity == ("warning" if rule == "hr.scheduled_hours_bounds" else "critical")  # README
    assert report.passed == (finding.severity == "warning")
    assert key in finding.examples, finding.examples
    assert key in finding.message and rule in finding.message and table in finding.message
    assert RULES[rule].fix and RULES[rule].fix in finding.message
    return finding


# Breakers the PostgreSQL cases reuse.
ENDED_WITHOUT_REASON = update(employments, employment("E2"), end_date=D(2025, 3, 31))
NEGATIVE_MONTH = insert(scheduled_hours, person_id="P2", period=202502, hours=-8.5)
LONG_MONTH = insert(scheduled_hours, person_id="P1", period=202501, hours=102.0)
SICK_OVER_SCHEDULE = insert(sick_leave, spell_row("P1", "S2", 202501, 140.0, D(2025, 1, 20), D(2025, 1, 31)))
SPELL_ONGOING_AND_ENDED = insert(sick_leave, spell_row("P1", "S1", 202502, 8.0, D(2025, 1, 10), None))
SICK_BEFORE_EMPLOYMENT = insert(
    sick_leave, spell_row("P2", "S2", 202405, 8.0, D(2024, 5, 20), D(2024, 5, 20))
)

# --- one breaker per rule (and per way of breaking it): (rule, table, breaker, expected example key) ---------
HR_BREAKS: list[tuple[str, str, Breaker, str]] = [
    # An end reason without an end date.
    (
        "hr.end_reason_iff_end_date",
        "employments",
        update(employments, employment("E1"), end_reason="pension"),
        "employment E1",
    ),
    # Ended in the report month without an end reason: the leaver would be missing from turnover.
    (
        "hr.end_reason_iff_end_date",
        "employments",
        ENDED_WITHOUT_REASON,
        "employment E2",
    ),
    (
        "hr.employment_type_allowed",
        "employments",
        update(employments, employment("E2"), employment_type="Visstid"),
        "employment E2 (Visstid)",
    ),
    (
        "hr.employment_type_allowed",
        "employments",
        update(employments, employment("E2"), employment_type=None),
        "employment E2 ((null))",
    ),
    (
        "hr.end_reason_allowed",
        "employments",
        update(employments, employment("E2"), end_reason="slut"),
        "employment E2 (slut)",
    ),
    (
        "hr.work_rate_valid",
        "employments",
        update(employments, employment("E1"), work_rate=1.5),
        "employment E1",
    ),
    (
        "hr.work_rate_valid",
        "employments",
        update(employments, employment("E1"), work_rate=0),
        "employment E1",
    ),
    (
        "hr.work_rate_valid",
        "employments",
        update(employments, employment("E2"), work_rate=None),
        "employment E2",
    ),
    (
        "hr.scheduled_hours_nonnegative",
        "scheduled_hours",
        NEGATIVE_MONTH,
        "person P2 period 202502 (-8.50 h)",
    ),
    (
        "hr.scheduled_hours_nonnegative",
        "scheduled_hours",
        insert(scheduled_hours, person_id="P2", period=202502, hours=None),
        "person P2 period 202502 (hours missing)",
    ),
    # Summed per person-month: 160 + 102 = 262 h in January.
    (
        "hr.scheduled_hours_bounds",
        "scheduled_hours",
        LONG_MONTH,
        "person P1 period 202501 (262.00 h)",
    ),
    (
        "hr.sick_hours_nonnegative",
        "sick_leave",
        update(sick_leave, sick_leave.c.spell_id == "S1", hours=-24.0),
        "person P1 period 202501",
    ),
    (
        "hr.sick_hours_nonnegative",
        "sick_leave",
        update(sick_leave, sick_leave.c.spell_id == "S1", hours=None),
        "person P1 period 202501",
    ),
    # 160.01 sick hours in a month of 160 scheduled hours.
    (
        "hr.sick_hours_within_schedule",
        "sick_leave",
        update(sick_leave, sick_leave.c.spell_id == "S1", hours=160.01),
        "person P1 period 202501",
    ),
    # Summed over spells: 24 + 140 > 160.
    (
        "hr.sick_hours_within_schedule",
        "sick_leave",
        SICK_OVER_SCHEDULE,
        "person P1 period 202501",
    ),
    # The spell's February row is ongoing while its January row has ended.
    (
        "hr.spell_consistent",
        "sick_leave",
        SPELL_ONGOING_AND_ENDED,
        "spell S1",
    ),
    (
        "hr.spell_consistent",
        "sick_leave",
        insert(sick_leave, spell_row("P1", "S1", 202502, 8.0, D(2025, 1, 11), D(2025, 1, 14))),
        "spell S1",
    ),
    (
        "hr.spell_consistent",
        "sick_leave",
        insert(sick_leave, spell_row("P2", "S1", 202502, 8.0, D(2025, 1, 10), D(2025, 1, 14))),
        "spell S1",
    ),
    # E2 starts 2024-06-01: sick leave in May 2024 belongs to no employment.
    (
        "hr.sick_leave_has_employment",
        "sick_leave",
        SICK_BEFORE_EMPLOYMENT,
        "person P2 period 202405",
    ),
]


@pytest.mark.parametrize(
    ("rule", "table", "breaker", "key"), HR_BREAKS, ids=[f"{r}-{k}" for r, _, _, k in HR_BREAKS]
)
def test_each_hr_rule_names_the_key(
    sqlite_url: str, rule: str, table: str, breaker: Breaker, key: str
) -> None:
    finding = assert_only(validate(build_source(sqlite_url, breaker)), rule, table, key)
    assert finding.count == 1


def test_every_hr_check_has_a_breaking_test() -> None:
    broken = {(b[0], b[1]) for b in [*BREAKS, *HR_BREAKS] if b[0].startswith("hr.")}
    assert {(r.id, c.table) for r in HR_RULES for c in r.checks} == broken


def test_hr_rules_lists_every_rule_once_with_a_fix() -> None:
    ids = [r.id for r in HR_RULES]
    assert len(ids) == len(set(ids)) and all(i.startswith("hr.") for i in ids)
    assert all(r.checks for r in HR_RULES)
    for rule in HR_RULES:
        english, swedish = rule.fix.split(" / ")
        assert english.endswith(".") and swedish.endswith("."), rule.id
    assert [r.id for r in HR_RULES if r.severity == "warning"] == ["hr.scheduled_hours_bounds"]


# --- severities and what each rule deliberately lets through ---------------------------------------------------
def test_too_many_scheduled_hours_is_a_published_warning(sqlite_url: str) -> None:
    url = build_source(sqlite_url, insert(scheduled_hours, person_id="P1", period=202502, hours=100.5))
    report = validate(url)
    finding = assert_only(
        report, "hr.scheduled_hours_bounds", "scheduled_hours", "person P1 period 202502 (250.50 h)"
    )
    assert finding.severity == "warning"
    assert report.passed and report.status == "warnings" and report.critical == []


def test_correction_rows_are_summed_per_person_month(sqlite_url: str) -> None:
    # -10 h corrects January to 150 h, and exactly 250 h in February is not above the limit.
    url = build_source(
        sqlite_url,
        insert(
            scheduled_hours,
            dict(person_id="P1", period=202501, hours=-10.0),
            dict(person_id="P1", period=202502, hours=100.0),
        ),
    )
    assert validate(url).findings == []


def test_sick_leave_correction_rows_are_summed_per_person_month(sqlite_url: str) -> None:
    # January: S1 has 24 h; a correction row of -8 h leaves 16 h, which is not negative. A month whose
    # rows sum below zero is still refused: February -10 h alone.
    url = build_source(
        sqlite_url,
        insert(sick_leave, spell_row("P1", "S1", 202501, -8.0, D(2025, 1, 10), D(2025, 1, 14))),
    )
    assert validate(url).findings == []

    negative = build_source(
        sqlite_url.replace("source.db", "negative.db"),
        insert(sick_leave, spell_row("P1", "S2", 202502, -10.0, D(2025, 2, 3), D(2025, 2, 4))),
    )
    finding = assert_only(
        validate(negative), "hr.sick_hours_nonnegative", "sick_leave", "person P1 period 202502"
    )
    assert finding.count == 1


def test_sick_hours_equal_to_the_schedule_pass(sqlite_url: str) -> None:
    # February: 150 h scheduled, 50 + 100 h sick in two spells.
    url = build_source(
        sqlite_url,
        insert(
            sick_leave,
            spell_row("P1", "S2", 202502, 50.0, D(2025, 2, 3), D(2025, 2, 9)),
            spell_row("P1", "S3", 202502, 100.0, D(2025, 2, 12), D(2025, 2, 28)),
        ),
    )
    assert validate(url).findings == []


def test_sick_leave_in_a_month_without_scheduled_hours_is_not_compared(sqlite_url: str) -> None:
    # P1 has no scheduled hours in March: the indicator leaves those sick hours out, so there is no ratio.
    url = build_source(
        sqlite_url, insert(sick_leave, spell_row("P1", "S2", 202503, 40.0, D(2025, 3, 3), D(2025, 3, 7)))
    )
    assert validate(url).findings == []


# P1's January after a correction row: 160 - 40 = 120 h scheduled, 24 + 100 = 124 h sick. Only the scheduled
# rows of person-months with sick leave are read for this rule: both of P1's January rows must be (without
# the correction, 160 h would hide the excess), beside P2's January and P1's February, which have no sick
# leave to compare.
SICK_OVER_CORRECTED_SCHEDULE = [
    insert(scheduled_hours, person_id="P1", period=202501, hours=-40.0),
    insert(sick_leave, spell_row("P1", "S2", 202501, 100.0, D(2025, 1, 13), D(2025, 1, 31))),
]


def test_sick_hours_are_compared_with_the_same_person_month_only(sqlite_url: str) -> None:
    url = build_source(sqlite_url, *SICK_OVER_CORRECTED_SCHEDULE)
    finding = assert_only(
        validate(url), "hr.sick_hours_within_schedule", "sick_leave", "person P1 period 202501"
    )
    assert finding.count == 1


def test_sick_hours_are_never_shown(sqlite_url: str) -> None:
    url = build_source(sqlite_url, update(sick_leave, sick_leave.c.spell_id == "S1", hours=171.25))
    finding = assert_only(
        validate(url), "hr.sick_hours_within_schedule", "sick_leave", "person P1 period 202501"
    )
    assert "171" not in finding.message and finding.examples == ["person P1 period 202501"]


def test_a_planned_end_needs_its_reason_only_once_reached(sqlite_url: str) -> None:
    # E2 ends 2025-06-30 without a reason: fine up to May's report, blocking from June's on.
    url = build_source(sqlite_url)
    assert validate_hr(url, 5).findings == []
    assert_only(validate_hr(url, 6), "hr.end_reason_iff_end_date", "employments", "employment E2")


def test_ongoing_spells_agree(sqlite_url: str) -> None:
    url = build_source(
        sqlite_url,
        update(sick_leave, sick_leave.c.spell_id == "S1", spell_end=None),
        insert(sick_leave, spell_row("P1", "S1", 202502, 8.0, D(2025, 1, 10), None)),
    )
    assert validate(url).findings == []


# --- hr.sick_leave_has_employment: the month boundaries, gaps between employments, the scope -------------------
def move_e2(start: dt.date, end: dt.date | None, reason: str | None) -> Breaker:
    return update(employments, employment("E2"), start_date=start, end_date=end, end_reason=reason)


P2_SICK_IN_MARCH = insert(sick_leave, spell_row("P2", "S2", 202503, 8.0, D(2025, 3, 3), D(2025, 3, 3)))
ACTIVE_IN_MARCH = [
    (D(2025, 3, 31), None, None),  # starts on March's last day
    (D(2024, 6, 1), D(2025, 3, 1), "ovrigt"),  # ends on March's first day
    (D(2025, 3, 1), D(2025, 3, 31), "ovrigt"),  # exactly March
]
NOT_ACTIVE_IN_MARCH = [
    (D(2025, 4, 1), None, None),  # starts the day after
    (D(2024, 6, 1), D(2025, 2, 28), "ovrigt"),  # ended the day before
]


@pytest.mark.parametrize(("start", "end", "reason"), ACTIVE_IN_MARCH)
def test_an_employment_active_on_any_day_of_the_month_covers_it(
    sqlite_url: str, start: dt.date, end: dt.date | None, reason: str | None
) -> None:
    assert validate(build_source(sqlite_url, move_e2(start, end, reason), P2_SICK_IN_MARCH)).findings == []


@pytest.mark.parametrize(("start", "end", "reason"), NOT_ACTIVE_IN_MARCH)
def test_no_employment_that_month_blocks(
    sqlite_url: str, start: dt.date, end: dt.date | None, reason: str | None
) -> None:
    url = build_source(sqlite_url, move_e2(start, end, reason), P2_SICK_IN_MARCH)
    assert_only(validate(url), "hr.sick_leave_has_employment", "sick_leave", "person P2 period 202503")


def gap_between_employments() -> list[Breaker]:
    """P2: E2 to 2024-12-31, then E3 from 2025-03-01, and sick leave in January and March."""
    return [
        move_e2(D(2024, 6, 1), D(2024, 12, 31), "ovrigt"),
        insert(
            employments,
            employment_id="E3",
            person_id="P2",
            cost_center="100",
            employment_type="tillsvidare",
            start_date=D(2025, 3, 1),
            work_rate=1.0,
        ),
        insert(
            sick_leave,
            spell_row("P2", "S2", 202501, 8.0, D(2025, 1, 8), D(2025, 1, 8)),
            spell_row("P2", "S3", 202503, 8.0, D(2025, 3, 5), D(2025, 3, 5)),
        ),
    ]


def test_a_month_between_two_employments_blocks(sqlite_url: str) -> None:
    # The person's first start and last end enclose January, but no employment is active then.
    finding = assert_only(
        validate(build_source(sqlite_url, *gap_between_employments())),
        "hr.sick_leave_has_employment",
        "sick_leave",
        "person P2 period 202501",
    )
    assert finding.examples == ["person P2 period 202501"]


def test_overlapping_employments_cover_the_month(sqlite_url: str) -> None:
    # P1 also held E4, which ended in December: E1 still covers January.
    second = insert(
        employments,
        employment_id="E4",
        person_id="P1",
        cost_center="100",
        employment_type="visstid",
        start_date=D(2019, 1, 1),
        end_date=D(2024, 12, 31),
        end_reason="ovrigt",
        work_rate=0.2,
    )
    assert validate(build_source(sqlite_url, second)).findings == []


def test_sick_leave_outside_the_scope_is_not_read(sqlite_url: str) -> None:
    # May 2024 is in March 2025's window (202404..202503), March 2024 only in February's (202403..202502).
    url = build_source(
        sqlite_url, insert(sick_leave, spell_row("P2", "S2", 202403, 8.0, D(2024, 3, 4), D(2024, 3, 4)))
    )
    assert validate(url, month=3).findings == []
    assert_only(validate_hr(url, 2), "hr.sick_leave_has_employment", "sick_leave", "person P2 period 202403")


def test_scope_months_run_from_the_first_period_to_the_report_month() -> None:
    def months(month: int) -> list[int]:
        return [m.yyyymm for m in hr_suite.scope(PLAN, Month(2025, month)).months]

    assert months(3) == [*range(202404, 202413), 202501, 202502, 202503]
    assert months(12) == list(range(202501, 202513))


# --- PostgreSQL: the dialect-sensitive SQL (date literals, window sum, row-value IN, number formatting) --------
PG_CASES: list[tuple[str, str, list[Breaker], str]] = [
    ("hr.spell_consistent", "sick_leave", [SPELL_ONGOING_AND_ENDED], "spell S1"),
    ("hr.sick_leave_has_employment", "sick_leave", [SICK_BEFORE_EMPLOYMENT], "person P2 period 202405"),
    (
        "hr.sick_leave_has_employment",
        "sick_leave",
        [move_e2(*NOT_ACTIVE_IN_MARCH[1]), P2_SICK_IN_MARCH],
        "person P2 period 202503",
    ),
    ("hr.sick_leave_has_employment", "sick_leave", gap_between_employments(), "person P2 period 202501"),
    ("hr.sick_hours_within_schedule", "sick_leave", [SICK_OVER_SCHEDULE], "person P1 period 202501"),
    ("hr.sick_hours_within_schedule", "sick_leave", SICK_OVER_CORRECTED_SCHEDULE, "person P1 period 202501"),
    (
        "hr.scheduled_hours_nonnegative",
        "scheduled_hours",
        [NEGATIVE_MONTH],
        "person P2 period 202502 (-8.50 h)",
    ),
    ("hr.scheduled_hours_bounds", "scheduled_hours", [LONG_MONTH], "person P1 period 202501 (262.00 h)"),
    ("hr.end_reason_iff_end_date", "employments", [ENDED_WITHOUT_REASON], "employment E2"),
]


@pytest.mark.postgres
def test_postgres_clean_source_and_boundaries_pass(pg_url_factory: Callable[[], str]) -> None:  # noqa: F811
    assert validate(build_source(pg_url_factory())).findings == []
    for start, end, reason in ACTIVE_IN_MARCH:
        url = build_source(pg_url_factory(), move_e2(start, end, reason), P2_SICK_IN_MARCH)
        assert validate(url).findings == [], (start, end)
    url = build_source(pg_url_factory(), update(sick_leave, sick_leave.c.spell_id == "S1", spell_end=None))
    assert validate(url).findings == []


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("rule", "table", "breakers", "key"), PG_CASES, ids=[f"{r}-{k}" for r, _, _, k in PG_CASES]
)
def test_postgres_rule_names_the_key(
    pg_url_factory: Callable[[], str],  # noqa: F811  (the fixture imported above)
    rule: str,
    table: str,
    breakers: list[Breaker],
    key: str,
) -> None:
    assert_only(validate(build_source(pg_url_factory(), *breakers)), rule, table, key)
