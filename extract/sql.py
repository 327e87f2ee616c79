"""SQL helpers that must render differently on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


def frame(conn: sa.Connection, query: sa.Select, columns: list[str]) -> pd.DataFrame:
    """The rows of an aggregate query as a DataFrame with the given column names."""
    return pd.DataFrame([tuple(row) for row in conn.execute(query).all()], columns=columns)


class days_between(FunctionElement[int]):  # noqa: N801 - reads like the SQL function it renders
    """Whole days from the first date to the second (`end - start`); negative if end is earlier."""

    type = sa.Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_default(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"(CAST({compiler.process(end, **kw)} AS DATE) - CAST({compiler.process(start, **kw)} AS DATE))"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    # SQLAlchemy stores dates as ISO text on SQLite; julianday() understands that form.
    return f"CAST(julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)}) AS INTEGER)"
