"""The stored email.eml of a version, addressed to one recipient.

The stored message carries Subject, Date, Content-Language and the body; a correction's stored message is
already the correction ("Rättelse: …" and the list of changes, added when the version was published). Per
recipient the delivery adds:

    From            UPPFOLJNING_MAIL_FROM
    To              the one recipient (each message has exactly one: no recipient sees another's address)
    Message-ID      stable per (period, version, recipient), so a retry or a resend carries the same id
    Date            when it is handed over
    In-Reply-To, References   for a correction, the Message-ID of the version the recipient got before,
                    so that mail programs show the correction in the same thread
    Auto-Submitted: auto-generated, X-Auto-Response-Suppress: All
                    no out-of-office replies to the sending address (RFC 3834; Outlook's own header)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from email.message import EmailMessage
from email.utils import format_datetime

from publish.mail import parse_stored

DEFAULT_FROM = "uppfoljning@localhost"
"""The sender of outbox files when no UPPFOLJNING_MAIL_FROM is set (nothing leaves the machine then)."""


def message_id(period: str, version: int, recipient: str, mail_from: str | None) -> str:
    """<uppfoljning-2025-04-v2-1f0c…@regionhalland.se>: the same for the same period, version, recipient."""
    digest = hashlib.sha256(f"{period}|{version}|{recipient}".encode()).hexdigest()[:20]
    domain = (mail_from or DEFAULT_FROM).rsplit("@", 1)[-1].strip(" >").lower() or "localhost"
    return f"<uppfoljning-{period}-v{version}-{digest}@{domain}>"


def addressed(
    stored: bytes,
    *,
    recipient: str,
    mail_from: str,
    message_id: str,
    in_reply_to: str | None = None,
    date: dt.datetime | None = None,
) -> EmailMessage:
    """A copy of the stored message with the headers of one recipient (nothing else is changed)."""
    message = parse_stored(stored)
    for header in ("From", "To", "Cc", "Bcc", "Message-ID", "Date", "In-Reply-To", "References"):
        del message[header]
    message["From"] = mail_from
    message["To"] = recipient
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(date or dt.datetime.now(dt.UTC).astimezone())
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    return message


def subject_of(stored: bytes) -> str:
    return str(parse_stored(stored)["Subject"])
