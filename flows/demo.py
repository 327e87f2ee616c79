"""The demo: generate the embedded SQLite source and run every month of the demo year as sub-flows."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger
from prefect.settings import temporary_settings

from flows.monthly import monthly_followup
from transforms.periods import Month
from uppfoljning.demo import generate_demo, write_demo_inputs
from uppfoljning.plan import load_plan


@flow(name="demo-ar")
def demo_year(out_dir: str = "out", year: int = 2025) -> list[str]:
    out = Path(out_dir)
    source_dir = out / "demo-kalla"
    source_dir.mkdir(parents=True, exist_ok=True)
    plan = load_plan(year=year)
    ledger_url = f"sqlite:///{(source_dir / 'ekonomi.db').resolve()}"
    hr_url = f"sqlite:///{(source_dir / 'hr.db').resolve()}"
    inputs_path = source_dir / f"indata-{year}.yaml"
    summary = generate_demo(ledger_url, hr_url, plan)
    write_demo_inputs(inputs_path, plan)
    get_run_logger().info("demo source written: %s", summary)
    published: list[str] = []
    for month in range(1, 13):
        # No flow-run heartbeats for the months: they let a server detect crashed deployment runs, but the
        # demo's temporary server stops with the process, and each sync flow run waits up to a second for
        # its heartbeat thread at the end (about 6 s of the demo year).
        with temporary_settings(updates={"flows.heartbeat_frequency": None}):
            state = monthly_followup(
                period=str(Month(year, month)),
                ledger_url=ledger_url,
                hr_url=hr_url,
                out_dir=str(out),
                inputs_path=str(inputs_path),
                return_state=True,
            )
        outcome = state.result(raise_on_failure=False)
        if not state.is_completed():
            # The demo source is generated to be clean: a blocked month is a bug, not bad data.
            raise RuntimeError(getattr(outcome, "explanation", state.message))
        published.append(str(outcome))
    return published
