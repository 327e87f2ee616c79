"""The validation gate: the source tables checked with Great Expectations, inside the database.

Rules are data: each source's module (`ledger.py`, `hr.py`) holds a table of `Rule`s, read top to bottom,
each with its id, severity, wording and fix, and for each table it applies to a `Check`: the condition
that marks an offending row, in the source contract's names, and the key that names that row. Numbers in
conditions are `{placeholders}` filled from `thresholds.yaml`; scopes (the year to date, the approved
budget version, the HR window) are placeholders filled from the plan and the report month.

`scans.py` turns all checks of one table into one query that reads each of the table's sources once and
returns, per failed rule, its exact count and its first MAX_EXAMPLES keys; `runner.py` runs that query
with GX, once per table, with one expectation per rule, and turns GX's results into `Finding`s.

Usage (the caller decides what blocks; flows.monthly stops publication on any critical finding):

    report = validate_sources(ledger_url, hr_url, plan, year, month, mapping=mapping, thresholds=thresholds)
    if not report.passed:
        ...
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from expectations.thresholds import Thresholds
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
    thresholds: Thresholds | None = None,
) -> ValidationReport:
    """Run the ledger and HR suites for the report of `month` of `year`; never raises on bad data.

    `mapping`: where the warehouse keeps the contract's tables and columns (default: the contract's names).
    `thresholds`: the rules' limits (default: expectations/thresholds.yaml).
    """
    # Importing GX costs about 2 s: pay it only when validating, not whenever a Finding is imported.
    from expectations.runner import validate_sources as run

    return run(ledger_url, hr_url, plan, year, month, mapping=mapping, thresholds=thresholds)


# --- how rules are defined (the tables in ledger.py and hr.py) --------------------------------------------
ROWS = "{batch}"
"""A check's default source: the rows of its table (GX puts the table's contract view there)."""


@dataclass(frozen=True)
class Check:
    """Where and how a rule is checked on one table.

    `where` is an SQL condition, true for an offending row of `source`; `key` an SQL text expression that
    names that row in the finding (never more personal data than a pseudonymous id). Both are written in
    the source contract's names. `source` is the table's rows (`{batch}`: GX puts the table's contract view
    there) or a derived table of them, written `(SELECT ... FROM {batch} ... GROUP BY ...) AS name`.

    Other `{placeholders}` are the suite's vocabulary (scopes such as `{ytd}`, fragments such as
    `{invalid_period}`), the thresholds by name (`{voucher_tolerance_sek}`), and the other tables of the
    same source (`{employees}`), which become their contract views; a check is skipped when a table it reads
    is missing (the structure finding names it). Checks of one table with the same source are evaluated in
    one pass over it (scans.py). Never JOIN (GX then substitutes `{batch}` without its alias) and never
    correlate a subquery with the outer row: the sources are views without indexes, so that would be a
    nested loop. Literal braces are doubled, as for str.format.

    `distinct`: count distinct keys rather than offending rows. `values`: named SQL amounts returned with
    the key for `example`, which formats the example text when SQL cannot format it the same on every
    database. `batch`: the table read as `{batch}`, when a shared source is anchored on another table than
    the one the finding names (default: `table`).
    """

    table: str
    where: str
    key: str
    noun: tuple[str, str]  # what is counted, singular and plural: ("voucher", "vouchers")
    source: str = ROWS
    distinct: bool = False
    values: tuple[tuple[str, str], ...] = ()
    example: Callable[[Mapping[str, Any]], str] | None = None
    batch: str | None = None

    @property
    def anchor(self) -> str:
        """The table read as `{batch}`: the one whose query evaluates this check."""
        return self.batch or self.table


@dataclass(frozen=True)
class Rule:
    """A data-quality rule: stable id, severity, wording, fix, and its check on each table it applies to."""

    id: str
    severity: Severity
    problem: str  # English, what one offending key means, e.g. "voucher does not sum to 0"
    swedish: str  # short Swedish sentence head, e.g. "Verifikationer balanserar inte"
    fix: str  # how to fix: one short English sentence, " / ", the Swedish one; ends the message
    checks: tuple[Check, ...]

    def worded(self, values: Mapping[str, str]) -> Rule:
        """The rule with the `{threshold}` placeholders of its wording filled in."""
        return replace(self, problem=self.problem.format_map(values), swedish=self.swedish.format_map(values))


BATCH = "batch"
"""GX's placeholder for the table being validated."""


def render(template: str, vocabulary: Mapping[str, str], views: Mapping[str, str]) -> str:
    """SQL for GX: `{batch}` kept; a table's placeholder replaced by `(view)`, the SQL of its contract view
    (compiled by SQLAlchemy, identifiers quoted); a vocabulary word by its text, rendered the same way.
    Literal braces stay doubled for GX's str.format. An unknown placeholder is a KeyError naming it."""
    parts: list[str] = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(_escape_braces(literal))
        if field == BATCH:
            parts.append("{" + BATCH + "}")
        elif field and field in views:
            parts.append(f"({_escape_braces(views[field])})")
        elif field:
            parts.append(render(vocabulary[field], vocabulary, views))
    return "".join(parts)


def tables_read(template: str, vocabulary: Mapping[str, str], tables: frozenset[str]) -> set[str]:
    """The placeholders of `template`, directly or through its vocabulary words, that name `tables`."""
    found: set[str] = set()
    for _, field, _, _ in string.Formatter().parse(template):
        if field in tables:
            found.add(field)
        elif field and field in vocabulary:
            found |= tables_read(vocabulary[field], vocabulary, tables)
    return found


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


def between(column: str, first: int, last: int) -> str:
    return f"{column} BETWEEN {first} AND {last}"


def literal_rows(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A literal table: SELECT ... UNION ALL SELECT ..., values given as SQL. An empty table when no rows."""
    if not rows:
        return "SELECT " + ", ".join(f"NULL AS {c}" for c in columns) + " WHERE 1 = 0"
    return " UNION ALL ".join(
        "SELECT " + ", ".join(f"{v} AS {c}" for v, c in zip(row, columns, strict=True)) for row in rows
    )


def common_vocabulary(thresholds: Thresholds) -> dict[str, str]:
    """The placeholders of every suite: each threshold by its name, and `{invalid_period}` (true for a
    non-null period that is not YYYYMM with a plausible year and a month 1..12)."""
    years = thresholds.plausible_years
    first, last = years.first * 100 + 1, years.last * 100 + 12
    return {
        **thresholds.sql_values(),
        # NOT BETWEEN: fewer comparisons per row than four inequalities; a null period gives NULL, not true.
        "invalid_period": f"(period NOT BETWEEN {first} AND {last} OR period % 100 NOT BETWEEN 1 AND 12)",
    }


# --- the registry of every rule -----------------------------------------------------------------------------
# Imported last: the suites import the definitions above.
from expectations.hr import HR_RULES  # noqa: E402
from expectations.ledger import LEDGER_RULES  # noqa: E402

RULES: list[Rule] = [*LEDGER_RULES, *HR_RULES]
"""Every rule of the SQL suites, ledger first; ids are unique."""
