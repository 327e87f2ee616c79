"""What the data files with a pydantic schema share (the mapping file, the thresholds file): reading them,
and one way to say what is wrong in them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError


def read_yaml(path: Path, what: str) -> Any:
    """The YAML document of the file at `path`, {} when it is empty; a ValueError naming `what` ("mapping
    file") and the file when it cannot be read or parsed."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{what} {path} cannot be read: {exc}") from exc
    return {} if data is None else data


def problems(exc: ValidationError) -> str:
    """Every error of a validation, '; '-separated, each as 'hr.tables.sick_leave.colums: Extra inputs are
    not permitted' (the place in the file, then pydantic's message without its 'Value error, ')."""
    return "; ".join(_problem(error["loc"], error["msg"]) for error in exc.errors())


def _problem(location: tuple[int | str, ...], message: str) -> str:
    message = message.removeprefix("Value error, ")
    return f"{'.'.join(str(part) for part in location)}: {message}" if location else message
