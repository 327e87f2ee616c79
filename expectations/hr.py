"""The HR suite: rules on employees, employments, scheduled_hours and sick_leave (contract §1, HR source).

Scope for the report of month M of year Y: scheduled_hours and sick_leave rows of the periods the
indicators read (`{hr_scope}`: the rolling window ending M, and January of Y for the year to date); keys
and the employment register are checked whole. Example keys are pseudonymous ids only (person, employment
or spell id, with a period), never other personal data; the few examples that show a value show a code
(employment type, end reason) or scheduled hours, never sick-leave hours, which are health data.

How the checks are evaluated (scans.py): the row rules of a table in one pass over its rows, or over the
rows of the scope where the rule is scoped; the rules that need a grouping in one pass each: ids, periods,
spells, and the person-months: scheduled hours alone per person-month for the rules on scheduled hours
(and their persons), sick hours beside the same month's scheduled hours (UNION ALL, then GROUP BY) for the
rules on sick hours. Each pass reads the scope as a range of the recommended indexes (extract.sources
RECOMMENDED_INDEXES) where they exist, and stays one pass over the table where they do not. The sources
may be views without indexes, so no subquery is correlated with the outer row and no grouped subquery is
joined (SQLite ran such queries as nested loops: 55 s at 30 000 persons); another table is read in an
uncorrelated IN, which both databases hash or semi-join.

Dates are compared only with ISO date literals ('2025-03-01'): PostgreSQL reads the literal as a date,
SQLite compares the ISO text it stores, so the same SQL runs on both without knowing the dialect. A
month's dates are "on or after its first day and before the next month's first day", which also holds for
SQLite text with a time part ('2025-03-31 00:00:00').
"""

from __future__ import annotations

from expectations import Check, Rule, between, sql_literal, text_of
from transforms.periods import Month, Window, rolling_window, year_to_date
from uppfoljning.plan import Plan

# --- contract values ------------------------------------------------------------------------------------------
EMPLOYMENT_TYPES = ("tillsvidare", "visstid", "timavlonad")
"""contract §1, employments.employment_type."""
END_REASONS = ("egen_begaran", "pension", "byte_av_tjanst", "uppsagning", "avliden", "ovrigt")
"""contract §1, employments.end_reason (null while the employment has not ended)."""
OPEN_END = "9999-12-31"
"""Stands for a NULL spell_end when comparing a spell's rows: an ongoing row and an ended row disagree."""
EXAMPLE_VALUE_CHARS = 30
"""A value shown in an example is cut to this length (the message stays one paragraph)."""

# --- what the checks read besides the rows of their table ----------------------------------------------------
PERSONS = "(SELECT person_id, COUNT(*) AS copies FROM {batch} GROUP BY person_id) AS persons"
EMPLOYMENT_IDS = "(SELECT employment_id, COUNT(*) AS copies FROM {batch} GROUP BY employment_id) AS ids"
# The table's distinct periods: with the recommended index (period first) SQLite skips from one period to
# the next instead of reading every row; without it, one pass over the table as any row check would be.
PERIODS = "(SELECT DISTINCT period FROM {batch}) AS periods"
# The rows of the scope: a range of the recommended index instead of the whole table.
SCOPED_ROWS = "(SELECT * FROM {batch} WHERE {hr_scope}) AS scoped_rows"
# Per person and month of the scope, the scheduled hours alone, grouped in the order of the recommended
# index (period, person_id), so that SQLite streams the groups from it without sorting.
SCHEDULED_MONTHS = (
    "(SELECT period, person_id, COUNT(*) - COUNT(hours) AS missing, SUM(hours) AS scheduled FROM {batch}"
    " WHERE {hr_scope} GROUP BY period, person_id) AS scheduled_months"
)
# Per person and month of the scope with sick leave: the sick hours beside the scheduled hours of the same
# person-month (UNION ALL, then GROUP BY). Only the scheduled rows of person-months with sick leave are read
# into the grouping (an uncorrelated IN of (period, person_id): PostgreSQL merges or hashes it, SQLite looks
# each row up in the set it builds once), so the grouping sorts or hashes the sick rows and about as many
# scheduled rows, not every scheduled row of the scope.
SICK_MONTHS = (
    "(SELECT person_id, period, SUM(sick_rows) AS sick_rows, SUM(sick_missing) AS sick_missing,"
    " SUM(sick) AS sick, SUM(scheduled) AS scheduled FROM"
    " (SELECT person_id, period, 1 AS sick_rows, CASE WHEN hours IS NULL THEN 1 ELSE 0 END AS sick_missing,"
    " hours AS sick, 0 AS scheduled FROM {batch} WHERE {hr_scope}"
    " UNION ALL SELECT person_id, period, 0, 0, 0, hours FROM {scheduled_hours} AS scheduled_rows"
    " WHERE {hr_scope} AND (period, person_id) IN (SELECT period, person_id FROM {batch} WHERE {hr_scope}))"
    " AS hours GROUP BY person_id, period) AS sick_person_months"
)
SPELLS = (
    "(SELECT spell_id, COUNT(DISTINCT person_id) AS persons, COUNT(DISTINCT spell_start) AS starts,"
    f" COUNT(DISTINCT COALESCE(spell_end, '{OPEN_END}')) AS ends FROM {{batch}} WHERE {{hr_scope}}"
    " GROUP BY spell_id) AS spells"
)
# Sick-leave person-months and the employments as events on the scope's months (0..n-1): each employment
# a start event (+1) at its first active month and an end event (-1) at the month after its last, the
# sick-leave rows events of their month (0). A running sum per person ordered by month, events before
# sick rows, is the number of employments active in that month. One sort of ~2 rows per employment plus
# the sick rows; crossing the employments with the months and grouping sorts ~12 rows per employment and
# took twice as long. The sick side reads only the scope's valid months, and the check keeps only persons
# in employees, so a malformed period or an unknown person is reported once, by hr.period_valid or
# hr.sick_leave_person_known. The persons are tested in the check, on the few sick rows without an
# employment, not on every sick row: SQLite used an IN on the rows to look each (period, person) of
# employees up in the index instead (1.5 million lookups at 127 560 persons).
EMPLOYMENT_MONTHS = (
    "(SELECT person_id, period, is_sick, SUM(change) OVER (PARTITION BY person_id ORDER BY month_index, is_sick)"
    " AS active_employments FROM (SELECT person_id, period, CASE period {month_index} END AS month_index,"
    " 1 AS is_sick, 0 AS change FROM {batch} WHERE period IN ({scope_periods})"
    " UNION ALL SELECT person_id, NULL AS period, first_month, 0, 1 FROM ({employment_spans}) AS span_start"
    " WHERE first_month <= last_month"
    " UNION ALL SELECT person_id, NULL AS period, last_month + 1, 0, -1 FROM ({employment_spans}) AS span_end"
    " WHERE first_month <= last_month) AS employment_events) AS sick_months"
)

# --- keys ----------------------------------------------------------------------------------------------------
PERSON = text_of("person_id")
EMPLOYMENT = f"'employment ' || {text_of('employment_id')}"
SPELL = f"'spell ' || {text_of('spell_id')}"
PERIOD = f"'period ' || {text_of('period')}"
PERSON_MONTH = f"'person ' || {text_of('person_id')} || ' period ' || {text_of('period')}"


def _value(column: str) -> str:
    """A code shown beside the key, cut to EXAMPLE_VALUE_CHARS."""
    return f" || ' (' || SUBSTR({text_of(column)}, 1, {EXAMPLE_VALUE_CHARS}) || ')'"


def _hours_text(hours: str) -> str:
    """Hours as '262.00 h' / '-8.50 h', the same on SQLite and PostgreSQL (CAST of a sum would show
    '262.0' on one and '262.00' on the other): formatted from whole centi-hours."""
    centi = f"CAST(ROUND({hours} * 100) AS BIGINT)"
    whole, cents = f"ABS({centi}) / 100", f"ABS({centi}) % 100"
    return (
        f"CASE WHEN {centi} < 0 THEN '-' ELSE '' END || CAST({whole} AS TEXT) || '.'"
        f" || CASE WHEN {cents} < 10 THEN '0' ELSE '' END || CAST({cents} AS TEXT) || ' h'"
    )


MONTH_HOURS = (
    PERSON_MONTH
    + f" || ' (' || CASE WHEN missing > 0 THEN 'hours missing' ELSE {_hours_text('scheduled')} END || ')'"
)
UNKNOWN_PERSON = "(person_id IS NULL OR person_id NOT IN ({known_persons}))"

# --- the rules (severity: critical blocks publication, warning is published in the data-quality section) ----
HR_RULES: list[Rule] = [
    # A null id is reported here too: it breaks the key like a duplicate does, and no other rule sees it.
    Rule(
        "hr.person_ids_unique",
        "critical",
        problem="person_id is missing or not unique",
        swedish="Dubbletter av person-id",
        fix="Give every employee exactly one row with a person id in the employees view. "
        "/ Ge varje anställd exakt en rad med person-id i vyn employees.",
        checks=(
            Check(
                "employees",
                source=PERSONS,
                where="copies > 1 OR person_id IS NULL",
                key=PERSON,
                noun=("person id", "person ids"),
            ),
        ),
    ),
    Rule(
        "hr.employment_ids_unique",
        "critical",
        problem="employment_id is missing or not unique",
        swedish="Dubbletter av anställnings-id",
        fix="Give every employment exactly one row with an employment id in the employments view. "
        "/ Ge varje anställning exakt en rad med anställnings-id i vyn employments.",
        checks=(
            Check(
                "employments",
                source=EMPLOYMENT_IDS,
                where="copies > 1 OR employment_id IS NULL",
                key=text_of("employment_id"),
                noun=("employment id", "employment ids"),
            ),
        ),
    ),
    Rule(
        "hr.employment_person_known",
        "critical",
        problem="person_id not in employees",
        swedish="Anställningar för okänt person-id",
        fix="Add the person to employees, or correct the person id of the employment. "
        "/ Lägg till personen i employees eller rätta anställningens person-id.",
        checks=(
            Check(
                "employments",
                where=UNKNOWN_PERSON,
                key=PERSON,
                noun=("person id", "person ids"),
                distinct=True,
            ),
        ),
    ),
    Rule(
        "hr.scheduled_hours_person_known",
        "critical",
        problem="person_id not in employees",
        swedish="Schemalagd tid för okänt person-id",
        fix="Add the person to employees, or correct the person id of the scheduled hours. "
        "/ Lägg till personen i employees eller rätta person-id för den schemalagda tiden.",
        checks=(
            Check(
                "scheduled_hours",
                source=SCHEDULED_MONTHS,
                where=UNKNOWN_PERSON,
                key=PERSON,
                noun=("person id", "person ids"),
                distinct=True,
            ),
        ),
    ),
    Rule(
        "hr.sick_leave_person_known",
        "critical",
        problem="person_id not in employees",
        swedish="Sjukfrånvaro för okänt person-id",
        fix="Add the person to employees, or correct the person id of the sick leave. "
        "/ Lägg till personen i employees eller rätta person-id för sjukfrånvaron.",
        checks=(
            Check(
                "sick_leave",
                source=SCOPED_ROWS,
                where=UNKNOWN_PERSON,
                key=PERSON,
                noun=("person id", "person ids"),
                distinct=True,
            ),
        ),
    ),
    # The long-term share needs the spell's length, so a missing spell_start is invalid too.
    Rule(
        "hr.dates_valid",
        "critical",
        problem="start date missing or after end date",
        swedish="Startdatum saknas eller ligger efter slutdatum",
        fix="Correct the start and end dates in the HR system. / Rätta start- och slutdatum i HR-systemet.",
        checks=(
            Check(
                "employments",
                where="start_date IS NULL OR (end_date IS NOT NULL AND start_date > end_date)",
                key=EMPLOYMENT,
                noun=("employment", "employments"),
            ),
            Check(
                "sick_leave",
                source=SCOPED_ROWS,
                where="spell_start IS NULL OR (spell_end IS NOT NULL AND spell_start > spell_end)",
                key=SPELL,
                noun=("spell", "spells"),
                distinct=True,
            ),
        ),
    ),
    # Not scoped by period: a malformed or missing period belongs to no month, so it may be one of ours.
    Rule(
        "hr.period_valid",
        "critical",
        problem="period is missing or not a valid YYYYMM",
        swedish="Ogiltig period (ska vara ÅÅÅÅMM)",
        fix="Correct the period to YYYYMM in the source. / Rätta perioden till ÅÅÅÅMM i källan.",
        checks=(
            Check(
                "scheduled_hours",
                source=PERIODS,
                where="period IS NULL OR {invalid_period}",
                key=PERIOD,
                noun=("period", "periods"),
                distinct=True,
            ),
            Check(
                "sick_leave",
                source=PERIODS,
                where="period IS NULL OR {invalid_period}",
                key=PERIOD,
                noun=("period", "periods"),
                distinct=True,
            ),
        ),
    ),
    Rule(
        "hr.sex_valid",
        "critical",
        problem="sex is not 'K' or 'M'",
        swedish="Kön ska vara K eller M",
        fix="Map the HR system's value to K or M in the employees view. "
        "/ Översätt HR-systemets värde till K eller M i vyn employees.",
        checks=(
            Check(
                "employees",
                where="sex IS NULL OR sex NOT IN ('K', 'M')",
                key=PERSON,
                noun=("person", "persons"),
            ),
        ),
    ),
    # An end reason needs an end date, always; an end date needs an end reason once the report month has
    # reached it (turnover counts leavers by end reason, so a missing one silently drops a leaver). A
    # planned end of a fixed-term employment may be registered before its reason: it blocks only from the
    # report of the month it ends in, so a rerun of an old month is not blocked by a later end either.
    Rule(
        "hr.end_reason_iff_end_date",
        "critical",
        problem="end_reason without end_date, or end_date by the end of the report month without end_reason",
        swedish="Avgångsorsak utan slutdatum, eller avslutad anställning utan avgångsorsak",
        fix="Register the end reason of the ended employment, or remove the end reason of an ongoing one. "
        "/ Registrera avgångsorsak för den avslutade anställningen, eller ta bort den för en pågående.",
        checks=(
            Check(
                "employments",
                where="(end_date IS NULL AND end_reason IS NOT NULL)"
                " OR (end_reason IS NULL AND end_date < {after_report_month})",
                key=EMPLOYMENT,
                noun=("employment", "employments"),
            ),
        ),
    ),
    Rule(
        "hr.employment_type_allowed",
        "critical",
        problem=f"employment_type is not one of {', '.join(EMPLOYMENT_TYPES)}",
        swedish=f"Okänd anställningsform (tillåtna: {', '.join(EMPLOYMENT_TYPES)})",
        fix="Map the HR system's employment type to tillsvidare, visstid or timavlonad in the employments view. "
        "/ Översätt HR-systemets anställningsform till tillsvidare, visstid eller timavlonad i vyn employments.",
        checks=(
            Check(
                "employments",
                where="employment_type IS NULL OR employment_type NOT IN ({employment_types})",
                key=EMPLOYMENT + _value("employment_type"),
                noun=("employment", "employments"),
            ),
        ),
    ),
    Rule(
        "hr.end_reason_allowed",
        "critical",
        problem=f"end_reason is not one of {', '.join(END_REASONS)}",
        swedish=f"Okänd avgångsorsak (tillåtna: {', '.join(END_REASONS)})",
        fix="Map the HR system's end reason to one of the contract's codes in the employments view. "
        "/ Översätt HR-systemets avgångsorsak till en av kontraktets koder i vyn employments.",
        checks=(
            Check(
                "employments",
                where="end_reason NOT IN ({end_reasons})",
                key=EMPLOYMENT + _value("end_reason"),
                noun=("employment", "employments"),
            ),
        ),
    ),
    Rule(
        "hr.work_rate_valid",
        "critical",
        problem="work_rate is missing, 0 or less, or above 1",
        swedish="Sysselsättningsgrad saknas, är 0 eller mindre, eller är över 1",
        fix="Give the work rate as a fraction above 0 and at most 1 (100 % is 1.0, not 100). "
        "/ Ange sysselsättningsgraden som en andel över 0 och högst 1 (100 % är 1,0, inte 100).",
        checks=(
            Check(
                "employments",
                where="work_rate IS NULL OR work_rate <= 0 OR work_rate > 1",
                key=EMPLOYMENT,
                noun=("employment", "employments"),
            ),
        ),
    ),
    # Critical: a negative month corrupts every ratio it enters. Correction rows may be negative; the
    # month's sum may not. Missing hours are reported here too, since SUM would skip them silently.
    Rule(
        "hr.scheduled_hours_nonnegative",
        "critical",
        problem="the person's scheduled hours of the month are missing or sum to less than "
        "{min_scheduled_hours_per_month}",
        swedish="Schemalagd tid saknas eller är under {min_scheduled_hours_per_month} timmar för personen den månaden",
        fix="Correct the person's scheduled hours of the month in the scheduling system. "
        "/ Rätta personens schemalagda tid för månaden i schemasystemet.",
        checks=(
            Check(
                "scheduled_hours",
                source=SCHEDULED_MONTHS,
                where="missing > 0 OR scheduled < {min_scheduled_hours_per_month}",
                key=MONTH_HOURS,
                noun=("person-month", "person-months"),
            ),
        ),
    ),
    # A warning: extended schedules exist, so this does not block, but it usually means duplicated rows or
    # two full-time schedules for one person (see thresholds.yaml).
    Rule(
        "hr.scheduled_hours_bounds",
        "warning",
        problem="the person's scheduled hours of the month sum to more than {max_scheduled_hours_per_month}"
        " (a full-time month is about 165-185 h)",
        swedish="Mer än {max_scheduled_hours_per_month} schemalagda timmar för personen den månaden",
        fix="Check the month's schedule for duplicated rows or overlapping schedules. "
        "/ Kontrollera månadens schema för dubbletter eller överlappande scheman.",
        checks=(
            Check(
                "scheduled_hours",
                source=SCHEDULED_MONTHS,
                where="scheduled > {max_scheduled_hours_per_month}",
                key=MONTH_HOURS,
                noun=("person-month", "person-months"),
            ),
        ),
    ),
    # Critical, judged like scheduled hours on the person-month's sum: a correction row may be negative
    # (+40 h, then -8 h), the month may not. Compared in whole centi-hours (floating-point sums of
    # corrections that cancel are 1e-14 off).
    Rule(
        "hr.sick_hours_nonnegative",
        "critical",
        problem="the person's sick-leave hours of the month are missing or sum to less than 0",
        swedish="Sjukfrånvarotimmar saknas eller summerar till under 0 för personen den månaden",
        fix="Correct the person's sick-leave hours of the month in the HR system (0 or more). "
        "/ Rätta personens sjukfrånvarotimmar för månaden i HR-systemet (0 eller fler).",
        checks=(
            Check(
                "sick_leave",
                source=SICK_MONTHS,
                where="person_id IS NOT NULL AND sick_rows > 0 AND (sick_missing > 0 OR ROUND(sick * 100) < 0)",
                key=PERSON_MONTH,
                noun=("person-month", "person-months"),
            ),
        ),
    ),
    # Critical: the person-month's sick-leave ratio would exceed 100 %. Only person-months with scheduled
    # hours are compared: the indicator counts sick hours only there, and hourly staff without a schedule
    # are outside it. Compared in whole centi-hours, so that floating-point sums of several spells in one
    # full month do not exceed the month by 1e-13.
    Rule(
        "hr.sick_hours_within_schedule",
        "critical",
        problem="the person's sick-leave hours of the month exceed the scheduled hours of the month",
        swedish="Fler sjukfrånvarotimmar än schemalagda timmar för personen den månaden",
        fix="Correct the month's sick-leave or scheduled hours so that sick leave is within the schedule. "
        "/ Rätta månadens sjukfrånvaro eller schemalagda tid så att sjukfrånvaron ryms i schemat.",
        checks=(
            Check(
                "sick_leave",
                source=SICK_MONTHS,
                where="person_id IS NOT NULL AND scheduled > 0 AND ROUND(sick * 100) > ROUND(scheduled * 100)",
                key=PERSON_MONTH,
                noun=("person-month", "person-months"),
            ),
        ),
    ),
    # The long-term share reads each row's spell_start and spell_end: rows of one spell that disagree
    # would count the same spell as long-term in one month and short in another.
    Rule(
        "hr.spell_consistent",
        "critical",
        problem="the spell's rows disagree on person_id, spell_start or spell_end, or spell_id is missing",
        swedish="Sjukfallets rader har olika person, startdatum eller slutdatum (eller saknar sjukfalls-id)",
        fix="Give every row of a spell the same person, start and end (empty end while ongoing) and a spell id. "
        "/ Ge sjukfallets alla rader samma person, start och slut (tomt slut medan det pågår) och ett sjukfalls-id.",
        checks=(
            Check(
                "sick_leave",
                source=SPELLS,
                where="spell_id IS NULL OR persons > 1 OR starts > 1 OR ends > 1",
                key=SPELL,
                noun=("spell", "spells"),
            ),
        ),
    ),
    # Critical: health data about someone who is not employed that month is a source error (wrong person
    # id, or an employment missing from the view).
    Rule(
        "hr.sick_leave_has_employment",
        "critical",
        problem="sick leave in a month when the person has no employment",
        swedish="Sjukfrånvaro en månad då personen inte har någon anställning",
        fix="Correct the person id or period of the sick leave, or the dates of the person's employment. "
        "/ Rätta sjukfrånvarons person-id eller period, eller datumen för personens anställning.",
        checks=(
            Check(
                "sick_leave",
                source=EMPLOYMENT_MONTHS,
                where="is_sick = 1 AND active_employments <= 0 AND person_id IN ({known_persons})",
                key=PERSON_MONTH,
                noun=("person-month", "person-months"),
                distinct=True,
            ),
        ),
    ),
]
"""Every rule of the HR suite, in the order of the README's table."""


# --- the vocabulary: what the placeholders mean for the report of one month -------------------------------------
def scope(plan: Plan, report_month: Month) -> Window:
    """The HR periods the report of `report_month` reads: the rolling sick-leave window ending with it,
    or from January when the window is shorter than the year to date."""
    return Window.spanning(
        rolling_window(report_month, plan.definitions.sick_leave.window_months), year_to_date(report_month)
    )


def vocabulary(plan: Plan, report_month: Month) -> dict[str, str]:
    """The HR rules' placeholders for the report of `report_month`; the thresholds come from
    expectations.common_vocabulary."""
    months = scope(plan, report_month).months
    after = len(months)  # "after the scope": the start of an employment that starts later, or never ends
    # An employment is active in month m when start_date < the first day after m and (end_date is null or
    # end_date >= the first day of m): its first and last active month of the scope, by date literals.
    first_month = " ".join(f"WHEN start_date < {_day(m.plus(1))} THEN {i}" for i, m in enumerate(months))
    last_month = " ".join(
        f"WHEN end_date >= {_day(m)} THEN {i}" for i, m in reversed(list(enumerate(months)))
    )
    return {
        "hr_scope": between("period", months[0].yyyymm, months[-1].yyyymm),
        "scope_periods": ", ".join(str(m.yyyymm) for m in months),
        "month_index": " ".join(f"WHEN {m.yyyymm} THEN {i}" for i, m in enumerate(months)),
        "known_persons": "SELECT e.person_id FROM {employees} AS e WHERE e.person_id IS NOT NULL",
        "employment_spans": (
            f"SELECT person_id, CASE {first_month} ELSE {after} END AS first_month,"
            f" CASE WHEN end_date IS NULL THEN {after} {last_month} ELSE -1 END AS last_month"
            " FROM {employments} AS employments WHERE person_id IS NOT NULL"
        ),
        "after_report_month": _day(report_month.plus(1)),
        "employment_types": ", ".join(sql_literal(v) for v in EMPLOYMENT_TYPES),
        "end_reasons": ", ".join(sql_literal(v) for v in END_REASONS),
    }


def _day(month: Month) -> str:
    """The month's first day as an ISO date literal (see the module's note on dates)."""
    return f"'{month.first_day.isoformat()}'"
