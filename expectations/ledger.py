"""The ledger suite: rules on gl_entries, budget_entries and investment_projects (contract §1, ledger source).

Scope for the report of month M of year Y: row rules read ledger periods Y01..YM only (a rerun of an old
month finds later periods in the table, and they must not block it) and the approved budget version's
twelve months of Y; key uniqueness holds for the whole table.

Every query runs in the database against a view without indexes, so none of them is correlated: other tables
are read in uncorrelated `IN (SELECT ...)` subqueries (built once, then probed), comparisons with the plan go
through a small literal table (`UNION ALL` of the plan's values) and `GROUP BY`, never a subquery per row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from expectations import Check, Rule, between, invalid_period, sql_literal, text_of
from uppfoljning.plan import MNKR, Plan

VOUCHER_TOLERANCE = 0.005
"""Half an öre: a voucher sum below it is rounding noise of two-decimal amounts, not an imbalance."""

PLAN_TOLERANCE_SEK = 0.5
"""A budget total within half a krona of the plan matches it (the plan is in mnkr; sums of öre may drift)."""

DECIMALS_TOLERANCE_ORE = 0.001
"""How far amount × 100 may be from a whole number of öre. SQLite keeps numeric as floating point, where a
two-decimal amount of 100 mnkr is up to 1e-6 öre off and one of 10 000 mnkr 1e-4 öre off; a third decimal is
at least 0.1 öre off. PostgreSQL numeric is exact, so there only a real extra decimal exceeds it."""

PERIOD_END_GRACE_DAYS = 15
"""Default for `period_end_grace_days`: period-end entries (accruals, late invoices) are booked in the first
days of the next month with the closed month's period; up to the 15th of the next month that is normal."""

# --- rules (severity: critical blocks publication, warning is published in the data-quality section) -------
VOUCHERS_BALANCE = Rule(
    "ledger.vouchers_balance",
    "critical",
    "voucher does not sum to 0",
    "Verifikationer balanserar inte",
    fix="Correct the voucher in the ledger so that its rows sum to 0. "
    "/ Rätta verifikationen i huvudboken så att raderna summerar till 0.",
)
KEYS_UNIQUE = Rule(
    "ledger.keys_unique",
    "critical",
    "(voucher_id, row_no) occurs more than once",
    "Dubbletter av verifikationsrad",
    fix="Remove the duplicated voucher rows from the source view. / Ta bort dubblettraderna i källvyn.",
)
ACCOUNT_MAPPED = Rule(
    "ledger.account_mapped",
    "critical",
    "account is neither a balance-sheet account nor mapped to a report row",
    "Konton saknar rapportrad",
    fix="Rebook the entries on a mapped account, or add the account to a report row in the plan file. "
    "/ Bokför om raderna på ett mappat konto eller lägg kontot på en rapportrad i planfilen.",
)
PERIOD_VALID = Rule(
    "ledger.period_valid",
    "critical",
    "period is not a valid YYYYMM",
    "Ogiltig period (ska vara ÅÅÅÅMM)",
    fix="Correct the period to YYYYMM in the source. / Rätta perioden till ÅÅÅÅMM i källan.",
)
REQUIRED_NOT_NULL = Rule(
    "ledger.required_not_null",
    "critical",
    "a column the source contract requires is null",
    "Obligatoriska värden saknas",
    fix="Fill in the missing values in the source. / Fyll i de saknade värdena i källan.",
)
# Critical: an unknown cost centre (ansvar) is a mistyped code or another organisation's entry in our books;
# its amount would count in the board's figures with no unit answering for it.
COST_CENTER_KNOWN = Rule(
    "ledger.cost_center_known",
    "critical",
    "cost_center is not in cost_centers",
    "Okänt ansvar (finns inte i cost_centers)",
    fix="Add the cost centre to cost_centers, or rebook the rows on a valid cost centre. "
    "/ Lägg upp ansvaret i cost_centers eller bokför om raderna på ett giltigt ansvar.",
)
# Critical: investment spending is found through the project, so a row with an unknown project is spending
# that no investment in the report shows.
PROJECT_KNOWN = Rule(
    "ledger.project_known",
    "critical",
    "project is not in investment_projects",
    "Okänt projekt (finns inte i investment_projects)",
    fix="Add the project to investment_projects, or correct the project on the rows. "
    "/ Lägg upp projektet i investment_projects eller rätta projektet på raderna.",
)
# Critical: the contract says two decimals; more means the view computes or converts amounts (e.g. an
# allocation key or a currency rate) and its sums cannot be trusted to the öre.
AMOUNT_TWO_DECIMALS = Rule(
    "ledger.amount_two_decimals",
    "critical",
    "amount has more than two decimals",
    "Belopp med fler än två decimaler",
    fix="Round the amounts to whole öre (two decimals) in the source system or view. "
    "/ Avrunda beloppen till hela ören (två decimaler) i källsystemet eller vyn.",
)
# Warning: actuals go by period, so the figures are right either way; a booking date far from its period is
# usually a wrong period (an entry in the wrong month), which finance should look at but which may be
# intended (a late correction of a closed month).
PERIOD_MATCHES_BOOKING_DATE = Rule(
    "ledger.period_matches_booking_date",
    "warning",
    "booking date is outside the period's month and the allowed first days of the next month",
    "Bokföringsdatum utanför periodens månad",
    fix="Check the period of these vouchers and correct it if the entry belongs to another month. "
    "/ Kontrollera verifikationernas period och rätta den om bokningen hör till en annan månad.",
)
# Critical: without a month's entries the accumulated figures silently lack a month (books not closed,
# or the load failed).
REPORT_MONTH_LOADED = Rule(
    "ledger.report_month_loaded",
    "critical",
    "no gl_entries row has this period of the report's year",
    "Huvudboken saknar perioder",
    fix="Load the missing months into the ledger source (or wait until the month is closed), then rerun. "
    "/ Läs in de saknade månaderna i huvudbokskällan (eller vänta tills månaden är stängd) och kör igen.",
)
# Critical (this and the next two): the budget columns and every deviation and forecast are computed from
# the approved version; a missing, partial or different version makes them wrong.
BUDGET_VERSION_EXISTS = Rule(
    "ledger.budget_version_exists",
    "critical",
    "the plan's approved budget version has no rows in budget_entries",
    "Den beslutade budgetversionen saknas",
    fix="Load the approved budget version into budget_entries, or correct approved_budget_version in the "
    "plan file. / Läs in den beslutade budgetversionen i budget_entries eller rätta approved_budget_version "
    "i planfilen.",
)
BUDGET_COVERS_YEAR = Rule(
    "ledger.budget_covers_year",
    "critical",
    "the approved budget version has no row for this period of the year",
    "Den beslutade budgeten saknar perioder",
    fix="Load the approved budget for every month of the year. "
    "/ Läs in den beslutade budgeten för årets alla månader.",
)
BUDGET_MATCHES_PLAN = Rule(
    "ledger.budget_matches_plan",
    "critical",
    "the approved version's year total of a report row (first) differs from the plan (second)",
    "Den beslutade budgeten stämmer inte med planen (budget ≠ plan)",
    fix="Correct the approved version in budget_entries so that each report row sums to the plan, or "
    "correct the plan file. / Rätta den beslutade budgetversionen så att varje rapportrad summerar till "
    "planen, eller rätta planfilen.",
)
# Critical: the report finds each investment by its plan name; a missing or misspelt name shows the
# investment without spending, an extra one is spending the report leaves out, and a name on two projects
# makes the report pick one of them.
INVESTMENT_PROJECTS_KNOWN = Rule(
    "ledger.investment_projects_known",
    "critical",
    "the plan's investments and the year's investment_projects rows do not match one to one by name",
    "Investeringarna i planen och investment_projects stämmer inte överens",
    fix="Give each plan investment exactly one investment_projects row for the year, named exactly as in "
    "the plan. / Ge varje investering i planen exakt en rad i investment_projects för året, med exakt "
    "planens namn.",
)
# Warning: the report shows the budget of investment_projects; it may legitimately differ from the plan
# after a decision during the year (e.g. unspent funds carried over, ombudgetering), which the board should
# see but which does not make the figures wrong.
INVESTMENT_BUDGET_MATCHES_PLAN = Rule(
    "ledger.investment_budget_matches_plan",
    "warning",
    "the year's budget in investment_projects (first) differs from the plan (second)",
    "Investeringsbudgeten avviker från planen (investment_projects ≠ plan)",
    fix="Check whether a decision changed the budget; if not, correct investment_projects. "
    "/ Kontrollera om budgeten ändrats genom beslut; rätta annars investment_projects.",
)

LEDGER_RULES: list[Rule] = [
    VOUCHERS_BALANCE,
    KEYS_UNIQUE,
    ACCOUNT_MAPPED,
    PERIOD_VALID,
    REQUIRED_NOT_NULL,
    COST_CENTER_KNOWN,
    PROJECT_KNOWN,
    AMOUNT_TWO_DECIMALS,
    PERIOD_MATCHES_BOOKING_DATE,
    REPORT_MONTH_LOADED,
    BUDGET_VERSION_EXISTS,
    BUDGET_COVERS_YEAR,
    BUDGET_MATCHES_PLAN,
    INVESTMENT_PROJECTS_KNOWN,
    INVESTMENT_BUDGET_MATCHES_PLAN,
]
"""Every rule of the ledger suite (expectations.RULES collects the suites' registries)."""

GL_REQUIRED = ("voucher_id", "row_no", "booking_date", "period", "account", "cost_center", "amount")
BUDGET_REQUIRED = ("period", "account", "cost_center", "amount")

COST_CENTRE, PROJECT = ("cost centre", "cost centres"), ("project", "projects")
VOUCHER_ROW_KEY = f"{text_of('voucher_id')} || '/' || {text_of('row_no')}"
BUDGET_ROW_KEY = (
    f"'period ' || {text_of('period')} || ' account ' || {text_of('account')}"
    f" || ' cost_center ' || {text_of('cost_center')}"
)


def ledger_checks(
    plan: Plan,
    year: int,
    month: int,
    *,
    dialect: str = "sqlite",
    period_end_grace_days: int = PERIOD_END_GRACE_DAYS,
) -> list[Check]:
    """The ledger checks of the report of `month` of `year`.

    `dialect` is the source's SQLAlchemy backend name ("sqlite", "postgresql"; the runner passes the URL's):
    only date functions differ. `period_end_grace_days` (0..31) is how many days into the next month an
    entry of a period may be booked before `ledger.period_matches_booking_date` warns.
    """
    if not 0 <= period_end_grace_days <= 31:
        raise ValueError(f"period_end_grace_days must be 0..31, got {period_end_grace_days}")
    ytd = between("period", year * 100 + 1, year * 100 + month)
    approved = f"budget_version = {sql_literal(plan.approved_budget_version)}"
    whole_year = between("period", year * 100 + 1, year * 100 + 12)
    budget_scope = f"{approved} AND {whole_year}"
    return [
        Check(
            VOUCHERS_BALANCE,
            "gl_entries",
            ("voucher", "vouchers"),
            f"SELECT {text_of('voucher_id')} AS example_key FROM {{batch}} WHERE {ytd}"
            f" GROUP BY voucher_id HAVING ABS(SUM(amount)) >= {VOUCHER_TOLERANCE} ORDER BY example_key",
        ),
        Check(
            KEYS_UNIQUE,
            "gl_entries",
            ("key", "keys"),
            f"SELECT {VOUCHER_ROW_KEY} AS example_key FROM {{batch}}"
            " WHERE voucher_id IS NOT NULL AND row_no IS NOT NULL"
            " GROUP BY voucher_id, row_no HAVING COUNT(*) > 1 ORDER BY example_key",
        ),
        Check(ACCOUNT_MAPPED, "gl_entries", ("account", "accounts"), _unmapped_accounts(plan, ytd)),
        Check(
            ACCOUNT_MAPPED, "budget_entries", ("account", "accounts"), _unmapped_accounts(plan, budget_scope)
        ),
        # Not scoped by period: a malformed period belongs to no month, so it may be one of ours. A null
        # period is left to required_not_null, so that one broken row fails one rule.
        Check(
            PERIOD_VALID,
            "gl_entries",
            ("row", "rows"),
            f"SELECT {VOUCHER_ROW_KEY} || ' (period ' || CAST(period AS TEXT) || ')' AS example_key"
            f" FROM {{batch}} WHERE {invalid_period()} ORDER BY example_key",
        ),
        Check(
            PERIOD_VALID,
            "budget_entries",
            ("period", "periods"),
            "SELECT DISTINCT 'period ' || CAST(period AS TEXT) AS example_key"
            f" FROM {{batch}} WHERE {approved} AND {invalid_period()} ORDER BY example_key",
        ),
        # A row without a period cannot be placed in a month, so it counts as in scope.
        Check(
            REQUIRED_NOT_NULL,
            "gl_entries",
            ("row", "rows"),
            _null_columns(VOUCHER_ROW_KEY, GL_REQUIRED, f"(period IS NULL OR {ytd})"),
        ),
        Check(
            REQUIRED_NOT_NULL,
            "budget_entries",
            ("row", "rows"),
            _null_columns(
                BUDGET_ROW_KEY,
                BUDGET_REQUIRED,
                f"{approved} AND (period IS NULL OR {whole_year})",
            ),
        ),
        # Null cost centres and projects are required_not_null's (or allowed, for project).
        _unknown_values(COST_CENTER_KNOWN, "gl_entries", "cost_center", COST_CENTRE, ytd, "cost_centers"),
        _unknown_values(
            COST_CENTER_KNOWN, "budget_entries", "cost_center", COST_CENTRE, budget_scope, "cost_centers"
        ),
        # Any year's project: a multi-year project's row of another year still makes the id known.
        _unknown_values(PROJECT_KNOWN, "gl_entries", "project", PROJECT, ytd, "investment_projects"),
        _more_than_two_decimals("gl_entries", VOUCHER_ROW_KEY, ytd),
        _more_than_two_decimals("budget_entries", BUDGET_ROW_KEY, budget_scope),
        _booking_date_outside_period(ytd, dialect, period_end_grace_days),
        Check(
            REPORT_MONTH_LOADED,
            "gl_entries",
            ("period", "periods"),
            _missing_periods(year, month, ytd),
        ),
        Check(
            BUDGET_VERSION_EXISTS,
            "budget_entries",
            ("budget version", "budget versions"),
            f"SELECT {sql_literal('budget_version ' + plan.approved_budget_version)} AS example_key"
            f" FROM (SELECT COUNT(*) AS n FROM {{batch}} WHERE {approved}) AS version_rows"
            " WHERE version_rows.n = 0",
        ),
        # This and the next say nothing when the version has no rows at all: budget_version_exists names
        # that, instead of twelve missing periods and every report row.
        Check(
            BUDGET_COVERS_YEAR,
            "budget_entries",
            ("period", "periods"),
            _missing_periods(year, 12, budget_scope, only_if=approved),
        ),
        Check(
            BUDGET_MATCHES_PLAN,
            "budget_entries",
            ("report row", "report rows"),
            _budget_against_plan(plan, budget_scope, approved),
            example=_total_against_plan,
        ),
        Check(
            INVESTMENT_PROJECTS_KNOWN,
            "investment_projects",
            ("investment", "investments"),
            _investments_unmatched(plan, year),
        ),
        Check(
            INVESTMENT_BUDGET_MATCHES_PLAN,
            "investment_projects",
            ("investment", "investments"),
            _investment_budgets_against_plan(plan, year),
            example=_total_against_plan,
        ),
    ]


def account_number(column: str = "account") -> str:
    """The account as an integer when its text is all digits, else NULL, the way Plan.row_for_account
    reads it. Only all-digit text reaches the CAST, because casting '8x00' is an error on PostgreSQL;
    LTRIM with a set of characters is the digit test that SQLite (no regular expressions) shares."""
    text = f"TRIM({column})"
    all_digits = f"{text} <> '' AND LTRIM({text}, '0123456789') = ''"
    fits_integer = f"LENGTH(LTRIM({text}, '0')) <= 9"
    return f"CASE WHEN {all_digits} AND {fits_integer} THEN CAST({text} AS INTEGER) END"


def booking_date_number(dialect: str, column: str = "booking_date") -> str:
    """A date as the integer YYYYMMDD; NULL on SQLite when the stored text is not a date.

    SQLite keeps dates as ISO text and has strftime but no EXTRACT. PostgreSQL's date_part (double
    precision) takes 0.15 s on a million rows where EXTRACT (numeric since PostgreSQL 14) takes 0.27 s;
    other databases get standard SQL's EXTRACT. The integer lets the period test be one BETWEEN, which
    evaluates the expression once per row.
    """
    if dialect == "sqlite":
        return f"CAST(strftime('%Y%m%d', {column}) AS INTEGER)"
    if dialect == "postgresql":
        return (
            f"CAST(date_part('year', {column}) * 10000 + date_part('month', {column}) * 100"
            f" + date_part('day', {column}) AS INTEGER)"
        )
    return (
        f"CAST(EXTRACT(YEAR FROM {column}) * 10000 + EXTRACT(MONTH FROM {column}) * 100"
        f" + EXTRACT(DAY FROM {column}) AS INTEGER)"
    )


def _unmapped_accounts(plan: Plan, scope: str) -> str:
    """Accounts in scope that are neither in a report row's ranges nor in the balance-sheet ranges.

    The account is parsed once per distinct account, not per row. MATERIALIZED (SQLite 3.35+, PostgreSQL
    12+) is what makes that so: without it SQLite pushes the parsing down into the scan of every row
    (0.6 s instead of 0.02 s on 200k rows, and GX runs each query twice: once to count, once for examples).
    """
    ranges = [r for row in plan.report_rows for r in row.accounts] + list(plan.balance_sheet_accounts)
    mapped = " OR ".join(f"account_number BETWEEN {lo} AND {hi}" for lo, hi in ranges)
    return (
        "WITH used AS MATERIALIZED"
        f" (SELECT DISTINCT account FROM {{batch}} WHERE account IS NOT NULL AND {scope})"
        " SELECT 'account ' || account AS example_key"
        f" FROM (SELECT account, {account_number()} AS account_number FROM used) AS accounts"
        f" WHERE account_number IS NULL OR NOT ({mapped}) ORDER BY example_key"
    )


def _null_columns(row_key: str, columns: tuple[str, ...], scope: str) -> str:
    """Rows in scope with a null required column; the key names the row and its null columns."""
    which = " || ".join(f"CASE WHEN {c} IS NULL THEN '{c} ' ELSE '' END" for c in columns)
    any_null = " OR ".join(f"{c} IS NULL" for c in columns)
    return (
        f"SELECT {row_key} || ' (' || TRIM({which}) || ')' AS example_key"
        f" FROM {{batch}} WHERE {scope} AND ({any_null}) ORDER BY example_key"
    )


def _unknown_values(
    rule: Rule, table: str, column: str, noun: tuple[str, str], scope: str, register: str
) -> Check:
    """Distinct non-null values of `column` in scope that the register table (same column name) lacks.

    The register is read once, in an uncorrelated subquery (`r.` keeps it from reading the outer column);
    the values are made distinct first (MATERIALIZED, as in _unmapped_accounts), so the register is probed
    once per code, not once per row."""
    return Check(
        rule,
        table,
        noun,
        f"WITH used AS MATERIALIZED"
        f" (SELECT DISTINCT {column} FROM {{batch}} WHERE {column} IS NOT NULL AND {scope})"
        f" SELECT '{column} ' || {column} AS example_key FROM used"
        f" WHERE {column} NOT IN (SELECT r.{column} FROM {{{register}}} AS r WHERE r.{column} IS NOT NULL)"
        " ORDER BY example_key",
    )


def _more_than_two_decimals(table: str, row_key: str, scope: str) -> Check:
    cents = "amount * 100"
    return Check(
        AMOUNT_TWO_DECIMALS,
        table,
        ("row", "rows"),
        f"SELECT {row_key} || ' (amount ' || CAST(amount AS TEXT) || ')' AS example_key FROM {{batch}}"
        f" WHERE {scope} AND ABS({cents} - ROUND({cents})) > {DECIMALS_TOLERANCE_ORE} ORDER BY example_key",
    )


def _booking_date_outside_period(ytd: str, dialect: str, grace_days: int) -> Check:
    """Vouchers whose booking date is neither in the period's month nor in the first `grace_days` days of
    the following month: as YYYYMMDD integers, booked BETWEEN period*100+1 AND next_period*100+grace_days.

    A booking date that is not a date (text on SQLite) gives NULL, and the CASE reports it too."""
    next_period = "(CASE WHEN period % 100 = 12 THEN period + 89 ELSE period + 1 END)"
    booked = booking_date_number(dialect)
    allowed = f"{booked} BETWEEN period * 100 + 1 AND {next_period} * 100 + {grace_days}"
    return Check(
        PERIOD_MATCHES_BOOKING_DATE,
        "gl_entries",
        ("voucher", "vouchers"),
        f"SELECT {text_of('voucher_id')} || ' (booked ' || CAST(booking_date AS TEXT)"
        " || ', period ' || CAST(period AS TEXT) || ')' AS example_key"
        f" FROM {{batch}} WHERE {ytd} AND booking_date IS NOT NULL"
        f" AND CASE WHEN {allowed} THEN 0 ELSE 1 END = 1"
        " GROUP BY voucher_id, booking_date, period ORDER BY example_key",
    )


def _missing_periods(year: int, last_month: int, scope: str, only_if: str | None = None) -> str:
    """Periods Y01..Y<last_month> with no row in scope (scope must not reach outside those periods).

    The expected periods enter as a literal table with found = 0, the periods present (grouped first) with
    found = 1, and one GROUP BY adds them up. Not `expected.period NOT IN (SELECT period ...)`: PostgreSQL
    turns each literal row into a one-time filter and scans the table once per month (1.0 s instead of
    0.1 s on a million rows). `only_if` is a condition on the table that must hold for anything to be
    reported."""
    expected = _literal_rows(
        ("period", "found"), [(str(year * 100 + m), "0") for m in range(1, last_month + 1)]
    )
    present = f"SELECT period, 1 AS found FROM {{batch}} WHERE {scope} GROUP BY period"
    condition = f" AND (SELECT COUNT(*) FROM {{batch}} WHERE {only_if}) > 0" if only_if else ""
    return (
        "SELECT 'period ' || CAST(period AS TEXT) AS example_key FROM"
        f" (SELECT period, SUM(found) AS found FROM ({expected} UNION ALL {present}) AS together"
        f" GROUP BY period) AS counted WHERE found = 0{condition} ORDER BY example_key"
    )


def _budget_against_plan(plan: Plan, scope: str, approved: str) -> str:
    """Report rows whose approved year total differs from the plan by more than PLAN_TOLERANCE_SEK.

    The plan's amounts enter as a literal table with budget 0, the budget (summed per account, then mapped
    to its row by the plan's ranges, first match as in Plan.row_for_account) with plan 0; one GROUP BY
    adds them up, so a row without any budget is compared too, and no JOIN is needed."""
    mapping = " ".join(
        f"WHEN account_number BETWEEN {lo} AND {hi} THEN {sql_literal(row.id)}"
        for row in plan.report_rows
        for lo, hi in row.accounts
    )
    planned = _literal_rows(
        ("row_id", "budget", "planned"),
        [
            (sql_literal(row.id), "0.00", _sql_amount(plan.budget_year_sek(row.id)))
            for row in plan.report_rows
        ],
    )
    budget = (
        f"SELECT CASE {mapping} END AS row_id, amount AS budget, 0.00 AS planned"
        f" FROM (SELECT {account_number()} AS account_number, amount"
        f" FROM (SELECT account, SUM(amount) AS amount FROM {{batch}} WHERE {scope} GROUP BY account)"
        " AS by_account) AS parsed"
    )
    return (
        "SELECT row_id AS example_key, budget, planned FROM"
        " (SELECT row_id, SUM(budget) AS budget, SUM(planned) AS planned"
        f" FROM ({planned} UNION ALL {budget}) AS together WHERE row_id IS NOT NULL GROUP BY row_id)"
        f" AS compared WHERE ABS(budget - planned) > {PLAN_TOLERANCE_SEK}"
        f" AND (SELECT COUNT(*) FROM {{batch}} WHERE {approved}) > 0 ORDER BY example_key"
    )


def _investments_unmatched(plan: Plan, year: int) -> str:
    """Both directions of the name match, and names on more than one project of the year.

    The key says which side has the name, quoted so that a stray space shows."""
    names = [sql_literal(investment.name) for investment in plan.investments]
    in_plan = _in_list("name", names)
    of_year = f"year = {year}"
    plan_names = _literal_rows(("name",), [(name,) for name in names])
    return (
        "SELECT example_key FROM ("
        # in the plan, no row of the year
        f"SELECT 'plan: \"' || expected.name || '\"' AS example_key FROM ({plan_names}) AS expected"
        f" WHERE expected.name NOT IN (SELECT name FROM {{batch}} WHERE {of_year} AND name IS NOT NULL)"
        # a row of the year that the plan does not name
        " UNION ALL SELECT 'investment_projects: \"' || COALESCE(name, '(null)') || '\" ('"
        f" || {text_of('project')} || ')' AS example_key FROM {{batch}}"
        f" WHERE {of_year} AND (name IS NULL OR NOT ({in_plan}))"
        # a plan name on more than one row of the year
        " UNION ALL SELECT 'investment_projects: \"' || name || '\" (' || CAST(COUNT(*) AS TEXT) || ' rows)'"
        f" AS example_key FROM {{batch}} WHERE {of_year} AND {in_plan} GROUP BY name HAVING COUNT(*) > 1"
        ") AS unmatched ORDER BY example_key"
    )


def _investment_budgets_against_plan(plan: Plan, year: int) -> str:
    """Plan investments present in the year's rows whose budget differs from the plan (a missing one is
    investment_projects_known's). The plan's budget for a year it does not list is 0, as in the report."""
    names = [sql_literal(investment.name) for investment in plan.investments]
    planned = _literal_rows(
        ("name", "budget", "planned", "found"),
        [
            (name, "0.00", _sql_amount(investment.budget_mnkr.get(year, 0.0) * MNKR), "0")
            for name, investment in zip(names, plan.investments, strict=True)
        ],
    )
    return (
        "SELECT name AS example_key, budget, planned FROM"
        " (SELECT name, SUM(budget) AS budget, SUM(planned) AS planned, SUM(found) AS found FROM"
        f" ({planned} UNION ALL SELECT name, budget, 0.00 AS planned, 1 AS found FROM {{batch}}"
        f" WHERE year = {year} AND {_in_list('name', names)}) AS together GROUP BY name) AS compared"
        f" WHERE found > 0 AND ABS(COALESCE(budget, 0) - planned) > {PLAN_TOLERANCE_SEK}"
        " ORDER BY example_key"
    )


# --- small SQL builders ------------------------------------------------------------------------------------
def _literal_rows(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A literal table: SELECT ... UNION ALL SELECT ..., values given as SQL. An empty table when no rows."""
    if not rows:
        return "SELECT " + ", ".join(f"NULL AS {c}" for c in columns) + " WHERE 1 = 0"
    return " UNION ALL ".join(
        "SELECT " + ", ".join(f"{v} AS {c}" for v, c in zip(row, columns, strict=True)) for row in rows
    )


def _in_list(column: str, literals: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(literals)})" if literals else "1 = 0"


def _sql_amount(sek: float) -> str:
    return f"{sek:.2f}"


# --- example keys that need Python's formatting ------------------------------------------------------------
def _total_against_plan(row: Mapping[str, Any]) -> str:
    """'personalkostnader: 585 000 000,00 ≠ 586 000 000,00': the same text on every database."""
    return f"{row['example_key']}: {_sek(row.get('budget'))} ≠ {_sek(row.get('planned'))}"


def _sek(value: object) -> str:
    if value is None:
        return "(null)"
    return f"{float(str(value)):,.2f}".replace(",", " ").replace(".", ",")
