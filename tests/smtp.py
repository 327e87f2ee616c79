"""A real SMTP server on loopback for tests (aiosmtpd), which records what it accepted and can misbehave.

    with smtp_server() as server:            # server.port, server.messages (parsed), server.attempts
        server.data_replies = ["421 4.3.2 busy", "421 4.3.2 busy"]   # the first two DATA are refused
        server.rcpt_replies["nobody@regionhalland.se"] = "550 5.1.1 no such user"
        server.on_mail = callback            # called (in the server's thread) at each MAIL FROM

`smtp_env(server)` gives the UPPFOLJNING_SMTP_* variables that point the pipeline at it.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.default).parsebytes(self.content)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    received: list[Received] = field(default_factory=list)
    data_replies: list[str] = field(default_factory=list)
    """Replies to the end of data, used up one by one before the server accepts (e.g. "421 ...")."""
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    attempts: int = 0
    """Transactions that reached the end of data (accepted or not)."""
    mails: int = 0
    on_mail: Callable[[int], None] | None = None
    on_data: Callable[[int], None] | None = None
    """Called with the transaction's number after the message is queued, before the server answers."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self.lock:
            self.mails += 1
            number = self.mails
        if self.on_mail is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.on_mail, number)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        reply = self.rcpt_replies.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.attempts += 1
            number = self.attempts
            refusal = self.data_replies.pop(0) if self.data_replies else None
        if not refusal:  # queued as a real server queues it: before its answer is on the wire
            with self.lock:
                self.received.append(
                    Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
                )
        if self.on_data is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.on_data, number)
        return refusal or "250 2.0.0 Ok: queued"

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [item.message for item in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if str(m["To"]).lower() == address.lower()]


@dataclass
class Server:
    port: int
    recorder: Recorder

    def __getattr__(self, name: str) -> Any:
        return getattr(self.recorder, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("port", "recorder"):
            object.__setattr__(self, name, value)
        else:
            setattr(self.recorder, name, value)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server(user: str | None = None, password: str | None = None) -> Iterator[Server]:
    """An SMTP server on 127.0.0.1 (plain, no TLS); with `user`, AUTH is offered and required."""
    recorder = Recorder()
    kwargs: dict[str, Any] = {}
    if user is not None:

        def authenticator(
            server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
        ) -> AuthResult:
            ok = isinstance(auth_data, LoginPassword) and (
                auth_data.login.decode(),
                auth_data.password.decode(),
            ) == (
                user,
                password,
            )
            return AuthResult(success=ok, handled=False)

        kwargs = {"authenticator": authenticator, "auth_require_tls": False, "auth_required": True}
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port(), **kwargs)
    with warnings.catch_warnings():  # AUTH without TLS: on purpose, on loopback
        warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
        controller.start()
    try:
        yield Server(controller.port, recorder)
    finally:
        controller.stop()


def smtp_env(server: Server, **extra: str) -> dict[str, str]:
    return {
        "UPPFOLJNING_SMTP_HOST": "127.0.0.1",
        "UPPFOLJNING_SMTP_PORT": str(server.port),
        "UPPFOLJNING_SMTP_SECURITY": "none",
        "UPPFOLJNING_MAIL_FROM": "Regionkontoret <uppfoljning@regionhalland.se>",
        "UPPFOLJNING_SMTP_TIMEOUT_SECONDS": "10",
        **extra,
    }
