"""Atomic, versioned publishing of a period's report files.

Layout under the output folder (contract §3):

    OUT/2025-04/figures.json            the latest published version (what other systems read)
    OUT/2025-04/report.html             ... and its other files
    OUT/2025-04/versions/v1/...         every published version, never changed once written
    OUT/2025-04/versions/v2/...

The caller asks `next_version` first, because the version number is printed in the report and stored in
figures.json, so it must be known before rendering; then it renders and calls `publish`:

    version, is_new = next_version(out, period, figures)
    figures = {**figures, "version": version}
    files = {"figures.json": figures_json(figures), "report.html": render_report(figures, plan)}
    publish(out, period, version, files)

A rerun whose figures equal the latest version's (apart from "version" and "generated_at") gets that same
version back, and publishing it writes no new version: reruns are idempotent.

Crash safety: a version is written into a temporary folder next to `versions/` and moved into place with one
rename, so `versions/vN` is either complete or absent. Each top-level file is replaced by a rename from a
temporary file in the same folder, so no reader ever sees a half-written file; figures.json is replaced last,
so once it names version N, the other top-level files are version N's too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIGURES_FILE = "figures.json"
VERSIONS_DIR = "versions"
TEMP_PREFIX = ".tmp-"
# Keys that change on every run without the published content changing, and the correction block, which
# says what changed since the version sent before (delivery.changes): it follows from the figures and the
# delivery ledger, so it is not itself a figure to compare.
VOLATILE_KEYS = frozenset({"version", "generated_at", "correction"})
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_VERSION_DIR = re.compile(r"^v([1-9]\d*)$")
# The modes open() and mkdir() give under this process's umask (read once, at import).
_UMASK = os.umask(0)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK


@dataclass(frozen=True)
class PublishResult:
    """What `publish` did: the version, whether it was written now, and every path it wrote."""

    version: int
    created: bool
    version_dir: Path
    paths: tuple[Path, ...]


def figures_json(figures: Mapping[str, Any]) -> str:
    """figures.json text: UTF-8 friendly, indented, keys in the given order (contract §3).

    NaN/inf are refused: the contract says "null when not computable", and NaN is not valid JSON.
    """
    return json.dumps(figures, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def next_version(out_dir: Path, period: str, figures: Mapping[str, Any]) -> tuple[int, bool]:
    """The version these figures would be published as, and whether it is a new one.

    Same figures as the latest version (ignoring version and generated_at) -> (latest, False); else
    (latest + 1, True). Reads only; writes nothing.
    """
    versions = _versions_dir(out_dir, period)
    latest = latest_version(versions)
    if latest == 0:
        return 1, True
    published = json.loads((versions / f"v{latest}" / FIGURES_FILE).read_text(encoding="utf-8"))
    if _comparable(published) == _comparable(figures):
        return latest, False
    return latest + 1, True


def publish(out_dir: Path, period: str, version: int, files: Mapping[str, bytes | str]) -> PublishResult:
    """Publish `files` (must include figures.json) as `version` of `period` and as the latest files.

    Versions are immutable: if `versions/v{version}` already exists (an idempotent rerun, or a run that
    stopped after writing the version), its files are kept and `files` is not written again; the top-level
    files are then made equal to that version's.
    """
    period_dir = Path(out_dir) / _checked_period(period)
    _check_files(period, version, files)
    versions = period_dir / VERSIONS_DIR
    latest = latest_version(versions)
    if version < 1 or version not in (latest, latest + 1):
        raise ValueError(f"cannot publish version {version} of {period}: the latest published is v{latest}")

    version_dir = versions / f"v{version}"
    created = version == latest + 1
    written: list[Path] = []
    if created:
        written += _write_version(period_dir, version_dir, files)
    # Files of the version being superseded that the new one lacks must not linger as "latest".
    previous = versions / f"v{latest}"
    stale = {p.name for p in previous.iterdir()} if latest and latest != version else set()
    written += _replace_top_level(period_dir, _read_version(version_dir), stale=stale)
    return PublishResult(version=version, created=created, version_dir=version_dir, paths=tuple(written))


def latest_version(versions: Path) -> int:
    """The highest complete version number in a versions folder; 0 when nothing is published yet."""
    if not versions.is_dir():
        return 0
    numbers = [
        int(match.group(1))
        for entry in versions.iterdir()
        if (match := _VERSION_DIR.match(entry.name)) and (entry / FIGURES_FILE).is_file()
    ]
    return max(numbers, default=0)


# --- helpers ------------------------------------------------------------------------------------------
def _versions_dir(out_dir: Path, period: str) -> Path:
    return Path(out_dir) / _checked_period(period) / VERSIONS_DIR


def _checked_period(period: str) -> str:
    # The period becomes a folder name: refuse anything but YYYY-MM so it can never point elsewhere.
    if not _PERIOD.match(period):
        raise ValueError(f"period {period!r} is not YYYY-MM")
    return period


def _comparable(figures: Mapping[str, Any]) -> Any:
    # Round-trip through JSON so that tuples, int/float and key types compare as they would be stored.
    stored = json.loads(figures_json(figures))
    return {key: value for key, value in stored.items() if key not in VOLATILE_KEYS}


def _check_files(period: str, version: int, files: Mapping[str, bytes | str]) -> None:
    if FIGURES_FILE not in files:
        raise ValueError(f"{FIGURES_FILE} must be among the published files: versions are compared by it")
    for name in files:
        # Plain file names only: no folders, no hidden names (our temporaries), not the versions folder.
        if not name or name != Path(name).name or name.startswith(".") or name == VERSIONS_DIR:
            raise ValueError(f"{name!r} is not a plain file name")
    figures = json.loads(_as_bytes(files[FIGURES_FILE]))
    if figures.get("period") != period or figures.get("version") != version:
        raise ValueError(
            f"{FIGURES_FILE} says period {figures.get('period')!r} version {figures.get('version')!r}, "
            f"but it is being published as {period} v{version}"
        )


def _as_bytes(content: bytes | str) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _write_version(period_dir: Path, version_dir: Path, files: Mapping[str, bytes | str]) -> list[Path]:
    """Write all files into a temporary folder, then move the folder into place in one rename."""
    version_dir.parent.mkdir(parents=True, exist_ok=True)
    temp_dir = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=period_dir))
    try:
        os.chmod(temp_dir, 0o777 & ~_UMASK)  # mkdtemp's 0700 would hide the version from other readers
        for name, content in files.items():
            _write_durably(temp_dir / name, _as_bytes(content))
        # rename(2) refuses a non-empty target, so a concurrent run that got there first makes us fail
        # loudly instead of mixing two versions.
        os.replace(temp_dir, version_dir)
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)
    return [version_dir / name for name in files]


def _read_version(version_dir: Path) -> dict[str, bytes]:
    return {entry.name: entry.read_bytes() for entry in sorted(version_dir.iterdir()) if entry.is_file()}


def _replace_top_level(period_dir: Path, files: Mapping[str, bytes], stale: set[str]) -> list[Path]:
    """Make the top-level files equal to `files`, then remove the `stale` names that it lacks."""
    # figures.json last: it names the version, so it must not get ahead of the files it describes.
    names = sorted(files, key=lambda name: name == FIGURES_FILE)
    written = []
    for name in names:
        target = period_dir / name
        if not target.is_file() or target.read_bytes() != files[name]:
            replace_file(target, files[name])
            written.append(target)
    for name in stale - set(files):
        (period_dir / name).unlink(missing_ok=True)
    return written


def replace_file(target: Path, content: bytes, mode: int | None = None) -> None:
    """Replace `target` with `content` in one rename (a reader sees the old file or the new, never half).

    The file gets `mode`, by default what open() would give it; also used for the inputs file that the
    comment import rewrites (which keeps its own mode).
    """
    fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=target.parent)
    try:
        # mkstemp makes the file private (0600); a published report is as readable as any file written
        # with open() (the versions' copies), e.g. for the web server that serves the folder.
        os.fchmod(fd, _FILE_MODE if mode is None else mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _write_durably(path: Path, content: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
