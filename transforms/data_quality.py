"""The data-quality block of figures.json and the report, from the validation findings.

Published files go to the board, so findings on HR tables keep their rule, table and count but not
their example keys: even a pseudonymous person id is personal data, and the operator already saw the
keys on the terminal (`uppfoljning validate` lists them again).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from extract.sources import HR_TABLES

HR_TABLE_NAMES = frozenset(t.name for t in HR_TABLES)


class FindingLike(Protocol):
    """expectations.Finding, read-only (transforms do not depend on the validation machinery)."""

    @property
    def rule(self) -> str: ...
    @property
    def table(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def count(self) -> int: ...
    @property
    def examples(self) -> list[str]: ...


def data_quality_block(findings: Iterable[FindingLike], checks_run: int) -> dict[str, Any]:
    materialised = list(findings)
    if any(f.severity == "critical" for f in materialised):
        status = "failed"
    else:
        status = "warnings" if materialised else "passed"
    return {
        "status": status,
        "checks_run": checks_run,
        "checks": [_published(f) for f in materialised],
    }


def _published(finding: FindingLike) -> dict[str, Any]:
    entry = {
        "rule": finding.rule,
        "table": finding.table,
        "severity": finding.severity,
        "message": finding.message,
        "count": finding.count,
        "examples": list(finding.examples),
    }
    if finding.table in HR_TABLE_NAMES:
        entry["examples"] = []
        entry["message"] = (
            f"{finding.table}: rule {finding.rule} failed for {finding.count} rows; the keys are withheld "
            f"here (personal data), `uppfoljning validate` lists them. / {finding.count} rader i "
            f"{finding.table} avviker ({finding.rule}); nycklarna visas inte i rapporten."
        )
    return entry
