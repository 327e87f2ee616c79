"""Runs the suites with an ephemeral GX context and turns GX's results into Findings.

Per source: check that the contract's tables and columns exist (so a missing table is named as such, not
reported as a failing query), then validate each table's checks as one GX suite on a whole-table batch of
a SQL data source. GX runs every query in the database; only counts and at most 200 example rows per check
come back. An expectation that errors inside GX becomes an `internal.expectation_error` finding: GX reports
it as `success=False` with an empty result, which must never pass, nor look like bad data.
"""

from __future__ import annotations

import contextlib
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import great_expectations as gx
import sqlalchemy as sa
from great_expectations.core.result_format import ResultFormat
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.datasource.fluent.interfaces import GxDatasourceWarning
from great_expectations.expectations.metadata_types import FailureSeverity

from expectations import MAX_EXAMPLES, Check, Finding, ValidationReport
from expectations.hr import hr_checks
from expectations.ledger import PERIOD_END_GRACE_DAYS, ledger_checks
from uppfoljning.plan import Plan
from uppfoljning.settings import redact
from uppfoljning.sources import HR_TABLES, LEDGER_TABLES

if TYPE_CHECKING:
    from great_expectations.core import ExpectationValidationResult
    from great_expectations.data_context import AbstractDataContext
    from great_expectations.datasource.fluent import SQLDatasource

INTERNAL_ERROR = "internal.expectation_error"

# UnexpectedRowsExpectation fetches at most 200 rows (GX's MAX_RESULT_RECORDS) whatever the result format,
# and counts the rest with COUNT(*) in the database; COMPLETE only decides whether those rows are returned.
# The stack notes' warning about COMPLETE concerns column-map expectations, which list every failing value.
RESULT_FORMAT = ResultFormat.COMPLETE


@dataclass(frozen=True)
class Source:
    """One source database and its suite."""

    suite: str  # "ledger" | "hr": the rule-id prefix and the key of seconds_by_suite
    label: str  # English, for messages: "ledger source"
    label_sv: str  # Swedish, for messages: "huvudbokskällan"
    url: str
    tables: tuple[sa.Table, ...]  # the contract's tables of this source
    checks: list[Check]


@dataclass
class SuiteOutcome:
    findings: list[Finding] = field(default_factory=list)
    checks_run: int = 0


def validate_sources(
    ledger_url: str,
    hr_url: str,
    plan: Plan,
    year: int,
    month: int,
    *,
    period_end_grace_days: int = PERIOD_END_GRACE_DAYS,
) -> ValidationReport:
    """Run the ledger and HR suites for the report of `month` of `year` (see expectations/__init__)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    context = new_context()
    ledger = ledger_checks(
        plan, year, month, dialect=dialect_of(ledger_url), period_end_grace_days=period_end_grace_days
    )
    sources = (
        Source("ledger", "ledger source", "huvudbokskällan", ledger_url, LEDGER_TABLES, ledger),
        Source("hr", "HR source", "HR-källan", hr_url, HR_TABLES, hr_checks(plan, year, month)),
    )
    findings: list[Finding] = []
    checks_run = 0
    seconds: dict[str, float] = {}
    for source in sources:
        started = time.perf_counter()
        outcome = run_suite(context, source)
        seconds[source.suite] = time.perf_counter() - started
        findings += outcome.findings
        checks_run += outcome.checks_run
    return ValidationReport(findings=findings, checks_run=checks_run, seconds_by_suite=seconds)


def dialect_of(url: str) -> str:
    """The URL's SQLAlchemy backend ("sqlite", "postgresql"); "" when it does not parse, which then fails
    as an unreachable source."""
    try:
        return sa.make_url(url).get_backend_name()
    except (sa.exc.ArgumentError, ValueError):
        return ""


def new_context() -> AbstractDataContext:
    """An in-memory GX context that writes nothing to disk and prints nothing."""
    config = DataContextConfig(
        # The default ephemeral config creates (and removes) a temporary docs-site directory.
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        # Otherwise every validation draws tqdm "Calculating Metrics" bars on stderr.
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(project_config=config, mode="ephemeral")


def run_suite(context: AbstractDataContext, source: Source) -> SuiteOutcome:
    """Check one source's structure, then run its checks table by table."""
    outcome = SuiteOutcome(checks_run=1)  # reaching the source is the first check
    datasource = _open_datasource(context, source, outcome)
    if datasource is None:
        return outcome
    try:
        try:
            usable = _check_structure(datasource, source, outcome)
        except sa.exc.SQLAlchemyError as exc:  # e.g. the catalogue is not readable with these credentials
            outcome.findings.append(_unreachable(source, exc))
            return outcome
        for table, checks in _by_table(source.checks):
            # A check on a missing or incomplete table would only fail as an internal error; the
            # structure finding already names the problem.
            runnable = [c for c in checks if {c.table, *c.reads} <= usable]
            if runnable:
                _run_table(datasource, source.suite, table, runnable, outcome)
    finally:
        _close(datasource)
    return outcome


def _open_datasource(
    context: AbstractDataContext, source: Source, outcome: SuiteOutcome
) -> SQLDatasource | None:
    try:
        missing_file = _missing_sqlite_file(source.url)
        if missing_file:
            # Connecting would silently create an empty database file, and report every table missing.
            raise FileNotFoundError(f"database file {missing_file} does not exist")
        with warnings.catch_warnings():
            # The generic add_sql accepts every SQLAlchemy URL the extract accepts (add_sqlite and
            # add_postgres reject e.g. paths with spaces and socket hosts); its only complaint is the
            # advice to use those, which GX's own Snowflake source silences the same way.
            warnings.filterwarnings("ignore", category=GxDatasourceWarning)
            return context.data_sources.add_sql(name=source.suite, connection_string=source.url)
    except Exception as exc:  # any failure to connect is the same finding: this source is unusable
        outcome.findings.append(_unreachable(source, exc))
        return None


def _missing_sqlite_file(url: str) -> str | None:
    parsed = sa.make_url(url)
    database = parsed.database
    if (
        parsed.get_backend_name() != "sqlite"
        or not database
        or database == ":memory:"
        or "uri" in parsed.query
    ):
        return None
    return None if Path(database).exists() else database


def _check_structure(datasource: SQLDatasource, source: Source, outcome: SuiteOutcome) -> set[str]:
    """The tables that exist with every contract column; a finding for each that does not."""
    inspector = sa.inspect(datasource.get_engine())
    usable: set[str] = set()
    for table in source.tables:
        outcome.checks_run += 1
        if not inspector.has_table(table.name):  # views count: has_table sees them on SQLite and PostgreSQL
            outcome.findings.append(_missing_table(source, table.name))
            continue
        present = {str(c["name"]).lower() for c in inspector.get_columns(table.name)}
        missing = [c.name for c in table.columns if c.name not in present]
        if missing:
            outcome.findings.append(_missing_columns(source, table.name, missing))
            continue
        usable.add(table.name)
    return usable


def _by_table(checks: Iterable[Check]) -> list[tuple[str, list[Check]]]:
    grouped: dict[str, list[Check]] = {}
    for check in checks:
        grouped.setdefault(check.table, []).append(check)
    return list(grouped.items())


def _run_table(
    datasource: SQLDatasource, suite: str, table: str, checks: list[Check], outcome: SuiteOutcome
) -> None:
    """Validate one table's checks as one GX suite on a whole-table batch."""
    outcome.checks_run += len(checks)
    try:
        asset = datasource.add_table_asset(name=table, table_name=table)
        batch = asset.add_batch_definition_whole_table(name="whole_table").get_batch()
        expectation_suite = gx.ExpectationSuite(
            name=f"{suite}.{table}", expectations=[_expectation(i, c) for i, c in enumerate(checks)]
        )
        results = batch.validate(expectation_suite, result_format=RESULT_FORMAT).results
    except Exception as exc:  # GX failed before any check ran: every check of the table is unverified
        outcome.findings += [internal_error(c, str(exc)) for c in checks]
        return
    # GX does not keep the suite's order in its results; the index in meta says which check is which.
    by_index = {r.expectation_config.meta.get("check"): r for r in results if r.expectation_config}
    for index, check in enumerate(checks):
        finding = finding_from_result(check, by_index.get(index))
        if finding is not None:
            outcome.findings.append(finding)


def _expectation(index: int, check: Check) -> gx.expectations.UnexpectedRowsExpectation:
    return gx.expectations.UnexpectedRowsExpectation(
        unexpected_rows_query=check.query,
        description=f"{check.rule.id} on {check.table}: {check.rule.problem}",
        severity=FailureSeverity(check.rule.severity),
        meta={"check": index, "rule": check.rule.id},
    )


def _close(datasource: SQLDatasource) -> None:
    # Release pooled connections now: a PostgreSQL connection left to the garbage collector warns, and
    # a caller that drops or replaces the database right after validation should not find it in use.
    with contextlib.suppress(Exception):  # closing must never hide the findings
        datasource.get_execution_engine().close()
    with contextlib.suppress(Exception):
        datasource.get_engine().dispose()


# --- GX results -> findings ---------------------------------------------------------------------------------
def finding_from_result(check: Check, result: ExpectationValidationResult | None) -> Finding | None:
    """None when the check passed; a finding when it failed; an internal-error finding when GX could not
    tell (an exception inside the expectation, or a failure without a row count)."""
    if result is None:
        return internal_error(check, "GX returned no result for this expectation")
    errors = exception_messages(result.exception_info)
    if errors:
        return internal_error(check, errors[0])
    if result.success:
        return None
    details: dict[str, Any] = result.result or {}
    count = details.get("observed_value")
    if not isinstance(count, int):
        return internal_error(check, f"GX reported a failure without a row count (result: {details!r:.200})")
    rows = details.get("details", {}).get("unexpected_rows") or []
    return data_finding(check, count, [_example_key(check, row) for row in rows[:MAX_EXAMPLES]])


def exception_messages(exception_info: Any) -> list[str]:
    """The distinct error messages in a result's exception_info, in either of its two shapes: a single
    {"raised_exception", "exception_message", ...} dict, or one such dict per failed metric."""
    if not isinstance(exception_info, dict) or not exception_info:
        return []
    if "raised_exception" in exception_info:
        entries = [exception_info]
    else:
        entries = [e for e in exception_info.values() if isinstance(e, dict)]
    messages = [
        str(e.get("exception_message") or "unknown error") for e in entries if e.get("raised_exception")
    ]
    return list(dict.fromkeys(messages))


def _example_key(check: Check, row: Any) -> str:
    if isinstance(row, dict):
        if check.example is not None:
            return check.example(row)
        return str(row["example_key"] if "example_key" in row else next(iter(row.values()), ""))
    return str(row)


def data_finding(check: Check, count: int, examples: list[str]) -> Finding:
    noun = check.noun[0] if count == 1 else check.noun[1]
    listed = ", ".join(examples)
    more_en = f" (first {len(examples)} of {count})" if count > len(examples) else ""
    more_sv = f" ({len(examples)} av {count})" if count > len(examples) else ""
    message = (
        f"{check.table}: rule {check.rule.id} failed for {count} {noun} ({check.rule.problem}): "
        f"{listed}{more_en}. / {check.rule.swedish}: {listed}{more_sv}."
    )
    if check.rule.fix:
        message += f" Fix / Åtgärd: {check.rule.fix}"
    return Finding(check.rule.id, check.table, check.rule.severity, message, count, examples, check.rule.fix)


def internal_error(check: Check, error: str) -> Finding:
    message = (
        f"{check.table}: rule {check.rule.id} could not be checked: the expectation raised an internal "
        f"error ({_first_line(error)}). This says nothing about the data, but the run cannot be trusted "
        f"until the check runs. / Kontrollen {check.rule.id} kunde inte köras (internt fel)."
    )
    return Finding(INTERNAL_ERROR, check.table, "critical", message, 0, [])


def _unreachable(source: Source, exc: BaseException) -> Finding:
    url = redact(source.url)
    message = (
        f"{source.label} {url}: rule {source.suite}.source_reachable failed: the source cannot be read "
        f"({_first_line(str(exc)) or type(exc).__name__}); no {source.suite} check ran. "
        f"/ {source.label_sv.capitalize()} kan inte läsas."
    )
    return Finding(f"{source.suite}.source_reachable", "(source)", "critical", message, 1, [url])


def _missing_table(source: Source, table: str) -> Finding:
    message = (
        f"{table}: rule {source.suite}.table_exists failed: table {table} does not exist in the "
        f"{source.label} ({redact(source.url)}); its checks were skipped. / Tabellen {table} saknas i {source.label_sv}."
    )
    return Finding(f"{source.suite}.table_exists", table, "critical", message, 1, [table])


def _missing_columns(source: Source, table: str, columns: list[str]) -> Finding:
    listed = ", ".join(columns)
    noun = "column" if len(columns) == 1 else "columns"
    message = (
        f"{table}: rule {source.suite}.columns_exist failed for {len(columns)} {noun} (required by the source "
        f"contract, missing in the {source.label}): {listed}; the table's checks were skipped. "
        f"/ Kolumner saknas i {table}: {listed}."
    )
    return Finding(f"{source.suite}.columns_exist", table, "critical", message, len(columns), columns)


def _first_line(text: str, limit: int = 300) -> str:
    """The first line of an error: the database's own message, without the SQL and traceback below it."""
    lines = text.strip().splitlines()
    return lines[0][:limit] if lines else ""
