"""The deployment: which month a scheduled run reports, prefect.yaml, and a run of its flow with its artifact."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import inspect
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from flows.scheduled import report_month, scheduled_followup
from tests.delivery.test_sending import ECONOMY, write_recipients
from tests.fixtures.small_office import write_small_office
from tests.flows.test_monthly import INPUTS
from transforms.periods import Month
from uppfoljning.settings import load_settings

CHECKOUT = Path(__file__).resolve().parents[2]
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize(
    ("scheduled", "lag", "expected"),
    [
        (dt.datetime(2025, 5, 8, 6, 0, tzinfo=STOCKHOLM), 1, Month(2025, 4)),  # the schedule's own run
        (dt.datetime(2025, 1, 8, 6, 0, tzinfo=STOCKHOLM), 1, Month(2024, 12)),  # across the year
        # 23:30 UTC on 30 April is 01:30 on 1 May in Stockholm (CEST, +2): the month before May is April.
        (dt.datetime(2025, 4, 30, 23, 30, tzinfo=dt.UTC), 1, Month(2025, 4)),
        (dt.datetime(2025, 3, 8, 6, 0, tzinfo=STOCKHOLM), 2, Month(2025, 1)),
    ],
)
def test_a_scheduled_run_reports_the_month_before_its_start(
    scheduled: dt.datetime, lag: int, expected: Month
) -> None:
    assert report_month(scheduled, "Europe/Stockholm", lag) == expected


def test_prefect_yaml_deploys_the_flow_with_the_schedule_that_serve_uses() -> None:
    config = yaml.safe_load((CHECKOUT / "prefect.yaml").read_text(encoding="utf-8"))
    (deployment,) = config["deployments"]
    path, name = deployment["entrypoint"].split(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    assert getattr(module, name) is scheduled_followup
    assert set(deployment["parameters"]) <= set(inspect.signature(scheduled_followup.fn).parameters)
    (schedule,) = deployment["schedules"]
    defaults = load_settings().schedule
    assert (
        (schedule["cron"], schedule["timezone"])
        == (defaults.cron, defaults.timezone)
        == ("0 6 8 * *", "Europe/Stockholm")
    )
    assert deployment["work_pool"]["name"] == "uppfoljning"
    assert list(inspect.signature(scheduled_followup.fn).parameters) == ["period", "kind", "send", "force"]


def worker_environment(tmp_path: Path) -> dict[str, str]:
    """The small office's sources, inputs and recipients under tmp_path, as a worker's environment names them."""
    urls = (f"sqlite:///{tmp_path / 'ledger.db'}", f"sqlite:///{tmp_path / 'hr.db'}")
    write_small_office(*urls)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "indata-2025.yaml").write_text(yaml.safe_dump(INPUTS, allow_unicode=True), encoding="utf-8")
    write_recipients(inputs / "mottagare.yaml", [ECONOMY])
    return {
        "UPPFOLJNING_LEDGER_URL": urls[0],
        "UPPFOLJNING_HR_URL": urls[1],
        "UPPFOLJNING_OUT": str(tmp_path / "out"),
        "UPPFOLJNING_INPUTS": str(inputs),
    }


async def _artifact(key: str) -> str | None:
    """The newest artifact with `key`: other tests of the session leave artifacts of the same period."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    async with get_client() as client:
        found = await client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
            sort=ArtifactSort.CREATED_DESC,
            limit=1,
        )
    return str(found[0].data) if found else None


def test_the_deployment_flow_runs_a_period_through_prefect_and_leaves_its_artifact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = worker_environment(tmp_path)
    out = Path(environment["UPPFOLJNING_OUT"])
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    for name in ("UPPFOLJNING_SMTP_HOST", "UPPFOLJNING_RECIPIENTS", "UPPFOLJNING_DELIVERY_LEDGER_URL"):
        monkeypatch.delenv(name, raising=False)

    state = scheduled_followup(period="2025-04", return_state=True)

    assert state.is_completed(), state.message
    assert (out / "outbox" / f"2025-04-v1-{ECONOMY}.eml").is_file()  # no mail server: the outbox
    markdown = asyncio.run(_artifact("uppfoljning-2025-04"))
    assert markdown is not None
    assert "| Rapporttyp | ur1 |" in markdown and "| Version | 1 |" in markdown
    assert "| Datakontroll | warnings |" in markdown  # the three uncommented investments (test_end_to_end)
    assert "Periodresultat: 1,5 mnkr" in markdown  # 1 499 999.75 (test_end_to_end.APRIL_ECONOMY)
    assert f"| {ECONOMY} | skickat |" in markdown
    assert "p01" not in markdown  # no person id of the HR source
