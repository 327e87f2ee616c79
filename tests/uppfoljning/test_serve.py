"""`uppfoljning serve` as an operator starts it: a real process that starts its Prefect server, serves the
deployment, runs a period asked for through Prefect's API, and stops its server when it is stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from flows.scheduled import DEPLOYMENT_FLOW
from tests.delivery.test_sending import ECONOMY
from tests.flows.test_scheduled import worker_environment
from uppfoljning.prefect_server import api, free_port

COMMAND = Path(sys.executable).with_name("uppfoljning")
DEPLOYMENT = "manadsuppfoljning"
SERVE_TIMEOUT_SECONDS = 240
RUN_TIMEOUT_SECONDS = 300


def _wait_for(what: str, probe: Any, timeout: float, serve: subprocess.Popen[bytes], log: Path) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert serve.poll() is None, f"serve exited ({serve.returncode}):\n{log.read_text(errors='replace')}"
        try:
            found = probe()
        except (urllib.error.URLError, OSError):
            found = None
        if found:
            return found
        time.sleep(1)
    raise AssertionError(f"{what} not within {timeout} s:\n{log.read_text(errors='replace')}")


def test_serve_runs_a_period_asked_for_through_the_api_and_stops_its_server(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}/api"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("UPPFOLJNING_") and key != "PREFECT_API_URL"
    }
    env |= worker_environment(tmp_path) | {"PREFECT_HOME": str(tmp_path / "prefect-home")}  # a fresh server
    out = Path(env["UPPFOLJNING_OUT"])
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        serve = subprocess.Popen(
            [str(COMMAND), "serve", "--port", str(port)], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deployment = _wait_for(
            "the deployment",
            lambda: api(base, f"/deployments/name/{DEPLOYMENT_FLOW}/{DEPLOYMENT}"),
            SERVE_TIMEOUT_SECONDS,
            serve,
            log,
        )
        # The schedule that serve registered: the 8th at 06:00 in Stockholm (README, "Schedule").
        (schedule,) = deployment["schedules"]
        assert (schedule["schedule"]["cron"], schedule["schedule"]["timezone"]) == (
            "0 6 8 * *",
            "Europe/Stockholm",
        )
        assert deployment["parameters"] == {"send": True}

        run = api(
            base, f"/deployments/{deployment['id']}/create_flow_run", {"parameters": {"period": "2025-04"}}
        )

        def finished() -> dict[str, Any] | None:
            state = api(base, f"/flow_runs/{run['id']}")["state"]
            return state if state["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None

        state = _wait_for("the run", finished, RUN_TIMEOUT_SECONDS, serve, log)
        assert state["type"] == "COMPLETED", f"{state}\n{log.read_text(errors='replace')}"
        (artifact,) = api(
            base,
            "/artifacts/filter",
            {"artifacts": {"key": {"any_": ["uppfoljning-2025-04"]}}},  # the server is this test's own
        )
        markdown = artifact["data"]
        assert "| Rapporttyp | ur1 |" in markdown and "| Version | 1 |" in markdown
        assert "Periodresultat: 1,5 mnkr" in markdown  # 1 499 999.75 (test_end_to_end.APRIL_ECONOMY)
        assert f"| {ECONOMY} | skickat |" in markdown
        assert "p01" not in markdown  # no person id of the HR source
        figures = json.loads((out / "2025-04" / "figures.json").read_text(encoding="utf-8"))
        assert (figures["period"], figures["version"]) == ("2025-04", 1)
        assert (out / "outbox" / f"2025-04-v1-{ECONOMY}.eml").is_file()  # no mail server: the outbox
    finally:
        serve.send_signal(signal.SIGINT)  # Ctrl-C, as an operator stops it
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait()
    # Its Prefect server stopped with it: nothing answers on the port any more.
    try:
        urllib.request.urlopen(f"{base}/health", timeout=5)
    except (urllib.error.URLError, OSError):
        pass
    else:
        raise AssertionError(f"the Prefect server on port {port} still answers after serve stopped")
