"""Who gets which version, and the loop that sends each message once and records it in the ledger.

`deliver` sends the latest published version of a period (OUT/YYYY-MM/figures.json names it) to

    everyone on the report kind's list in the recipients file, and
    everyone who got (or may have got) an earlier version of the period, so that a correction reaches
    every earlier reader even after they left the list,

skipping whoever already has this version. A kind without a list sends nothing (not even corrections):
the file says that this kind is not mailed. Every address on the list must be within the allowed domains,
else nothing is sent at all (DataError). An earlier reader whose domain is no longer allowed is skipped and
reported: the region has decided not to mail that domain any more.

Exactly once, per (period, version, recipient): the ledger row is claimed (`pending`) before anything is
sent, set to `sending` just before the message can be accepted and to `sent` once the server said so. A
rerun sends only `pending` and `failed` rows; a row a dead run left in `sending` becomes `uncertain` and is
reported, not sent (see delivery.ledger for the choice, README "Exactly once" for why).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from delivery.ledger import Delivery, DeliveryLedger, open_ledger
from delivery.messages import DEFAULT_FROM, addressed, message_id, subject_of
from delivery.recipients import Recipients, check_allowed, normalise_address
from delivery.transport import (
    DeliveryFault,
    OutboxTransport,
    Permanent,
    Transient,
    Transport,
    Uncertain,
    open_transport,
    outbox_label,
)
from publish.writer import FIGURES_FILE, VERSIONS_DIR
from uppfoljning.errors import DataError
from uppfoljning.settings import SmtpSettings

EMAIL_FILE = "email.eml"


class DeliveryFailed(Exception):
    """Some recipients could not be served: `transient` says whether a later attempt may succeed."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass
class DeliveryReport:
    """What one delivery did, for the log, the artifact and the command line (addresses only)."""

    period: str
    version: int
    report_kind: str
    transport: str
    correction_of: int | None = None
    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    note: str | None = None

    def lines(self) -> list[str]:
        """Swedish lines for the terminal and the artifact."""
        what = f"version {self.version}" + (
            f" (rättelse av version {self.correction_of})" if self.correction_of else ""
        )
        lines = [f"Utskick {self.period} {what} via {self.transport}:"]
        if self.note:
            lines.append(f"  {self.note}")
        for label, addresses in (
            ("skickat nu", self.sent),
            ("hade redan fått den", self.already),
            ("osäkert om det kom fram, skickas inte igen automatiskt", self.uncertain),
        ):
            if addresses:
                lines.append(f"  {label}: {', '.join(addresses)}")
        for address, reason in self.failed:
            lines.append(f"  misslyckades: {address}: {reason}")
        for address, reason in self.skipped:
            lines.append(f"  hoppades över: {address}: {reason}")
        return lines


@dataclass(frozen=True)
class Published:
    period: str
    version: int
    report_kind: str
    email: bytes
    correction_of: int | None


def published_version(out_dir: Path, period: str, version: int | None = None) -> Published:
    """The latest published version of the period (or the given one) with its stored email."""
    period_dir = Path(out_dir) / period
    figures_path = (
        period_dir / FIGURES_FILE
        if version is None
        else period_dir / VERSIONS_DIR / f"v{version}" / FIGURES_FILE
    )
    try:
        figures: dict[str, Any] = json.loads(figures_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            table=str(figures_path),
            key=period if version is None else f"{period} v{version}",
            rule="delivery.published",
            problem="nothing is published for this period (or version) yet, so there is nothing to send",
            fix="Run `uppfoljning run --period YYYY-MM` first.",
        ) from None
    number = int(figures["version"])
    email = period_dir / VERSIONS_DIR / f"v{number}" / EMAIL_FILE
    correction = figures.get("correction") or {}
    return Published(
        period=period,
        version=number,
        report_kind=str(figures["report_kind"]),
        email=email.read_bytes(),
        correction_of=correction.get("since_version"),
    )


def reconcile(ledger: DeliveryLedger, period: str, outbox: OutboxTransport | None) -> None:
    """Rows that a dead run left in `sending`: an outbox file either exists (sent) or not (pending); an
    SMTP message may have been accepted (uncertain)."""
    for row in ledger.deliveries(period):
        if row.state != "sending" or row.transport != "outbox" or outbox is None:
            continue
        label = outbox_label(row.period, row.version, row.recipient)
        ledger.set_state(period, row.version, row.recipient, "sent" if outbox.delivered(label) else "pending")
    ledger.mark_interrupted(period)


def deliver(
    *,
    out_dir: Path,
    period: str,
    ledger: DeliveryLedger,
    recipients: Recipients,
    recipients_source: str,
    transport: Transport,
    mail_from: str | None,
    flow_run_id: str | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> DeliveryReport:
    """Send the period's latest published version to whoever should have it and does not yet.

    Raises DataError when the list has an address outside the allowed domains (before anything is sent),
    DeliveryFailed when recipients remain unserved (transient: retry later), and lets a transient
    database fault of the ledger propagate (retry later too).
    """
    published = published_version(out_dir, period)
    report = DeliveryReport(
        period,
        published.version,
        published.report_kind,
        transport.name,
        correction_of=published.correction_of,
    )
    listed = recipients.for_kind(published.report_kind)  # type: ignore[arg-type]
    if not listed:
        report.note = (
            f"Rapporttypen {published.report_kind} har ingen sändlista i mottagarfilen; inget skickades. "
            f"/ The report kind {published.report_kind} has no list in the recipients file; nothing was sent."
        )
        log(report.note)
        return report
    check_allowed(recipients, listed, f"{recipients_source} (lists.{published.report_kind})")
    reconcile(ledger, period, transport if isinstance(transport, OutboxTransport) else None)
    earlier = ledger.earlier_recipients(period, before=published.version)
    targets: list[str] = list(listed)
    for address in earlier:
        if address in targets:
            continue
        if recipients.allows(address):
            targets.append(address)
        else:
            report.skipped.append((address, "fick en tidigare version men domänen är inte längre tillåten"))
    sender = mail_from or DEFAULT_FROM
    subject = subject_of(published.email)
    connection_fault: DeliveryFault | None = None
    for address in targets:
        row = ledger.get(period, published.version, address)
        if row is not None and row.state == "sent":
            report.already.append(address)
            continue
        if row is not None and row.state in ("uncertain", "sending"):
            report.uncertain.append(address)
            continue
        if connection_fault is not None:
            report.failed.append((address, "inte försökt: servern gick inte att nå"))
            continue
        ident = (
            row.message_id if row is not None else message_id(period, published.version, address, mail_from)
        )
        ledger.claim(
            period=period,
            version=published.version,
            recipient=address,
            report_kind=published.report_kind,
            message_id=ident,
            subject=subject,
            correction_of=published.correction_of,
            transport=transport.name,
            flow_run_id=flow_run_id,
        )
        message = addressed(
            published.email,
            recipient=address,
            mail_from=sender,
            message_id=ident,
            in_reply_to=earlier.get(address),
        )

        def before_end(address: str = address) -> None:
            ledger.set_state(period, published.version, address, "sending")

        try:
            reply = transport.send(
                message, address, before_end, outbox_label(period, published.version, address)
            )
        except Uncertain as fault:
            ledger.set_state(period, published.version, address, "uncertain", error=str(fault))
            report.uncertain.append(address)
            log(f"uncertain: {address}: {fault}")
            continue
        except Transient as fault:
            ledger.set_state(period, published.version, address, "pending", error=str(fault))
            report.failed.append((address, str(fault)))
            log(f"transient fault for {address}: {fault}")
            if fault.connection:
                connection_fault = fault
            continue
        except Permanent as fault:
            ledger.set_state(period, published.version, address, "failed", error=str(fault))
            report.failed.append((address, str(fault)))
            log(f"permanent fault for {address}: {fault}")
            if not fault.recipient_only:
                raise DeliveryFailed(_failure_text(report, str(fault)), transient=False) from None
            continue
        ledger.set_state(period, published.version, address, "sent", server_reply=reply)
        report.sent.append(address)
        log(f"sent {period} v{published.version} to {address}: {reply}")
    if report.failed:
        transient = all(_is_retryable(ledger, period, published.version, a) for a, _ in report.failed)
        raise DeliveryFailed(_failure_text(report, report.failed[0][1]), transient=transient)
    return report


def _is_retryable(ledger: DeliveryLedger, period: str, version: int, address: str) -> bool:
    row = ledger.get(period, version, address)
    return row is None or row.state == "pending"


def _failure_text(report: DeliveryReport, first: str) -> str:
    unserved = [address for address, _ in report.failed]
    return (
        f"Utskicket av {report.period} version {report.version} nådde inte {', '.join(unserved)} "
        f"(skickat nu: {', '.join(report.sent) or 'inga'}). / The delivery of {report.period} version "
        f"{report.version} did not reach {', '.join(unserved)}: {first}"
    )


@dataclass(frozen=True)
class ResendResult:
    resend_id: int
    recipient: str
    reply: str


def resend(
    *,
    out_dir: Path,
    period: str,
    version: int,
    address: str,
    ledger: DeliveryLedger,
    recipients: Recipients,
    recipients_source: str,
    transport: Transport,
    mail_from: str | None,
) -> ResendResult:
    """The operator's explicit exception to "at most once": send one version to one address again (or for
    the first time), with the same Message-ID, recorded in the ledger's resends table."""
    recipient = normalise_address(address)
    check_allowed(recipients, [recipient], f"--to (allowed_domains in {recipients_source})")
    published = published_version(out_dir, period, version)
    row = ledger.get(period, version, recipient)
    ident = row.message_id if row is not None else message_id(period, version, recipient, mail_from)
    delivery = row or Delivery(
        period=period,
        version=version,
        recipient=recipient,
        report_kind=published.report_kind,
        message_id=ident,
        subject=subject_of(published.email),
        correction_of=published.correction_of,
        transport=transport.name,
        state="pending",
        attempts=0,
        first_attempt_at="",
        last_attempt_at="",
        sent_at=None,
        server_reply=None,
        error=None,
        flow_run_id=None,
    )
    resend_id = ledger.record_resend(delivery, recipient, transport.name)
    message = addressed(
        published.email, recipient=recipient, mail_from=mail_from or DEFAULT_FROM, message_id=ident
    )
    try:
        reply = transport.send(
            message, recipient, lambda: None, outbox_label(period, version, recipient, resend_id)
        )
    except DeliveryFault as fault:
        ledger.finish_resend(
            resend_id, "uncertain" if isinstance(fault, Uncertain) else "failed", error=str(fault)
        )
        raise DeliveryFailed(
            f"Omsändningen misslyckades / the resend failed: {fault}", transient=False
        ) from None
    ledger.finish_resend(resend_id, "sent", server_reply=reply)
    return ResendResult(resend_id, recipient, reply)


def deliver_configured(
    *,
    smtp: SmtpSettings | None,
    mail_from: str | None,
    ledger_url: str,
    out_dir: Path,
    period: str,
    recipients: Recipients,
    recipients_source: str,
    outbox: bool = False,
    flow_run_id: str | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> DeliveryReport:
    """`deliver` with the transport and ledger the settings name, opened and closed around it."""
    transport = open_transport(smtp, mail_from, out_dir, outbox=outbox)
    try:
        with open_ledger(ledger_url) as ledger:
            return deliver(
                out_dir=out_dir,
                period=period,
                ledger=ledger,
                recipients=recipients,
                recipients_source=recipients_source,
                transport=transport,
                mail_from=mail_from,
                flow_run_id=flow_run_id,
                log=log,
            )
    finally:
        transport.close()
