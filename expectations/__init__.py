"""The validation gate: the source tables checked with Great Expectations, inside the database.

One module per source holds that source's suite as code (`ledger.py`, `hr.py`); `runner.py` runs the suites
with GX and turns its results into `Finding`s. Every rule is a SQL query that returns one row per offending
key (column `example_key`), run by GX's `UnexpectedRowsExpectation` against a whole-table batch, so no table
is ever loaded into Python.

Usage (the caller decides what blocks; flows.monthly stops publication on any critical finding):

    report = validate_sources(ledger_url, hr_url, plan, year, month, mapping=mapping)
    if not report.passed:
        ...
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from extract.sources import Mapping as SourceMapping
    from uppfoljning.plan import Plan

Severity = Literal["critical", "warning"]
MAX_EXAMPLES = 20
"""Example keys per finding: enough to find the pattern, short enough for a one-paragraph message."""


# --- what validation reports ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One failed check: a rule on one table."""

    rule: str  # stable id, e.g. "ledger.vouchers_balance"
    table: str  # e.g. "gl_entries"
    severity: Severity
    message: str  # one paragraph, English + Swedish; names table, rule, count and the example keys
    count: int  # offending rows/keys
    examples: list[str]  # up to MAX_EXAMPLES keys; never more personal data than a pseudonymous id
    fix: str = ""  # how to fix, English / Swedish (the rule's `fix`); also the last sentence of `message`


@dataclass(frozen=True)
class ValidationReport:
    findings: list[Finding]  # all failed checks
    checks_run: int
    seconds_by_suite: dict[str, float]

    @property
    def critical(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "critical"]

    @property
    def passed(self) -> bool:
        """True when nothing blocks publication (warnings may remain)."""
        return not self.critical

    @property
    def status(self) -> Literal["passed", "warnings", "failed"]:
        if self.critical:
            return "failed"
        return "warnings" if self.findings else "passed"


def validate_sources(
    ledger_url: str,
    hr_url: str,
    plan: Plan,
    year: int,
    month: int,
    *,
    mapping: SourceMapping | None = None,
    period_end_grace_days: int | None = None,
) -> ValidationReport:
    """Run the ledger and HR suites for the report of `month` of `year`; never raises on bad data.

    `mapping`: where the warehouse keeps the contract's tables and columns (default: the contract's names).
    `period_end_grace_days`: days into the next month a period's entries may be booked without a warning
    (default `expectations.ledger.PERIOD_END_GRACE_DAYS`, 15).
    """
    # Importing GX costs about 2 s: pay it only when validating, not whenever a Finding is imported.
    from expectations.runner import validate_sources as run

    if period_end_grace_days is None:
        return run(ledger_url, hr_url, plan, year, month, mapping=mapping)
    return run(
        ledger_url, hr_url, plan, year, month, mapping=mapping, period_end_grace_days=period_end_grace_days
    )


# --- how rules are defined (used by the suites in ledger.py and hr.py) ------------------------------------
@dataclass(frozen=True)
class Rule:
    """A data-quality rule: stable id, severity and wording. A rule may be checked on several tables."""

    id: str
    severity: Severity
    problem: str  # English, what one offending key means, e.g. "voucher does not sum to 0"
    swedish: str  # short Swedish sentence head, e.g. "Verifikationer balanserar inte"
    fix: str = ""  # how to fix: one short English sentence, " / ", the Swedish one; ends the message


@dataclass(frozen=True)
class Check:
    """A rule on one table: a query for GX's UnexpectedRowsExpectation, in the contract's vocabulary.

    `query` reads the table as `{batch}` and returns one row per offending key with the column
    `example_key`, ordered so the examples are stable. Every table and column is named as the source
    contract names it: the runner gives GX each table as its contract view (the warehouse table under the
    contract's column names, see extract.sources), so a region's mapping never reaches the rule's text.
    Other tables of the same source, and a second reference to the table itself, are written as
    placeholders, `{employees} AS e`, which the runner replaces with the contract view (`render`); a check
    whose tables are missing is skipped (`tables`). Literal braces are doubled, as for str.format.

    The query must not contain JOIN: GX then wraps `{batch}` differently (needing an alias); other tables
    are read in subqueries instead. `{batch}` itself takes no alias (GX substitutes `(...) AS subselect`).
    The query must not correlate a subquery with the outer row either: the sources are views without
    indexes, so that is a nested loop.

    `example` turns one returned row (all its columns) into the example text when SQL cannot format it the
    same on every database (amounts); by default the example is the row's `example_key`.
    """

    rule: Rule
    table: str
    noun: tuple[str, str]  # what is counted, singular and plural: ("voucher", "vouchers")
    query: str
    example: Callable[[Mapping[str, Any]], str] | None = None

    @property
    def tables(self) -> frozenset[str]:
        """The contract tables the query reads: its own and every placeholder's."""
        fields = {field for _, field, _, _ in string.Formatter().parse(self.query) if field}
        return frozenset({self.table, *fields} - {BATCH})

    def render(self, views: Mapping[str, str]) -> str:
        """The query for GX: each placeholder but `{batch}` replaced by `(view)`, the SQL of that table's
        contract view (compiled by SQLAlchemy, identifiers quoted); braces stay escaped for GX's format."""
        parts: list[str] = []
        for literal, field, _, _ in string.Formatter().parse(self.query):
            parts.append(_escape_braces(literal))
            if field == BATCH:
                parts.append("{" + BATCH + "}")
            elif field:
                parts.append(f"({_escape_braces(views[field])})")
        return "".join(parts)


BATCH = "batch"
"""GX's placeholder for the table being validated."""


def _escape_braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


# --- SQL that runs unchanged on SQLite and PostgreSQL -------------------------------------------------------
def sql_literal(value: str) -> str:
    """A string literal safe inside a GX query: quotes doubled, braces doubled for GX's str.format, and
    colons escaped because GX runs the query through sqlalchemy.text(), which reads ':name' as a parameter."""
    escaped = value.replace("'", "''").replace("{", "{{").replace("}", "}}").replace(":", "\\:")
    return f"'{escaped}'"


def text_of(column: str) -> str:
    """A column as text for an example key; NULL shows as '(null)' because '||' with NULL is NULL."""
    return f"COALESCE(CAST({column} AS TEXT), '(null)')"


PLAUSIBLE_YEARS = (2000, 2100)
"""Periods outside these years are typos (e.g. 20251 for 202501), not history or plans."""


def invalid_period(column: str = "period") -> str:
    """True for a non-null period that is not YYYYMM with a plausible year and month 1..12."""
    first, last = PLAUSIBLE_YEARS[0] * 100 + 1, PLAUSIBLE_YEARS[1] * 100 + 12
    return (
        f"({column} IS NOT NULL AND ({column} < {first} OR {column} > {last}"
        f" OR {column} % 100 < 1 OR {column} % 100 > 12))"
    )


def between(column: str, first: int, last: int) -> str:
    return f"{column} BETWEEN {first} AND {last}"


# --- the registry of every rule -----------------------------------------------------------------------------
# Imported last: the suites import the definitions above.
from expectations.hr import HR_RULES  # noqa: E402
from expectations.ledger import LEDGER_RULES  # noqa: E402

RULES: list[Rule] = [*LEDGER_RULES, *HR_RULES]
"""Every rule of the SQL suites, ledger first; ids are unique."""
