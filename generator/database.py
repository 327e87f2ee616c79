"""Writing a generated source: the tables (re)created and filled, the recommended indexes, statistics.

SQLite gets one multi-row INSERT per table; PostgreSQL loads with COPY (psycopg 3's `cursor.copy`), which is
what makes a large base quick to load. The rows are the same either way.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from extract.sources import RECOMMENDED_INDEXES
from generator.common import Row


def write_tables(url: str, metadata: sa.MetaData, rows: dict[sa.Table, list[Row]]) -> None:
    """Drop and recreate the tables of one source, then fill each table in one transaction."""
    engine = sa.create_engine(url)
    try:
        metadata.drop_all(engine)
        metadata.create_all(engine)
        for table, table_rows in rows.items():
            if not table_rows:  # an empty executemany would insert one row of NULLs
                continue
            with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    _copy(conn, table, table_rows)
                else:
                    conn.execute(table.insert(), table_rows)
    finally:
        engine.dispose()


def _copy(conn: sa.Connection, table: sa.Table, rows: list[Row]) -> None:
    columns = [column.name for column in table.columns]
    cursor = conn.connection.cursor()  # the psycopg 3 cursor, inside the transaction of `conn`
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
        for row in rows:
            copy.write_row([row[column] for column in columns])


def index_name(table: str, columns: tuple[str, ...]) -> str:
    return f"ix_{table}_{'_'.join(columns[:2])}"


def create_recommended_indexes(url: str, tables: Iterable[sa.Table]) -> list[str]:
    """Create the contract's recommended indexes on those of `tables` that have some (extract.sources),
    then refresh the planner's statistics (PostgreSQL: VACUUM ANALYZE, so index-only scans see all-visible
    pages). Returns the names of the indexes created."""
    names = {table.name for table in tables}
    created: list[str] = []
    engine = sa.create_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table, columns in RECOMMENDED_INDEXES:
                if table in names:
                    name = index_name(table, columns)
                    conn.execute(
                        sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(columns)})")
                    )
                    created.append(name)
            analyze(conn, names)
    finally:
        engine.dispose()
    return created


def analyze(conn: sa.Connection, tables: Iterable[str]) -> None:
    """Fresh planner statistics for `tables` (a connection in autocommit mode: VACUUM runs outside a
    transaction on PostgreSQL)."""
    statement = "VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"
    for table in sorted(tables):
        conn.execute(sa.text(f"{statement} {table}"))
