"""The deployment's flow: what the monthly schedule runs, and the form finance staff rerun from the UI.

Its parameters are the four a person chooses (Prefect shows them as a validated form): the period, the
report kind, whether to send, whether to force a new version. Everything else, the source URLs and their
passwords, the output folder, the recipients file, the mail server, comes from the worker's environment
(uppfoljning.settings), so no credential is ever a stored flow parameter. Without a period it reports the
month `lag_months` before the run's scheduled start in the schedule's time zone: the run of 8 May 06:00
reports April, also when it starts late or is retried on 9 May.
"""

# No `from __future__ import annotations` here: Prefect validates a deployment run's parameters with a
# pydantic model of this signature, which must resolve `Period` and `Kind` at run time (tests/uppfoljning/test_serve.py).
import datetime as dt
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from prefect import flow
from prefect.runtime import flow_run
from prefect.states import Failed, State
from pydantic import Field

from flows.monthly import Blocked, monthly_followup
from transforms.periods import Month
from uppfoljning.plan import ReportKind
from uppfoljning.settings import load_settings, split_password

PERIOD_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
DEPLOYMENT_FLOW = "manadsuppfoljning-schemalagd"

Period = Annotated[
    str | None,
    Field(
        pattern=PERIOD_PATTERN,
        description="Månaden som ska redovisas, YYYY-MM. Tomt: månaden före körningens schemalagda start.",
    ),
]
Kind = Annotated[ReportKind | None, Field(description="Rapporttyp; tomt: enligt planens kalender.")]


def report_month(scheduled: dt.datetime, timezone: str, lag_months: int) -> Month:
    """The month `lag_months` before the scheduled start, in the schedule's time zone."""
    local = scheduled.astimezone(ZoneInfo(timezone))
    return Month(local.year, local.month).plus(-lag_months)


@flow(name=DEPLOYMENT_FLOW, log_prints=False, persist_result=False)
def scheduled_followup(
    period: Period = None,
    kind: Kind = None,
    send: Annotated[bool, Field(description="Skicka rapporten med e-post till sändlistan.")] = True,
    force: Annotated[
        bool, Field(description="Publicera en ny version även om siffrorna är oförändrade.")
    ] = False,
) -> str | State:
    settings = load_settings()
    if period is None:
        scheduled = flow_run.scheduled_start_time or dt.datetime.now(dt.UTC)
        period = str(report_month(scheduled, settings.schedule.timezone, settings.schedule.lag_months))
    if not settings.ledger_url:
        return Failed(
            message="UPPFOLJNING_LEDGER_URL saknas / not set",
            data=Blocked(
                "Ingen ekonomikälla: sätt UPPFOLJNING_LEDGER_URL i arbetarens miljö. / No ledger source."
            ),
        )
    hr_url = settings.hr_url or settings.ledger_url
    inputs = settings.inputs_dir / f"indata-{period[:4]}.yaml"
    return monthly_followup(
        period=period,
        ledger_url=split_password(settings.ledger_url, "ledger"),
        hr_url=split_password(hr_url, "hr"),
        out_dir=str(settings.out_dir),
        kind=kind,
        inputs_path=str(inputs) if inputs.is_file() else None,
        mapping_path=str(settings.mapping_path) if settings.mapping_path else None,
        thresholds_path=str(settings.thresholds_path) if settings.thresholds_path else None,
        send=send,
        force=force,
        recipients_path=str(settings.recipients_file()) if send else None,
        return_state=True,
    )


def entrypoint() -> str:
    """The flow's entrypoint as prefect.yaml names it."""
    return f"{Path(__file__).relative_to(Path(__file__).parents[1])}:{scheduled_followup.fn.__name__}"
