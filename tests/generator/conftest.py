"""One demo source for the generator's tests (generated once per test session), in two SQLite databases as
a region with separate sources has."""

from __future__ import annotations

import pytest

from generator import generate_demo
from tests.generator.demo_source import Demo, _read_tables
from uppfoljning.plan import Plan, load_plan


@pytest.fixture(scope="session")
def plan() -> Plan:
    return load_plan()


@pytest.fixture(scope="session")
def demo(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    tmp_path = tmp_path_factory.mktemp("demo")
    ledger_url, hr_url = f"sqlite:///{tmp_path}/ledger.db", f"sqlite:///{tmp_path}/hr.db"
    summary = generate_demo(ledger_url, hr_url, plan)
    return Demo(ledger_url, hr_url, summary, _read_tables(ledger_url, hr_url))
