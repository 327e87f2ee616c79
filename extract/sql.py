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


class hundredths(FunctionElement[int]):  # noqa: N801 - reads like the SQL function it renders
    """A two-decimal value as a whole number of hundredths: an amount in öre, hours in centi-hours.

    Apply it to each row, then sum (`total`): integer sums are exact on every database, so a sum over
    millions of rows cannot drift, and a month whose correction rows net to zero sums to exactly 0.
    """

    type = sa.BigInteger()
    inherit_cache = True
    name = "hundredths"


@compiles(hundredths)
def _hundredths_default(element: hundredths, compiler: Any, **kw: Any) -> str:
    # PostgreSQL's numeric is exact: value * 100 is already whole; the cast only changes the type (and
    # would round half away from zero a value the validation let through with more decimals).
    (value,) = list(element.clauses)
    return f"CAST({compiler.process(value, **kw)} * 100 AS BIGINT)"


@compiles(hundredths, "sqlite")
def _hundredths_sqlite(element: hundredths, compiler: Any, **kw: Any) -> str:
    # SQLite keeps numeric(18,2) as a binary double (0.10 is 0.1000000000000000055...): round each row to
    # whole hundredths before anything is summed.
    (value,) = list(element.clauses)
    return f"CAST(ROUND({compiler.process(value, **kw)} * 100) AS INTEGER)"


def total(hundredths_expression: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    """SUM of whole hundredths as a BIGINT (PostgreSQL's sum(bigint) is numeric, which would arrive as a
    Decimal)."""
    return sa.cast(sa.func.sum(hundredths_expression), sa.BigInteger)


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
