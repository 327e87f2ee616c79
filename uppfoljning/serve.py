"""`uppfoljning serve`: the monthly deployment with its schedule, served from this machine (flow.serve).

Schedules need a Prefect server that runs its scheduler (Prefect's temporary local mode does not). With
PREFECT_API_URL set, that server is used (production: a Prefect server on PostgreSQL, see prefect.yaml).
Without it, this command starts one, `prefect server start` on 127.0.0.1 (SQLite in PREFECT_HOME), so one
command serves the schedule on one machine; its UI is at the printed address, where finance staff start a
rerun with the form of `flows.scheduled.scheduled_followup`. Stopping the command (Ctrl-C, SIGTERM) stops
both. The schedule stays active in the server when the command stops (pause_on_shutdown=False): a run
that falls due while no runner is up waits in the server as "Late" and starts when `serve` is back.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from uppfoljning.settings import Settings

EXIT_OK, EXIT_STOPPED = 0, 3
SERVER_START_TIMEOUT_SECONDS = 120


def serve(args: argparse.Namespace, settings: Settings) -> int:
    server: subprocess.Popen[bytes] | None = None
    if not os.environ.get("PREFECT_API_URL"):
        server, api_url = _start_server(args.port)
        if server is None:
            print(api_url, file=sys.stderr)
            return EXIT_STOPPED
        os.environ["PREFECT_API_URL"] = api_url
        print(
            f"Prefect-servern körs: {api_url.removesuffix('/api')} (UI) / Prefect server and UI", flush=True
        )
    try:
        return _serve(args, settings)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from flows.scheduled import scheduled_followup

    cron = args.cron or settings.schedule.cron
    timezone = args.timezone or settings.schedule.timezone
    print(
        f"Schemat: {cron} ({timezone}), redovisar månaden {settings.schedule.lag_months} månad(er) före körningen; "
        f"utskick: {'ja' if args.send else 'nej'}. / Schedule: {cron} in {timezone}.",
        flush=True,
    )
    scheduled_followup.serve(
        name=args.name,
        schedules=[Cron(cron, timezone=timezone)],
        parameters={"send": args.send},
        tags=["uppfoljning"],
        description="Månadsuppföljningen: validera, beräkna, publicera och skicka rapporten för en stängd månad.",
        pause_on_shutdown=False,
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    return EXIT_OK


def _start_server(port: int) -> tuple[subprocess.Popen[bytes] | None, str]:
    """`prefect server start` as a child process; (process, API URL) once it answers its health check,
    or (None, an explanation) when it does not start."""
    api_url = f"http://127.0.0.1:{port}/api"
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None, (
                f"Prefect-servern startade inte (port {port} upptagen?); sätt PREFECT_API_URL till en körande server "
                f"eller välj --port. / The Prefect server did not start (exit {process.returncode})."
            )
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return process, api_url
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    process.kill()
    return (
        None,
        f"Prefect-servern svarade inte inom {SERVER_START_TIMEOUT_SECONDS} s. / The server did not answer.",
    )
