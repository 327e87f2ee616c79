"""The source contract's promise (§1): a warehouse with other table and column names is read through a mapping
file, not by editing code.

The small office (tests/fixtures/small_office.py) is written, its tables are renamed out of the way
(raw_<name>), and views with a Swedish warehouse's names are created over them: mixed case, spaces, dots,
parentheses and å/ä/ö, and on PostgreSQL schemas, one of them per table. No table or column of the contract's
names is left, so a run that ignored the mapping could not pass. The expected figures are the hand-computed
April of tests/flows/test_monthly.py.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from expectations import ValidationReport, validate_sources
from extract.sources import CONTRACT, load_mapping
from tests.fixtures.small_office import write_small_office
from tests.flows.test_monthly import INPUTS, assert_april
from tests.pg import pg_url_factory  # noqa: F401  (a fixture: used as a test parameter)
from uppfoljning.cli import main
from uppfoljning.plan import load_plan

# contract table -> (the warehouse's view, {contract column: the warehouse's column})
WAREHOUSE: dict[str, tuple[str, dict[str, str]]] = {
    "gl_entries": (
        "Verifikationsrader",
        {
            "voucher_id": "Verifikation",
            "row_no": "Rad nr",
            "booking_date": "Bokföringsdag",
            "period": "Period",
            "account": "Konto",
            "cost_center": "Ansvar",
            "project": "Projekt",
            "amount": "Belopp (kr)",
            "description": "Text",
        },
    ),
    "budget_entries": (
        "Budget per månad",
        {
            "budget_version": "Version",
            "period": "Period",
            "account": "Konto",
            "cost_center": "Ansvar",
            "amount": "Belopp",
        },
    ),
    "investment_projects": (
        "Investeringsprojekt",
        {"project": "Projekt", "name": "Benämning", "category": "Kategori", "year": "År", "budget": "Budget"},
    ),
    "cost_centers": ("Ansvar", {"cost_center": "Ansvar", "name": "Benämning", "parent": "Överordnat ansvar"}),
    "employees": ("Anställda", {"person_id": "Person", "birth_year": "Födelseår", "sex": "Kön"}),
    "employments": (
        "Anställningar",
        {
            "employment_id": "Anst.id",
            "person_id": "Person",
            "cost_center": "Ansvar",
            "employment_type": "Anst.form",
            "start_date": "Från och med",
            "end_date": "Till och med",
            "end_reason": "Avgångsorsak",
            "work_rate": "Syss.grad",
        },
    ),
    "scheduled_hours": ("Schemalagd tid", {"person_id": "Person", "period": "Månad", "hours": "Timmar"}),
    "sick_leave": (
        "Sjukfrånvaro",
        {
            "person_id": "Person",
            "spell_id": "Sjukfall",
            "spell_start": "Sjukfall från",
            "spell_end": "Sjukfall till",
            "period": "Månad",
            "hours": "Timmar",
        },
    ),
}
EXTRA_COLUMN = "Registrerad av"
"""A column of the warehouse's gl view that the contract does not know: it must not disturb anything."""

# PostgreSQL: the schema of each source, and one table in a schema of its own.
PG_SCHEMAS = {"ledger": "Ekonomi", "hr": "HR data"}
PG_TABLE_SCHEMAS = {"cost_centers": "Gemensamma register"}

ALL_TABLES_MISSING = [
    (f"{source}.table_exists", table) for source in ("ledger", "hr") for table in CONTRACT[source]
]


def mapping_data(postgres: bool) -> dict[str, Any]:
    """The mapping file's content for WAREHOUSE (with the schemas on PostgreSQL)."""
    data: dict[str, Any] = {}
    for source, tables in CONTRACT.items():
        entry: dict[str, Any] = {"tables": {}}
        if postgres:
            entry["schema"] = PG_SCHEMAS[source]
        for name in tables:
            view, columns = WAREHOUSE[name]
            table: dict[str, Any] = {"table": view, "columns": columns}
            if postgres and name in PG_TABLE_SCHEMAS:
                table["schema"] = PG_TABLE_SCHEMAS[name]
            entry["tables"][str(name)] = table
        data[source] = entry
    return data


def write_mapping(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def rename_to_warehouse(url: str, source: str, postgres: bool) -> None:
    """Move the contract tables of `source` out of the way and put the warehouse's views over them."""
    engine = sa.create_engine(url)
    quote = engine.dialect.identifier_preparer
    try:
        with engine.begin() as conn:
            for name, contract in CONTRACT[source].items():
                view, columns = WAREHOUSE[name]
                schema = (PG_TABLE_SCHEMAS.get(name) or PG_SCHEMAS[source]) if postgres else None
                if schema:
                    conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {quote.quote_schema(schema)}"))
                conn.execute(sa.text(f"ALTER TABLE {name} RENAME TO raw_{name}"))
                selected = [f"{c.name} AS {quote.quote(columns[c.name])}" for c in contract.columns]
                if name == "gl_entries":
                    selected.append(f"'ekonom' AS {quote.quote(EXTRA_COLUMN)}")
                target = quote.format_table(sa.table(view, schema=schema))
                conn.execute(sa.text(f"CREATE VIEW {target} AS SELECT {', '.join(selected)} FROM raw_{name}"))
    finally:
        engine.dispose()


def renamed_office(ledger_url: str, hr_url: str, postgres: bool = False) -> None:
    write_small_office(ledger_url, hr_url)
    rename_to_warehouse(ledger_url, "ledger", postgres)
    rename_to_warehouse(hr_url, "hr", postgres)


def execute(url: str, *statements: str) -> None:
    with sa.create_engine(url).begin() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))


def validate(urls: tuple[str, str], mapping: Path | None, month: int = 4) -> ValidationReport:
    return validate_sources(*urls, load_plan(), 2025, month, mapping=load_mapping(mapping))


def run(urls: tuple[str, str], out: Path, *options: str) -> int:
    argv = ["run", "--period", "2025-04", "--ledger-url", urls[0], "--hr-url", urls[1], "--out", str(out)]
    return main([*argv, *options])


async def _stored_flow_run_parameters() -> list[dict[str, Any]]:
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        return [run.parameters for run in await client.read_flow_runs()]


# Two rows behind the renamed views, each breaking one rule: an unbalanced voucher (100 SEK on one row) and
# scheduled hours of a person the employees view lacks (a rule that reads a second view, {employees}).
BROKEN_ROWS = {
    "ledger": "INSERT INTO raw_gl_entries VALUES"
    " ('X9', 1, '2025-03-10', 202503, '5010', 'RK100', NULL, 100.00, 'obalans')",
    "hr": "INSERT INTO raw_scheduled_hours VALUES ('p98', 202503, 160.0)",
}
BROKEN_FINDINGS = [
    ("ledger.vouchers_balance", "gl_entries", "critical", 1, ["X9"]),
    ("hr.scheduled_hours_person_known", "scheduled_hours", "critical", 1, ["p98"]),
]


def findings_of(report: ValidationReport) -> list[tuple[str, str, str, int, list[str]]]:
    return [(f.rule, f.table, f.severity, f.count, f.examples) for f in report.findings]


# --- fixtures ---------------------------------------------------------------------------------------------
@pytest.fixture
def sqlite_urls(tmp_path: Path) -> tuple[str, str]:
    urls = (f"sqlite:///{tmp_path / 'ekonomi.db'}", f"sqlite:///{tmp_path / 'hr.db'}")
    renamed_office(*urls)
    return urls


@pytest.fixture
def inputs_file(tmp_path: Path) -> Path:
    path = tmp_path / "indata-2025.yaml"
    path.write_text(yaml.safe_dump(INPUTS, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def sqlite_mapping(tmp_path: Path) -> Path:
    return write_mapping(tmp_path / "mappning.yaml", mapping_data(postgres=False))


# --- SQLite ---------------------------------------------------------------------------------------------
def test_run_reads_the_renamed_views_sqlite(
    sqlite_urls: tuple[str, str], sqlite_mapping: Path, inputs_file: Path, tmp_path: Path
) -> None:
    # Without the mapping no table of the contract's names exists: eight table_exists findings.
    assert [(f.rule, f.table) for f in validate(sqlite_urls, None).findings] == ALL_TABLES_MISSING

    out = tmp_path / "out"
    assert run(sqlite_urls, out, "--inputs", str(inputs_file), "--mapping", str(sqlite_mapping)) == 0

    figures = json.loads((out / "2025-04" / "figures.json").read_text(encoding="utf-8"))
    assert_april(out, figures)  # every hand-computed figure of April, read through the views
    # The mapping reached the flow as a parameter: a path, nothing secret.
    stored = asyncio.run(_stored_flow_run_parameters())
    assert any(p.get("mapping_path") == str(sqlite_mapping) for p in stored)


def test_a_broken_row_behind_a_renamed_view_is_reported_with_the_contract_rule_and_key(
    sqlite_urls: tuple[str, str], sqlite_mapping: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert validate(sqlite_urls, sqlite_mapping).findings == []  # the clean office passes every rule
    execute(sqlite_urls[0], BROKEN_ROWS["ledger"])
    execute(sqlite_urls[1], BROKEN_ROWS["hr"])

    report = validate(sqlite_urls, sqlite_mapping)
    assert findings_of(report) == BROKEN_FINDINGS
    assert report.findings[0].message.startswith(
        'gl_entries ("Verifikationsrader"): rule ledger.vouchers_balance failed for 1 voucher'
    )
    argv = ["validate", "--period", "2025-04", "--ledger-url", sqlite_urls[0], "--hr-url", sqlite_urls[1]]
    assert main([*argv, "--mapping", str(sqlite_mapping)]) == 2
    printed = capsys.readouterr().out
    assert "ledger.vouchers_balance" in printed and "X9" in printed
    assert "hr.scheduled_hours_person_known" in printed and "p98" in printed


def test_a_mapped_column_or_table_that_does_not_exist_is_named(
    sqlite_urls: tuple[str, str], tmp_path: Path
) -> None:
    data = mapping_data(postgres=False)
    data["ledger"]["tables"]["gl_entries"]["columns"]["amount"] = (
        "Belopp i kronor"  # the view has "Belopp (kr)"
    )
    data["hr"]["tables"]["employees"]["table"] = "Anstallda"  # the view is "Anställda"
    report = validate(sqlite_urls, write_mapping(tmp_path / "fel.yaml", data))

    assert findings_of(report) == [
        ("ledger.columns_exist", "gl_entries", "critical", 1, ['"Belopp i kronor" (contract column amount)']),
        ("hr.table_exists", "employees", "critical", 1, ['employees ("Anstallda")']),
    ]
    columns, table = report.findings
    assert columns.message.startswith('gl_entries ("Verifikationsrader"): rule ledger.columns_exist failed')
    assert (
        'table "Anstallda", where the mapping puts contract table employees, does not exist' in table.message
    )
    # Both tables' checks are skipped (they would only fail as internal errors); the rest ran and passed.


def test_the_mapping_comes_from_the_environment_unless_given(
    sqlite_urls: tuple[str, str],
    sqlite_mapping: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["validate", "--period", "2025-04", "--ledger-url", sqlite_urls[0], "--hr-url", sqlite_urls[1]]
    monkeypatch.setenv("UPPFOLJNING_MAPPING", str(sqlite_mapping))
    assert main(argv) == 0  # read through the views; the missing inputs are only warnings
    assert "0 kritiska" in capsys.readouterr().out

    broken = tmp_path / "trasig.yaml"
    broken.write_text("ledger:\n  tables:\n    gl_entrys: {table: X}\n", encoding="utf-8")
    monkeypatch.setenv("UPPFOLJNING_MAPPING", str(broken))
    assert main(argv) == 2
    assert "'gl_entrys' is not a table of the ledger source contract" in capsys.readouterr().err
    assert main([*argv, "--mapping", str(sqlite_mapping)]) == 0  # the option wins over the environment


MALFORMED = [
    # (file content, what the message must say)
    (
        "ledger:\n  tables:\n    gl_entrys: {table: Verifikationsrader}\n",
        "ledger.tables.gl_entrys: 'gl_entrys' is not a table of the ledger source contract "
        "(one of gl_entries, budget_entries, investment_projects, cost_centers)",
    ),
    (
        "ledger:\n  tables:\n    employees: {table: Anställda}\n",  # an HR table under the ledger
        "'employees' is not a table of the ledger source contract",
    ),
    (
        "hr:\n  tables:\n    sick_leave:\n      columns: {hour: Timmar}\n",
        "hr.tables.sick_leave.columns.hour: 'hour' is not a column of sick_leave "
        "(one of person_id, spell_id, spell_start, spell_end, period, hours)",
    ),
    (
        "hr:\n  tables:\n    sick_leave:\n      colums: {hours: Timmar}\n",
        "hr.tables.sick_leave.colums: Extra inputs are not permitted",
    ),
    ("ekonomi:\n  tables: {}\n", "ekonomi: Extra inputs are not permitted"),
    (
        "ledger:\n  tables:\n    gl_entries:\n      columns: {account: Konto, cost_center: Konto}\n",
        "account and cost_center would both read column 'Konto'",
    ),
    (  # renamed onto a name the contract gives another, unmapped column of the table
        "ledger:\n  tables:\n    cost_centers:\n      columns: {name: parent}\n",
        "name and parent would both read column 'parent'",
    ),
    ("ledger:\n  schema: 'Ekonomi: 2025'\n", "'Ekonomi: 2025' contains ':', which cannot be used"),
    ("hr:\n  tables:\n    employees: {table: ''}\n", "String should have at least 1 character"),
    ("hr:\n  tables:\n    employees: {table: ' Anställda'}\n", "' Anställda' begins or ends with a space"),
    ("ledger: [gl_entries\n", "cannot be read"),
    ("- gl_entries\n", "Input should be a valid dictionary"),
]


@pytest.mark.parametrize(("content", "message"), MALFORMED, ids=[m[:40] for _, m in MALFORMED])
def test_a_malformed_mapping_is_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    mapping = tmp_path / "mappning.yaml"
    mapping.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    # The sources do not even exist: the mapping is refused before any source is opened or any flow runs.
    urls = (f"sqlite:///{tmp_path / 'saknas.db'}", f"sqlite:///{tmp_path / 'saknas.db'}")

    assert run(urls, out, "--mapping", str(mapping)) == 2

    stderr = capsys.readouterr().err
    assert f"invalid mapping file: mapping file {mapping}, the file: " in stderr
    assert message in stderr
    assert not out.exists()
    assert not (tmp_path / "saknas.db").exists()


def test_a_missing_mapping_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    urls = (f"sqlite:///{tmp_path / 'saknas.db'}",) * 2
    assert run(urls, tmp_path / "out", "--mapping", str(tmp_path / "finns-inte.yaml")) == 2
    assert f"mapping file {tmp_path / 'finns-inte.yaml'}, the file: cannot be read" in capsys.readouterr().err


def test_an_empty_mapping_file_is_the_contracts_names(tmp_path: Path) -> None:
    empty = tmp_path / "tom.yaml"
    empty.write_text("# no table is renamed\n", encoding="utf-8")
    assert load_mapping(empty) == load_mapping(None)


# --- PostgreSQL: schemas, and identifiers PostgreSQL folds or rejects unless quoted ------------------------
@pytest.mark.postgres
def test_run_reads_the_renamed_views_postgres(
    pg_url_factory: Callable[[], str],  # noqa: F811  (the fixture imported above)
    inputs_file: Path,
    tmp_path: Path,
) -> None:
    url = pg_url_factory()
    urls = (url, url)  # both sources in one database, each in its own schema
    renamed_office(*urls, postgres=True)
    mapping = write_mapping(tmp_path / "mappning.yaml", mapping_data(postgres=True))
    assert [(f.rule, f.table) for f in validate(urls, None).findings] == ALL_TABLES_MISSING

    out = tmp_path / "out"
    assert run(urls, out, "--inputs", str(inputs_file), "--mapping", str(mapping)) == 0
    assert_april(out, json.loads((out / "2025-04" / "figures.json").read_text(encoding="utf-8")))

    execute(url, *BROKEN_ROWS.values())
    report = validate(urls, mapping)
    assert findings_of(report) == BROKEN_FINDINGS
    assert report.findings[0].message.startswith(
        'gl_entries ("Ekonomi"."Verifikationsrader"): rule ledger.vouchers_balance failed for 1 voucher'
    )
    # The schema is part of where a table is looked for: the same view name in another schema is not it.
    data = mapping_data(postgres=True)
    data["ledger"]["tables"]["cost_centers"].pop("schema")  # "Ansvar" is in "Gemensamma register"
    report = validate(urls, write_mapping(tmp_path / "utan-schema.yaml", data))
    assert findings_of(report) == [
        ("ledger.table_exists", "cost_centers", "critical", 1, ['cost_centers ("Ekonomi"."Ansvar")']),
        *BROKEN_FINDINGS,  # the rules that do not read cost_centers still run
    ]
