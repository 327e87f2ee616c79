"""The delivery ledger: one row per (period, version, recipient), written before and after each send.

It lives in a store the pipeline owns: by default `OUT/leveranser.db` (SQLite) beside the reports, or any
SQLAlchemy URL (UPPFOLJNING_DELIVERY_LEDGER_URL), e.g. a PostgreSQL database shared by several workers.

States of a row, and what a later run does with it:

    pending    claimed, not yet handed over: the message cannot have been accepted -> sent again
    sending    written just before the end of the message (SMTP's final "."); the server may have
               accepted it -> on the next run it becomes `uncertain`
    sent       the server accepted it (its reply is kept) or the outbox file was written -> never again
    uncertain  the process died, or the connection broke, between the end of the message and the ledger
               knowing the server's answer -> never sent again automatically; shown to the operator, who
               can check the mail server's log and `uppfoljning resend` explicitly
    failed     the server refused it for good (5xx): it was not accepted -> tried again on a later run

"At most once" holds because a row leaves `sending` only for `sent` or `uncertain`, and only `pending`
and `failed` rows are ever sent again. Resends by the operator are the one exception; they are rows of
their own table (`resends`), so the delivery rows keep saying what the automatic delivery did.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

State = Literal["pending", "sending", "sent", "uncertain", "failed"]
RECEIVED: tuple[State, ...] = ("sent", "uncertain")
"""States in which the recipient may have the message: they count as "got this version"."""
STOCKHOLM = ZoneInfo("Europe/Stockholm")
TEXT_LIMIT = 500

metadata = sa.MetaData()
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("period", sa.String(7), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("recipient", sa.String(320), primary_key=True),
    sa.Column("report_kind", sa.String(32), nullable=False),
    sa.Column("message_id", sa.String(400), nullable=False),
    sa.Column("subject", sa.String(400), nullable=False),
    sa.Column("correction_of", sa.Integer, nullable=True),
    sa.Column("transport", sa.String(16), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("first_attempt_at", sa.String(40), nullable=False),
    sa.Column("last_attempt_at", sa.String(40), nullable=False),
    sa.Column("sent_at", sa.String(40), nullable=True),
    sa.Column("server_reply", sa.String(TEXT_LIMIT), nullable=True),
    sa.Column("error", sa.String(TEXT_LIMIT), nullable=True),
    sa.Column("flow_run_id", sa.String(64), nullable=True),
)
resends = sa.Table(
    "resends",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("recipient", sa.String(320), nullable=False),
    sa.Column("message_id", sa.String(400), nullable=False),
    sa.Column("transport", sa.String(16), nullable=False),
    sa.Column("requested_by", sa.String(100), nullable=False),
    sa.Column("requested_at", sa.String(40), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("sent_at", sa.String(40), nullable=True),
    sa.Column("server_reply", sa.String(TEXT_LIMIT), nullable=True),
    sa.Column("error", sa.String(TEXT_LIMIT), nullable=True),
)


@dataclass(frozen=True)
class Delivery:
    period: str
    version: int
    recipient: str
    report_kind: str
    message_id: str
    subject: str
    correction_of: int | None
    transport: str
    state: State
    attempts: int
    first_attempt_at: str
    last_attempt_at: str
    sent_at: str | None
    server_reply: str | None
    error: str | None
    flow_run_id: str | None


@dataclass(frozen=True)
class Resend:
    id: int
    period: str
    version: int
    recipient: str
    message_id: str
    transport: str
    requested_by: str
    requested_at: str
    state: str
    sent_at: str | None
    server_reply: str | None
    error: str | None


def now() -> str:
    return dt.datetime.now(STOCKHOLM).isoformat(timespec="seconds")


def _clip(text: str | None) -> str | None:
    return None if text is None else text[:TEXT_LIMIT]


class DeliveryLedger:
    """The ledger on one SQLAlchemy URL; every write is its own committed transaction."""

    def __init__(self, url: str) -> None:
        connect_args = {"timeout": 30} if url.startswith("sqlite") else {}
        self.engine = sa.create_engine(url, connect_args=connect_args)
        metadata.create_all(self.engine, checkfirst=True)

    def close(self) -> None:
        self.engine.dispose()

    # --- reading ---------------------------------------------------------------------------------------
    def deliveries(self, period: str, version: int | None = None) -> list[Delivery]:
        query = sa.select(deliveries).where(deliveries.c.period == period)
        if version is not None:
            query = query.where(deliveries.c.version == version)
        query = query.order_by(deliveries.c.version, deliveries.c.first_attempt_at, deliveries.c.recipient)
        with self.engine.connect() as conn:
            return [Delivery(**row._mapping) for row in conn.execute(query)]

    def get(self, period: str, version: int, recipient: str) -> Delivery | None:
        found = self.deliveries(period, version)
        return next((d for d in found if d.recipient == recipient), None)

    def resends(self, period: str) -> list[Resend]:
        query = sa.select(resends).where(resends.c.period == period).order_by(resends.c.id)
        with self.engine.connect() as conn:
            return [Resend(**row._mapping) for row in conn.execute(query)]

    def latest_received_version(self, period: str, before: int | None = None) -> tuple[int, str] | None:
        """The latest version of the period that reached anyone (sent or uncertain), and when it was first
        sent: what a new version corrects. `before`: only versions lower than this."""
        conditions = [deliveries.c.period == period, deliveries.c.state.in_(RECEIVED)]
        if before is not None:
            conditions.append(deliveries.c.version < before)
        query = (
            sa.select(
                deliveries.c.version,
                sa.func.min(sa.func.coalesce(deliveries.c.sent_at, deliveries.c.last_attempt_at)),
            )
            .where(*conditions)
            .group_by(deliveries.c.version)
            .order_by(deliveries.c.version.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else (int(row[0]), str(row[1]))

    def earlier_recipients(self, period: str, before: int) -> dict[str, str]:
        """Everyone who got (or may have got) an earlier version: address -> the Message-ID of the latest
        such message, so that a correction can refer to it (In-Reply-To)."""
        query = (
            sa.select(deliveries.c.recipient, deliveries.c.message_id)
            .where(
                deliveries.c.period == period,
                deliveries.c.version < before,
                deliveries.c.state.in_(RECEIVED),
            )
            .order_by(deliveries.c.version)
        )
        with self.engine.connect() as conn:
            return {recipient: message_id for recipient, message_id in conn.execute(query)}

    # --- writing ---------------------------------------------------------------------------------------
    def mark_interrupted(self, period: str) -> list[Delivery]:
        """Rows left in `sending` by a run that died: the server may have accepted them -> `uncertain`."""
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(deliveries)
                .where(deliveries.c.period == period, deliveries.c.state == "sending")
                .values(
                    state="uncertain",
                    error="the run stopped after the message was handed over and before the server's "
                    "answer was recorded; not sent again automatically",
                )
            )
        return [d for d in self.deliveries(period) if d.state == "uncertain"]

    def claim(
        self,
        *,
        period: str,
        version: int,
        recipient: str,
        report_kind: str,
        message_id: str,
        subject: str,
        correction_of: int | None,
        transport: str,
        flow_run_id: str | None,
    ) -> Delivery:
        """Record an attempt before anything is sent: a new row in `pending`, or a `pending`/`failed` row's
        next attempt. Refuses a row in any other state (it must not be sent again)."""
        at = now()
        with self.engine.begin() as conn:
            existing = conn.execute(
                sa.select(deliveries.c.state, deliveries.c.attempts).where(
                    deliveries.c.period == period,
                    deliveries.c.version == version,
                    deliveries.c.recipient == recipient,
                )
            ).first()
            if existing is None:
                conn.execute(
                    sa.insert(deliveries).values(
                        period=period,
                        version=version,
                        recipient=recipient,
                        report_kind=report_kind,
                        message_id=message_id,
                        subject=subject,
                        correction_of=correction_of,
                        transport=transport,
                        state="pending",
                        attempts=1,
                        first_attempt_at=at,
                        last_attempt_at=at,
                        flow_run_id=flow_run_id,
                    )
                )
            elif existing.state in ("pending", "failed"):
                conn.execute(
                    sa.update(deliveries)
                    .where(
                        deliveries.c.period == period,
                        deliveries.c.version == version,
                        deliveries.c.recipient == recipient,
                        deliveries.c.state == existing.state,
                    )
                    .values(
                        state="pending",
                        attempts=existing.attempts + 1,
                        last_attempt_at=at,
                        transport=transport,
                        flow_run_id=flow_run_id,
                    )
                )
            else:
                raise RuntimeError(
                    f"delivery {period} v{version} to {recipient} is {existing.state}: it must not be sent again"
                )
        found = self.get(period, version, recipient)
        assert found is not None
        return found

    def set_state(
        self,
        period: str,
        version: int,
        recipient: str,
        state: State,
        *,
        server_reply: str | None = None,
        error: str | None = None,
    ) -> None:
        values: dict[str, object] = {"state": state, "error": _clip(error)}
        if server_reply is not None:
            values["server_reply"] = _clip(server_reply)
        if state == "sent":
            values["sent_at"] = now()
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(deliveries)
                .where(
                    deliveries.c.period == period,
                    deliveries.c.version == version,
                    deliveries.c.recipient == recipient,
                )
                .values(**values)
            )

    def record_resend(self, delivery: Delivery, recipient: str, transport: str) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                sa.insert(resends).values(
                    period=delivery.period,
                    version=delivery.version,
                    recipient=recipient,
                    message_id=delivery.message_id,
                    transport=transport,
                    requested_by=_operator(),
                    requested_at=now(),
                    state="sending",
                )
            )
            key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def finish_resend(
        self, resend_id: int, state: str, *, server_reply: str | None = None, error: str | None = None
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(resends)
                .where(resends.c.id == resend_id)
                .values(
                    state=state,
                    sent_at=now() if state == "sent" else None,
                    server_reply=_clip(server_reply),
                    error=_clip(error),
                )
            )


@contextmanager
def open_ledger(url: str) -> Iterator[DeliveryLedger]:
    ledger = DeliveryLedger(url)
    try:
        yield ledger
    finally:
        ledger.close()


def _operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in a container without passwd entry
        return "unknown"


def summary(rows: Sequence[Delivery]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.state] = counts.get(row.state, 0) + 1
    return counts
