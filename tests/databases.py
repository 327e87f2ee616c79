"""One test, both databases: the `database_url` fixture gives an empty SQLite file, then an empty PostgreSQL
database (tests/pg.py: skipped without a server, failed under UPPFOLJNING_REQUIRE_POSTGRES=1).

`empty_source(url)` gives an engine on it with the contract's tables created.

Use it with
    from tests.databases import database_url  # noqa: F401
    from tests.pg import pg_url_factory  # noqa: F401
and a test parameter `database_url`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from extract.sources import create_source_tables


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'source.db'}"
    return request.getfixturevalue("pg_url_factory")()


@contextmanager
def empty_source(url: str) -> Iterator[sa.Engine]:
    """An engine on `url` with the contract's tables created, empty; disposed afterwards."""
    engine = sa.create_engine(url)
    try:
        create_source_tables(engine, engine)
        yield engine
    finally:
        engine.dispose()
