"""Which faults are worth a retry: a database or mail server that is down, restarting or busy.

Transient: a connection refused, dropped or timed out, a server starting up or shutting down, too many
connections, SQLite's "database is locked", a serialisation failure or deadlock; SMTP 4xx and connection
errors (delivery.transport.Transient). Everything else is permanent and fails at once: a refused password,
a database that does not exist, bad SQL, bad data (DataError), SMTP 5xx and a refused login. Retrying a
permanent fault only delays the message the operator needs.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

# PostgreSQL SQLSTATEs: class 08 (connection exception), admin/crash shutdown, cannot connect now,
# too many connections, serialization failure, deadlock.
TRANSIENT_SQLSTATES = frozenset(
    {
        "08000",
        "08001",
        "08003",
        "08004",
        "08006",
        "08007",
        "57P01",
        "57P02",
        "57P03",
        "53300",
        "40001",
        "40P01",
    }
)
TRANSIENT_TEXTS = (
    "connection refused",
    "could not connect",
    "connection failed",
    "server closed the connection",
    "connection timed out",
    "timeout expired",
    "terminating connection",
    "the database system is starting up",
    "the database system is shutting down",
    "no route to host",
    "network is unreachable",
    "connection reset",
    "broken pipe",
    "consuming input failed",
    "database is locked",
)
PERMANENT_TEXTS = (
    "password authentication failed",
    "no password supplied",
    "authentication failed",
    "does not exist",
    "no pg_hba.conf entry",
    "permission denied",
)


class SourceUnreachable(Exception):
    """A source database cannot be reached now (a transient fault); the run may retry."""


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else (current.__cause__ or current.__context__)


def is_transient_database_error(exc: BaseException) -> bool:
    """True for a database fault that a later attempt may not meet (see the module's docstring)."""
    if isinstance(exc, SourceUnreachable):
        return True
    for link in _chain(exc):
        if isinstance(link, sa.exc.DBAPIError) and link.connection_invalidated:
            return True
        sqlstate = getattr(link, "sqlstate", None) or getattr(link, "pgcode", None)
        if sqlstate:
            return str(sqlstate) in TRANSIENT_SQLSTATES
        text = str(link).lower()
        if any(marker in text for marker in PERMANENT_TEXTS):
            return False
        if any(marker in text for marker in TRANSIENT_TEXTS):
            return True
        if isinstance(link, ConnectionError | TimeoutError):
            return True
    return False
