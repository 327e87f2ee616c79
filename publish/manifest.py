"""manifest.json: what a published version is made of (contract §4).

- the version and the run's parameters (source URLs with the password masked, paths, kind);
- a fingerprint of the extracted inputs: sha256 over the aggregate frames the figures were computed from
  and over the plan and the finance-staff inputs, so that two versions with the same fingerprint were
  computed from the same data, and a changed fingerprint says the sources changed;
- the sha256 and size of every other file of the package, so an archive can prove a file unaltered.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from importlib import metadata
from typing import Any

import pandas as pd

MANIFEST_FILE = "manifest.json"
SOFTWARE = ("uppfoljning", "weasyprint", "matplotlib", "xlsxwriter", "pandas")


def inputs_fingerprint(inputs: Mapping[str, Any]) -> str:
    """sha256 over named inputs: frames (row order ignored, as SQL returns groups in any order) and
    JSON-serialisable values. The same data always gives the same fingerprint."""
    digest = hashlib.sha256()
    for name in sorted(inputs):
        digest.update(f"\n## {name}\n".encode())
        digest.update(_canonical(inputs[name]).encode())
    return digest.hexdigest()


def _canonical(value: Any) -> str:
    if isinstance(value, pd.DataFrame):
        header = ",".join(map(str, value.columns))
        lines = value.to_csv(index=False, header=False, lineterminator="\n").splitlines()
        return header + "\n" + "\n".join(sorted(lines))
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def file_entry(content: bytes) -> dict[str, Any]:
    return {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}


def manifest_json(
    figures: Mapping[str, Any],
    files: Mapping[str, bytes],
    *,
    parameters: Mapping[str, Any],
    fingerprint: str,
) -> bytes:
    """The manifest of one version; `files` are the package's other files with their final bytes."""
    manifest = {
        "period": figures["period"],
        "report_kind": figures["report_kind"],
        "version": figures["version"],
        "generated_at": figures["generated_at"],
        "parameters": dict(parameters),
        "inputs_fingerprint": {"algorithm": "sha256", "value": fingerprint},
        "files": {name: file_entry(content) for name, content in sorted(files.items())},
        "software": {name: _version(name) for name in SOFTWARE},
    }
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None
