"""Runs the suites with an ephemeral GX context and turns GX's results into Findings.

Per source: check that the contract's tables and columns exist where the mapping says they are (so a
missing table is named as such, not reported as a failing query), then validate each table as one GX suite
on a whole-table batch of a query asset: the table's contract view, SQL that SQLAlchemy compiles for the
source's dialect from the mapped table (`SELECT "Belopp" AS amount, ... FROM "Huvudbok"."Rader"`), so the
rules, written in the contract's names, never contain a warehouse identifier of their own. The suite holds
one expectation per check (gx_scan.RuleHolds), and all of them carry the table's one query (scans.py),
which GX runs once, in the database; only counts and at most MAX_EXAMPLES example rows per failed check
come back.

What GX does with a query asset (great_expectations 1.24, read in its source): with the fluent SQL data
source's default `create_temp_table=False` the batch is the query's text, no temporary table, so a
read-only account suffices; `{batch}` becomes `(<view>) AS subselect` (SQLite adds a `SELECT * ... WHERE
1 = 1` layer, which both databases flatten); the text passes through `sqlalchemy.text()` several times,
which is why a mapped name may contain neither ':' nor '%' (extract.sources refuses them).

An expectation that errors inside GX becomes an `internal.expectation_error` finding: GX reports it as
`success=False` with an empty result, which must never pass, nor look like bad data.
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

from expectations import (
    MAX_EXAMPLES,
    Check,
    Finding,
    Rule,
    ValidationReport,
    common_vocabulary,
    render,
    tables_read,
)
from expectations import hr as hr_suite
from expectations import ledger as ledger_suite
from expectations.gx_scan import RuleHolds
from expectations.scans import VALUE_COLUMNS, RenderedCheck, table_query
from expectations.thresholds import Thresholds, default_thresholds
from extract.sources import Mapping, contract_view, hr_tables, ledger_tables
from transforms.periods import Month
from uppfoljning.plan import Plan
from uppfoljning.settings import redact

if TYPE_CHECKING:
    from great_expectations.core import ExpectationValidationResult
    from great_expectations.data_context import AbstractDataContext
    from great_expectations.datasource.fluent import SQLDatasource

INTERNAL_ERROR = "internal.expectation_error"

# COMPLETE: RuleHolds returns its examples only then. The query is bounded (MAX_EXAMPLES rows per failed
# rule); the stack notes' warning about COMPLETE concerns column-map expectations, which list every
# failing value.
RESULT_FORMAT = ResultFormat.COMPLETE


@dataclass(frozen=True)
class RuleCheck:
    """One rule on one table: what is validated, and what a finding names."""

    rule: Rule
    check: Check

    @property
    def table(self) -> str:
        return self.check.table

    @property
    def tag(self) -> str:
        """Names the check in its table's query; unique within it."""
        return f"{self.rule.id} {self.check.table}"


@dataclass(frozen=True)
class Source:
    """One source database and its suite."""

    suite: str  # "ledger" | "hr": the rule-id prefix and the key of seconds_by_suite
    label: str  # English, for messages: "ledger source"
    label_sv: str  # Swedish, for messages: "huvudbokskällan"
    url: str
    tables: dict[str, sa.Table]  # contract name -> the table as the warehouse holds it (the mapping applied)
    rules: list[Rule]  # worded: thresholds filled in
    vocabulary: dict[str, str]  # the rules' placeholders for this report (expectations.render)

    @property
    def checks(self) -> list[RuleCheck]:
        return [RuleCheck(rule, check) for rule in self.rules for check in rule.checks]

    def located(self, table: str, dialect: sa.Dialect) -> str:
        """'gl_entries', or 'gl_entries ("Huvudbok"."Rader")' when the mapping puts it elsewhere."""
        return _located(table, self.tables[table], dialect) if table in self.tables else table


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
    mapping: Mapping | None = None,
    thresholds: Thresholds | None = None,
) -> ValidationReport:
    """Run the ledger and HR suites for the report of `month` of `year` (see expectations/__init__)."""
    report_month = Month(year, month)  # a ValueError for a month outside 1..12
    context = new_context()
    sources = build_sources(
        ledger_url, hr_url, plan, report_month, mapping, thresholds or default_thresholds()
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


def build_sources(
    ledger_url: str,
    hr_url: str,
    plan: Plan,
    report_month: Month,
    mapping: Mapping | None,
    thresholds: Thresholds,
) -> tuple[Source, Source]:
    """The two sources with their rules, worded and with their placeholders' meaning for this report."""
    common = common_vocabulary(thresholds)
    return (
        Source(
            "ledger",
            "ledger source",
            "huvudbokskällan",
            ledger_url,
            ledger_tables(mapping).by_contract_name(),
            [rule.worded(common) for rule in ledger_suite.LEDGER_RULES],
            {**common, **ledger_suite.vocabulary(plan, report_month, dialect_of(ledger_url))},
        ),
        Source(
            "hr",
            "HR source",
            "HR-källan",
            hr_url,
            hr_tables(mapping).by_contract_name(),
            [rule.worded(common) for rule in hr_suite.HR_RULES],
            {**common, **hr_suite.vocabulary(plan, report_month)},
        ),
    )


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
    context = gx.get_context(project_config=config, mode="ephemeral")
    # An ephemeral context keeps its project config in memory, yet "saves" it after every data source and
    # asset added: the whole config serialized to YAML, 16 times a validation, which nothing reads back
    # (a quarter of a validation's time on the demo's source: 0.15 s against 0.12 s).
    context.variables.save = _not_saved  # type: ignore[method-assign]
    return context


def _not_saved() -> None:
    """What an in-memory context's variables save: nothing (see new_context)."""


def run_suite(context: AbstractDataContext, source: Source) -> SuiteOutcome:
    """Check one source's structure, then run its checks table by table."""
    outcome = SuiteOutcome(checks_run=1)  # reaching the source is the first check
    datasource = _open_datasource(context, source, outcome)
    if datasource is None:
        return outcome
    try:
        dialect = datasource.get_engine().dialect
        try:
            usable = _check_structure(datasource, source, outcome)
        except sa.exc.SQLAlchemyError as exc:  # e.g. the catalogue is not readable with these credentials
            outcome.findings.append(_unreachable(source, exc))
            return outcome
        views = {name: _compiled(contract_view(source.tables[name]), dialect) for name in usable}
        for table, checks in by_anchor(source.checks):
            # A check on a missing or incomplete table would only fail as an internal error; the
            # structure finding already names the problem.
            runnable = [c for c in checks if _tables_of(c, source) <= usable]
            if runnable:
                _run_table(datasource, source, table, runnable, views, outcome)
    finally:
        _close(datasource)
    return outcome


def _compiled(query: sa.Select, dialect: sa.Dialect) -> str:
    """SQL text for the dialect: every identifier quoted as it needs, values inlined (a view has none)."""
    return str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


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
            # `kwargs` (create_engine options) is a field of SQLDatasource that GX's stub omits.
            return context.data_sources.add_sql(  # type: ignore[call-arg]
                name=source.suite, connection_string=source.url, kwargs=_engine_options(source.url)
            )
    except Exception as exc:  # any failure to connect is the same finding: this source is unusable
        outcome.findings.append(_unreachable(source, exc))
        return None


def _engine_options(url: str) -> dict[str, Any]:
    """create_engine() options for validation. PostgreSQL through libpq (psycopg, psycopg2): JIT off for
    these connections only. A table's query has hundreds of expressions, and PostgreSQL's JIT compiler
    spends seconds on them (measured: 4–6 s to compile, 1.5 s to run the ledger's query on a million
    rows); the work itself is scans and sorts, which JIT does not speed up. Options already in the URL
    are kept."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "postgresql" or parsed.get_driver_name() not in ("psycopg", "psycopg2"):
        return {}
    given = parsed.query.get("options")
    options = " ".join([*([given] if isinstance(given, str) else list(given or ())), "-c jit=off"])
    return {"connect_args": {"options": options}}


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
    """The contract tables that exist, where the mapping says, with every contract column; a finding for
    each that does not, naming both the warehouse's name and the contract's."""
    engine = datasource.get_engine()
    inspector = sa.inspect(engine)
    usable: set[str] = set()
    for name, table in source.tables.items():
        outcome.checks_run += 1
        # Views count: has_table sees them on SQLite and PostgreSQL.
        if not inspector.has_table(table.name, schema=table.schema):
            outcome.findings.append(_missing_table(source, name, engine.dialect))
            continue
        present = [str(c["name"]) for c in inspector.get_columns(table.name, schema=table.schema)]
        missing = [c for c in table.columns if not _column_present(c.name, present, engine.dialect)]
        if missing:
            outcome.findings.append(_missing_columns(source, name, missing, engine.dialect))
            continue
        usable.add(name)
    return usable


def _column_present(name: str, present: list[str], dialect: sa.Dialect) -> bool:
    """Whether the query's column reference finds the column. SQLAlchemy leaves an all-lowercase name
    unquoted, which every database folds to the column's case; a name with capitals is quoted and must
    match exactly, except on SQLite, whose identifiers never depend on case."""
    if name in present:
        return True
    if name == name.lower() or dialect.name == "sqlite":
        return name.lower() in {p.lower() for p in present}
    return False


def by_anchor(checks: Iterable[RuleCheck]) -> list[tuple[str, list[RuleCheck]]]:
    grouped: dict[str, list[RuleCheck]] = {}
    for check in checks:
        grouped.setdefault(check.check.anchor, []).append(check)
    return list(grouped.items())


def _tables_of(check: RuleCheck, source: Source) -> set[str]:
    """The contract tables a check reads: its own, its anchor and every table placeholder."""
    tables = frozenset(source.tables)
    read = {check.check.table, check.check.anchor}
    for template in (
        check.check.source,
        check.check.where,
        check.check.key,
        *dict(check.check.values).values(),
    ):
        read |= tables_read(template, source.vocabulary, tables)
    return read


def query_of(source: Source, checks: list[RuleCheck], views: dict[str, str]) -> str:
    """The one query of a table's checks (scans.py), its placeholders replaced for GX."""
    return table_query([_rendered(c, source, views) for c in checks])


def _rendered(check: RuleCheck, source: Source, views: dict[str, str]) -> RenderedCheck:
    def sql(template: str) -> str:
        return render(template, source.vocabulary, views)

    return RenderedCheck(
        tag=check.tag,
        source=sql(check.check.source),
        where=sql(check.check.where),
        key=sql(check.check.key),
        distinct=check.check.distinct,
        values=tuple(sql(value) for _, value in check.check.values),
    )


def _run_table(
    datasource: SQLDatasource,
    source: Source,
    table: str,
    checks: list[RuleCheck],
    views: dict[str, str],
    outcome: SuiteOutcome,
) -> None:
    """Validate the checks read as `table`'s batch: one GX suite on a whole-table batch of its contract
    view, one expectation per check, all carrying the table's one query."""
    outcome.checks_run += len(checks)
    dialect = datasource.get_engine().dialect
    try:
        query = query_of(source, checks, views)
        asset = datasource.add_query_asset(name=table, query=views[table])
        batch = asset.add_batch_definition_whole_table(name="whole_table").get_batch()
        expectation_suite = gx.ExpectationSuite(
            name=f"{source.suite}.{table}",
            expectations=[_expectation(i, c, query) for i, c in enumerate(checks)],
        )
        results = batch.validate(expectation_suite, result_format=RESULT_FORMAT).results
    except Exception as exc:  # GX failed before any check ran: every check of the table is unverified
        outcome.findings += [internal_error(c, str(exc), source.located(c.table, dialect)) for c in checks]
        return
    # GX does not keep the suite's order in its results; the index in meta says which check is which.
    by_index = {r.expectation_config.meta.get("check"): r for r in results if r.expectation_config}
    for index, check in enumerate(checks):
        finding = finding_from_result(check, by_index.get(index), source.located(check.table, dialect))
        if finding is not None:
            outcome.findings.append(finding)


def _expectation(index: int, check: RuleCheck, query: str) -> RuleHolds:
    return RuleHolds(
        unexpected_rows_query=query,
        rule=check.tag,
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
def finding_from_result(
    check: RuleCheck, result: ExpectationValidationResult | None, located: str | None = None
) -> Finding | None:
    """None when the check passed; a finding when it failed; an internal-error finding when GX could not
    tell (an exception inside the expectation, or a failure without a row count). `located` names the
    table in messages (default: its contract name)."""
    if result is None:
        return internal_error(check, "GX returned no result for this expectation", located)
    errors = exception_messages(result.exception_info)
    if errors:
        return internal_error(check, errors[0], located)
    if result.success:
        return None
    details: dict[str, Any] = result.result or {}
    count = details.get("observed_value")
    if not isinstance(count, int):
        return internal_error(
            check, f"GX reported a failure without a row count (result: {details!r:.200})", located
        )
    rows = details.get("details", {}).get("unexpected_rows") or []
    return data_finding(check, count, [_example_key(check, row) for row in rows[:MAX_EXAMPLES]], located)


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


def _example_key(check: RuleCheck, row: Any) -> str:
    """The example text of one answer row: its key, or the check's `example` of the key and its values
    (which come back as value_1, value_2 and are handed over by their names)."""
    if not isinstance(row, dict):
        return str(row)
    if check.check.example is None:
        return str(row.get("example_key"))
    values = {
        name: row.get(column) for (name, _), column in zip(check.check.values, VALUE_COLUMNS, strict=False)
    }
    return check.check.example({"example_key": row.get("example_key"), **values})


def data_finding(check: RuleCheck, count: int, examples: list[str], located: str | None = None) -> Finding:
    noun = check.check.noun[0] if count == 1 else check.check.noun[1]
    listed = ", ".join(examples)
    more_en = f" (first {len(examples)} of {count})" if count > len(examples) else ""
    more_sv = f" ({len(examples)} av {count})" if count > len(examples) else ""
    message = (
        f"{located or check.table}: rule {check.rule.id} failed for {count} {noun} ({check.rule.problem}): "
        f"{listed}{more_en}. / {check.rule.swedish}: {listed}{more_sv}."
    )
    if check.rule.fix:
        message += f" Fix / Åtgärd: {check.rule.fix}"
    return Finding(check.rule.id, check.table, check.rule.severity, message, count, examples, check.rule.fix)


def internal_error(check: RuleCheck, error: str, located: str | None = None) -> Finding:
    message = (
        f"{located or check.table}: rule {check.rule.id} could not be checked: the expectation raised an internal "
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


def _located(name: str, table: sa.Table, dialect: sa.Dialect) -> str:
    if table.name == name and table.schema is None:
        return name
    return f"{name} ({dialect.identifier_preparer.format_table(table)})"


def _missing_table(source: Source, name: str, dialect: sa.Dialect) -> Finding:
    table = source.tables[name]
    url = redact(source.url)
    if table.name == name and table.schema is None:
        english = f"table {name} does not exist in the {source.label} ({url})"
        swedish = f"Tabellen {name} saknas i {source.label_sv}"
    else:
        warehouse = dialect.identifier_preparer.format_table(table)
        english = (
            f"table {warehouse}, where the mapping puts contract table {name}, does not exist in the "
            f"{source.label} ({url})"
        )
        swedish = f"Tabellen {warehouse} (kontraktets {name}) saknas i {source.label_sv}"
    message = (
        f"{name}: rule {source.suite}.table_exists failed: {english}; its checks were skipped. / {swedish}."
    )
    return Finding(
        f"{source.suite}.table_exists", name, "critical", message, 1, [_located(name, table, dialect)]
    )


def _missing_columns(source: Source, name: str, columns: list[sa.Column], dialect: sa.Dialect) -> Finding:
    """Each column by the name the query looks for, and the contract's name when the mapping renames it."""
    named = [
        c.name
        if c.name == c.key
        else f"{dialect.identifier_preparer.quote(c.name)} (contract column {c.key})"
        for c in columns
    ]
    listed = ", ".join(named)
    noun = "column" if len(columns) == 1 else "columns"
    where = _located(name, source.tables[name], dialect)
    message = (
        f"{where}: rule {source.suite}.columns_exist failed for {len(columns)} {noun} (required by the source "
        f"contract, missing in the {source.label}): {listed}; the table's checks were skipped. "
        f"/ Kolumner saknas i {where}: {listed}."
    )
    return Finding(f"{source.suite}.columns_exist", name, "critical", message, len(columns), named)


def _first_line(text: str, limit: int = 300) -> str:
    """The first line of an error: the database's own message, without the SQL and traceback below it."""
    lines = text.strip().splitlines()
    return lines[0][:limit] if lines else ""
