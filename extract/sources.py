"""The source contract (contract.md §1) as SQLAlchemy Core tables, and its mapping onto a region's warehouse.

The contract tables describe the region's tables or views; the pipeline only reads them. They carry no
primary-key or NOT NULL constraints on purpose: the sources are views we do not own, so duplicated keys and
missing values are things validation must detect, and the demo and test writers must be able to create such
rows.

A region whose warehouse uses other names configures a mapping file instead of editing code (contract §1;
README, "Table and column names"): per source, per contract table, another table or view name, a schema
and other column names. `ledger_tables(mapping)` / `hr_tables(mapping)` turn it into SQLAlchemy tables of
the warehouse whose columns carry the contract names as keys, `Column(name=<warehouse name>,
key=<contract name>)`: queries are written once, in contract vocabulary (`gl_entries.c.period`), and
SQLAlchemy's compiler quotes every warehouse identifier. `contract_view(table)` is the warehouse table seen
under the contract's column names, for SQL written as text (the validation rules).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Literal

import sqlalchemy as sa
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from uppfoljning.datafile import invalid_file, read_yaml

__all__ = [
    "HR_TABLES",
    "LEDGER_TABLES",
    "RECOMMENDED_INDEXES",
    "HrTables",
    "LedgerTables",
    "Mapping",
    "budget_entries",
    "contract_view",
    "cost_centers",
    "create_source_tables",
    "employees",
    "employments",
    "gl_entries",
    "hr_metadata",
    "hr_tables",
    "investment_projects",
    "ledger_metadata",
    "ledger_tables",
    "load_mapping",
    "scheduled_hours",
    "sick_leave",
]

ledger_metadata = sa.MetaData()
hr_metadata = sa.MetaData()

gl_entries = sa.Table(
    "gl_entries",
    ledger_metadata,
    sa.Column("voucher_id", sa.Text),
    sa.Column("row_no", sa.Integer),
    sa.Column("booking_date", sa.Date),
    sa.Column("period", sa.Integer),
    sa.Column("account", sa.Text),
    sa.Column("cost_center", sa.Text),
    sa.Column("project", sa.Text),
    sa.Column("amount", sa.Numeric(18, 2, asdecimal=False)),
    sa.Column("description", sa.Text),
)

budget_entries = sa.Table(
    "budget_entries",
    ledger_metadata,
    sa.Column("budget_version", sa.Text),
    sa.Column("period", sa.Integer),
    sa.Column("account", sa.Text),
    sa.Column("cost_center", sa.Text),
    sa.Column("amount", sa.Numeric(18, 2, asdecimal=False)),
)

investment_projects = sa.Table(
    "investment_projects",
    ledger_metadata,
    sa.Column("project", sa.Text),
    sa.Column("name", sa.Text),
    sa.Column("category", sa.Text),
    sa.Column("year", sa.Integer),
    sa.Column("budget", sa.Numeric(18, 2, asdecimal=False)),
)

cost_centers = sa.Table(
    "cost_centers",
    ledger_metadata,
    sa.Column("cost_center", sa.Text),
    sa.Column("name", sa.Text),
    sa.Column("parent", sa.Text),
)

employees = sa.Table(
    "employees",
    hr_metadata,
    sa.Column("person_id", sa.Text),
    sa.Column("birth_year", sa.Integer),
    sa.Column("sex", sa.Text),
)

employments = sa.Table(
    "employments",
    hr_metadata,
    sa.Column("employment_id", sa.Text),
    sa.Column("person_id", sa.Text),
    sa.Column("cost_center", sa.Text),
    sa.Column("employment_type", sa.Text),
    sa.Column("start_date", sa.Date),
    sa.Column("end_date", sa.Date),
    sa.Column("end_reason", sa.Text),
    sa.Column("work_rate", sa.Numeric(4, 3, asdecimal=False)),
)

scheduled_hours = sa.Table(
    "scheduled_hours",
    hr_metadata,
    sa.Column("person_id", sa.Text),
    sa.Column("period", sa.Integer),
    sa.Column("hours", sa.Numeric(8, 2, asdecimal=False)),
)

sick_leave = sa.Table(
    "sick_leave",
    hr_metadata,
    sa.Column("person_id", sa.Text),
    sa.Column("spell_id", sa.Text),
    sa.Column("spell_start", sa.Date),
    sa.Column("spell_end", sa.Date),
    sa.Column("period", sa.Integer),
    sa.Column("hours", sa.Numeric(8, 2, asdecimal=False)),
)

LEDGER_TABLES = (gl_entries, budget_entries, investment_projects, cost_centers)
HR_TABLES = (employees, employments, scheduled_hours, sick_leave)

# The indexes the source contract recommends (README, "Recommended indexes"): (table, columns). Each covers
# its stage's query, so the database answers from the index alone: those that start with `period` give the
# report's months as a range of the index instead of the whole table; the one that starts with `voucher_id`
# gives every voucher's rows in order, grouped without a sort. Not created by the pipeline (the sources are the region's); the demo and benchmark
# sources have them (generator.database.create_recommended_indexes).
RECOMMENDED_INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # The economy rows of the year to date (extract.ledger).
    ("gl_entries", ("period", "account", "cost_center", "project", "amount")),
    # Every voucher's balance over the year to date.
    ("gl_entries", ("period", "voucher_id", "amount")),
    # Validation: each voucher's balance and repeated keys, grouped in order (expectations.ledger.VOUCHERS).
    ("gl_entries", ("voucher_id", "row_no", "period", "amount")),
    # The scheduled and sick hours of the window, per person-month (extract.hr).
    ("scheduled_hours", ("period", "person_id", "hours")),
    ("sick_leave", ("period", "person_id", "spell_id", "spell_start", "spell_end", "hours")),
)

SourceName = Literal["ledger", "hr"]
CONTRACT: dict[SourceName, dict[str, sa.Table]] = {
    "ledger": {t.name: t for t in LEDGER_TABLES},
    "hr": {t.name: t for t in HR_TABLES},
}


def create_source_tables(ledger_engine: sa.Engine, hr_engine: sa.Engine) -> None:
    """Create the contract's tables (used by the demo and by tests; a region provides its own views)."""
    ledger_metadata.create_all(ledger_engine)
    hr_metadata.create_all(hr_engine)


# --- the mapping file ----------------------------------------------------------------------------------------
def _warehouse_name(name: str) -> str:
    """A table, schema or column name as the warehouse spells it. SQLAlchemy quotes it; these characters are
    refused because Great Expectations passes the validation SQL through SQLAlchemy's text() several times,
    which reads ' :x' as a bind parameter and doubles '%' on PostgreSQL at every pass."""
    if name != name.strip():
        raise ValueError(f"{name!r} begins or ends with a space")
    bad = sorted({c for c in name if c in ":%" or not c.isprintable()})
    if bad:
        raise ValueError(f"{name!r} contains {', '.join(repr(c) for c in bad)}, which cannot be used")
    return name


WarehouseName = Annotated[str, Field(min_length=1, max_length=128), AfterValidator(_warehouse_name)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class TableMapping(_Strict):
    """Where one contract table is found. Every name left out is the contract's."""

    table: WarehouseName | None = None
    schema_name: WarehouseName | None = Field(default=None, alias="schema")
    columns: dict[str, WarehouseName] = {}  # contract column -> warehouse column


class SourceMapping(_Strict):
    schema_name: WarehouseName | None = Field(default=None, alias="schema")
    """The schema of every table of the source that names none itself (PostgreSQL: a search_path entry)."""
    tables: dict[str, TableMapping] = {}  # contract table -> where it is found


class Mapping(_Strict):
    """The mapping file: per source, the contract tables whose names differ in this warehouse."""

    ledger: SourceMapping = SourceMapping()
    hr: SourceMapping = SourceMapping()

    @model_validator(mode="after")
    def _names_of_the_contract(self) -> Mapping:
        """Every key names a table of that source's contract and a column of that table; no two contract
        columns of a table read the same warehouse column."""
        problems: list[str] = []
        for source in ("ledger", "hr"):
            contract = CONTRACT[source]
            for table_name, table in getattr(self, source).tables.items():
                where = f"{source}.tables.{table_name}"
                if table_name not in contract:
                    problems.append(
                        f"{where}: {table_name!r} is not a table of the {source} source contract "
                        f"(one of {', '.join(contract)})"
                    )
                    continue
                columns = [c.name for c in contract[table_name].columns]
                unknown = [c for c in table.columns if c not in columns]
                problems += [
                    f"{where}.columns.{c}: {c!r} is not a column of {table_name} (one of {', '.join(columns)})"
                    for c in unknown
                ]
                if unknown:
                    continue
                read: dict[str, str] = {}
                for column in columns:
                    warehouse = table.columns.get(column, column)
                    if warehouse in read:
                        problems.append(
                            f"{where}.columns: {read[warehouse]} and {column} would both read column "
                            f"{warehouse!r}"
                        )
                    read[warehouse] = column
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def table(self, source: SourceName, contract_table: str) -> TableMapping:
        return getattr(self, source).tables.get(contract_table, TableMapping())

    def schema_of(self, source: SourceName, contract_table: str) -> str | None:
        return self.table(source, contract_table).schema_name or getattr(self, source).schema_name


def load_mapping(path: Path | None) -> Mapping:
    """Read a mapping file; without one, the contract's own names. Raises DataError naming the file and
    every problem (a typo in a table or column name, an unknown key, a name that cannot be used)."""
    if path is None:
        return Mapping()
    data = read_yaml(path, "mapping file", "mapping.valid")
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        raise invalid_file(path, "mapping file", "mapping.valid", exc) from exc


# --- the contract's tables as the warehouse holds them --------------------------------------------------------
def warehouse_table(mapping: Mapping, source: SourceName, contract_table: sa.Table) -> sa.Table:
    """The contract table under the warehouse's names: `.c.<contract column>` reads the mapped column."""
    mapped = mapping.table(source, contract_table.name)
    return sa.Table(
        mapped.table or contract_table.name,
        sa.MetaData(),
        *(sa.Column(mapped.columns.get(c.name, c.name), c.type, key=c.name) for c in contract_table.columns),
        schema=mapping.schema_of(source, contract_table.name),
        info={"contract_table": contract_table.name},
    )


@dataclass(frozen=True)
class _SourceTables:
    """A source's contract tables as the warehouse holds them, one field per contract table."""

    def by_contract_name(self) -> dict[str, sa.Table]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class LedgerTables(_SourceTables):
    gl_entries: sa.Table
    budget_entries: sa.Table
    investment_projects: sa.Table
    cost_centers: sa.Table


@dataclass(frozen=True)
class HrTables(_SourceTables):
    employees: sa.Table
    employments: sa.Table
    scheduled_hours: sa.Table
    sick_leave: sa.Table


def ledger_tables(mapping: Mapping | None = None) -> LedgerTables:
    """The ledger source's tables; without a mapping, the contract's names."""
    mapping = mapping or Mapping()
    return LedgerTables(**{t.name: warehouse_table(mapping, "ledger", t) for t in LEDGER_TABLES})


def hr_tables(mapping: Mapping | None = None) -> HrTables:
    """The HR source's tables; without a mapping, the contract's names."""
    mapping = mapping or Mapping()
    return HrTables(**{t.name: warehouse_table(mapping, "hr", t) for t in HR_TABLES})


def contract_view(table: sa.Table) -> sa.Select:
    """The warehouse table under the contract's column names: SELECT "Belopp" AS amount, ... FROM it."""
    return sa.select(*(column.label(column.key) for column in table.columns))
