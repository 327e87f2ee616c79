"""How a message leaves: SMTP (the standard library's smtplib) or the outbox folder.

SMTP. One connection serves all recipients of a delivery (reopened after any fault). Each message is one
SMTP transaction, MAIL FROM, RCPT TO (one recipient), DATA, driven step by step rather than through
`sendmail`, because the ledger must be written at one precise moment: after the whole message has been
transmitted and just before the final "." that asks the server to accept it (`before_end`). Until that
dot the server cannot have accepted the message (RFC 5321 §4.1.1.4: a transaction broken off before the
end of data is discarded), so every fault before it may be retried. After it, a reply decides; only a
connection lost while waiting for that reply leaves the outcome unknown (`Uncertain`).

Faults are classified for the caller's retry policy:

    Transient   4xx replies (421 service not available, 450 mailbox busy, ...), a refused or dropped
                connection, a timeout: retry later
    Permanent   5xx replies, a refused login, a server without STARTTLS when STARTTLS is required, a
                certificate that does not verify: retrying cannot help; `recipient_only` when only this
                address was refused (RCPT 5xx), so the other recipients can still be served
    Uncertain   the connection was lost after the end of data, before the reply

Messages never contain the password: smtplib's exceptions carry the server's reply, and ours name the
host, port and user only.

Outbox. Without a mail server, each message is written to `OUT/outbox/<period>-v<version>-<address>.eml`
(atomically: a temporary file renamed into place), so the demo and a laptop show exactly what would go out.
"""

from __future__ import annotations

import os
import re
import smtplib
import socket
import ssl
import tempfile
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol

from uppfoljning.settings import SmtpSettings

OUTBOX_FOLDER = "outbox"


class DeliveryFault(Exception):
    """A message was not (known to be) delivered; the text names the server and its reply, never a secret."""


class Transient(DeliveryFault):
    def __init__(self, message: str, *, connection: bool = True) -> None:
        super().__init__(message)
        self.connection = connection
        """True when the connection itself failed (stop this attempt); False for one recipient's 4xx."""


class Permanent(DeliveryFault):
    def __init__(self, message: str, *, recipient_only: bool = False) -> None:
        super().__init__(message)
        self.recipient_only = recipient_only


class Uncertain(DeliveryFault):
    pass


class Transport(Protocol):
    name: str

    def send(self, message: EmailMessage, recipient: str, before_end: Callable[[], None], label: str) -> str:
        """Hand the message over for `recipient`; call `before_end` just before it can be accepted.
        Returns the server's reply (or what was written)."""
        ...

    def close(self) -> None: ...


def envelope_sender(mail_from: str) -> str:
    """'Uppföljning <uppfoljning@regionhalland.se>' -> 'uppfoljning@regionhalland.se'."""
    return parseaddr(mail_from)[1] or mail_from


def message_bytes(message: EmailMessage) -> bytes:
    """The message as SMTP wants it: CRLF line ends."""
    return message.as_bytes(policy=policy.SMTP)


class SmtpTransport:
    name = "smtp"

    def __init__(self, settings: SmtpSettings, mail_from: str) -> None:
        self.settings = settings
        self.mail_from = mail_from
        self._smtp: smtplib.SMTP | None = None

    @property
    def where(self) -> str:
        s = self.settings
        user = f" as {s.user}" if s.user else ""
        return f"{s.host}:{s.port} ({s.security}{user})"

    # --- connection ------------------------------------------------------------------------------------
    def _tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.settings.ca_file:
            context.load_verify_locations(cafile=str(self.settings.ca_file))
        return context

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        s = self.settings
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout_seconds, context=self._tls_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
            smtp.ehlo()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    smtp.close()
                    raise Permanent(
                        f"the mail server {self.where} does not offer STARTTLS; nothing is sent in clear text "
                        "(set UPPFOLJNING_SMTP_SECURITY=none only for a relay on the same host)"
                    )
                smtp.starttls(context=self._tls_context())
                smtp.ehlo()
            if s.user:
                smtp.login(s.user, s.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise Permanent(
                f"the mail server {self.where} refused the login: {_reply(exc.smtp_code, exc.smtp_error)}; "
                "check UPPFOLJNING_SMTP_USER and UPPFOLJNING_SMTP_PASSWORD"
            ) from None
        except smtplib.SMTPConnectError as exc:
            raise _fault(
                f"the mail server {self.where} refused the connection", exc.smtp_code, exc.smtp_error
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise _fault(
                f"the mail server {self.where} refused to start a session", exc.smtp_code, exc.smtp_error
            ) from None
        except ssl.SSLCertVerificationError as exc:
            raise Permanent(
                f"the mail server {self.where} has a certificate that does not verify ({exc.verify_message}); "
                "set UPPFOLJNING_SMTP_CA_FILE to the region's CA bundle if it uses its own CA"
            ) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise Permanent(
                f"the mail server {self.where} does not support what is required: {exc}"
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise Transient(f"the mail server {self.where} cannot be reached: {_describe(exc)}") from None
        self._smtp = smtp
        return smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            finally:
                self._drop()

    # --- one transaction ------------------------------------------------------------------------------
    def send(self, message: EmailMessage, recipient: str, before_end: Callable[[], None], label: str) -> str:
        data = _dot_stuffed(message_bytes(message))
        smtp = self._connection()
        ended = False
        try:
            options = ["BODY=8BITMIME"] if _has_8bit(data) and smtp.has_extn("8bitmime") else []
            self._expect(smtp.mail(envelope_sender(self.mail_from), options), (250,), "MAIL FROM")
            self._expect(smtp.rcpt(recipient), (250, 251), f"RCPT TO <{recipient}>", recipient=True)
            self._expect(smtp.docmd("DATA"), (354,), "DATA")
            smtp.send(data)
            before_end()
            ended = True
            smtp.send(b".\r\n")
            code, reply = smtp.getreply()
        except DeliveryFault:
            self._drop()
            raise
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            if ended:
                raise Uncertain(
                    f"the connection to {self.where} was lost after the message to {recipient} was "
                    f"handed over, before the server answered ({_describe(exc)})"
                ) from None
            raise Transient(f"the connection to {self.where} failed: {_describe(exc)}") from None
        except BaseException:
            self._drop()  # e.g. the ledger could not be written before the end: nothing was accepted
            raise
        if code != 250:
            self._drop()
            raise _fault(
                f"the mail server {self.where} did not accept the message to {recipient}", code, reply
            )
        return _reply(code, reply)

    def _expect(
        self, answer: tuple[int, bytes], accepted: tuple[int, ...], step: str, recipient: bool = False
    ) -> None:
        code, reply = answer
        if code in accepted:
            return
        fault = _fault(f"the mail server {self.where} refused {step}", code, reply)
        if recipient:
            fault = (
                Permanent(str(fault), recipient_only=True)
                if isinstance(fault, Permanent)
                else Transient(str(fault), connection=code == 421)
            )
        raise fault


class OutboxTransport:
    name = "outbox"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, label: str) -> Path:
        return self.folder / f"{label}.eml"

    def send(self, message: EmailMessage, recipient: str, before_end: Callable[[], None], label: str) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path(label)
        fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".eml", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(message.as_bytes(policy=policy.default))
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, 0o644)
            before_end()
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return f"written to {target}"

    def delivered(self, label: str) -> bool:
        return self.path(label).is_file()

    def close(self) -> None:
        pass


def outbox_label(period: str, version: int, recipient: str, resend_id: int | None = None) -> str:
    """2025-04-v2-ekonomi@regionhalland.se (a resend: ...-omsandning-3)."""
    label = f"{period}-v{version}-{recipient}"
    return label if resend_id is None else f"{label}-omsandning-{resend_id}"


# --- helpers --------------------------------------------------------------------------------------------
def _fault(what: str, code: int, reply: bytes | str) -> DeliveryFault:
    text = f"{what}: {_reply(code, reply)}"
    if 400 <= code < 500:
        return Transient(text, connection=code == 421)
    if code == -1:  # smtplib's "connection unexpectedly closed"
        return Transient(text)
    return Permanent(text)


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", errors="replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


_LEADING_DOT = re.compile(rb"(?m)^\.")


def _dot_stuffed(data: bytes) -> bytes:
    """The DATA body without its final dot: leading dots doubled (RFC 5321 §4.5.2), ending in CRLF."""
    data = _LEADING_DOT.sub(b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def _has_8bit(data: bytes) -> bool:
    return any(byte > 127 for byte in data)


def open_transport(
    smtp: SmtpSettings | None, mail_from: str | None, out_dir: Path, outbox: bool = False
) -> Transport:
    """SMTP when a mail server is configured (and the outbox is not asked for), else OUT/outbox/."""
    if smtp is None or outbox:
        return OutboxTransport(Path(out_dir) / OUTBOX_FOLDER)
    if not mail_from:
        raise ValueError("UPPFOLJNING_MAIL_FROM must be set when UPPFOLJNING_SMTP_HOST is")
    return SmtpTransport(smtp, mail_from)
