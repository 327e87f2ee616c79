"""The HR suite: rules on employees, employments, scheduled_hours and sick_leave (contract §1, HR source).

Scope for the report of month M of year Y: scheduled_hours and sick_leave rows of the periods the
indicators read (the rolling window ending M, and January of Y for the year to date); keys and the
employment register are checked whole. Example keys are pseudonymous ids only, never other personal data.
"""

from __future__ import annotations

from expectations import Check, Rule, between, invalid_period, text_of
from uppfoljning.plan import Plan

PERSON_IDS_UNIQUE = Rule(
    "hr.person_ids_unique", "critical", "person_id is missing or not unique", "Dubbletter av person-id"
)
EMPLOYMENT_IDS_UNIQUE = Rule(
    "hr.employment_ids_unique",
    "critical",
    "employment_id is missing or not unique",
    "Dubbletter av anställnings-id",
)
EMPLOYMENT_PERSON_KNOWN = Rule(
    "hr.employment_person_known",
    "critical",
    "person_id not in employees",
    "Anställningar för okänt person-id",
)
SCHEDULED_HOURS_PERSON_KNOWN = Rule(
    "hr.scheduled_hours_person_known",
    "critical",
    "person_id not in employees",
    "Schemalagd tid för okänt person-id",
)
SICK_LEAVE_PERSON_KNOWN = Rule(
    "hr.sick_leave_person_known",
    "critical",
    "person_id not in employees",
    "Sjukfrånvaro för okänt person-id",
)
DATES_VALID = Rule(
    "hr.dates_valid",
    "critical",
    "start date missing or after end date",
    "Startdatum saknas eller ligger efter slutdatum",
)
PERIOD_VALID = Rule(
    "hr.period_valid",
    "critical",
    "period is missing or not a valid YYYYMM",
    "Ogiltig period (ska vara ÅÅÅÅMM)",
)
SEX_VALID = Rule("hr.sex_valid", "critical", "sex is not 'K' or 'M'", "Kön ska vara K eller M")

UNKNOWN_PERSON = "person_id IS NULL OR person_id NOT IN (SELECT e.person_id FROM employees AS e WHERE e.person_id IS NOT NULL)"
"""A subquery, not a JOIN (see Check); `e.` keeps it from reading the outer person_id by mistake."""


def hr_checks(plan: Plan, year: int, month: int) -> list[Check]:
    periods = between("period", first_period(plan, year, month), year * 100 + month)
    return [
        _unique_ids(PERSON_IDS_UNIQUE, "employees", "person_id", ("person id", "person ids")),
        _unique_ids(
            EMPLOYMENT_IDS_UNIQUE, "employments", "employment_id", ("employment id", "employment ids")
        ),
        _unknown_persons(EMPLOYMENT_PERSON_KNOWN, "employments", "1 = 1"),
        _unknown_persons(SCHEDULED_HOURS_PERSON_KNOWN, "scheduled_hours", periods),
        _unknown_persons(SICK_LEAVE_PERSON_KNOWN, "sick_leave", periods),
        Check(
            DATES_VALID,
            "employments",
            ("employment", "employments"),
            f"SELECT 'employment ' || {text_of('employment_id')} AS example_key FROM {{batch}}"
            " WHERE start_date IS NULL OR (end_date IS NOT NULL AND start_date > end_date)"
            " ORDER BY example_key",
        ),
        # The long-term share needs the spell's length, so a missing spell_start is invalid too.
        Check(
            DATES_VALID,
            "sick_leave",
            ("spell", "spells"),
            f"SELECT DISTINCT 'spell ' || {text_of('spell_id')} AS example_key FROM {{batch}}"
            f" WHERE {periods} AND (spell_start IS NULL OR (spell_end IS NOT NULL AND spell_start > spell_end))"
            " ORDER BY example_key",
        ),
        # Not scoped by period: a malformed or missing period belongs to no month, so it may be one of ours.
        _invalid_periods("scheduled_hours"),
        _invalid_periods("sick_leave"),
        Check(
            SEX_VALID,
            "employees",
            ("person", "persons"),
            f"SELECT {text_of('person_id')} AS example_key FROM {{batch}}"
            " WHERE sex IS NULL OR sex NOT IN ('K', 'M') ORDER BY example_key",
        ),
    ]


def first_period(plan: Plan, year: int, month: int) -> int:
    """The first HR period a report of month M reads: the start of the rolling window ending M, or
    January of Y when the window is shorter than the year to date."""
    months_back = plan.definitions.sick_leave.window_months - 1
    index = year * 12 + (month - 1) - months_back  # months since year 0, January = 0
    window_start = (index // 12) * 100 + index % 12 + 1
    return min(window_start, year * 100 + 1)


def _unique_ids(rule: Rule, table: str, column: str, noun: tuple[str, str]) -> Check:
    # A null id is reported here too: it breaks the key like a duplicate does, and no other rule sees it.
    return Check(
        rule,
        table,
        noun,
        f"SELECT {text_of(column)} AS example_key FROM {{batch}}"
        f" GROUP BY {column} HAVING COUNT(*) > 1 OR {column} IS NULL ORDER BY example_key",
    )


def _unknown_persons(rule: Rule, table: str, scope: str) -> Check:
    return Check(
        rule,
        table,
        ("person id", "person ids"),
        f"SELECT DISTINCT {text_of('person_id')} AS example_key FROM {{batch}}"
        f" WHERE {scope} AND ({UNKNOWN_PERSON}) ORDER BY example_key",
        reads=("employees",),
    )


def _invalid_periods(table: str) -> Check:
    return Check(
        PERIOD_VALID,
        table,
        ("period", "periods"),
        f"SELECT DISTINCT 'period ' || {text_of('period')} AS example_key FROM {{batch}}"
        f" WHERE period IS NULL OR {invalid_period()} ORDER BY example_key",
    )
