"""Throw-away PostgreSQL databases for tests, on the server at 127.0.0.1:5432 (trust auth, user postgres).

`temporary_database()` works anywhere (scripts, benchmarks); the `pg_url_factory` fixture adds the test
policy: without a server the test is skipped, unless UPPFOLJNING_REQUIRE_POSTGRES=1 (CI), where it fails.
Use it in a test module with `from tests.pg import pg_url_factory  # noqa: F401` and a test parameter
of the same name.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import pytest
import sqlalchemy as sa

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CONNECT_TIMEOUT_SECONDS = 3


class PostgresUnavailable(RuntimeError):
    """The test server cannot be reached (not a failure of the code under test)."""


@contextmanager
def temporary_database() -> Iterator[str]:
    """Create an empty database uppf_test_<random hex>, yield its SQLAlchemy URL, drop it afterwards."""
    name = f"uppf_test_{secrets.token_hex(6)}"
    # CREATE/DROP DATABASE cannot run inside a transaction block.
    admin = sa.create_engine(
        ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    )
    try:
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        except sa.exc.OperationalError as exc:
            raise PostgresUnavailable(f"PostgreSQL at {ADMIN_URL} is unreachable: {exc.orig}") from exc
        try:
            yield sa.make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        finally:
            # FORCE: a pool the test forgot to dispose must not keep the database alive.
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def pg_url_factory() -> Iterator[Callable[[], str]]:
    """A function that creates a fresh database and returns its URL; all are dropped after the test."""
    with ExitStack() as stack:

        def new_database() -> str:
            try:
                return stack.enter_context(temporary_database())
            except PostgresUnavailable as exc:
                if os.environ.get("UPPFOLJNING_REQUIRE_POSTGRES") == "1":
                    pytest.fail(f"{exc} (UPPFOLJNING_REQUIRE_POSTGRES=1, so this cannot be skipped)")
                pytest.skip(str(exc))

        yield new_database
