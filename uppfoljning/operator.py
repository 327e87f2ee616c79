"""The operator's delivery commands: `send`, `deliveries`, `resend` (plain Python: no Prefect run needed).

    uppfoljning send --period 2025-04        email the latest published version to whoever has not got it
                                             (after a run without --send, once the report has been read)
    uppfoljning deliveries --period 2025-04  every version sent, to whom, when, in which state; resends
    uppfoljning resend --period 2025-04 --version 2 --to ordforande@regionhalland.se
                                             one version to one address again: the explicit, logged
                                             exception to "at most once" (e.g. after an `uncertain` row)

`send` and `resend` take the period's lock, as a run does, so they never overlap a run of the same month.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from delivery.ledger import open_ledger
from delivery.recipients import Recipients, load_recipients
from delivery.send import DeliveryFailed, DeliveryReport, deliver_configured, published_version, resend
from delivery.transport import open_transport
from publish.lock import PeriodBusy, period_lock
from publish.run_summary import STATE_LABELS
from transforms.periods import Month
from uppfoljning.errors import DataError
from uppfoljning.faults import is_transient_database_error
from uppfoljning.settings import Settings, redact

EXIT_OK, EXIT_BLOCKED, EXIT_STOPPED = 0, 2, 3
T = TypeVar("T")


def _checked_period(text: str) -> str:
    return str(Month.parse(text))


def send_command(args: argparse.Namespace, settings: Settings, out_dir: Path) -> int:
    try:
        period = _checked_period(args.period)
        path = settings.recipients_file(args.recipients)
        recipients = load_recipients(path)
        with period_lock(
            out_dir, period, settings.lock_timeout_seconds, owner="uppfoljning send", on_wait=_say
        ):
            report = _with_retries(
                settings,
                lambda: _deliver_once(settings, out_dir, period, recipients, str(path)),
            )
    except DataError as exc:
        return _fail(f"Utskicket vägrades; inget skickades. / The send was refused: {exc}", EXIT_BLOCKED)
    except (DeliveryFailed, PeriodBusy) as exc:
        return _fail(str(exc), EXIT_STOPPED)
    for line in report.lines():
        print(line)
    return EXIT_OK


def _deliver_once(
    settings: Settings, out_dir: Path, period: str, recipients: Recipients, source: str
) -> DeliveryReport:
    return deliver_configured(
        smtp=settings.smtp,
        mail_from=settings.mail_from,
        ledger_url=settings.delivery_ledger(out_dir),
        out_dir=out_dir,
        period=period,
        recipients=recipients,
        recipients_source=source,
    )


def _with_retries(settings: Settings, attempt: Callable[[], T]) -> T:
    """The flow's retry policy for a command without Prefect: transient faults wait and try again."""
    delays = settings.retry_delays()
    for number in range(len(delays) + 1):
        try:
            return attempt()
        except DeliveryFailed as exc:
            if not exc.transient or number == len(delays):
                raise
            _say(f"{exc} Nytt försök om {delays[number]:.0f} s. / Retrying in {delays[number]:.0f} s.")
        except Exception as exc:
            if not is_transient_database_error(exc) or number == len(delays):
                raise
            _say(f"Leveransloggen kan inte nås; nytt försök om {delays[number]:.0f} s.")
        time.sleep(delays[number])
    raise AssertionError("unreachable")


def deliveries_command(args: argparse.Namespace, settings: Settings, out_dir: Path) -> int:
    try:
        period = _checked_period(args.period)
    except DataError as exc:
        return _fail(str(exc), EXIT_BLOCKED)
    url = settings.delivery_ledger(out_dir)
    with open_ledger(url) as ledger:
        rows = ledger.deliveries(period)
        resends = ledger.resends(period)
    print(f"Utskick för {period} (leveranslogg {redact(url)}):")
    if not rows:
        print("  inget har skickats för perioden. / nothing has been sent for this period.")
    version = None
    for row in rows:
        if row.version != version:
            version = row.version
            correction = f", rättelse av version {row.correction_of}" if row.correction_of else ""
            print(f"  version {row.version} ({row.report_kind}{correction}): {row.subject}")
        when = row.sent_at or row.last_attempt_at
        print(
            f"    {row.recipient:<40} {STATE_LABELS.get(row.state, row.state):<20} {when}  via {row.transport}"
        )
        if row.state in ("uncertain", "failed") and row.error:
            print(f"      {row.error}")
    for item in resends:
        print(
            f"  omsändning {item.id}: version {item.version} till {item.recipient}, {item.state}, "
            f"begärd av {item.requested_by} {item.requested_at}"
        )
    return EXIT_OK


def resend_command(args: argparse.Namespace, settings: Settings, out_dir: Path) -> int:
    try:
        period = _checked_period(args.period)
        path = settings.recipients_file(args.recipients)
        recipients = load_recipients(path)
        with period_lock(
            out_dir, period, settings.lock_timeout_seconds, owner="uppfoljning resend", on_wait=_say
        ):
            transport = open_transport(settings.smtp, settings.mail_from, out_dir)
            try:
                with open_ledger(settings.delivery_ledger(out_dir)) as ledger:
                    result = resend(
                        out_dir=out_dir,
                        period=period,
                        version=args.version,
                        address=args.to,
                        ledger=ledger,
                        recipients=recipients,
                        recipients_source=str(path),
                        transport=transport,
                        mail_from=settings.mail_from,
                    )
            finally:
                transport.close()
    except ValueError as exc:  # not a plain address
        return _fail(f"Ogiltig adress / invalid address: {exc}", EXIT_BLOCKED)
    except DataError as exc:
        return _fail(f"Omsändningen vägrades / the resend was refused: {exc}", EXIT_BLOCKED)
    except (DeliveryFailed, PeriodBusy) as exc:
        return _fail(str(exc), EXIT_STOPPED)
    print(
        f"Omsänt (nr {result.resend_id}): {period} version {args.version} till {result.recipient}: {result.reply}. "
        "Omsändningen är loggad i leveransloggen."
    )
    return EXIT_OK


def print_latest_deliveries(settings: Settings, out_dir: Path, period: str) -> None:
    """After a run with --send: the latest version's recipients and their states."""
    try:
        version = published_version(out_dir, period).version
    except DataError:
        return
    with open_ledger(settings.delivery_ledger(out_dir)) as ledger:
        rows = ledger.deliveries(period, version)
    if not rows:
        print(f"Inget skickades för {period} version {version} (se loggen). / Nothing was sent.")
    for row in rows:
        print(f"  {row.recipient}: {STATE_LABELS.get(row.state, row.state)} {row.sent_at or ''}".rstrip())


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def _fail(message: str, status: int) -> int:
    print(message, file=sys.stderr)
    return status


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings, Path], int]] = {
    "send": send_command,
    "deliveries": deliveries_command,
    "resend": resend_command,
}
