"""The monthly follow-up flow: validate -> extract -> compute -> publish, one task per stage.

Task results are never persisted (persist_result=False, no cache): the HR extract holds sums per small
group, and nothing of it may land on disk outside the published, suppressed figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed, State

from expectations.inputs import check_deviation_comments, check_inputs
from expectations.runner import ValidationReport, validate_sources
from expectations.thresholds import Thresholds, load_thresholds
from extract.hr import HrExtract, extract_hr
from extract.ledger import LedgerExtract, extract_ledger
from extract.sources import Mapping, hr_tables, ledger_tables, load_mapping
from publish.comment_sheet import FILE_NAME as COMMENT_SHEET
from publish.comment_sheet import build_comment_sheet
from publish.history import earlier_figures
from publish.manifest import inputs_fingerprint
from publish.package import build_package
from publish.run_log import record_run
from publish.writer import figures_json, next_version, publish
from transforms.data_quality import data_quality_block
from transforms.drilldown import build_drilldown
from transforms.figures import build_figures
from transforms.periods import Month, rolling_window, year_to_date
from uppfoljning.errors import DataError
from uppfoljning.inputs import Inputs, load_inputs
from uppfoljning.plan import MNKR, Plan, ReportKind, load_plan
from uppfoljning.settings import connect_url, redact

STOCKHOLM = ZoneInfo("Europe/Stockholm")
T = TypeVar("T")


def _engine(url: str, source: str) -> sa.Engine:
    return sa.create_engine(connect_url(url, source))


@dataclass(frozen=True)
class Blocked:
    """Why a run published nothing: the full explanation for the operator's terminal.

    It travels as the in-memory data of the Failed state (results are not persisted); the state's own
    message, which Prefect stores and shows, names rules and tables but no keys.
    """

    explanation: str


@task(name="validera-kallor", persist_result=False, cache_policy=NO_CACHE)
def validate(
    ledger_url: str, hr_url: str, plan: Plan, report_month: Month, mapping: Mapping, thresholds: Thresholds
) -> ValidationReport:
    """Great Expectations suites on both sources, inside the databases."""
    report = validate_sources(
        connect_url(ledger_url, "ledger"),
        connect_url(hr_url, "hr"),
        plan,
        report_month.year,
        report_month.month,
        mapping=mapping,
        thresholds=thresholds,
    )
    get_run_logger().info(
        "validation: %d checks, %d findings, seconds by suite %s",
        report.checks_run,
        len(report.findings),
        report.seconds_by_suite,
    )
    return report


@task(name="extrahera-ekonomi", persist_result=False, cache_policy=NO_CACHE)
def extract_ledger_stage(
    ledger_url: str, plan: Plan, report_month: Month, mapping: Mapping
) -> LedgerExtract | DataError:
    engine = _engine(ledger_url, "ledger")
    try:
        return extract_ledger(engine, report_month, plan.approved_budget_version, ledger_tables(mapping))
    except DataError as exc:
        return exc
    finally:
        engine.dispose()


@task(name="extrahera-hr", persist_result=False, cache_policy=NO_CACHE)
def extract_hr_stage(hr_url: str, plan: Plan, report_month: Month, mapping: Mapping) -> HrExtract | DataError:
    engine = _engine(hr_url, "hr")
    definitions = plan.definitions
    try:
        return extract_hr(
            engine,
            report_month,
            turnover_window=rolling_window(report_month, definitions.turnover.window_months),
            sick_window=rolling_window(report_month, definitions.sick_leave.window_months),
            ytd=year_to_date(report_month),
            definitions=definitions,
            tables=hr_tables(mapping),
        )
    except DataError as exc:
        return exc
    finally:
        engine.dispose()


@task(name="berakna-nyckeltal", persist_result=False, cache_policy=NO_CACHE)
def compute(
    plan: Plan,
    inputs: Inputs,
    report_month: Month,
    kind: ReportKind,
    ledger: LedgerExtract,
    hr: HrExtract,
    data_quality: dict[str, Any],
    previous_ledger: LedgerExtract | None,
) -> dict[str, Any] | DataError:
    try:
        return build_figures(
            plan,
            inputs,
            report_month,
            kind,
            ledger,
            hr,
            data_quality,
            previous_ledger=previous_ledger,
            generated_at=dt.datetime.now(STOCKHOLM),
        )
    except DataError as exc:
        return exc


def _checked(result: T | DataError) -> T:
    """A stage's result, or its DataError raised in the flow.

    The stages return a DataError instead of raising it: bad data is not a failure of the task, and
    Prefect logs every exception a task raises with a traceback, which belongs to bugs only.
    """
    if isinstance(result, DataError):
        raise result
    return result


@task(name="publicera-rapport", persist_result=False, cache_policy=NO_CACHE)
def publish_stage(
    out_dir: Path,
    figures: dict[str, Any],
    plan: Plan,
    inputs: Inputs,
    ledger: LedgerExtract,
    previous_ledger: LedgerExtract | None,
    hr: HrExtract,
    parameters: dict[str, Any],
) -> tuple[int, bool]:
    """Build the report package with the version number the publisher assigns, then write it atomically.

    The comment sheet for finance staff (kommentarer.xlsx, pre-filled from the inputs) is part of it.
    An unchanged rerun keeps the latest version and renders nothing (publish only restores the top-level
    files from that version). Returns the version and whether it is new.
    """
    period = figures["period"]
    version, is_new = next_version(out_dir, period, figures)
    figures = {**figures, "version": version}
    if not is_new:
        publish(out_dir, period, version, {"figures.json": figures_json(figures)})
        get_run_logger().info("published %s version %d (unchanged, nothing rendered)", period, version)
        return version, is_new
    drilldown = build_drilldown(
        ledger.actuals,
        ledger.budget,
        ledger.cost_centers,
        plan.row_for_account,
        year=figures["year"],
        month=figures["month"],
    )
    fingerprint = inputs_fingerprint(
        {
            "ledger.actuals": ledger.actuals,
            "ledger.budget": ledger.budget,
            "ledger.projects": ledger.projects,
            "ledger.cost_centers": ledger.cost_centers,
            **(
                {}
                if previous_ledger is None
                else {
                    "ledger.previous_report.actuals": previous_ledger.actuals,
                    "ledger.previous_report.budget": previous_ledger.budget,
                    "ledger.previous_report.projects": previous_ledger.projects,
                }
            ),
            "hr.headcounts": hr.headcounts,
            "hr.leavers": hr.leavers,
            "hr.leavers_by_reason": hr.leavers_by_reason,
            "hr.sick_rolling": hr.sick_rolling,
            "hr.sick_ytd": hr.sick_ytd,
            "plan": plan.model_dump(mode="json"),
            "inputs": inputs.model_dump(mode="json"),
        }
    )
    package = build_package(
        figures,
        plan,
        drilldown,
        earlier_figures(out_dir, period),
        parameters=parameters,
        fingerprint=fingerprint,
        extra_files={COMMENT_SHEET: build_comment_sheet(figures, plan, inputs)},
    )
    publish(out_dir, period, version, package.files)
    get_run_logger().info(
        "published %s version %d (new); seconds by part %s", period, version, package.seconds
    )
    return version, is_new


@task(name="logga-korning", persist_result=False, cache_policy=NO_CACHE)
def record_stage(out_dir: Path, period: str, record: dict[str, Any]) -> None:
    record_run(out_dir, period, record)


@flow(name="manadsuppfoljning", log_prints=False, persist_result=False)
def monthly_followup(
    period: str,
    ledger_url: str,
    hr_url: str,
    out_dir: str = "out",
    kind: ReportKind | None = None,
    inputs_path: str | None = None,
    plan_path: str | None = None,
    mapping_path: str | None = None,
    thresholds_path: str | None = None,
) -> str | State:
    """One follow-up run for a closed month: what the schedule runs and what finance staff rerun.

    Returns the published folder, or a Failed state carrying `Blocked` when validation or data the user
    can fix (a DataError: table, key, rule) stops publication; nothing is written then. Any other
    exception is a bug or an outage: the run is logged as failed and the exception propagates (the
    flow fails, its traceback in the log; the command exits 1). Database URLs arrive without passwords (see
    uppfoljning.settings.split_password): flow parameters are stored by Prefect and shown in its UI.
    `mapping_path` names the sources' table and column mapping (extract.sources); none: the contract's names.
    `thresholds_path` names data-quality thresholds that differ from expectations/thresholds.yaml.
    """
    try:
        report_month = Month.parse(period)
        plan = load_plan(Path(plan_path) if plan_path else None, year=report_month.year)
        inputs = load_inputs(Path(inputs_path) if inputs_path else None, report_month.year)
        mapping = load_mapping(Path(mapping_path) if mapping_path else None)
        thresholds = load_thresholds(Path(thresholds_path) if thresholds_path else None)
    except DataError as exc:
        return _blocked("Ogiltig indata / invalid input", f"Ogiltig indata / invalid input: {exc}")
    report_kind: ReportKind = kind or plan.report_kind(report_month.month)
    out = Path(out_dir)
    started_at = dt.datetime.now(STOCKHOLM).isoformat(timespec="seconds")
    get_run_logger().info(
        "period %s, kind %s, ledger %s, hr %s, mapping %s",
        period,
        report_kind,
        redact(ledger_url),
        redact(hr_url),
        mapping_path or "(the contract's names)",
    )

    report = validate(ledger_url, hr_url, plan, report_month, mapping, thresholds)
    if not report.passed:
        blocked_quality = data_quality_block(report.findings, report.checks_run)
        record_stage(out, period, _record(started_at, report_kind, "blocked", None, blocked_quality, report))
        rules = sorted({f"{f.rule} ({f.table})" for f in report.critical})
        return _blocked(
            f"Datakontrollen stoppade publiceringen: {', '.join(rules)}",
            f"Publiceringen för {period} stoppades av datakontrollen; inget publicerades eller skickades. "
            f"Publication for {period} was blocked by validation; nothing was published or sent. "
            + " ".join(f.message for f in report.critical),
        )
    input_findings, input_checks = check_inputs(plan, inputs, report_kind, period)
    # Timings go to the log only: in figures.json they would make every rerun look like a change.
    data_quality = data_quality_block([*report.findings, *input_findings], report.checks_run + input_checks)
    previous_month_number = plan.previous_report_month(report_month.month)
    # Only DataError is bad data (exit 2, naming table, key and rule). Anything else is a bug or an outage:
    # it is recorded and propagates, so the run fails (exit 1) with the traceback in the log.
    try:
        ledger = _checked(extract_ledger_stage(ledger_url, plan, report_month, mapping))
        # The previous report's forecast is compared with this one (domain §5): its month is extracted
        # again, as a rerun of it would read it (periods up to that month only).
        previous_ledger = (
            None
            if previous_month_number is None
            else _checked(
                extract_ledger_stage(
                    ledger_url, plan, Month(report_month.year, previous_month_number), mapping
                )
            )
        )
        hr = _checked(extract_hr_stage(hr_url, plan, report_month, mapping))
        figures = _checked(
            compute(plan, inputs, report_month, report_kind, ledger, hr, data_quality, previous_ledger)
        )
        # Which deviations need a comment depends on the figures, so this check runs after them; its
        # finding is listed with the others (report, figures.json, run log).
        comment_findings, comment_checks = check_deviation_comments(figures["deviations"], period)
        data_quality = data_quality_block(
            [*report.findings, *input_findings, *comment_findings],
            report.checks_run + input_checks + comment_checks,
        )
        figures = {**figures, "data_quality": data_quality}
        parameters = {
            "period": period,
            "report_kind": report_kind,
            "ledger_url": redact(ledger_url),
            "hr_url": redact(hr_url),
            "inputs_path": inputs_path,
            "plan_path": plan_path,
            "mapping_path": mapping_path,
            "out_dir": out_dir,
        }
        version, is_new = publish_stage(out, figures, plan, inputs, ledger, previous_ledger, hr, parameters)
    except DataError as exc:
        record_stage(out, period, _record(started_at, report_kind, "blocked", None, data_quality, report))
        return _blocked(
            f"Data som inte kan användas / unusable data: {exc.rule} ({exc.table})",
            f"Uppgifterna kunde inte användas; inget publicerades. The data could not be used: {exc}",
        )
    except Exception:
        record_stage(out, period, _record(started_at, report_kind, "failed", None, data_quality, report))
        raise
    outcome = "published" if is_new else "unchanged"
    record_stage(out, period, _record(started_at, report_kind, outcome, version, data_quality, report))
    _summary_artifact(figures)
    return str(out / period)


def _record(
    started_at: str,
    kind: ReportKind,
    outcome: str,
    version: int | None,
    data_quality: dict[str, Any],
    report: ValidationReport,
) -> dict[str, Any]:
    """One line of the run log: outcome and validation summary, no example keys (see publish.run_log)."""
    return {
        "started_at": started_at,
        "finished_at": dt.datetime.now(STOCKHOLM).isoformat(timespec="seconds"),
        "report_kind": kind,
        "outcome": outcome,
        "version": version,
        "data_quality_status": data_quality["status"],
        "checks_run": data_quality["checks_run"],
        "seconds_by_suite": {suite: round(seconds, 3) for suite, seconds in report.seconds_by_suite.items()},
        "findings": [
            {key: check[key] for key in ("rule", "table", "severity", "count")}
            for check in data_quality["checks"]
        ],
    }


def _blocked(summary: str, explanation: str) -> State:
    return Failed(message=summary, data=Blocked(explanation))


def _summary_artifact(figures: dict[str, Any]) -> None:
    """Headline figures for the Prefect UI: only published, suppressed aggregates."""
    economy = figures["economy"]
    turnover = figures["indicators"]["personalomsattning"]["value"]
    sick = figures["indicators"]["sjukfranvaro"]["value"]

    def fmt(value: float | None, scale: float = 1.0, unit: str = "") -> str:
        return "–" if value is None else f"{value / scale:,.1f}{unit}".replace(",", " ").replace(".", ",")

    create_markdown_artifact(
        key=f"uppfoljning-{figures['period']}",
        markdown="\n".join(
            [
                f"# {figures['title']} {figures['period']}",
                f"- Periodresultat: {fmt(economy['periodresultat'], MNKR, ' mnkr')}",
                f"- Ackumulerad budgetavvikelse: {fmt(economy['ackumulerad_budgetavvikelse'], MNKR, ' mnkr')}",
                f"- Prognos budgetavvikelse: {fmt(economy['prognos_budgetavvikelse'], MNKR, ' mnkr')}",
                f"- Personalomsättning: {fmt(turnover, unit=' %')}",
                f"- Sjukfrånvaro: {fmt(sick, unit=' %')}",
            ]
        ),
        description=f"Uppföljning {figures['period']}",
    )
