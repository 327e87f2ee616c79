"""The ledger suite: rules on gl_entries, budget_entries and investment_projects (contract §1, ledger source).

Scope for the report of month M of year Y: row rules read ledger periods Y01..YM only (`{ytd}`: a rerun of
an old month finds later periods in the table, and they must not block it) and the approved budget
version's twelve months of Y (`{budget_scope}`); key uniqueness holds for the whole table.

How the checks are evaluated (scans.py): the row rules of a table in one pass over its rows; the rules
that need a grouping in one pass over that grouping each (vouchers with their keys; the codes and months
used). A grouping parses or compares once per group what a row rule would do once per row: the account
number is parsed once per account, not per entry (on SQLite 1.8 s against 0.15 s on a million entries),
and a cost centre or project is looked up in its register once. Other tables
are read in uncorrelated `IN (SELECT ...)` subqueries (built once, then probed); comparisons with the plan
go through a small literal table (`UNION ALL` of the plan's values) and `GROUP BY`, never a subquery per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from expectations import Check, Rule, between, literal_rows, sql_literal, text_of
from transforms.periods import Month, Window, calendar_year, year_to_date
from uppfoljning.plan import MNKR, Plan

# --- what the checks read besides the rows of their table ----------------------------------------------------
VOUCHERS = "({vouchers}) AS vouchers"  # per dialect: see _vouchers


def _codes(scope: str, months: str, columns: tuple[str, ...]) -> str:
    """The codes and the months of `scope`, from one pass: rows of kind 'account' (each account used,
    with its number), of kind 'cost_center' and 'project' (each one used; `columns` says which the
    table has) and of kind 'month' (each month of `months`, a literal table, with `present` = 0 when it
    has no rows). The distinct (account, codes, period) tuples are found first: on SQLite a DISTINCT over
    few values is several times cheaper than a GROUP BY, which sorts every row (0.45 s instead of 1.3 s
    for both on 4 million entries), and with the economy rows' index both databases read them from the
    index. A code is then parsed or looked up in its register once, not once per entry (the register
    look-ups per row cost 0.1-0.2 s of the row scan at 4 million entries): MATERIALIZED keeps the account
    parsed once per account, otherwise both databases move a condition on it into the scan and parse every
    entry's account (SQLite: 1.8 s instead of 0.15 s on a million entries). Each month is a literal row
    beside the months present, not `NOT IN (SELECT period ...)`, which PostgreSQL runs as a scan per
    month."""
    kinds = ("account", *columns)

    def of_kind(kind: str) -> str:
        values = [c if c == kind else f"NULL AS {c}" for c in kinds]
        number = "{account_number}" if kind == "account" else "NULL"
        return (
            f"SELECT '{kind}' AS kind, {', '.join(values)}, {number}, NULL, NULL"
            f" FROM (SELECT DISTINCT {kind} FROM used WHERE {kind} IS NOT NULL) AS {kind}s"
        )

    # The months first: PostgreSQL types a column that is NULL in the first two branches as text.
    nulls = ", ".join(f"NULL AS {c}" for c in (*kinds, "account_number"))
    return (
        f"(WITH used AS MATERIALIZED (SELECT DISTINCT {', '.join(kinds)}, period FROM {{batch}}"
        f" WHERE {scope}) SELECT 'month' AS kind, {nulls}, period, SUM(present) AS present FROM"
        f" ({months} UNION ALL SELECT period, 1 AS present FROM used) AS months GROUP BY period"
        f" UNION ALL {' UNION ALL '.join(of_kind(kind) for kind in kinds)}) AS codes"
    )


GL_CODES = _codes("{ytd}", "{report_months}", ("cost_center", "project"))
BUDGET_CODES = _codes("{budget_scope}", "{budget_months}", ("cost_center",))
BUDGET_VERSION = "(SELECT COUNT(*) AS version_rows FROM {batch} WHERE {approved}) AS version"
# The budget summed per account, each account's report row found by the plan's ranges (first match, as
# Plan.row_for_account), beside the plan's own totals; one GROUP BY per report row adds them up, so a row
# without any budget is compared too.
BUDGET_AGAINST_PLAN = (
    "(SELECT row_id, SUM(budget) AS budget, SUM(planned) AS planned FROM ({plan_rows} UNION ALL"
    " SELECT {row_of_account} AS row_id, amount AS budget, 0.00 AS planned FROM (SELECT {account_number}"
    " AS account_number, amount FROM (SELECT account, SUM(amount) AS amount FROM {batch} WHERE {budget_scope}"
    " GROUP BY account) AS by_account) AS parsed) AS together WHERE row_id IS NOT NULL GROUP BY row_id) AS compared"
)
# Per name: how often the plan names it and how many investment_projects rows of the year carry it.
INVESTMENT_NAMES = (
    "(SELECT name, SUM(in_plan) AS in_plan, SUM(of_year) AS of_year, MIN(project) AS project,"
    " SUM(budget) AS budget, SUM(planned) AS planned FROM ({plan_investments} UNION ALL"
    " SELECT name, 0 AS in_plan, 1 AS of_year, project, budget, 0.00 AS planned FROM {batch}"
    " WHERE year = {year}) AS names GROUP BY name) AS names"
)

REGISTER_LACKS_COST_CENTER = (
    "cost_center NOT IN (SELECT r.cost_center FROM {cost_centers} AS r WHERE r.cost_center IS NOT NULL)"
)
"""`r.` keeps the subquery from reading the outer column by mistake: it stays uncorrelated."""
# Any year's project: a multi-year project's row of another year still makes the id known.
REGISTER_LACKS_PROJECT = (
    "project NOT IN (SELECT r.project FROM {investment_projects} AS r WHERE r.project IS NOT NULL)"
)
EXTRA_DECIMALS = "ABS(amount * 100 - ROUND(amount * 100)) > {decimals_tolerance_ore}"

# --- keys ----------------------------------------------------------------------------------------------------
VOUCHER = text_of("voucher_id")
VOUCHER_ROW = f"{text_of('voucher_id')} || '/' || {text_of('row_no')}"
BUDGET_ROW = (
    f"'period ' || {text_of('period')} || ' account ' || {text_of('account')}"
    f" || ' cost_center ' || {text_of('cost_center')}"
)
PERIOD = "'period ' || CAST(period AS TEXT)"
AMOUNT = " || ' (amount ' || CAST(amount AS TEXT) || ')'"
GL_REQUIRED = ("voucher_id", "row_no", "booking_date", "period", "account", "cost_center", "amount")
BUDGET_REQUIRED = ("period", "account", "cost_center", "amount")


def _total_against_plan(row: Mapping[str, Any]) -> str:
    """'personalkostnader: 585 000 000,00 ≠ 586 000 000,00': the same text on every database."""
    return f"{row['example_key']}: {_sek(row.get('budget'))} ≠ {_sek(row.get('planned'))}"


def _sek(value: object) -> str:
    if value is None:
        return "(null)"
    return f"{float(str(value)):,.2f}".replace(",", " ").replace(".", ",")


AGAINST_PLAN = (("budget", "budget"), ("planned", "planned"))

# --- the rules (severity: critical blocks publication, warning is published in the data-quality section) ----
LEDGER_RULES: list[Rule] = [
    Rule(
        "ledger.vouchers_balance",
        "critical",
        problem="voucher does not sum to 0",
        swedish="Verifikationer balanserar inte",
        fix="Correct the voucher in the ledger so that its rows sum to 0. "
        "/ Rätta verifikationen i huvudboken så att raderna summerar till 0.",
        checks=(
            Check(
                "gl_entries",
                source=VOUCHERS,
                where="kind = 'voucher' AND ABS(balance) >= {voucher_tolerance_sek}",
                key=VOUCHER,
                noun=("voucher", "vouchers"),
            ),
        ),
    ),
    Rule(
        "ledger.keys_unique",
        "critical",
        problem="(voucher_id, row_no) occurs more than once",
        swedish="Dubbletter av verifikationsrad",
        fix="Remove the duplicated voucher rows from the source view. / Ta bort dubblettraderna i källvyn.",
        checks=(
            Check(
                "gl_entries",
                source=VOUCHERS,
                where="kind = 'key'",
                key=VOUCHER_ROW,
                noun=("key", "keys"),
            ),
        ),
    ),
    Rule(
        "ledger.account_mapped",
        "critical",
        problem="account is neither a balance-sheet account nor mapped to a report row",
        swedish="Konton saknar rapportrad",
        fix="Rebook the entries on a mapped account, or add the account to a report row in the plan file. "
        "/ Bokför om raderna på ett mappat konto eller lägg kontot på en rapportrad i planfilen.",
        checks=(
            Check(
                "gl_entries",
                source=GL_CODES,
                where="kind = 'account' AND ({account_unmapped})",
                key="'account ' || account",
                noun=("account", "accounts"),
            ),
            Check(
                "budget_entries",
                source=BUDGET_CODES,
                where="kind = 'account' AND ({account_unmapped})",
                key="'account ' || account",
                noun=("account", "accounts"),
            ),
        ),
    ),
    # Not scoped by period: a malformed period belongs to no month, so it may be one of ours. A null
    # period is left to required_not_null, so that one broken row fails one rule.
    Rule(
        "ledger.period_valid",
        "critical",
        problem="period is not a valid YYYYMM",
        swedish="Ogiltig period (ska vara ÅÅÅÅMM)",
        fix="Correct the period to YYYYMM in the source. / Rätta perioden till ÅÅÅÅMM i källan.",
        checks=(
            Check(
                "gl_entries",
                where="{invalid_period}",
                key=VOUCHER_ROW + " || ' (period ' || CAST(period AS TEXT) || ')'",
                noun=("row", "rows"),
            ),
            Check(
                "budget_entries",
                where="{approved} AND {invalid_period}",
                key=PERIOD,
                noun=("period", "periods"),
                distinct=True,
            ),
        ),
    ),
    # A row without a period cannot be placed in a month, so it counts as in scope.
    Rule(
        "ledger.required_not_null",
        "critical",
        problem="a column the source contract requires is null",
        swedish="Obligatoriska värden saknas",
        fix="Fill in the missing values in the source. / Fyll i de saknade värdena i källan.",
        checks=(
            Check(
                "gl_entries",
                where="(period IS NULL OR {ytd}) AND {gl_missing}",
                key=VOUCHER_ROW + " || ' (' || {gl_missing_names} || ')'",
                noun=("row", "rows"),
            ),
            Check(
                "budget_entries",
                where="{approved} AND (period IS NULL OR {budget_year}) AND {budget_missing}",
                key=BUDGET_ROW + " || ' (' || {budget_missing_names} || ')'",
                noun=("row", "rows"),
            ),
        ),
    ),
    # Critical: an unknown cost centre (ansvar) is a mistyped code or another organisation's entry in our
    # books; its amount would count in the board's figures with no unit answering for it. Null cost centres
    # are required_not_null's.
    Rule(
        "ledger.cost_center_known",
        "critical",
        problem="cost_center is not in cost_centers",
        swedish="Okänt ansvar (finns inte i cost_centers)",
        fix="Add the cost centre to cost_centers, or rebook the rows on a valid cost centre. "
        "/ Lägg upp ansvaret i cost_centers eller bokför om raderna på ett giltigt ansvar.",
        checks=(
            Check(
                "gl_entries",
                source=GL_CODES,
                where="kind = 'cost_center' AND " + REGISTER_LACKS_COST_CENTER,
                key="'cost_center ' || cost_center",
                noun=("cost centre", "cost centres"),
            ),
            Check(
                "budget_entries",
                source=BUDGET_CODES,
                where="kind = 'cost_center' AND " + REGISTER_LACKS_COST_CENTER,
                key="'cost_center ' || cost_center",
                noun=("cost centre", "cost centres"),
            ),
        ),
    ),
    # Critical: investment spending is found through the project, so a row with an unknown project is
    # spending that no investment in the report shows. A null project is allowed (most entries have none).
    Rule(
        "ledger.project_known",
        "critical",
        problem="project is not in investment_projects",
        swedish="Okänt projekt (finns inte i investment_projects)",
        fix="Add the project to investment_projects, or correct the project on the rows. "
        "/ Lägg upp projektet i investment_projects eller rätta projektet på raderna.",
        checks=(
            Check(
                "gl_entries",
                source=GL_CODES,
                where="kind = 'project' AND " + REGISTER_LACKS_PROJECT,
                key="'project ' || project",
                noun=("project", "projects"),
            ),
        ),
    ),
    # Critical: the contract says two decimals; more means the view computes or converts amounts (e.g. an
    # allocation key or a currency rate) and its sums cannot be trusted to the öre.
    Rule(
        "ledger.amount_two_decimals",
        "critical",
        problem="amount has more than two decimals",
        swedish="Belopp med fler än två decimaler",
        fix="Round the amounts to whole öre (two decimals) in the source system or view. "
        "/ Avrunda beloppen till hela ören (två decimaler) i källsystemet eller vyn.",
        checks=(
            Check(
                "gl_entries",
                where="{ytd} AND " + EXTRA_DECIMALS,
                key=VOUCHER_ROW + AMOUNT,
                noun=("row", "rows"),
            ),
            Check(
                "budget_entries",
                where="{budget_scope} AND " + EXTRA_DECIMALS,
                key=BUDGET_ROW + AMOUNT,
                noun=("row", "rows"),
            ),
        ),
    ),
    # Warning: actuals go by period, so the figures are right either way; a booking date far from its period
    # is usually a wrong period (an entry in the wrong month), which finance should look at but which may be
    # intended (a late correction of a closed month). A booking date that is not a date (text on SQLite) is
    # reported too.
    Rule(
        "ledger.period_matches_booking_date",
        "warning",
        problem="booking date is outside the period's month and the allowed first days of the next month",
        swedish="Bokföringsdatum utanför periodens månad",
        fix="Check the period of these vouchers and correct it if the entry belongs to another month. "
        "/ Kontrollera verifikationernas period och rätta den om bokningen hör till en annan månad.",
        checks=(
            Check(
                "gl_entries",
                where="{ytd} AND booking_date IS NOT NULL AND {booked_outside_period}",
                key=VOUCHER
                + " || ' (booked ' || CAST(booking_date AS TEXT) || ', period ' || CAST(period AS TEXT) || ')'",
                noun=("voucher", "vouchers"),
                distinct=True,
            ),
        ),
    ),
    # Critical: without a month's entries the accumulated figures silently lack a month (books not closed,
    # or the load failed).
    Rule(
        "ledger.report_month_loaded",
        "critical",
        problem="no gl_entries row has this period of the report's year",
        swedish="Huvudboken saknar perioder",
        fix="Load the missing months into the ledger source (or wait until the month is closed), then rerun. "
        "/ Läs in de saknade månaderna i huvudbokskällan (eller vänta tills månaden är stängd) och kör igen.",
        checks=(
            Check(
                "gl_entries",
                source=GL_CODES,
                where="kind = 'month' AND present = 0",
                key=PERIOD,
                noun=("period", "periods"),
            ),
        ),
    ),
    # Critical (this and the next two): the budget columns and every deviation and forecast are computed
    # from the approved version; a missing, partial or different version makes them wrong. The next two say
    # nothing when the version has no rows at all: this one names that, instead of twelve missing periods
    # and every report row.
    Rule(
        "ledger.budget_version_exists",
        "critical",
        problem="the plan's approved budget version has no rows in budget_entries",
        swedish="Den beslutade budgetversionen saknas",
        fix="Load the approved budget version into budget_entries, or correct approved_budget_version in the "
        "plan file. / Läs in den beslutade budgetversionen i budget_entries eller rätta approved_budget_version "
        "i planfilen.",
        checks=(
            Check(
                "budget_entries",
                source=BUDGET_VERSION,
                where="version_rows = 0",
                key="{version_key}",
                noun=("budget version", "budget versions"),
            ),
        ),
    ),
    Rule(
        "ledger.budget_covers_year",
        "critical",
        problem="the approved budget version has no row for this period of the year",
        swedish="Den beslutade budgeten saknar perioder",
        fix="Load the approved budget for every month of the year. "
        "/ Läs in den beslutade budgeten för årets alla månader.",
        checks=(
            Check(
                "budget_entries",
                source=BUDGET_CODES,
                where="kind = 'month' AND present = 0 AND {version_loaded}",
                key=PERIOD,
                noun=("period", "periods"),
            ),
        ),
    ),
    Rule(
        "ledger.budget_matches_plan",
        "critical",
        problem="the approved version's year total of a report row (first) differs from the plan (second)",
        swedish="Den beslutade budgeten stämmer inte med planen (budget ≠ plan)",
        fix="Correct the approved version in budget_entries so that each report row sums to the plan, or "
        "correct the plan file. / Rätta den beslutade budgetversionen så att varje rapportrad summerar till "
        "planen, eller rätta planfilen.",
        checks=(
            Check(
                "budget_entries",
                source=BUDGET_AGAINST_PLAN,
                where="ABS(budget - planned) > {plan_tolerance_sek} AND {version_loaded}",
                key="row_id",
                noun=("report row", "report rows"),
                values=AGAINST_PLAN,
                example=_total_against_plan,
            ),
        ),
    ),
    # Critical: the report finds each investment by its plan name; a missing or misspelt name shows the
    # investment without spending, an extra one is spending the report leaves out, and a name on two
    # projects makes the report pick one of them. The key says which side has the name, quoted so that a
    # stray space shows.
    Rule(
        "ledger.investment_projects_known",
        "critical",
        problem="the plan's investments and the year's investment_projects rows do not match one to one by name",
        swedish="Investeringarna i planen och investment_projects stämmer inte överens",
        fix="Give each plan investment exactly one investment_projects row for the year, named exactly as in "
        "the plan. / Ge varje investering i planen exakt en rad i investment_projects för året, med exakt "
        "planens namn.",
        checks=(
            Check(
                "investment_projects",
                source=INVESTMENT_NAMES,
                where="in_plan = 0 OR of_year <> 1",
                key="CASE WHEN of_year = 0 THEN 'plan: \"' || name || '\"'"
                " WHEN in_plan = 0 THEN 'investment_projects: \"' || COALESCE(name, '(null)') || '\" ('"
                f" || {text_of('project')} || ')'"
                " ELSE 'investment_projects: \"' || name || '\" (' || CAST(of_year AS TEXT) || ' rows)' END",
                noun=("investment", "investments"),
            ),
        ),
    ),
    # Warning: the report shows the budget of investment_projects; it may legitimately differ from the plan
    # after a decision during the year (e.g. unspent funds carried over, ombudgetering), which the board
    # should see but which does not make the figures wrong. A name missing on either side is the rule
    # above's. The plan's budget for a year it does not list is 0, as in the report.
    Rule(
        "ledger.investment_budget_matches_plan",
        "warning",
        problem="the year's budget in investment_projects (first) differs from the plan (second)",
        swedish="Investeringsbudgeten avviker från planen (investment_projects ≠ plan)",
        fix="Check whether a decision changed the budget; if not, correct investment_projects. "
        "/ Kontrollera om budgeten ändrats genom beslut; rätta annars investment_projects.",
        checks=(
            Check(
                "investment_projects",
                source=INVESTMENT_NAMES,
                where="in_plan > 0 AND of_year > 0 AND ABS(COALESCE(budget, 0) - planned) > {plan_tolerance_sek}",
                key="name",
                noun=("investment", "investments"),
                values=AGAINST_PLAN,
                example=_total_against_plan,
            ),
        ),
    ),
]
"""Every rule of the ledger suite (expectations.RULES collects the suites' registries)."""


# --- the vocabulary: what the placeholders mean for the report of one month -------------------------------------
def vocabulary(plan: Plan, report_month: Month, dialect: str) -> dict[str, str]:
    """The ledger rules' placeholders for the report of `report_month` on a `dialect` database ("sqlite",
    "postgresql", other: standard SQL); the thresholds come from expectations.common_vocabulary."""
    ytd = year_to_date(report_month)
    year = calendar_year(report_month.year)
    ranges = [r for row in plan.report_rows for r in row.accounts] + list(plan.balance_sheet_accounts)
    names = [sql_literal(investment.name) for investment in plan.investments]
    return {
        "ytd": _months(ytd),
        "approved": f"budget_version = {sql_literal(plan.approved_budget_version)}",
        "budget_year": _months(year),
        "budget_scope": "{approved} AND {budget_year}",
        "version_key": sql_literal("budget_version " + plan.approved_budget_version),
        "version_loaded": "(SELECT COUNT(*) FROM {batch} WHERE {approved}) > 0",
        "gl_missing": _any_null(GL_REQUIRED),
        "gl_missing_names": _null_names(GL_REQUIRED),
        "budget_missing": _any_null(BUDGET_REQUIRED),
        "budget_missing_names": _null_names(BUDGET_REQUIRED),
        "account_number": account_number(),
        "account_unmapped": "account_number IS NULL OR NOT ("
        + " OR ".join(f"account_number BETWEEN {lo} AND {hi}" for lo, hi in ranges)
        + ")",
        "row_of_account": "CASE "
        + " ".join(
            f"WHEN account_number BETWEEN {lo} AND {hi} THEN {sql_literal(row.id)}"
            for row in plan.report_rows
            for lo, hi in row.accounts
        )
        + " END",
        "report_months": _expected_months(ytd),
        "budget_months": _expected_months(year),
        "plan_rows": literal_rows(
            ("row_id", "budget", "planned"),
            [
                (sql_literal(row.id), "0.00", _sql_amount(plan.budget_year_sek(row.id)))
                for row in plan.report_rows
            ],
        ),
        "year": str(report_month.year),
        "plan_investments": literal_rows(
            ("name", "in_plan", "of_year", "project", "budget", "planned"),
            [
                (
                    name,
                    "1",
                    "0",
                    "NULL",
                    "0.00",
                    _sql_amount(investment.budget_mnkr.get(report_month.year, 0.0) * MNKR),
                )
                for name, investment in zip(names, plan.investments, strict=True)
            ],
        ),
        "booked_outside_period": _booked_outside_period(dialect, ytd),
        "vouchers": _vouchers(dialect),
    }


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


JULIAN_DAY_OF_ORDINAL_0 = 1_721_425
"""date.toordinal() + this = the Julian day number, the day SQLite's julianday() gives (+ 0.5, truncated)."""


def _booked_outside_period(dialect: str, months: Window) -> str:
    """True when the booking date of a row of `months` (the rule reads no other period) is neither in
    its period's month nor in the first `{period_end_grace_days}` days of the next. A date that does not
    parse gives NULL, and the outer CASE makes that true too.

    On SQLite and PostgreSQL each month's first and last allowed day are literals, one branch per month
    of a CASE on the period, compared with the date as stored: PostgreSQL compares dates, SQLite the day
    number julianday() reads from its ISO text. Measured on 4 million entries (10 of 24 months in scope):
    the rule's scan took 0.65 s with every row's date turned into a YYYYMMDD integer on PostgreSQL
    (date_part), 0.23 s against the literals; on SQLite strftime cost 1.0 s more than a plain scan of the
    table, julianday 0.07 s. Other databases get the YYYYMMDD integer of booking_date_number.
    """
    if dialect == "postgresql":
        value = "booking_date"

        def day(date: dt.date) -> str:
            return f"DATE '{date.isoformat()}'"

    elif dialect == "sqlite":
        value = "CAST(julianday(booking_date) + 0.5 AS INTEGER)"

        def day(date: dt.date) -> str:
            return str(date.toordinal() + JULIAN_DAY_OF_ORDINAL_0)

    else:
        next_period = "(CASE WHEN period % 100 = 12 THEN period + 89 ELSE period + 1 END)"
        allowed = (
            f"{booking_date_number(dialect)} BETWEEN period * 100 + 1"
            f" AND {next_period} * 100 + {{period_end_grace_days}}"
        )
        return f"CASE WHEN {allowed} THEN 0 ELSE 1 END = 1"
    branches = " ".join(
        f"WHEN {month.yyyymm} THEN {value} BETWEEN {day(month.first_day)}"
        f" AND {day(month.plus(1).first_day)} + {{period_end_grace_days}} - 1"
        for month in months.months
    )
    return f"CASE WHEN CASE period {branches} END THEN 0 ELSE 1 END = 1"


def _vouchers(dialect: str) -> str:
    """The offending vouchers (ledger.vouchers_balance: rows of kind 'voucher', the balance of the year to
    date) and the repeated keys (ledger.keys_unique: rows of kind 'key', over every year, as the contract's
    key spans them), from groupings in the order of the recommended index on (voucher_id, row_no, period,
    amount), which gives both databases the vouchers' rows in order: no sort, no hash aggregate (which
    spilled to disk on PostgreSQL at 4 million keys, 5-12 s).

    SQLite: every voucher grouped once over the whole table, its balance of the year to date (NULL for a
    voucher without such rows, which never fails) beside its repeated row numbers; only the offending
    vouchers are kept (MATERIALIZED: stored once, read twice), and the repeated keys are then looked for
    among their rows only. PostgreSQL: the two groupings, each key over the whole table and each voucher
    over the year to date, which it runs at once in two processes (COUNT(DISTINCT), which the single
    grouping needs, has no parallel form). Measured at 16 million entries: SQLite 4.7 s for the single
    grouping against 5.5 s for the two; PostgreSQL 4.5 s for the two against 5.2 s (at 4 million: 1.1
    against 1.3 s). Before, without the index and with the key rule numbering every key's rows on
    PostgreSQL: 2.3 s (SQLite) and 5.6 s (PostgreSQL) at 4 million entries."""
    if dialect == "postgresql":
        return (
            "SELECT 'voucher' AS kind, voucher_id, NULL AS row_no, SUM(amount) AS balance FROM {batch}"
            " WHERE {ytd} GROUP BY voucher_id HAVING ABS(SUM(amount)) >= {voucher_tolerance_sek}"
            " UNION ALL SELECT 'key' AS kind, voucher_id, row_no, NULL AS balance FROM {batch}"
            " WHERE voucher_id IS NOT NULL AND row_no IS NOT NULL GROUP BY voucher_id, row_no HAVING COUNT(*) > 1"
        )
    balance = "SUM(CASE WHEN {ytd} THEN amount END)"
    return (
        f"WITH offending AS MATERIALIZED (SELECT voucher_id, {balance} AS balance,"
        " COUNT(row_no) - COUNT(DISTINCT row_no) AS repeated_rows FROM {batch} GROUP BY voucher_id"
        f" HAVING ABS({balance}) >= {{voucher_tolerance_sek}} OR COUNT(row_no) > COUNT(DISTINCT row_no))"
        " SELECT 'voucher' AS kind, voucher_id, NULL AS row_no, balance FROM offending"
        " UNION ALL SELECT 'key' AS kind, voucher_id, row_no, NULL AS balance FROM {batch} WHERE row_no IS NOT NULL"
        " AND voucher_id IN (SELECT o.voucher_id FROM offending AS o WHERE o.repeated_rows > 0)"
        " GROUP BY voucher_id, row_no HAVING COUNT(*) > 1"
    )


def _months(window: Window) -> str:
    return between("period", window.first.yyyymm, window.last.yyyymm)


def _expected_months(window: Window) -> str:
    """Each month of the window as a literal row (period, 0 accounts present)."""
    return literal_rows(("period", "present"), [(str(m.yyyymm), "0") for m in window.months])


def _any_null(columns: tuple[str, ...]) -> str:
    return "(" + " OR ".join(f"{c} IS NULL" for c in columns) + ")"


def _null_names(columns: tuple[str, ...]) -> str:
    """The names of the row's null columns, space-separated."""
    return "TRIM(" + " || ".join(f"CASE WHEN {c} IS NULL THEN '{c} ' ELSE '' END" for c in columns) + ")"


def _sql_amount(sek: float) -> str:
    return f"{sek:.2f}"
