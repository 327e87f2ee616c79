"""The HR suite: rules on employees, employments, scheduled_hours and sick_leave (contract §1, HR source).

Scope for the report of month M of year Y: scheduled_hours and sick_leave rows of the periods the
indicators read (the rolling window ending M, and January of Y for the year to date); keys and the
employment register are checked whole. Example keys are pseudonymous ids only (person, employment or
spell id, with a period), never other personal data; the few examples that show a value show a code
(employment type, end reason) or scheduled hours, never sick-leave hours, which are health data.

Performance: the sources are views without indexes, so no query correlates a subquery with the outer row
(SQLite runs that as a nested loop: 55 s at 30 000 persons for one such query). Rules that compare two
tables read the other table in an uncorrelated subquery (IN, which both databases hash or semi-join) and
combine the two with UNION ALL and then GROUP BY or a running sum (an anti-join without JOIN, which GX
would substitute differently, see `expectations.Check`). Grouping every scheduled_hours row of the scope
is the costliest step (0.2-0.35 s a run at 30 000 persons), so rules narrow the rows first where a
necessary condition allows it.

Dates are compared only with ISO date literals ('2025-03-01'): PostgreSQL reads the literal as a date,
SQLite compares the ISO text it stores, so the same SQL runs on both without knowing the dialect. A
month's dates are "on or after its first day and before the next month's first day", which also holds for
SQLite text with a time part ('2025-03-31 00:00:00').
"""

from __future__ import annotations

import datetime as dt

from expectations import Check, Rule, between, invalid_period, sql_literal, text_of
from uppfoljning.plan import Plan

# --- contract values and limits ------------------------------------------------------------------------------
EMPLOYMENT_TYPES = ("tillsvidare", "visstid", "timavlonad")
"""contract §1, employments.employment_type."""
END_REASONS = ("egen_begaran", "pension", "byte_av_tjanst", "uppsagning", "avliden", "ovrigt")
"""contract §1, employments.end_reason (null while the employment has not ended)."""
MAX_SCHEDULED_HOURS_PER_MONTH = 250
"""Scheduled hours of one person in one month above this are suspicious (a warning, not a block): a
full-time month is about 165-185 h (21-23 weekdays of 7.8-8 h), and 250 h leaves room for extended
schedules, but more points at duplicated rows or two full-time schedules for one person."""
MIN_SCHEDULED_HOURS_PER_MONTH = 0
"""A negative month corrupts every ratio it enters (a correction row may be negative, the month may not)."""
OPEN_END = "9999-12-31"
"""Stands for a NULL spell_end when comparing a spell's rows: an ongoing row and an ended row disagree."""
EXAMPLE_VALUE_CHARS = 30
"""A value shown in an example is cut to this length (the message stays one paragraph)."""

# --- rules -----------------------------------------------------------------------------------------------------
PERSON_IDS_UNIQUE = Rule(
    "hr.person_ids_unique",
    "critical",
    "person_id is missing or not unique",
    "Dubbletter av person-id",
    fix="Give every employee exactly one row with a person id in the employees view. "
    "/ Ge varje anställd exakt en rad med person-id i vyn employees.",
)
EMPLOYMENT_IDS_UNIQUE = Rule(
    "hr.employment_ids_unique",
    "critical",
    "employment_id is missing or not unique",
    "Dubbletter av anställnings-id",
    fix="Give every employment exactly one row with an employment id in the employments view. "
    "/ Ge varje anställning exakt en rad med anställnings-id i vyn employments.",
)
EMPLOYMENT_PERSON_KNOWN = Rule(
    "hr.employment_person_known",
    "critical",
    "person_id not in employees",
    "Anställningar för okänt person-id",
    fix="Add the person to employees, or correct the person id of the employment. "
    "/ Lägg till personen i employees eller rätta anställningens person-id.",
)
SCHEDULED_HOURS_PERSON_KNOWN = Rule(
    "hr.scheduled_hours_person_known",
    "critical",
    "person_id not in employees",
    "Schemalagd tid för okänt person-id",
    fix="Add the person to employees, or correct the person id of the scheduled hours. "
    "/ Lägg till personen i employees eller rätta person-id för den schemalagda tiden.",
)
SICK_LEAVE_PERSON_KNOWN = Rule(
    "hr.sick_leave_person_known",
    "critical",
    "person_id not in employees",
    "Sjukfrånvaro för okänt person-id",
    fix="Add the person to employees, or correct the person id of the sick leave. "
    "/ Lägg till personen i employees eller rätta person-id för sjukfrånvaron.",
)
DATES_VALID = Rule(
    "hr.dates_valid",
    "critical",
    "start date missing or after end date",
    "Startdatum saknas eller ligger efter slutdatum",
    fix="Correct the start and end dates in the HR system. / Rätta start- och slutdatum i HR-systemet.",
)
PERIOD_VALID = Rule(
    "hr.period_valid",
    "critical",
    "period is missing or not a valid YYYYMM",
    "Ogiltig period (ska vara ÅÅÅÅMM)",
    fix="Correct the period to YYYYMM in the source. / Rätta perioden till ÅÅÅÅMM i källan.",
)
SEX_VALID = Rule(
    "hr.sex_valid",
    "critical",
    "sex is not 'K' or 'M'",
    "Kön ska vara K eller M",
    fix="Map the HR system's value to K or M in the employees view. "
    "/ Översätt HR-systemets värde till K eller M i vyn employees.",
)
# An end reason needs an end date, always; an end date needs an end reason once the report month has
# reached it (turnover counts leavers by end reason, so a missing one silently drops a leaver). A planned
# end of a fixed-term employment may be registered before its reason: it blocks only from the report of
# the month it ends in, so a rerun of an old month is not blocked by a later end either.
END_REASON_IFF_END_DATE = Rule(
    "hr.end_reason_iff_end_date",
    "critical",
    "end_reason without end_date, or end_date by the end of the report month without end_reason",
    "Avgångsorsak utan slutdatum, eller avslutad anställning utan avgångsorsak",
    fix="Register the end reason of the ended employment, or remove the end reason of an ongoing one. "
    "/ Registrera avgångsorsak för den avslutade anställningen, eller ta bort den för en pågående.",
)
EMPLOYMENT_TYPE_ALLOWED = Rule(
    "hr.employment_type_allowed",
    "critical",
    f"employment_type is not one of {', '.join(EMPLOYMENT_TYPES)}",
    f"Okänd anställningsform (tillåtna: {', '.join(EMPLOYMENT_TYPES)})",
    fix="Map the HR system's employment type to tillsvidare, visstid or timavlonad in the employments view. "
    "/ Översätt HR-systemets anställningsform till tillsvidare, visstid eller timavlonad i vyn employments.",
)
END_REASON_ALLOWED = Rule(
    "hr.end_reason_allowed",
    "critical",
    f"end_reason is not one of {', '.join(END_REASONS)}",
    f"Okänd avgångsorsak (tillåtna: {', '.join(END_REASONS)})",
    fix="Map the HR system's end reason to one of the contract's codes in the employments view. "
    "/ Översätt HR-systemets avgångsorsak till en av kontraktets koder i vyn employments.",
)
WORK_RATE_VALID = Rule(
    "hr.work_rate_valid",
    "critical",
    "work_rate is missing, 0 or less, or above 1",
    "Sysselsättningsgrad saknas, är 0 eller mindre, eller är över 1",
    fix="Give the work rate as a fraction above 0 and at most 1 (100 % is 1.0, not 100). "
    "/ Ange sysselsättningsgraden som en andel över 0 och högst 1 (100 % är 1,0, inte 100).",
)
# Critical: a negative month corrupts every ratio it enters. Correction rows may be negative; the month's
# sum may not. Missing hours are reported here too, since SUM would skip them silently.
SCHEDULED_HOURS_NONNEGATIVE = Rule(
    "hr.scheduled_hours_nonnegative",
    "critical",
    "the person's scheduled hours of the month are missing or sum to less than 0",
    "Schemalagd tid saknas eller är negativ för personen den månaden",
    fix="Correct the person's scheduled hours of the month in the scheduling system. "
    "/ Rätta personens schemalagda tid för månaden i schemasystemet.",
)
# A warning: extended schedules exist, so this does not block, but it usually means duplicated rows or
# two full-time schedules for one person. See MAX_SCHEDULED_HOURS_PER_MONTH.
SCHEDULED_HOURS_BOUNDS = Rule(
    "hr.scheduled_hours_bounds",
    "warning",
    f"the person's scheduled hours of the month sum to more than {MAX_SCHEDULED_HOURS_PER_MONTH}"
    " (a full-time month is about 165-185 h)",
    f"Mer än {MAX_SCHEDULED_HOURS_PER_MONTH} schemalagda timmar för personen den månaden",
    fix="Check the month's schedule for duplicated rows or overlapping schedules. "
    "/ Kontrollera månadens schema för dubbletter eller överlappande scheman.",
)
SICK_HOURS_NONNEGATIVE = Rule(
    "hr.sick_hours_nonnegative",
    "critical",
    "sick-leave hours missing or negative",
    "Sjukfrånvarotimmar saknas eller är negativa",
    fix="Correct the sick-leave hours in the HR system (0 or more). "
    "/ Rätta sjukfrånvarotimmarna i HR-systemet (0 eller fler).",
)
# Critical: the person-month's sick-leave ratio would exceed 100 %.
SICK_HOURS_WITHIN_SCHEDULE = Rule(
    "hr.sick_hours_within_schedule",
    "critical",
    "the person's sick-leave hours of the month exceed the scheduled hours of the month",
    "Fler sjukfrånvarotimmar än schemalagda timmar för personen den månaden",
    fix="Correct the month's sick-leave or scheduled hours so that sick leave is within the schedule. "
    "/ Rätta månadens sjukfrånvaro eller schemalagda tid så att sjukfrånvaron ryms i schemat.",
)
SPELL_CONSISTENT = Rule(
    "hr.spell_consistent",
    "critical",
    "the spell's rows disagree on person_id, spell_start or spell_end, or spell_id is missing",
    "Sjukfallets rader har olika person, startdatum eller slutdatum (eller saknar sjukfalls-id)",
    fix="Give every row of a spell the same person, start and end (empty end while ongoing) and a spell id. "
    "/ Ge sjukfallets alla rader samma person, start och slut (tomt slut medan det pågår) och ett sjukfalls-id.",
)
# Critical: health data about someone who is not employed that month is a source error (wrong person id,
# or an employment missing from the view).
SICK_LEAVE_HAS_EMPLOYMENT = Rule(
    "hr.sick_leave_has_employment",
    "critical",
    "sick leave in a month when the person has no employment",
    "Sjukfrånvaro en månad då personen inte har någon anställning",
    fix="Correct the person id or period of the sick leave, or the dates of the person's employment. "
    "/ Rätta sjukfrånvarons person-id eller period, eller datumen för personens anställning.",
)

HR_RULES: list[Rule] = [
    PERSON_IDS_UNIQUE,
    EMPLOYMENT_IDS_UNIQUE,
    EMPLOYMENT_PERSON_KNOWN,
    SCHEDULED_HOURS_PERSON_KNOWN,
    SICK_LEAVE_PERSON_KNOWN,
    DATES_VALID,
    PERIOD_VALID,
    SEX_VALID,
    END_REASON_IFF_END_DATE,
    EMPLOYMENT_TYPE_ALLOWED,
    END_REASON_ALLOWED,
    WORK_RATE_VALID,
    SCHEDULED_HOURS_NONNEGATIVE,
    SCHEDULED_HOURS_BOUNDS,
    SICK_HOURS_NONNEGATIVE,
    SICK_HOURS_WITHIN_SCHEDULE,
    SPELL_CONSISTENT,
    SICK_LEAVE_HAS_EMPLOYMENT,
]
"""Every rule of the HR suite, in the order of the README's table."""

KNOWN_PERSONS = "SELECT e.person_id FROM {employees} AS e WHERE e.person_id IS NOT NULL"
UNKNOWN_PERSON = f"person_id IS NULL OR person_id NOT IN ({KNOWN_PERSONS})"
"""A subquery, not a JOIN (see Check); `e.` keeps it from reading the outer person_id by mistake."""

PERSON_MONTH = ("person-month", "person-months")


def hr_checks(plan: Plan, year: int, month: int) -> list[Check]:
    months = scope_months(plan, year, month)
    periods = between("period", months[0], months[-1])
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
        _end_reason_iff_end_date(year, month),
        _value_allowed(EMPLOYMENT_TYPE_ALLOWED, "employment_type", EMPLOYMENT_TYPES, allow_null=False),
        _value_allowed(END_REASON_ALLOWED, "end_reason", END_REASONS, allow_null=True),
        Check(
            WORK_RATE_VALID,
            "employments",
            ("employment", "employments"),
            f"SELECT 'employment ' || {text_of('employment_id')} AS example_key FROM {{batch}}"
            " WHERE work_rate IS NULL OR work_rate <= 0 OR work_rate > 1 ORDER BY example_key",
        ),
        # A month can sum below 0 only with a negative (or missing) row: group only those persons.
        _scheduled_hours(
            SCHEDULED_HOURS_NONNEGATIVE,
            months,
            f"SUM(hours) < {MIN_SCHEDULED_HOURS_PER_MONTH} OR COUNT(hours) < COUNT(*)",
            candidates=f"c.hours < {MIN_SCHEDULED_HOURS_PER_MONTH} OR c.hours IS NULL",
        ),
        _scheduled_hours(SCHEDULED_HOURS_BOUNDS, months, f"SUM(hours) > {MAX_SCHEDULED_HOURS_PER_MONTH}"),
        Check(
            SICK_HOURS_NONNEGATIVE,
            "sick_leave",
            PERSON_MONTH,
            f"SELECT DISTINCT {_person_month('person_id', 'period')} AS example_key FROM {{batch}}"
            f" WHERE {periods} AND (hours IS NULL OR hours < 0) ORDER BY example_key",
        ),
        _sick_hours_within_schedule(months),
        _spell_consistent(periods),
        _sick_leave_has_employment(months),
    ]


def first_period(plan: Plan, year: int, month: int) -> int:
    """The first HR period a report of month M reads: the start of the rolling window ending M, or
    January of Y when the window is shorter than the year to date."""
    months_back = plan.definitions.sick_leave.window_months - 1
    index = year * 12 + (month - 1) - months_back  # months since year 0, January = 0
    window_start = (index // 12) * 100 + index % 12 + 1
    return min(window_start, year * 100 + 1)


def scope_months(plan: Plan, year: int, month: int) -> list[int]:
    """The HR periods the report of month M reads, first_period..M, oldest first."""
    first = first_period(plan, year, month)
    index, last = (first // 100) * 12 + first % 100 - 1, year * 12 + month - 1
    return [(i // 12) * 100 + i % 12 + 1 for i in range(index, last + 1)]


# --- check builders ----------------------------------------------------------------------------------------
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
    )


def _invalid_periods(table: str) -> Check:
    return Check(
        PERIOD_VALID,
        table,
        ("period", "periods"),
        f"SELECT DISTINCT 'period ' || {text_of('period')} AS example_key FROM {{batch}}"
        f" WHERE period IS NULL OR {invalid_period()} ORDER BY example_key",
    )


def _end_reason_iff_end_date(year: int, month: int) -> Check:
    """See END_REASON_IFF_END_DATE: an end date blocks without a reason once it is before the first day
    after the report month."""
    after_report_month = _first_day(*_next_month(year, month))
    return Check(
        END_REASON_IFF_END_DATE,
        "employments",
        ("employment", "employments"),
        f"SELECT 'employment ' || {text_of('employment_id')} AS example_key FROM {{batch}}"
        " WHERE (end_date IS NULL AND end_reason IS NOT NULL)"
        f" OR (end_reason IS NULL AND end_date < {after_report_month})"
        " ORDER BY example_key",
    )


def _value_allowed(rule: Rule, column: str, allowed: tuple[str, ...], *, allow_null: bool) -> Check:
    listed = ", ".join(sql_literal(v) for v in allowed)
    wrong = f"{column} NOT IN ({listed})" if allow_null else f"{column} IS NULL OR {column} NOT IN ({listed})"
    value = f"SUBSTR({text_of(column)}, 1, {EXAMPLE_VALUE_CHARS})"
    return Check(
        rule,
        "employments",
        ("employment", "employments"),
        f"SELECT 'employment ' || {text_of('employment_id')} || ' (' || {value} || ')' AS example_key"
        f" FROM {{batch}} WHERE {wrong} ORDER BY example_key",
    )


def _scheduled_hours(rule: Rule, months: list[int], offending: str, candidates: str = "") -> Check:
    """Per person-month (rows of the same person and period summed), with the month's hours shown.

    `candidates`, when given, is a condition on a scheduled_hours row `c` that every offending person
    needs in some row: only those persons' rows are grouped (a grouping of every row in the scope costs
    0.2-0.3 s a run at 30 000 persons, a scan 0.02 s).
    """
    first, last = months[0], months[-1]
    narrowed = ""
    if candidates:
        narrowed = (
            " AND person_id IN (SELECT c.person_id FROM {scheduled_hours} AS c"
            f" WHERE {between('c.period', first, last)} AND ({candidates}))"
        )
    person_months = (
        "SELECT person_id, period, CAST(ROUND(SUM(hours) * 100) AS BIGINT) AS centi_hours,"
        " COUNT(*) - COUNT(hours) AS missing FROM {batch}"
        f" WHERE {between('period', first, last)}{narrowed} GROUP BY person_id, period HAVING {offending}"
    )
    hours = f"CASE WHEN missing > 0 THEN 'hours missing' ELSE {_hours_text('centi_hours')} END"
    return Check(
        rule,
        "scheduled_hours",
        PERSON_MONTH,
        f"SELECT {_person_month('person_id', 'period')} || ' (' || {hours} || ')' AS example_key"
        f" FROM ({person_months}) AS person_months ORDER BY example_key",
    )


def _sick_hours_within_schedule(months: list[int]) -> Check:
    """Sum the person-month's sick hours and scheduled hours side by side (UNION ALL, then GROUP BY).

    Only person-months with scheduled hours are compared: the indicator counts sick hours only there, and
    hourly staff without a schedule are outside it. Compared in whole centi-hours, so that floating-point
    sums of several spells in one full month do not exceed the month by 1e-13. Only the scheduled hours of
    person-months with sick leave are read: an uncorrelated IN on (person_id, period), which both
    databases run as a hashed set or semi-join, not once per row.
    """
    first, last = months[0], months[-1]
    sick_months = (
        "SELECT l.person_id, l.period FROM {sick_leave} AS l"
        f" WHERE {between('l.period', first, last)} AND l.person_id IS NOT NULL"
    )
    rows = (
        "SELECT person_id, period, hours AS sick, 0 AS scheduled FROM {batch}"
        f" WHERE {between('period', first, last)}"
        " UNION ALL"
        " SELECT s.person_id, s.period, 0 AS sick, s.hours AS scheduled FROM {scheduled_hours} AS s"
        f" WHERE {between('s.period', first, last)} AND (s.person_id, s.period) IN ({sick_months})"
    )
    return Check(
        SICK_HOURS_WITHIN_SCHEDULE,
        "sick_leave",
        PERSON_MONTH,
        f"SELECT {_person_month('person_id', 'period')} AS example_key FROM ({rows}) AS hours_by_kind"
        " GROUP BY person_id, period"
        " HAVING SUM(scheduled) > 0 AND ROUND(SUM(sick) * 100) > ROUND(SUM(scheduled) * 100)"
        " ORDER BY example_key",
    )


def _spell_consistent(periods: str) -> Check:
    """The long-term share reads each row's spell_start and spell_end: rows of one spell that disagree
    would count the same spell as long-term in one month and short in another."""
    return Check(
        SPELL_CONSISTENT,
        "sick_leave",
        ("spell", "spells"),
        f"SELECT 'spell ' || {text_of('spell_id')} AS example_key FROM {{batch}} WHERE {periods}"
        " GROUP BY spell_id HAVING spell_id IS NULL OR COUNT(DISTINCT person_id) > 1"
        " OR COUNT(DISTINCT spell_start) > 1"
        f" OR COUNT(DISTINCT COALESCE(spell_end, '{OPEN_END}')) > 1"
        " ORDER BY example_key",
    )


def _sick_leave_has_employment(months: list[int]) -> Check:
    """Sick-leave person-months without an employment active in that month (any type).

    An employment is active in month p when start_date < the first day of the month after p and (end_date
    is null or end_date >= the first day of p). Months are numbered 0..n-1 within the scope; each
    employment becomes a start event (+1) at its first active month and an end event (-1) at the month
    after its last, both computed with a CASE over the scope's months (date literals only). With the
    sick-leave rows as events of their month (0), a running sum per person ordered by month, events
    before sick rows, is the number of employments active in that month: a sick row where it is 0 is
    reported. One sort of ~2 rows per employment plus the sick rows; the obvious alternative (crossing
    the employments with the months and grouping) sorts ~12 rows per employment and took twice as long.
    The sick side reads only the scope's valid months and persons in employees, so a malformed period or
    an unknown person is reported once, by hr.period_valid or hr.sick_leave_person_known.
    """
    listed = ", ".join(str(p) for p in months)
    after = len(months)  # "after the scope": the start of an employment that starts later, or never ends
    first_month = " ".join(
        f"WHEN start_date < {_first_day(*_next_month(p // 100, p % 100))} THEN {i}"
        for i, p in enumerate(months)
    )
    last_month = " ".join(
        f"WHEN end_date >= {_first_day(p // 100, p % 100)} THEN {i}"
        for i, p in reversed(list(enumerate(months)))
    )
    month_index = " ".join(f"WHEN {p} THEN {i}" for i, p in enumerate(months))
    spans = (
        f"SELECT person_id, CASE {first_month} ELSE {after} END AS first_month,"
        f" CASE WHEN end_date IS NULL THEN {after} {last_month} ELSE -1 END AS last_month"
        " FROM {employments} AS employments WHERE person_id IS NOT NULL"
    )
    events = (
        f"SELECT person_id, period, CASE period {month_index} END AS month_index, 1 AS is_sick, 0 AS change"
        f" FROM {{batch}} WHERE period IN ({listed}) AND person_id IN ({KNOWN_PERSONS})"
        " UNION ALL"
        f" SELECT person_id, NULL AS period, first_month, 0, 1 FROM ({spans}) AS span_start"
        " WHERE first_month <= last_month"
        " UNION ALL"
        f" SELECT person_id, NULL AS period, last_month + 1, 0, -1 FROM ({spans}) AS span_end"
        " WHERE first_month <= last_month"
    )
    active = (
        "SELECT person_id, period, is_sick,"
        " SUM(change) OVER (PARTITION BY person_id ORDER BY month_index, is_sick) AS active_employments"
        f" FROM ({events}) AS employment_events"
    )
    return Check(
        SICK_LEAVE_HAS_EMPLOYMENT,
        "sick_leave",
        PERSON_MONTH,
        f"SELECT DISTINCT {_person_month('person_id', 'period')} AS example_key FROM ({active}) AS sick_months"
        " WHERE is_sick = 1 AND active_employments <= 0 ORDER BY example_key",
    )


# --- SQL fragments --------------------------------------------------------------------------------------------
def _person_month(person: str, period: str) -> str:
    return f"'person ' || {text_of(person)} || ' period ' || {text_of(period)}"


def _hours_text(centi_hours: str) -> str:
    """Whole centi-hours as '262.00 h' / '-8.50 h', the same on SQLite and PostgreSQL (CAST of a sum
    would show '262.0' on one and '262.00' on the other)."""
    whole, cents = f"ABS({centi_hours}) / 100", f"ABS({centi_hours}) % 100"
    return (
        f"CASE WHEN {centi_hours} < 0 THEN '-' ELSE '' END || CAST({whole} AS TEXT) || '.'"
        f" || CASE WHEN {cents} < 10 THEN '0' ELSE '' END || CAST({cents} AS TEXT) || ' h'"
    )


def _first_day(year: int, month: int) -> str:
    """An ISO date literal; PostgreSQL reads it as a date next to a date column, SQLite as ISO text."""
    return f"'{dt.date(year, month, 1).isoformat()}'"


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)
