"""One query per table: every check of a table evaluated in one pass per source, answered per rule.

For the checks of one table (rendered: placeholders replaced, see expectations.render) the query is

    WITH pass_1 AS MATERIALIZED (SELECT * FROM <source 1> WHERE (<where a>) OR (<where b>) ...),
         pass_2 AS MATERIALIZED (...),                        -- one pass per distinct source
         found AS (SELECT 'a' AS rule, <key a> AS example_key, <values> FROM pass_1 WHERE <where a>
                   UNION ALL SELECT DISTINCT 'b' AS rule, ...  -- DISTINCT for checks that count keys
                   ...)
    SELECT rule, example_key, value_1, value_2, offending FROM
        (SELECT ..., COUNT(*) OVER (PARTITION BY rule) AS offending,
                     ROW_NUMBER() OVER (PARTITION BY rule ORDER BY example_key, ...) AS place FROM found)
    WHERE place <= MAX_EXAMPLES

Each source is read once; only its offending rows are kept (MATERIALIZED, so both databases store that
small set once rather than reading the source again per check), and each check's condition is tested again
only on those. The answer is bounded (at most MAX_EXAMPLES rows per failed rule), holds each failed rule's
exact count, and nothing for a rule that holds. Examples are the first keys in order, so they are stable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from expectations import MAX_EXAMPLES, sql_literal

VALUE_COLUMNS = ("value_1", "value_2")
"""Amounts a check returns beside its key (Check.values), in these columns, NULL when unused."""


@dataclass(frozen=True)
class RenderedCheck:
    """A check with its SQL ready for GX: `tag` names it in the answer's `rule` column."""

    tag: str
    source: str
    where: str
    key: str
    distinct: bool = False
    values: tuple[str, ...] = ()


def table_query(checks: Sequence[RenderedCheck]) -> str:
    """The one query that evaluates `checks` (all on the same table; tags unique)."""
    if len({c.tag for c in checks}) != len(checks):
        raise ValueError("two checks of one table share a tag")
    sources = list(dict.fromkeys(c.source for c in checks))
    passes = []
    for number, source in enumerate(sources, start=1):
        offending = " OR ".join(f"({c.where})" for c in checks if c.source == source)
        passes.append(f"pass_{number} AS MATERIALIZED (SELECT * FROM {source} WHERE {offending})")
    branches = []
    for check in checks:
        if len(check.values) > len(VALUE_COLUMNS):
            raise ValueError(f"check {check.tag} returns more than {len(VALUE_COLUMNS)} values")
        values = [f"CAST({v} AS NUMERIC)" for v in check.values]
        values += ["CAST(NULL AS NUMERIC)"] * (len(VALUE_COLUMNS) - len(values))
        selected = ", ".join(
            [f"{sql_literal(check.tag)} AS rule", f"{check.key} AS example_key"]
            + [f"{value} AS {column}" for value, column in zip(values, VALUE_COLUMNS, strict=True)]
        )
        distinct = "DISTINCT " if check.distinct else ""
        pass_name = f"pass_{sources.index(check.source) + 1}"
        branches.append(f"SELECT {distinct}{selected} FROM {pass_name} WHERE {check.where}")
    columns = ", ".join(["rule", "example_key", *VALUE_COLUMNS])
    return (
        f"WITH {', '.join(passes)}, found AS ({' UNION ALL '.join(branches)})"
        f" SELECT {columns}, offending FROM (SELECT {columns},"
        " COUNT(*) OVER (PARTITION BY rule) AS offending,"
        f" ROW_NUMBER() OVER (PARTITION BY rule ORDER BY {', '.join(['example_key', *VALUE_COLUMNS])})"
        f" AS place FROM found) AS ranked WHERE place <= {MAX_EXAMPLES} ORDER BY rule, place"
    )
