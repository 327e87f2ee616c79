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
import sys

from uppfoljning.prefect_server import ServerDidNotStart, start_server
from uppfoljning.settings import Settings

EXIT_OK, EXIT_STOPPED = 0, 3


def serve(args: argparse.Namespace, settings: Settings) -> int:
    if os.environ.get("PREFECT_API_URL"):
        return _serve(args, settings)
    server = start_server(args.port)
    try:
        server.wait_until_ready()
    except ServerDidNotStart as exc:
        server.stop()
        print(
            f"Prefect-servern startade inte (port {args.port} upptagen?); sätt PREFECT_API_URL till en körande "
            f"server eller välj --port. / {exc}.",
            file=sys.stderr,
        )
        return EXIT_STOPPED
    os.environ["PREFECT_API_URL"] = server.api_url
    print(
        f"Prefect-servern körs: {server.api_url.removesuffix('/api')} (UI) / Prefect server and UI",
        flush=True,
    )
    try:
        return _serve(args, settings)
    finally:
        server.stop()


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
