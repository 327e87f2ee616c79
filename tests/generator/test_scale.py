"""Scaling a source inside the database (generator/scale.py): factor × the demo's rows, fresh unique ids,
copies as valid as the base; on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from generator import SIZES, Size, generate_source
from tests.databases import database_url  # noqa: F401  (a fixture)
from tests.generator.demo_source import Demo
from tests.pg import pg_url_factory  # noqa: F401  (needed by database_url)
from uppfoljning.plan import Plan

LEDGER_FACTOR, HR_FACTOR = 3, 2


def _one(url: str, query: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text(query)).scalar_one())
    finally:
        engine.dispose()


def test_a_scaled_source_holds_factor_copies_with_fresh_ids(
    database_url: str,  # noqa: F811
    demo: Demo,
    plan: Plan,
) -> None:
    summary = generate_source(database_url, database_url, plan, Size("test", LEDGER_FACTOR, HR_FACTOR))
    base = demo.tables
    count = {name: _one(database_url, f"SELECT count(*) FROM {name}") for name in base}
    assert count == {
        "gl_entries": 3 * len(base["gl_entries"]),
        "budget_entries": len(base["budget_entries"]),  # the budget and the registers are not copied
        "investment_projects": len(base["investment_projects"]),
        "cost_centers": len(base["cost_centers"]),
        "employees": 2 * len(base["employees"]),
        "employments": 2 * len(base["employments"]),
        "scheduled_hours": 2 * len(base["scheduled_hours"]),
        "sick_leave": 2 * len(base["sick_leave"]),
    }
    # Fresh ids: every key of the contract stays unique, and each copy is the base renamed.
    unique = {
        "SELECT count(DISTINCT voucher_id) FROM gl_entries": 3 * base["gl_entries"].voucher_id.nunique(),
        "SELECT count(*) FROM (SELECT DISTINCT voucher_id, row_no FROM gl_entries) AS k": count["gl_entries"],
        "SELECT count(DISTINCT person_id) FROM employees": count["employees"],
        "SELECT count(DISTINCT employment_id) FROM employments": count["employments"],
        "SELECT count(DISTINCT spell_id) FROM sick_leave": 2 * base["sick_leave"].spell_id.nunique(),
        "SELECT count(*) FROM gl_entries WHERE voucher_id = 'A1-3'": 0,  # copies '', '-1', '-2' only
        "SELECT count(*) FROM gl_entries WHERE voucher_id = 'A1-2'": int(
            (base["gl_entries"].voucher_id == "A1").sum()
        ),
        "SELECT count(*) FROM employees WHERE person_id = 'P00001-1'": 1,
        "SELECT count(*) FROM employees WHERE person_id = 'P00001-2'": 0,  # HR has two copies: '' and '-1'
    }
    assert {query: _one(database_url, query) for query in unique} == unique
    # Copies are as valid as the base: every voucher balances, every copied row points at a copied person.
    unbalanced = (
        "SELECT count(*) FROM (SELECT voucher_id FROM gl_entries GROUP BY voucher_id"
        " HAVING sum(CAST(round(amount * 100) AS BIGINT)) <> 0) AS v"
    )
    orphans = (
        "SELECT count(*) FROM sick_leave s WHERE NOT EXISTS"
        " (SELECT 1 FROM employments e WHERE e.person_id = s.person_id)"
    )
    assert (_one(database_url, unbalanced), _one(database_url, orphans)) == (0, 0)
    # The summary counts what was written.
    assert (summary.size, summary.gl_rows, summary.persons, summary.sick_leave_rows) == (
        "test",
        count["gl_entries"],
        count["employees"],
        count["sick_leave"],
    )


def test_the_named_sizes_are_the_issues_targets() -> None:
    # region: 33 340 demo ledger rows × 480 = 16.0 M over two years (8 M a year); 1 063 persons × 13 = 13 819.
    assert {name: (s.ledger_factor, s.hr_factor) for name, s in SIZES.items()} == {
        "demo": (1, 1),
        "scale120": (120, 120),
        "region": (480, 13),
    }
