"""The demo: generate the embedded SQLite source and run every month of the demo year as sub-flows.

After each board report, the demo does what finance staff do: it fills in the comment sheet the run wrote
(kommentarer.xlsx), imports it with the import command's code, and reruns the month, so that every board
report of the demo is complete (its second version) and the first version shows what was missing.

Each month's final version is sent to its report kind's list into OUT/outbox/ (never by SMTP), so the demo
shows what would go out; a board report's first, incomplete version is not sent, as finance staff would
review and complete it before sending.

The demo shows its progress on stderr, one line per step (uppfoljning.progress): the source written, each
monthly run with its stages' seconds and outcome, each comment sheet imported; about 25 lines for the year.
The months run in order: each month's history charts read the months published before it.
"""

from __future__ import annotations

import time
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.settings import temporary_settings

from flows.monthly import monthly_followup
from generator import generate_demo
from generator.demo_files import fill_demo_comment_sheet, write_demo_inputs, write_demo_recipients
from publish.comment_sheet import FILE_NAME as COMMENT_SHEET
from transforms.periods import Month
from uppfoljning import progress
from uppfoljning.comment_import import import_comment_sheet
from uppfoljning.plan import Plan, load_plan


@flow(name="demo-ar")
def demo_year(out_dir: str = "out", year: int = 2025) -> list[str]:
    started = time.perf_counter()
    # No flow-run heartbeats for the months: they let a server detect crashed deployment runs, but the
    # demo's temporary server stops with the process, and each sync flow run waits up to a second for its
    # heartbeat thread at the end (about 6 s of the demo year). One setting for the whole year.
    with progress.shown(), temporary_settings(updates={"flows.heartbeat_frequency": None}):
        published = _year(Path(out_dir), year)
    get_run_logger().info(
        "demo year: %.2f s in the flow, process CPU %.2f s",
        time.perf_counter() - started,
        time.process_time(),
    )
    return published


def _year(out: Path, year: int) -> list[str]:
    logger = get_run_logger()
    clock = time.perf_counter()
    source_dir = out / "demo-kalla"
    source_dir.mkdir(parents=True, exist_ok=True)
    plan = load_plan(year=year)
    ledger_url = f"sqlite:///{(source_dir / 'ekonomi.db').resolve()}"
    hr_url = f"sqlite:///{(source_dir / 'hr.db').resolve()}"
    inputs_path = source_dir / f"indata-{year}.yaml"
    summary = generate_demo(ledger_url, hr_url, plan)
    # An existing inputs file holds the comments imported by an earlier demo: kept, so that running the
    # demo again publishes nothing new (every month unchanged). Delete the output folder to start over.
    if not inputs_path.exists():
        write_demo_inputs(inputs_path, plan)
    recipients_path = source_dir / "mottagare.yaml"
    write_demo_recipients(recipients_path)
    logger.info("demo source written: %s", summary)
    progress.say(
        f"Demokällan skriven till {source_dir}/ ({summary.vouchers} verifikationer, "
        f"{summary.persons} personer; {progress.seconds(time.perf_counter() - clock)})"
    )

    def run(period: str, send: bool = True) -> str:
        clock = time.perf_counter()
        state = monthly_followup(
            period=period,
            ledger_url=ledger_url,
            hr_url=hr_url,
            out_dir=str(out),
            inputs_path=str(inputs_path),
            # What would go out: one .eml per recipient in OUT/outbox/, even when SMTP is configured.
            send=send,
            recipients_path=str(recipients_path),
            outbox=True,
            return_state=True,
        )
        logger.info("run %s: %.3f s from call to return", period, time.perf_counter() - clock)
        outcome = state.result(raise_on_failure=False)
        if not state.is_completed():
            # The demo source is generated to be clean: a blocked month is a bug, not bad data.
            raise RuntimeError(getattr(outcome, "explanation", state.message))
        return str(outcome)

    published: list[str] = []
    for month in range(1, 13):
        period = str(Month(year, month))
        board_report = _board_report(plan, month)
        folder = run(period, send=not board_report)
        if board_report:
            clock = time.perf_counter()
            sheet = Path(folder) / COMMENT_SHEET
            typed = fill_demo_comment_sheet(sheet, plan)
            result = import_comment_sheet(sheet, inputs_path, plan, expected_period=period)
            seconds = time.perf_counter() - clock
            logger.info(
                "%s: %d cells filled in, %d rows imported in %.3f s; rerun",
                period,
                typed,
                result.entries,
                seconds,
            )
            progress.say(
                f"{period}: kommentarsbladet ifyllt ({typed} celler) och inläst ({result.entries} rader; "
                f"{progress.seconds(seconds)}); körs om"
            )
            folder = run(period)
        published.append(folder)
    return published


def _board_report(plan: Plan, month: int) -> bool:
    return plan.report_kinds[plan.report_kind(month)].board_report
