"""A database password given on the command line never reaches Prefect's records, the outputs or the terminal.

The server trusts local connections, so any password is accepted: the run is real, and the test can look
for the password everywhere it must not be.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.fixtures.small_office import write_small_office
from tests.pg import pg_url_factory  # noqa: F401 - the fixture
from uppfoljning.cli import main

PASSWORD = "s3cret-Hemlig-7731"


async def _stored_flow_run_parameters() -> list[dict]:
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        runs = await client.read_flow_runs()
    return [run.parameters for run in runs]


@pytest.mark.postgres
def test_password_stays_out_of_prefect_outputs_and_terminal(
    pg_url_factory: Callable[[], str],  # noqa: F811
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    url = pg_url_factory()
    write_small_office(url, url)
    with_password = sa.make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)
    out = tmp_path / "out"

    status = main(["run", "--period", "2025-04", "--ledger-url", with_password, "--out", str(out)])

    captured = capfd.readouterr()
    assert status == 0, captured.err
    parameters = asyncio.run(_stored_flow_run_parameters())
    ours = [p for p in parameters if p.get("out_dir") == str(out)]
    assert ours, "the run's parameters are stored by Prefect"
    assert all(PASSWORD not in repr(p) for p in ours)
    assert "postgres@127.0.0.1" in ours[0]["ledger_url"]  # the URL is there, without its password
    assert PASSWORD not in captured.out + captured.err
    for path in out.rglob("*"):
        if path.is_file():
            assert PASSWORD not in path.read_text(encoding="utf-8", errors="replace"), path
