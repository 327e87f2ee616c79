"""A database password reaches the connection, and never Prefect's records, the outputs or the terminal.

The test server trusts local connections, where any password (or none) is accepted, so a password lost on
the way would go unnoticed. This test therefore makes its own role with a password and its own database,
and puts one line in front of the server's pg_hba.conf that demands that password (scram-sha-256) for
exactly that role and database over 127.0.0.1; every other connection keeps matching the trust lines.
It edits the file through SQL as the superuser (pg_read_file, lo_export), reloads the configuration, and
removes its line and drops the role and database afterwards, so the server is left as it was and nothing
needs to be set up by hand. Concurrent test runs serialise their edits with an advisory lock.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.fixtures.small_office import write_small_office
from tests.pg import ADMIN_URL, CONNECT_TIMEOUT_SECONDS
from uppfoljning import settings
from uppfoljning.cli import main

HBA_MARK = "# uppfoljning-test credentials"
HBA_LOCK = 7_731_001  # pg_advisory_lock key: one edit of pg_hba.conf at a time across test runs


def _edit_hba(conn: sa.Connection, edit: Callable[[list[str]], list[str]]) -> None:
    """Rewrite the server's pg_hba.conf with `edit(lines)` and reload it."""
    conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": HBA_LOCK})
    try:
        path = conn.execute(sa.text("SHOW hba_file")).scalar_one()
        lines = conn.execute(sa.text("SELECT pg_read_file(:path)"), {"path": path}).scalar_one().splitlines()
        # Lines of earlier runs that crashed before cleaning up: their databases are gone.
        databases = set(conn.execute(sa.text("SELECT datname FROM pg_database")).scalars())
        lines = [line for line in lines if HBA_MARK not in line or line.split()[1] in databases]
        text = "\n".join(edit(lines)) + "\n"
        oid = conn.execute(
            sa.text("SELECT lo_from_bytea(0, convert_to(:text, 'UTF8'))"), {"text": text}
        ).scalar_one()
        try:
            conn.execute(sa.text("SELECT lo_export(:oid, :path)"), {"oid": oid, "path": path})
        finally:
            conn.execute(sa.text("SELECT lo_unlink(:oid)"), {"oid": oid})
        errors = conn.execute(
            sa.text("SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL")
        ).scalar_one()
        assert errors == 0, "the edited pg_hba.conf has errors; it was not reloaded"
        conn.execute(sa.text("SELECT pg_reload_conf()"))
    finally:
        conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": HBA_LOCK})


def _refused(url: str) -> bool:
    engine = sa.create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})
    try:
        with engine.connect():
            return False
    except sa.exc.OperationalError as exc:
        return "password authentication failed" in str(exc.orig)
    finally:
        engine.dispose()


@contextmanager
def password_protected_database() -> Iterator[tuple[str, str]]:
    """(URL without password, password) of a fresh database owned by a fresh role that must give it."""
    name = f"uppf_cred_{secrets.token_hex(6)}"
    password = secrets.token_urlsafe(16)  # letters, digits, - and _: safe inside a SQL string literal
    line = f"host {name} {name} 127.0.0.1/32 scram-sha-256  {HBA_MARK}"
    admin = sa.create_engine(
        ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    )
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'"))
            conn.execute(sa.text(f'CREATE DATABASE "{name}" OWNER "{name}"'))
            _edit_hba(conn, lambda lines: [line, *lines])
        url = sa.make_url(ADMIN_URL).set(username=name, database=name).render_as_string(hide_password=False)
        try:
            wrong = sa.make_url(url).set(password="wrong").render_as_string(hide_password=False)
            deadline = time.monotonic() + 10  # the reload is asynchronous
            while not _refused(wrong):
                assert time.monotonic() < deadline, "the server still accepts a wrong password"
                time.sleep(0.1)
            yield url, password
        finally:
            with admin.connect() as conn:
                _edit_hba(conn, lambda lines: [kept for kept in lines if kept != line])
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(sa.text(f'DROP ROLE IF EXISTS "{name}"'))
    finally:
        admin.dispose()


@pytest.fixture
def protected() -> Iterator[tuple[str, str]]:
    try:
        with password_protected_database() as database:
            yield database
    except sa.exc.OperationalError as exc:
        if os.environ.get("UPPFOLJNING_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL at {ADMIN_URL} is unreachable: {exc.orig}")
        pytest.skip(f"PostgreSQL at {ADMIN_URL} is unreachable: {exc.orig}")


async def _stored_flow_run_parameters() -> list[dict]:
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        runs = await client.read_flow_runs()
    return [run.parameters for run in runs]


def _run(url: str, out: Path) -> int:
    return main(["run", "--period", "2025-04", "--ledger-url", url, "--out", str(out)])


@pytest.mark.postgres
def test_password_reaches_the_connection_and_stays_out_of_prefect_outputs_and_terminal(
    protected: tuple[str, str],
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, password = protected
    with_password = sa.make_url(url).set(password=password).render_as_string(hide_password=False)
    write_small_office(with_password, with_password)
    # A password kept from an earlier run of this process must not help (settings keeps them in memory).
    monkeypatch.setattr(settings, "_runtime_passwords", {})

    # Without the password the server refuses: validation cannot reach the source, nothing is published.
    assert _run(url, tmp_path / "none") == 2
    assert "source_reachable" in capfd.readouterr().err
    assert not (tmp_path / "none" / "2025-04").exists()

    # Beside a URL without one, from the environment (ledger and HR, which falls back to the ledger URL).
    monkeypatch.setenv("UPPFOLJNING_LEDGER_PASSWORD", password)
    monkeypatch.setenv("UPPFOLJNING_HR_PASSWORD", password)
    assert _run(url, tmp_path / "env") == 0, capfd.readouterr().err
    assert (tmp_path / "env" / "2025-04" / "figures.json").is_file()
    monkeypatch.delenv("UPPFOLJNING_LEDGER_PASSWORD")
    monkeypatch.delenv("UPPFOLJNING_HR_PASSWORD")
    capfd.readouterr()

    # In the URL on the command line.
    out = tmp_path / "out"
    status = _run(with_password, out)

    captured = capfd.readouterr()
    assert status == 0, captured.err
    assert (out / "2025-04" / "figures.json").is_file()
    parameters = asyncio.run(_stored_flow_run_parameters())
    ours = [p for p in parameters if p.get("out_dir") == str(out)]
    assert ours, "the run's parameters are stored by Prefect"
    assert all(password not in repr(p) for p in ours)
    assert f"{sa.make_url(url).username}@127.0.0.1" in ours[0]["ledger_url"]  # the URL, without its password
    assert password not in captured.out + captured.err
    for path in out.rglob("*"):
        if path.is_file():
            assert password not in path.read_text(encoding="utf-8", errors="replace"), path
