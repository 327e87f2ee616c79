"""Bad input through the command line: one broken rule at a time blocks publication.

Each case breaks exactly one rule of the small office (tests/fixtures/small_office.py), and the run log
shows that this rule, and no other, failed, with the number of offending keys worked out by hand; the run
must exit with status 2, name the rule's key on stderr, and write nothing for the month.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.fixtures.small_office import write_small_office
from uppfoljning.cli import main

# (rule, source, SQL that breaks exactly that rule, text the message must contain, offending keys by hand)
CASES = [
    (
        "ledger.vouchers_balance",
        "ledger",
        "INSERT INTO gl_entries VALUES ('X9', 1, '2025-03-10', 202503, '5010', 'RK100', NULL, 100.00, 'obalans')",
        "X9",
        1,
    ),
    (
        "ledger.keys_unique",
        "ledger",
        "INSERT INTO gl_entries VALUES ('X8', 1, '2025-03-10', 202503, '5010', 'RK100', NULL, 100.00, 'a'),"
        " ('X8', 1, '2025-03-10', 202503, '2440', 'RK100', NULL, -100.00, 'b')",
        "X8/1",
        1,
    ),
    (
        "ledger.account_mapped",
        "ledger",
        "INSERT INTO gl_entries VALUES ('X7', 1, '2025-03-10', 202503, '8500', 'RK100', NULL, 100.00, 'a'),"
        " ('X7', 2, '2025-03-10', 202503, '2440', 'RK100', NULL, -100.00, 'b')",
        "8500",
        1,
    ),
    (
        "ledger.period_valid",
        "ledger",
        "INSERT INTO gl_entries VALUES ('X6', 1, '2025-03-10', 202513, '5010', 'RK100', NULL, 100.00, 'a'),"
        " ('X6', 2, '2025-03-10', 202513, '2440', 'RK100', NULL, -100.00, 'b')",
        "X6",
        2,
    ),
    (
        "ledger.required_not_null",
        "ledger",
        "INSERT INTO gl_entries VALUES ('X5', 1, '2025-03-10', 202503, '5010', NULL, NULL, 100.00, 'a'),"
        " ('X5', 2, '2025-03-10', 202503, '2440', 'RK100', NULL, -100.00, 'b')",
        "X5/1",
        1,
    ),
    ("ledger.table_exists", "ledger", "DROP TABLE budget_entries", "budget_entries", 1),
    ("hr.person_ids_unique", "hr", "INSERT INTO employees VALUES ('p01', 1981, 'K')", "p01", 1),
    (
        "hr.employment_ids_unique",
        "hr",
        "INSERT INTO employments SELECT * FROM employments WHERE employment_id = 'E13'",
        "E13",
        1,
    ),
    (
        "hr.employment_person_known",
        "hr",
        "INSERT INTO employments VALUES ('E99', 'p99', 'RK100', 'tillsvidare', '2020-01-01', NULL, NULL, 1.0)",
        "p99",
        1,
    ),
    (
        "hr.scheduled_hours_person_known",
        "hr",
        "INSERT INTO scheduled_hours VALUES ('p98', 202503, 160.0)",
        "p98",
        1,
    ),
    (
        "hr.sick_leave_person_known",
        "hr",
        "INSERT INTO sick_leave VALUES ('p97', 'S97', '2025-03-01', '2025-03-02', 202503, 8.0)",
        "p97",
        1,
    ),
    (
        "hr.dates_valid",
        "hr",
        "INSERT INTO employments VALUES ('E98', 'p01', 'RK100', 'visstid', '2025-03-01', '2025-02-01', 'ovrigt', 1.0)",
        "E98",
        1,
    ),
    ("hr.period_valid", "hr", "INSERT INTO scheduled_hours VALUES ('p01', 202500, 160.0)", "202500", 1),
    ("hr.sex_valid", "hr", "UPDATE employees SET sex = 'X' WHERE person_id = 'p03'", "p03", 1),
    # The data-quality gate's further critical rules.
    (
        "ledger.cost_center_known",
        "ledger",
        "INSERT INTO gl_entries VALUES ('X4', 1, '2025-03-10', 202503, '5010', 'RK999', NULL, 100.00, 'a'),"
        " ('X4', 2, '2025-03-10', 202503, '2440', 'RK100', NULL, -100.00, 'b')",
        "RK999",
        1,
    ),
    (
        "ledger.project_known",
        "ledger",
        "INSERT INTO gl_entries VALUES ('X3', 1, '2025-03-10', 202503, '1150', 'RK100', 'P-404', 100.00, 'a'),"
        " ('X3', 2, '2025-03-10', 202503, '2440', 'RK100', NULL, -100.00, 'b')",
        "P-404",
        1,
    ),
    (
        "ledger.amount_two_decimals",
        "ledger",
        "INSERT INTO gl_entries VALUES ('X2', 1, '2025-03-10', 202503, '5010', 'RK100', NULL, 100.005, 'a'),"
        " ('X2', 2, '2025-03-10', 202503, '2440', 'RK100', NULL, -100.005, 'b')",
        "X2/1",
        2,
    ),
    ("ledger.report_month_loaded", "ledger", "DELETE FROM gl_entries WHERE period = 202503", "202503", 1),
    (
        "ledger.budget_version_exists",
        "ledger",
        "UPDATE budget_entries SET budget_version = 'B2025-X' WHERE budget_version = 'B2025'",
        "B2025",
        1,
    ),
    (  # December's rows booked on November: the year's totals still match the plan (a deletion would not)
        "ledger.budget_covers_year",
        "ledger",
        "UPDATE budget_entries SET period = 202511 WHERE budget_version = 'B2025' AND period = 202512",
        "202512",
        1,
    ),
    (
        "ledger.budget_matches_plan",
        "ledger",
        "UPDATE budget_entries SET amount = amount + 1000"
        " WHERE budget_version = 'B2025' AND period = 202501 AND account = '4010'",
        "personalkostnader",
        1,
    ),
    (  # a stray space: the plan's "FVIS" has no row, and "FVIS " is in no plan (a deletion would also
        # leave the ledger's P-FVIS rows without a project: ledger.project_known)
        "ledger.investment_projects_known",
        "ledger",
        "UPDATE investment_projects SET name = 'FVIS ' WHERE name = 'FVIS'",
        'plan: "FVIS"',
        2,
    ),
    (
        "hr.end_reason_iff_end_date",
        "hr",
        "INSERT INTO employments VALUES ('E97', 'p01', 'RK100', 'visstid', '2024-01-01', '2024-06-30', NULL, 1.0)",
        "E97",
        1,
    ),
    (
        "hr.employment_type_allowed",
        "hr",
        "INSERT INTO employments VALUES ('E96', 'p01', 'RK100', 'konsult', '2024-01-01', NULL, NULL, 1.0)",
        "E96",
        1,
    ),
    (
        "hr.end_reason_allowed",
        "hr",
        "INSERT INTO employments VALUES ('E95', 'p01', 'RK100', 'visstid', '2024-01-01', '2024-03-31', 'flytt', 1.0)",
        "E95",
        1,
    ),
    (
        "hr.work_rate_valid",
        "hr",
        "INSERT INTO employments VALUES ('E94', 'p01', 'RK100', 'visstid', '2024-01-01', NULL, NULL, 1.5)",
        "E94",
        1,
    ),
    (
        "hr.scheduled_hours_nonnegative",
        "hr",
        "INSERT INTO scheduled_hours VALUES ('p01', 202503, -500.0)",
        "p01",
        1,
    ),
    (
        "hr.sick_hours_within_schedule",
        "hr",
        "INSERT INTO sick_leave VALUES ('p01', 'S-BIG', '2025-03-03', '2025-03-28', 202503, 200.0)",
        "p01",
        1,
    ),
    (
        "hr.spell_consistent",
        "hr",
        "INSERT INTO sick_leave VALUES ('p01', 'S-X', '2025-03-03', '2025-03-04', 202503, 8.0),"
        " ('p01', 'S-X', '2025-03-06', '2025-03-07', 202503, 8.0)",
        "S-X",
        1,
    ),
    (
        "hr.sick_leave_has_employment",
        "hr",
        "INSERT INTO employees VALUES ('p77', 1980, 'M');"
        "INSERT INTO employments VALUES ('E77', 'p77', 'RK100', 'visstid', '2023-01-01', '2024-12-31', 'ovrigt', 1.0);"
        "INSERT INTO sick_leave VALUES ('p77', 'S77', '2025-03-03', '2025-03-04', 202503, 8.0)",
        "p77",
        1,
    ),
]


def _sources(tmp_path: Path) -> dict[str, str]:
    urls = {"ledger": f"sqlite:///{tmp_path / 'ledger.db'}", "hr": f"sqlite:///{tmp_path / 'hr.db'}"}
    write_small_office(urls["ledger"], urls["hr"])
    return urls


def _run(urls: dict[str, str], out: Path) -> int:
    return main(
        [
            "run",
            "--period",
            "2025-04",
            "--ledger-url",
            urls["ledger"],
            "--hr-url",
            urls["hr"],
            "--out",
            str(out),
        ]
    )


@pytest.mark.parametrize(("rule", "source", "statement", "key", "count"), CASES, ids=[c[0] for c in CASES])
def test_broken_rule_blocks_publication(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rule: str,
    source: str,
    statement: str,
    key: str,
    count: int,
) -> None:
    urls = _sources(tmp_path)
    with sa.create_engine(urls[source]).begin() as conn:
        for single in statement.split(";"):
            conn.execute(sa.text(single))
    out = tmp_path / "out"

    status = _run(urls, out)

    stderr = capsys.readouterr().err
    assert status == 2
    assert rule in stderr
    assert key in stderr
    assert "inget publicerades" in stderr
    assert not (out / "2025-04").exists()
    # The run is recorded beside the reports: this rule and no other failed, without the offending keys.
    (record,) = _run_log(out)
    assert record["outcome"] == "blocked"
    assert [(f["rule"], f["severity"], f["count"]) for f in record["findings"]] == [(rule, "critical", count)]
    if not rule.endswith(".table_exists"):  # there the key is the table's name
        assert key not in json.dumps(record)


@pytest.mark.parametrize(
    ("rule", "source", "statement", "key"),
    [
        (
            "ledger.period_matches_booking_date",
            "ledger",
            "INSERT INTO gl_entries VALUES ('X1', 1, '2025-03-25', 202501, '5010', 'RK100', NULL, 100.00, 'a'),"
            " ('X1', 2, '2025-03-25', 202501, '2440', 'RK100', NULL, -100.00, 'b')",
            "X1",
        ),
        (
            "hr.scheduled_hours_bounds",
            "hr",
            "INSERT INTO scheduled_hours VALUES ('p01', 202503, 100.0)",
            "p01",
        ),
    ],
)
def test_warning_publishes_and_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rule: str, source: str, statement: str, key: str
) -> None:
    urls = _sources(tmp_path)
    with sa.create_engine(urls[source]).begin() as conn:
        conn.execute(sa.text(statement))
    out = tmp_path / "out"

    assert _run(urls, out) == 0

    figures = json.loads((out / "2025-04" / "figures.json").read_text(encoding="utf-8"))
    assert figures["data_quality"]["status"] == "warnings"
    # Exactly this rule of the sources (the inputs' own warnings aside: no inputs file is given), one key:
    # voucher X1, or p01's March of 160 + 100 = 260 h.
    sources = [c for c in figures["data_quality"]["checks"] if not c["rule"].startswith("inputs.")]
    assert [(c["rule"], c["severity"], c["count"]) for c in sources] == [(rule, "warning", 1)]
    (finding,) = sources
    # The charts are base64 data URIs in the page: three letters of a key can occur in them by chance.
    report = re.sub(
        r"data:image/png;base64,[^\"]+", "", (out / "2025-04" / "report.html").read_text(encoding="utf-8")
    )
    # The board report says it in one Swedish sentence; the rule id and the keys stay in figures.json and
    # the run log (and `uppfoljning validate`).
    assert BOARD_SENTENCES[rule] in report.replace("\u00a0", " ")
    assert rule not in report and key not in report
    if source == "hr":  # a pseudonymous person id is personal data: never in a published file
        assert finding["examples"] == [] and key not in json.dumps(finding)
    else:
        assert key in finding["examples"][0]


BOARD_SENTENCES = {
    "ledger.period_matches_booking_date": (
        "1 verifikationsrad har ett bokföringsdatum utanför sin redovisningsperiod; perioden bör kontrolleras."
    ),
    "hr.scheduled_hours_bounds": (
        "1 personmånad har mer schemalagd tid än en heltid; schemaunderlaget bör kontrolleras."
    ),
}


def test_blocked_rerun_keeps_the_published_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = _sources(tmp_path)
    out = tmp_path / "out"
    assert _run(urls, out) == 0
    published = (out / "2025-04" / "figures.json").read_text(encoding="utf-8")
    with sa.create_engine(urls["ledger"]).begin() as conn:
        conn.execute(sa.text(CASES[0][2]))

    assert _run(urls, out) == 2

    assert "X9" in capsys.readouterr().err
    assert (out / "2025-04" / "figures.json").read_text(encoding="utf-8") == published
    assert json.loads(published)["version"] == 1
    assert sorted(p.name for p in (out / "2025-04" / "versions").iterdir()) == ["v1"]
    assert [r["outcome"] for r in _run_log(out)] == ["published", "blocked"]
    page = (out / "runs" / "2025-04.html").read_text(encoding="utf-8")
    assert "stoppad" in page and "publicerad version 1" in page


def _run_log(out: Path) -> list[dict]:
    lines = (out / "runs" / "2025-04.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.mark.parametrize(
    ("argv_tail", "message"),
    [
        (["--period", "2025-13"], "YYYY-MM"),
        # Sending without a recipients file: refused before anything runs (contract §4).
        (
            ["--period", "2025-04", "--send", "--recipients", "/nonexistent/mottagare.yaml"],
            "recipients.file_exists",
        ),
    ],
)
def test_unusable_arguments_are_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv_tail: list[str], message: str
) -> None:
    urls = _sources(tmp_path)
    out = tmp_path / "out"
    status = main(
        ["run", "--ledger-url", urls["ledger"], "--hr-url", urls["hr"], "--out", str(out), *argv_tail]
    )
    assert status == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_validate_lists_every_finding_with_its_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = _sources(tmp_path)
    argv = ["validate", "--period", "2025-04", "--ledger-url", urls["ledger"], "--hr-url", urls["hr"]]
    assert main(argv) == 0  # the small office is clean; its missing inputs are only warnings
    assert "0 kritiska" in capsys.readouterr().out
    with sa.create_engine(urls["hr"]).begin() as conn:
        conn.execute(sa.text("INSERT INTO scheduled_hours VALUES ('p98', 202503, 160.0)"))

    assert main(argv) == 2

    printed = capsys.readouterr().out
    assert "[critical]" in printed and "p98" in printed  # the operator sees the pseudonymous key
    assert not (tmp_path / "out").exists()
