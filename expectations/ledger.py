"""The ledger suite: rules on gl_entries and budget_entries (contract §1, ledger source).

Scope for the report of month M of year Y: row rules read ledger periods Y01..YM only (a rerun of an old
month finds later periods in the table, and they must not block it) and the approved budget version's
twelve months of Y; key uniqueness holds for the whole table.
"""

from __future__ import annotations

from expectations import Check, Rule, between, invalid_period, sql_literal, text_of
from uppfoljning.plan import Plan

VOUCHER_TOLERANCE = 0.005
"""Half an öre: a voucher sum below it is rounding noise of two-decimal amounts, not an imbalance."""

VOUCHERS_BALANCE = Rule(
    "ledger.vouchers_balance", "critical", "voucher does not sum to 0", "Verifikationer balanserar inte"
)
KEYS_UNIQUE = Rule(
    "ledger.keys_unique",
    "critical",
    "(voucher_id, row_no) occurs more than once",
    "Dubbletter av verifikationsrad",
)
ACCOUNT_MAPPED = Rule(
    "ledger.account_mapped",
    "critical",
    "account is neither a balance-sheet account nor mapped to a report row",
    "Konton saknar rapportrad",
)
PERIOD_VALID = Rule(
    "ledger.period_valid", "critical", "period is not a valid YYYYMM", "Ogiltig period (ska vara ÅÅÅÅMM)"
)
REQUIRED_NOT_NULL = Rule(
    "ledger.required_not_null",
    "critical",
    "a column the source contract requires is null",
    "Obligatoriska värden saknas",
)

GL_REQUIRED = ("voucher_id", "row_no", "booking_date", "period", "account", "cost_center", "amount")
BUDGET_REQUIRED = ("period", "account", "cost_center", "amount")

VOUCHER_ROW_KEY = f"{text_of('voucher_id')} || '/' || {text_of('row_no')}"
BUDGET_ROW_KEY = (
    f"'period ' || {text_of('period')} || ' account ' || {text_of('account')}"
    f" || ' cost_center ' || {text_of('cost_center')}"
)


def ledger_checks(plan: Plan, year: int, month: int) -> list[Check]:
    ytd = between("period", year * 100 + 1, year * 100 + month)
    approved = f"budget_version = {sql_literal(plan.approved_budget_version)}"
    whole_year = between("period", year * 100 + 1, year * 100 + 12)
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
            ACCOUNT_MAPPED,
            "budget_entries",
            ("account", "accounts"),
            _unmapped_accounts(plan, f"{approved} AND {whole_year}"),
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
    ]


def account_number(column: str = "account") -> str:
    """The account as an integer when its text is all digits, else NULL, the way Plan.row_for_account
    reads it. Only all-digit text reaches the CAST, because casting '8x00' is an error on PostgreSQL;
    LTRIM with a set of characters is the digit test that SQLite (no regular expressions) shares."""
    text = f"TRIM({column})"
    all_digits = f"{text} <> '' AND LTRIM({text}, '0123456789') = ''"
    fits_integer = f"LENGTH(LTRIM({text}, '0')) <= 9"
    return f"CASE WHEN {all_digits} AND {fits_integer} THEN CAST({text} AS INTEGER) END"


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
