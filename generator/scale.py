"""Sizes of a generated source, and the scaling that gets there inside the database.

A size is a pair of factors on the demo office: the ledger's vouchers and the HR source's persons. Scaling
copies the demo's rows `factor - 1` times with one INSERT ... SELECT per table, inside the database (no
row passes through Python), each copy with fresh ids: voucher 'A17' becomes 'A17-1', 'A17-2', ...; person
'P00042' 'P00042-1', ... with its employments and spells. Copies are as valid as the base (every voucher
balances, every person's hours fit their employment); the budget, cost centres and investment projects are
not copied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from extract import sources


@dataclass(frozen=True)
class Size:
    name: str
    ledger_factor: int  # copies of the demo's vouchers (gl_entries)
    hr_factor: int  # copies of the demo's persons (employees, employments, scheduled hours, sick leave)


SIZES = {
    size.name: size
    for size in (
        Size("demo", 1, 1),
        # The size issue 11 was measured at: 4.0 M ledger rows over two years, 13 780 persons × 120.
        Size("scale120", 120, 120),
        # A region's office: about 8 M ledger rows a year (16 M over the two years) and 10-14 k persons.
        Size("region", 480, 13),
    )
}

# Per table, the id columns a copy gets a fresh value of.
LEDGER_IDS: dict[sa.Table, tuple[str, ...]] = {sources.gl_entries: ("voucher_id",)}
HR_IDS: dict[sa.Table, tuple[str, ...]] = {
    sources.employees: ("person_id",),
    sources.employments: ("employment_id", "person_id"),
    sources.scheduled_hours: ("person_id",),
    sources.sick_leave: ("person_id", "spell_id"),
}


def scale_up(
    url: str,
    ids: dict[sa.Table, tuple[str, ...]],
    factor: int,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Make each table of `ids` hold `factor` copies of its rows, in one transaction."""
    if factor < 1:
        raise ValueError(f"a scale factor is a whole number >= 1, got {factor}")
    if factor == 1:
        return
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TEMPORARY TABLE generator_copies (n INTEGER)"))
            conn.execute(
                sa.text("INSERT INTO generator_copies (n) VALUES (:n)"), [{"n": n} for n in range(1, factor)]
            )
            for table, id_columns in ids.items():
                if progress:
                    progress(f"{table.name}: {factor} × the demo's rows")
                # The base in a temporary table first: reading the table being written would make the
                # database buffer the whole result (SQLite does) instead of streaming it.
                conn.execute(sa.text(f"CREATE TEMPORARY TABLE generator_base AS SELECT * FROM {table.name}"))
                conn.execute(sa.text(_copy_statement(table, id_columns)))
                conn.execute(sa.text("DROP TABLE generator_base"))
            conn.execute(sa.text("DROP TABLE generator_copies"))
    finally:
        engine.dispose()


def _copy_statement(table: sa.Table, id_columns: tuple[str, ...]) -> str:
    """INSERT the base rows once per copy number: a join with the copy numbers, the ids suffixed '-n'."""
    columns = [column.name for column in table.columns]
    values = [
        f"base.{c} || '-' || CAST(copies.n AS TEXT)" if c in id_columns else f"base.{c}" for c in columns
    ]
    return (
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {', '.join(values)}"
        f" FROM generator_copies AS copies CROSS JOIN generator_base AS base"
    )
