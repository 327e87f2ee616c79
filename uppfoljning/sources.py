"""The source contract (contract.md §1) as SQLAlchemy Core tables.

These describe the region's tables or views; the pipeline only reads them. They carry no primary-key or
NOT NULL constraints on purpose: the sources are views we do not own, so duplicated keys and missing values
are things validation must detect, and the demo and test writers must be able to create such rows.
"""

from __future__ import annotations

import sqlalchemy as sa

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


def create_source_tables(ledger_engine: sa.Engine, hr_engine: sa.Engine) -> None:
    """Create the contract's tables (used by the demo and by tests; a region provides its own views)."""
    ledger_metadata.create_all(ledger_engine)
    hr_metadata.create_all(hr_engine)
