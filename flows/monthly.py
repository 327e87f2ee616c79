"""The monthly follow-up flow: validate -> extract -> compute -> publish, one task per stage.

Task results are never persisted (persist_result=False, no cache): the HR extract holds sums per small
group, and nothing of it may land on disk outside the published, suppressed figures.
"""

# No `from __future__ import annotations` here: Prefect validates the flow's parameters with a pydantic model
# of its signature, which must resolve `ReportKind` at run time also when a deployment loads the flow.
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.runtime import flow_run
from prefect.states import Failed, State
from prefect.tasks import Task
from prefect.utilities.annotations import quote

from expectations.inputs import check_deviation_comments, check_inputs
from expectations.thresholds import Thresholds, load_thresholds
from extract.hr import HrExtract, extract_hr
from extract.ledger import LedgerExtract, extract_with_previous
from extract.sources import Mapping, hr_tables, ledger_tables, load_mapping
from publish.lock import PeriodBusy, period_lock
from publish.manifest import inputs_fingerprint
from publish.run_summary import artifact_key, run_summary_markdown
from publish.writer import FIGURES_FILE, VERSIONS_DIR, figures_json, next_version, publish
from transforms.data_quality import data_quality_block
from transforms.drilldown import build_drilldown
from transforms.figures import build_figures
from transforms.periods import Month, rolling_window, year_to_date
from uppfoljning import progress
from uppfoljning.errors import DataError
from uppfoljning.faults import SourceUnreachable, is_transient_database_error
from uppfoljning.inputs import Inputs, load_inputs
from uppfoljning.plan import Plan, ReportKind, load_plan
from uppfoljning.settings import Settings, SettingsError, connect_url, load_settings, redact

if TYPE_CHECKING:  # imported where used: Great Expectations, WeasyPrint, matplotlib take seconds to import
    from delivery.ledger import Delivery
    from delivery.recipients import Recipients
    from delivery.send import DeliveryReport
    from expectations.runner import ValidationReport

STOCKHOLM = ZoneInfo("Europe/Stockholm")
T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")


_engines: dict[tuple[str, str], sa.Engine] = {}


def _engine(url: str, source: str) -> sa.Engine:
    """One engine (and connection pool) per source for the whole run, shared by its stages; the flow
    disposes of them when it ends (`_dispose_engines`)."""
    key = (url, source)
    if key not in _engines:
        _engines[key] = sa.create_engine(connect_url(url, source))
    return _engines[key]


def _dispose_engines() -> None:
    while _engines:
        _engines.popitem()[1].dispose()


@dataclass(frozen=True)
class Blocked:
    """Why a run published nothing: the full explanation for the operator's terminal.

    It travels as the in-memory data of the Failed state (results are not persisted); the state's own
    message, which Prefect stores and shows, names rules and tables but no keys.
    """

    explanation: str


@dataclass(frozen=True)
class Stopped:
    """Why a run stopped without a bug: an outage or a refusal (sources unreachable after the retries, the
    mail server refusing, another run holding the period). The explanation is for the operator's terminal;
    it never contains a password."""

    explanation: str


# --- retries --------------------------------------------------------------------------------------------
def _exception_of(state: State) -> BaseException | None:
    try:
        state.result()
    except BaseException as exc:
        return exc
    return None


def _transient_source(task: Task[..., Any], task_run: TaskRun, state: State) -> bool:
    """Retry a stage only when a source database is unreachable now (refused, dropped, restarting)."""
    exc = _exception_of(state)
    return exc is not None and is_transient_database_error(exc)


def _transient_delivery(task: Task[..., Any], task_run: TaskRun, state: State) -> bool:
    """Retry the delivery for SMTP 4xx and connection faults, and an unreachable ledger database."""
    from delivery.send import DeliveryFailed

    exc = _exception_of(state)
    if isinstance(exc, DeliveryFailed):
        return exc.transient
    return exc is not None and is_transient_database_error(exc)


@task(name="na-kallor", persist_result=False, cache_policy=NO_CACHE)
def reach_sources(ledger_url: str, hr_url: str) -> None:
    """Open each source once: a transient fault is raised (and retried by the flow's policy); a permanent
    one (a refused password, a missing database) is left to validation, which names it as bad input."""
    for url, source in ((ledger_url, "ledger"), (hr_url, "hr")):
        engine = _engine(url, source)
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except Exception as exc:
            if is_transient_database_error(exc):
                raise SourceUnreachable(
                    f"the {source} source {redact(url)} cannot be reached: {_first_line(exc)}"
                ) from None


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(exc).__name__


@task(name="validera-kallor", persist_result=False, cache_policy=NO_CACHE)
def validate(
    ledger_url: str, hr_url: str, plan: Plan, report_month: Month, mapping: Mapping, thresholds: Thresholds
) -> "ValidationReport":
    """Great Expectations suites on both sources, inside the databases."""
    from expectations.runner import validate_sources

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
    if any(f.rule.endswith(".source_reachable") for f in report.critical):
        # The source answered the probe a moment ago: if it is unreachable now because it went away
        # (not a wrong password), this raises SourceUnreachable and the stage is retried.
        reach_sources.fn(ledger_url, hr_url)
    return report


@task(name="extrahera-ekonomi", persist_result=False, cache_policy=NO_CACHE)
def extract_ledger_stage(
    ledger_url: str, plan: Plan, report_month: Month, mapping: Mapping
) -> tuple[LedgerExtract, LedgerExtract | None] | DataError:
    """The report month's extract and the previous report's (None when there is none): the previous
    report's forecast is compared with this one (domain §5), from its month as a rerun of it would read
    it (periods up to that month only). Both from one set of statements."""
    engine = _engine(ledger_url, "ledger")
    try:
        return extract_with_previous(
            engine,
            report_month,
            plan.previous_report_month(report_month.month),
            plan.approved_budget_version,
            ledger_tables(mapping),
        )
    except DataError as exc:
        return exc


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


def _as_is(value: T) -> T:
    """`value` handed to a task as it is: Prefect walks every parameter of a task call twice, element by
    element, looking for futures to wait for and to link (prefect's `quote` says there are none). For the
    plan (a tree of pydantic models), the figures and the extracts that walk cost about 1 s of the demo
    year. The task still receives the value itself."""
    return cast(T, quote(value))


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
    ledger_url: str,
    force: bool = False,
) -> tuple[int, bool, dict[str, Any]]:
    """Build the report package with the version number the publisher assigns, then write it atomically.

    The comment sheet for finance staff (kommentarer.xlsx, pre-filled from the inputs) is part of it.
    An unchanged rerun keeps the latest version and renders nothing (publish only restores the top-level
    files from that version), unless `force` asks for a new version anyway. A new version of a period that
    was already sent carries a `correction` block (what changed since the version sent), shown in its
    report and its email. Returns the version, whether it is new, and the figures as published.
    """
    from publish.comment_sheet import FILE_NAME as COMMENT_SHEET
    from publish.comment_sheet import build_comment_sheet
    from publish.history import earlier_figures
    from publish.package import build_package

    period = figures["period"]
    version, is_new = next_version(out_dir, period, figures)
    if force and not is_new:
        version, is_new = version + 1, True
    figures = {**figures, "version": version}
    if is_new:
        correction = _correction(out_dir, period, version, figures, plan, ledger_url)
        if correction:
            figures["correction"] = correction
    if not is_new:
        publish(out_dir, period, version, {"figures.json": figures_json(figures)})
        get_run_logger().info("published %s version %d (unchanged, nothing rendered)", period, version)
        published = json.loads(
            (out_dir / period / VERSIONS_DIR / f"v{version}" / FIGURES_FILE).read_text("utf-8")
        )
        return version, is_new, published
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
    return version, is_new, figures


def _correction(
    out_dir: Path, period: str, version: int, figures: dict[str, Any], plan: Plan, ledger_url: str
) -> dict[str, Any] | None:
    """What changed since the latest version that reached anyone, when there is one (delivery ledger)."""
    from delivery.changes import changed_figures
    from delivery.ledger import open_ledger

    with open_ledger(ledger_url) as ledger:
        previous = ledger.latest_received_version(period, before=version)
    if previous is None:
        return None
    since, sent_at = previous
    old = json.loads((out_dir / period / VERSIONS_DIR / f"v{since}" / FIGURES_FILE).read_text("utf-8"))
    changes = changed_figures(old, figures, plan)
    return {"since_version": since, "sent_at": sent_at, "changes": [c.as_json() for c in changes]}


@task(name="skicka-rapport", persist_result=False, cache_policy=NO_CACHE)
def send_stage(
    out_dir: Path,
    period: str,
    recipients: "Recipients",
    recipients_source: str,
    ledger_url: str,
    outbox: bool,
) -> "DeliveryReport":
    """Deliver the period's latest version to whoever should have it and does not yet (delivery.send)."""
    from delivery.send import deliver_configured

    settings = load_settings()
    logger = get_run_logger()
    report = deliver_configured(
        smtp=settings.smtp,
        mail_from=settings.mail_from,
        ledger_url=ledger_url,
        out_dir=out_dir,
        period=period,
        recipients=recipients,
        recipients_source=recipients_source,
        outbox=outbox,
        flow_run_id=str(flow_run.id) if flow_run.id else None,
        log=logger.info,
    )
    for line in report.lines():
        logger.info(line)
    return report


@task(name="logga-korning", persist_result=False, cache_policy=NO_CACHE)
def record_stage(out_dir: Path, period: str, record: dict[str, Any]) -> None:
    from publish.run_log import record_run

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
    send: bool = False,
    force: bool = False,
    recipients_path: str | None = None,
    outbox: bool = False,
    thresholds_path: str | None = None,
) -> str | State:
    """One follow-up run for a closed month: what the schedule runs and what finance staff rerun.

    Returns the published folder, or a Failed state carrying `Blocked` when validation or data the user
    can fix (a DataError: table, key, rule) stops publication; nothing is written then. A Failed state
    carrying `Stopped` is an outage or a refusal (sources unreachable after the retries, the mail server
    refusing, the period held by another run). Any other exception is a bug: the run is logged as failed
    and the exception propagates (the flow fails, its traceback in the log; the command exits 1).
    Database URLs arrive without passwords (see uppfoljning.settings.split_password): flow parameters are
    stored by Prefect and shown in its UI. `mapping_path` names the sources' table and column mapping
    (extract.sources); none: the contract's names.

    `send`: deliver the period's latest version by email after publishing (delivery.send), to the report
    kind's list in `recipients_path` (default: the settings' recipients file) and to earlier recipients of
    the period; `outbox`: write the messages into OUT/outbox/ even when a mail server is configured (the
    demo). `force`: publish a new version even when the figures are unchanged (e.g. after a correction
    that moves amounts between cost centres, which changes the workbook but no figure).
    `thresholds_path` names data-quality thresholds that differ from expectations/thresholds.yaml.
    """
    try:
        settings = load_settings()
        report_month = Month.parse(period)
        plan = load_plan(Path(plan_path) if plan_path else None, year=report_month.year)
        inputs = load_inputs(Path(inputs_path) if inputs_path else None, report_month.year)
        mapping = load_mapping(Path(mapping_path) if mapping_path else None)
        thresholds = load_thresholds(Path(thresholds_path) if thresholds_path else None)
        recipients, recipients_file = _recipients(settings, recipients_path, send, outbox)
    except (DataError, SettingsError) as exc:
        return _blocked("Ogiltig indata / invalid input", f"Ogiltig indata / invalid input: {exc}")
    report_kind: ReportKind = kind or plan.report_kind(report_month.month)
    out = Path(out_dir)
    logger = get_run_logger()
    logger.info(
        "period %s, kind %s, ledger %s, hr %s, mapping %s, send %s",
        period,
        report_kind,
        redact(ledger_url),
        redact(hr_url),
        mapping_path or "(the contract's names)",
        send,
    )
    run = _Run(period=period, kind=report_kind, send=send)
    try:
        with period_lock(
            out,
            period,
            settings.lock_timeout_seconds,
            owner=f"flow run {flow_run.id}" if flow_run.id else None,
            on_wait=logger.warning,
        ):
            return _locked_run(
                run,
                settings=settings,
                ledger_url=ledger_url,
                hr_url=hr_url,
                out=out,
                plan=plan,
                inputs=inputs,
                report_month=report_month,
                mapping=mapping,
                thresholds=thresholds,
                parameters={
                    "period": period,
                    "report_kind": report_kind,
                    "ledger_url": redact(ledger_url),
                    "hr_url": redact(hr_url),
                    "inputs_path": inputs_path,
                    "plan_path": plan_path,
                    "mapping_path": mapping_path,
                    "out_dir": out_dir,
                },
                force=force,
                recipients=recipients,
                recipients_file=recipients_file,
                outbox=outbox,
            )
    except PeriodBusy as exc:
        run.outcome, run.message = "stopped", str(exc)
        return Failed(message=f"Perioden {period} är upptagen / period busy", data=Stopped(str(exc)))
    finally:
        _dispose_engines()
        run.stages.report(run.period, run.kind, run.version, run.outcome)
        run.artifact(settings.delivery_ledger(out))


@dataclass
class _Run:
    """What the run's artifact reports, filled in as the run goes."""

    period: str
    kind: ReportKind
    send: bool
    outcome: str = "failed"
    version: int | None = None
    validation_status: str | None = None
    figures: dict[str, Any] | None = None
    delivery: "DeliveryReport | None" = None
    message: str | None = None
    stages: progress.Stages = field(default_factory=progress.Stages)

    def artifact(self, ledger_url: str) -> None:
        rows: list[Delivery] = []
        if self.send and self.version is not None:
            from delivery.ledger import open_ledger

            try:
                with open_ledger(ledger_url) as ledger:
                    rows = ledger.deliveries(self.period, self.version)
            except Exception as exc:  # the artifact must not hide the run's own outcome
                get_run_logger().warning("delivery ledger unreadable for the artifact: %s", _first_line(exc))
        create_markdown_artifact(
            key=artifact_key(self.period),
            markdown=run_summary_markdown(
                period=self.period,
                report_kind=self.kind,
                outcome=self.outcome,
                version=self.version,
                validation_status=self.validation_status,
                figures=self.figures,
                deliveries=rows,
                delivery_lines=self.delivery.lines() if self.delivery else (),
                message=self.message,
                send=self.send,
            ),
            description=f"Uppföljning {self.period}",
        )


def _recipients(
    settings: Settings, recipients_path: str | None, send: bool, outbox: bool
) -> tuple["Recipients | None", str]:
    """The recipients file, checked before anything runs: an address outside the allowed domains refuses
    the whole send (exit 2) before any message leaves or anything is published."""
    if not send:
        return None, ""
    from delivery.recipients import check_lists, load_recipients

    path = settings.recipients_file(Path(recipients_path) if recipients_path else None)
    recipients = load_recipients(path)
    check_lists(recipients, path)
    if settings.smtp is not None and not outbox and not settings.mail_from:
        raise DataError(
            table="UPPFOLJNING_MAIL_FROM",
            key="(not set)",
            rule="delivery.mail_from",
            problem="a mail server is configured (UPPFOLJNING_SMTP_HOST) but no sender address",
            fix="Set UPPFOLJNING_MAIL_FROM, e.g. 'Regionkontoret <uppfoljning@regionhalland.se>'.",
        )
    return recipients, str(path)


def _locked_run(
    run: _Run,
    *,
    settings: Settings,
    ledger_url: str,
    hr_url: str,
    out: Path,
    plan: Plan,
    inputs: Inputs,
    report_month: Month,
    mapping: Mapping,
    thresholds: Thresholds,
    parameters: dict[str, Any],
    force: bool,
    recipients: "Recipients | None",
    recipients_file: str,
    outbox: bool,
) -> str | State:
    period, report_kind = run.period, run.kind
    run.stages.skip()  # waiting for the period's lock is no stage's time
    started_at = dt.datetime.now(STOCKHOLM).isoformat(timespec="seconds")
    delays = settings.retry_delays()

    def retried(stage: Task[P, R]) -> Task[P, R]:
        """The stage with retries for an unreachable source (backoff from the settings)."""
        return stage.with_options(
            retries=settings.retries, retry_delay_seconds=delays, retry_condition_fn=_transient_source
        )

    ledger_url_delivery = settings.delivery_ledger(out)
    try:
        retried(reach_sources)(ledger_url, hr_url)
        report = retried(validate)(ledger_url, hr_url, _as_is(plan), report_month, mapping, thresholds)
    except Exception as exc:
        if not is_transient_database_error(exc):
            record_stage(out, period, _record(started_at, report_kind, "failed", None, None, None))
            raise
        return _stopped_unreachable(run, out, started_at, exc, settings)
    run.validation_status = report.status
    run.stages.done("validera")
    if not report.passed:
        blocked_quality = data_quality_block(report.findings, report.checks_run)
        record_stage(out, period, _record(started_at, report_kind, "blocked", None, blocked_quality, report))
        rules = sorted({f"{f.rule} ({f.table})" for f in report.critical})
        run.outcome, run.message = "blocked", f"Datakontrollen stoppade publiceringen: {', '.join(rules)}"
        return _blocked(
            f"Datakontrollen stoppade publiceringen: {', '.join(rules)}",
            f"Publiceringen för {period} stoppades av datakontrollen; inget publicerades eller skickades. "
            f"Publication for {period} was blocked by validation; nothing was published or sent. "
            + " ".join(f.message for f in report.critical),
        )
    input_findings, input_checks = check_inputs(plan, inputs, report_kind, period)
    # Timings go to the log only: in figures.json they would make every rerun look like a change.
    data_quality = data_quality_block([*report.findings, *input_findings], report.checks_run + input_checks)
    run.validation_status = data_quality["status"]
    # Only DataError is bad data (exit 2, naming table, key and rule). Anything else is a bug or an outage:
    # it is recorded and propagates, so the run fails (exit 1) with the traceback in the log.
    try:
        ledger, previous_ledger = _checked(
            retried(extract_ledger_stage)(ledger_url, _as_is(plan), report_month, mapping)
        )
        hr = _checked(retried(extract_hr_stage)(hr_url, _as_is(plan), report_month, mapping))
        run.stages.done("hämta")
        figures = _checked(
            compute(
                _as_is(plan),
                _as_is(inputs),
                report_month,
                report_kind,
                _as_is(ledger),
                _as_is(hr),
                _as_is(data_quality),
                _as_is(previous_ledger),
            )
        )
        # Which deviations need a comment depends on the figures, so this check runs after them; its
        # finding is listed with the others (report, figures.json, run log).
        comment_findings, comment_checks = check_deviation_comments(figures["deviations"], period)
        data_quality = data_quality_block(
            [*report.findings, *input_findings, *comment_findings],
            report.checks_run + input_checks + comment_checks,
        )
        run.validation_status = data_quality["status"]
        figures = {**figures, "data_quality": data_quality}
        run.stages.done("beräkna")
        version, is_new, published = publish_stage(
            out,
            _as_is(figures),
            _as_is(plan),
            _as_is(inputs),
            _as_is(ledger),
            _as_is(previous_ledger),
            _as_is(hr),
            _as_is(parameters),
            ledger_url_delivery,
            force,
        )
        run.stages.done("publicera")
    except DataError as exc:
        record_stage(out, period, _record(started_at, report_kind, "blocked", None, data_quality, report))
        run.outcome, run.message = "blocked", f"{exc.rule} ({exc.table})"
        return _blocked(
            f"Data som inte kan användas / unusable data: {exc.rule} ({exc.table})",
            f"Uppgifterna kunde inte användas; inget publicerades. The data could not be used: {exc}",
        )
    except Exception as exc:
        if is_transient_database_error(exc):
            return _stopped_unreachable(run, out, started_at, exc, settings, data_quality, report)
        record_stage(out, period, _record(started_at, report_kind, "failed", None, data_quality, report))
        raise
    run.outcome, run.version, run.figures = ("published" if is_new else "unchanged"), version, published
    record_stage(out, period, _record(started_at, report_kind, run.outcome, version, data_quality, report))
    if recipients is None:
        return str(out / period)
    from delivery.send import DeliveryFailed  # only when sending: its messages import the charts

    try:
        run.delivery = send_stage.with_options(
            retries=settings.retries, retry_delay_seconds=delays, retry_condition_fn=_transient_delivery
        )(out, period, recipients, recipients_file, ledger_url_delivery, outbox)
        run.stages.done("skicka")
    except DataError as exc:
        run.message = str(exc)
        return _blocked(
            "Utskicket vägrades / the send was refused", f"Utskicket vägrades; inget skickades. {exc}"
        )
    except (DeliveryFailed, SourceUnreachable) as exc:
        run.outcome, run.message = "stopped", str(exc)
        return Failed(
            message="Utskicket misslyckades / the delivery failed",
            data=Stopped(_delivery_text(exc, out, period)),
        )
    except Exception as exc:
        if not is_transient_database_error(exc):
            raise
        run.outcome, run.message = "stopped", f"the delivery ledger cannot be reached: {_first_line(exc)}"
        return Failed(
            message="Leveransloggen kan inte nås / delivery ledger unreachable", data=Stopped(run.message)
        )
    return str(out / period)


def _delivery_text(exc: BaseException, out: Path, period: str) -> str:
    return (
        f"{exc} Rapporten är publicerad under {out / period}; en ny körning med --send (eller "
        f"`uppfoljning send --period {period}`) skickar till dem som inte har fått den. / The report is "
        "published; a rerun with --send sends to those who have not got it."
    )


def _stopped_unreachable(
    run: _Run,
    out: Path,
    started_at: str,
    exc: BaseException,
    settings: Settings,
    data_quality: dict[str, Any] | None = None,
    report: "ValidationReport | None" = None,
) -> State:
    record_stage(out, run.period, _record(started_at, run.kind, "failed", None, data_quality, report))
    text = (
        f"En källa gick inte att nå efter {settings.retries + 1} försök; inget publicerades eller skickades. "
        f"A source stayed unreachable after {settings.retries + 1} attempts; nothing was published or sent: "
        f"{_first_line(exc)}"
    )
    run.outcome, run.message = "stopped", text
    return Failed(message="Källan kan inte nås / source unreachable", data=Stopped(text))


def _record(
    started_at: str,
    kind: ReportKind,
    outcome: str,
    version: int | None,
    data_quality: dict[str, Any] | None,
    report: "ValidationReport | None",
) -> dict[str, Any]:
    """One line of the run log: outcome and validation summary, no example keys (see publish.run_log)."""
    return {
        "started_at": started_at,
        "finished_at": dt.datetime.now(STOCKHOLM).isoformat(timespec="seconds"),
        "report_kind": kind,
        "outcome": outcome,
        "version": version,
        "data_quality_status": data_quality["status"] if data_quality else None,
        "checks_run": data_quality["checks_run"] if data_quality else 0,
        "seconds_by_suite": {suite: round(seconds, 3) for suite, seconds in report.seconds_by_suite.items()}
        if report
        else {},
        "findings": [
            {key: check[key] for key in ("rule", "table", "severity", "count")}
            for check in (data_quality["checks"] if data_quality else [])
        ],
    }


def _blocked(summary: str, explanation: str) -> State:
    return Failed(message=summary, data=Blocked(explanation))
