"""Versioned, atomic publishing: v1, idempotent rerun, v2 on change, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from publish.writer import figures_json, latest_version, next_version, publish

PERIOD = "2025-04"


def make_figures(
    periodresultat: float = 1_234_567.0, generated_at: str = "2026-11-26T06:00:00+01:00"
) -> dict[str, Any]:
    return {
        "period": PERIOD,
        "report_kind": "ur1",
        "version": None,  # not trustworthy from the caller: the writer decides
        "generated_at": generated_at,
        "title": "Uppföljningsrapport 1",
        "economy": {"periodresultat": periodresultat, "rows": {"intakter": {"name": "Intäkter"}}},
        "indicators": {"sjukfranvaro": {"by_sex": {"K": 5.6, "M": None}}},
    }


def run(out: Path, figures: dict[str, Any]) -> tuple[int, bool, Any]:
    """What the flow does: ask for the version, render with it, publish."""
    version, is_new = next_version(out, PERIOD, figures)
    figures = {**figures, "version": version}
    files = {
        "figures.json": figures_json(figures),
        "report.html": f"<p>v{version} {figures['generated_at']}</p>",
    }
    return version, is_new, publish(out, PERIOD, version, files)


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_first_publish_writes_v1_and_the_latest_files(tmp_path: Path) -> None:
    version, is_new, result = run(tmp_path, make_figures())

    assert (version, is_new, result.version, result.created) == (1, True, 1, True)
    assert listing(tmp_path) == [
        "2025-04",
        "2025-04/figures.json",
        "2025-04/report.html",
        "2025-04/versions",
        "2025-04/versions/v1",
        "2025-04/versions/v1/figures.json",
        "2025-04/versions/v1/report.html",
    ]
    top = (tmp_path / "2025-04/figures.json").read_text(encoding="utf-8")
    assert top == (tmp_path / "2025-04/versions/v1/figures.json").read_text(encoding="utf-8")
    # UTF-8 text, not \u escapes; indented; keys in the order given; the version filled in.
    assert '"name": "Intäkter"' in top
    assert top.startswith('{\n  "period": "2025-04",\n  "report_kind": "ur1",\n  "version": 1,')
    assert json.loads(top)["indicators"]["sjukfranvaro"]["by_sex"]["M"] is None
    assert (tmp_path / "2025-04/report.html").read_text(encoding="utf-8").startswith("<p>v1 ")
    assert set(result.paths) == {
        tmp_path / "2025-04/versions/v1/figures.json",
        tmp_path / "2025-04/versions/v1/report.html",
        tmp_path / "2025-04/figures.json",
        tmp_path / "2025-04/report.html",
    }


def test_identical_rerun_keeps_v1_and_writes_nothing(tmp_path: Path) -> None:
    run(tmp_path, make_figures())
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    # A rerun a day later: only generated_at differs, so it is the same publication.
    version, is_new, result = run(tmp_path, make_figures(generated_at="2026-11-27T06:00:00+01:00"))

    assert (version, is_new, result.created, result.paths) == (1, False, False, ())
    assert not (tmp_path / "2025-04/versions/v2").exists()
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_changed_figures_make_v2_and_keep_v1(tmp_path: Path) -> None:
    run(tmp_path, make_figures(periodresultat=1_234_567.0))

    version, is_new, result = run(tmp_path, make_figures(periodresultat=2_000_000.0))

    assert (version, is_new, result.created) == (2, True, True)
    v1 = json.loads((tmp_path / "2025-04/versions/v1/figures.json").read_text(encoding="utf-8"))
    v2 = json.loads((tmp_path / "2025-04/versions/v2/figures.json").read_text(encoding="utf-8"))
    top = json.loads((tmp_path / "2025-04/figures.json").read_text(encoding="utf-8"))
    assert (v1["version"], v1["economy"]["periodresultat"]) == (1, 1_234_567.0)
    assert (v2["version"], v2["economy"]["periodresultat"]) == (2, 2_000_000.0)
    assert top == v2
    assert (tmp_path / "2025-04/report.html").read_text(encoding="utf-8").startswith("<p>v2 ")
    assert latest_version(tmp_path / "2025-04/versions") == 2


def test_no_temporary_files_are_left_behind(tmp_path: Path) -> None:
    run(tmp_path, make_figures(periodresultat=1.0))
    run(tmp_path, make_figures(periodresultat=1.0))
    run(tmp_path, make_figures(periodresultat=2.0))

    assert [name for name in listing(tmp_path) if ".tmp" in name] == []
    assert sorted(p.name for p in (tmp_path / "2025-04/versions").iterdir()) == ["v1", "v2"]


def test_next_version_writes_nothing(tmp_path: Path) -> None:
    assert next_version(tmp_path, PERIOD, make_figures()) == (1, True)
    assert list(tmp_path.iterdir()) == []


def test_a_file_dropped_from_the_new_version_leaves_the_top_level(tmp_path: Path) -> None:
    figures = {**make_figures(), "version": 1}
    publish(tmp_path, PERIOD, 1, {"figures.json": figures_json(figures), "report.pdf": b"%PDF-1.7"})
    figures = {**make_figures(periodresultat=5.0), "version": 2}
    publish(tmp_path, PERIOD, 2, {"figures.json": figures_json(figures), "report.html": "<p>v2</p>"})

    assert not (tmp_path / "2025-04/report.pdf").exists()  # would otherwise pose as version 2's PDF
    assert (tmp_path / "2025-04/versions/v1/report.pdf").read_bytes() == b"%PDF-1.7"


def test_a_lost_top_level_file_is_restored_by_a_rerun(tmp_path: Path) -> None:
    # E.g. the run stopped after writing versions/v1: the rerun finds v1 and completes the latest files.
    run(tmp_path, make_figures())
    (tmp_path / "2025-04/report.html").unlink()

    version, is_new, result = run(tmp_path, make_figures())

    assert (version, is_new) == (1, False)
    assert result.paths == (tmp_path / "2025-04/report.html",)
    assert (tmp_path / "2025-04/report.html").read_text(encoding="utf-8").startswith("<p>v1 ")


@pytest.mark.parametrize(
    ("period", "version", "files", "message"),
    [
        ("2025-13", 1, {"figures.json": '{"period": "2025-13", "version": 1}'}, "not YYYY-MM"),
        ("../x", 1, {"figures.json": "{}"}, "not YYYY-MM"),
        (PERIOD, 1, {"report.html": "<p></p>"}, "figures.json must be among"),
        (PERIOD, 1, {"figures.json": '{"period": "2025-04", "version": 2}'}, "being published as 2025-04 v1"),
        (PERIOD, 2, {"figures.json": '{"period": "2025-04", "version": 2}'}, "latest published is v0"),
        (
            PERIOD,
            1,
            {"figures.json": '{"period": "2025-04", "version": 1}', "../x.html": ""},
            "plain file name",
        ),
    ],
)
def test_refuses_inconsistent_calls(
    tmp_path: Path, period: str, version: int, files: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        publish(tmp_path, period, version, files)
    assert list(tmp_path.iterdir()) == []


def test_nan_is_refused_because_the_contract_says_null() -> None:
    with pytest.raises(ValueError):
        figures_json({"value": float("nan")})


def test_latest_files_are_as_readable_as_the_versions_copies(tmp_path: Path) -> None:
    run(tmp_path, make_figures())
    for name in ("figures.json", "report.html"):
        top = (tmp_path / "2025-04" / name).stat().st_mode & 0o777
        kept = (tmp_path / "2025-04" / "versions" / "v1" / name).stat().st_mode & 0o777
        assert top == kept and top & 0o044, name  # not the 0600 of a temporary file
    versions = tmp_path / "2025-04" / "versions"
    assert (versions / "v1").stat().st_mode & 0o777 == versions.stat().st_mode & 0o777  # not mkdtemp's 0700
