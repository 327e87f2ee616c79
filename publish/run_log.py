"""The record of every run of a period, published or blocked: `OUT/runs/YYYY-MM.jsonl` and a page of it.

A blocked run publishes nothing under `OUT/YYYY-MM/`, yet finance staff need to see that it ran and why it
stopped; the run log sits beside the reports for that. Each line holds the outcome, the validation status,
the seconds each suite took and the findings without example keys (the keys went to the operator's
terminal; HR keys are personal data).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from publish.render import SEVERITY_LABELS, build_environment

RUNS_FOLDER = "runs"


def record_run(out_dir: Path, period: str, record: Mapping[str, Any]) -> Path:
    """Append one run's record and rewrite the period's run page; returns the page."""
    folder = out_dir / RUNS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / f"{period}.jsonl"
    with log.open("a", encoding="utf-8") as stream:  # one short line: appended whole or not at all
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    page = folder / f"{period}.html"
    html = (
        build_environment()
        .get_template("runs.html.j2")
        .render(period=period, runs=list(reversed(records)), severity_labels=SEVERITY_LABELS)
    )
    _replace(page, html)
    return page


def _replace(path: Path, text: str) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temp, path)
