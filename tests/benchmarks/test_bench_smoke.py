"""Smoke test of benchmarks/bench_monthly.py at demo size on SQLite: it runs, and prints every stage, the
floor and the ratio. No timing is asserted (the benchmark's figures are for reading, not for CI)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NUMBER = r"[0-9][0-9,.]*"


def test_the_monthly_benchmark_prints_each_stage_the_floor_and_the_ratio() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_monthly.py"), "--size", "demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    # The demo's size, counted in the generated database.
    assert "source: 33,340 gl_entries rows, 1,063 persons" in out
    for stage in ("validate", "extract ledger", "extract HR", "compute figures", "render report"):
        # seconds, peak RSS in MiB, statements
        assert re.search(rf"^{stage} +{NUMBER} +{NUMBER} +\d+$", out, re.MULTILINE), stage
    for part in ("economy rows", "voucher balance", "HR hours"):
        assert re.search(rf"^  floor: {part} +{NUMBER}$", out, re.MULTILINE), part
    assert re.search(rf"^floor +{NUMBER}$", out, re.MULTILINE)
    # Validation ran every check and passed on the demo source; the indicators were computed.
    assert re.search(r"passed=True, checks=\d+", out)
    assert re.search(r"turnover \d+\.\d\d %, sick leave \d+\.\d\d %", out)
    assert re.search(
        rf"^pipeline \(validate \+ extract \+ compute \+ render\) {NUMBER} s; floor {NUMBER} s; pipeline / floor {NUMBER}x; peak RSS {NUMBER} MiB;"
        rf" {NUMBER} ledger rows/s$",
        out,
        re.MULTILINE,
    )
