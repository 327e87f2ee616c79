"""Bad data and bugs end differently: exit 2 naming table, key and rule, or exit 1 with the traceback.

Both cases pass validation (the small office is clean), so each one reaches the extract and compute
stages, where the flow used to turn every ValueError into "source unusable".
"""

from __future__ import annotations

import json
import logging
import traceback
from pathlib import Path

import pytest
import sqlalchemy as sa

from expectations import ValidationReport
from tests.fixtures.small_office import write_small_office
from uppfoljning.cli import main


@pytest.fixture
def prefect_logging() -> None:
    """Prefect configures logging on its first flow run of the process, replacing the root logger's handlers
    (pytest's log capture among them); done here, before the test, the run's log records are captured."""
    from prefect.logging.configuration import setup_logging

    setup_logging()


def _office(tmp_path: Path) -> tuple[str, str]:
    urls = (f"sqlite:///{tmp_path / 'ledger.db'}", f"sqlite:///{tmp_path / 'hr.db'}")
    write_small_office(*urls)
    return urls


def _run(urls: tuple[str, str], out: Path) -> int:
    ledger_url, hr_url = urls
    return main(
        ["run", "--period", "2025-04", "--ledger-url", ledger_url, "--hr-url", hr_url, "--out", str(out)]
    )


def _run_log(out: Path) -> list[dict[str, object]]:
    return [
        json.loads(line) for line in (out / "runs" / "2025-04.jsonl").read_text(encoding="utf-8").splitlines()
    ]


def test_a_bug_is_exit_1_with_the_traceback_and_nothing_published(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    prefect_logging: None,
) -> None:
    urls = _office(tmp_path)
    out = tmp_path / "out"

    def broken_turnover(*args: object, **kwargs: object) -> dict[str, object]:
        # A ValueError on purpose: the flow used to report exactly this class as bad data (exit 2).
        raise ValueError("injected bug in the turnover transform")

    monkeypatch.setattr("transforms.figures.personalomsattning", broken_turnover)

    status = _run(urls, out)

    err = capfd.readouterr().err
    assert status == 1
    assert (
        "the run failed unexpectedly" in err and "ValueError: injected bug in the turnover transform" in err
    )
    assert "inget publicerades" not in err  # not presented as bad data
    # The log (Prefect's, on stderr in a terminal) holds the traceback down to the frame that raised.
    tracebacks = [
        "".join(traceback.format_exception(*record.exc_info))
        for record in caplog.records
        if record.exc_info and record.levelno >= logging.ERROR
    ]
    assert any("broken_turnover" in text and "injected bug" in text for text in tracebacks), tracebacks
    assert not (out / "2025-04").exists()
    (record,) = _run_log(out)
    assert record["outcome"] == "failed"


def test_data_the_user_can_fix_is_exit_2_naming_table_key_and_rule(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    prefect_logging: None,
) -> None:
    urls = _office(tmp_path)
    # A P&L entry on account 8500, which no report row maps. Validation would stop it (ledger.account_mapped);
    # it is switched off here so that the compute stage's own check is what meets the data.
    with sa.create_engine(urls[0]).begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO gl_entries VALUES ('X1', 1, '2025-03-10', 202503, '8500', 'RK100', NULL, 100.00, 'a'),"
                " ('X1', 2, '2025-03-10', 202503, '2440', 'RK100', NULL, -100.00, 'b')"
            )
        )
    monkeypatch.setattr("expectations.runner.validate_sources", lambda *a, **k: ValidationReport([], 0, {}))
    out = tmp_path / "out"

    status = _run(urls, out)

    err = capfd.readouterr().err
    assert status == 2
    assert "gl_entries" in err
    assert "account 8500" in err
    assert "ledger.account_mapped" in err
    assert "inget publicerades" in err
    assert not (out / "2025-04").exists()
    assert not [r for r in caplog.records if r.exc_info], "bad data is no traceback in the log"
    (record,) = _run_log(out)
    assert record["outcome"] == "blocked"
