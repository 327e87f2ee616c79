"""What the data files with a pydantic schema share (the mapping file, the thresholds file): reading them,
and one way to say what is wrong in them, as a DataError naming the file and the rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from uppfoljning.errors import DataError

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it (its wheels are): ten times faster than the pure
Python one (1.4 ms against 15 ms for the plan, which every run reads), the same documents and errors."""


def load_yaml(text: str) -> Any:
    """yaml.safe_load, with libyaml when present."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader: the C twin of SafeLoader


def read_yaml(path: Path, what: str, rule: str) -> Any:
    """The YAML document of the file at `path`, {} when it is empty. `what` names the kind of file
    ("mapping file") and `rule` the rule a broken file fails ("mapping.valid")."""
    try:
        data = load_yaml(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise file_error(path, what, rule, f"cannot be read: {exc}") from exc
    return {} if data is None else data


def invalid_file(path: Path | str, what: str, rule: str, exc: ValidationError) -> DataError:
    """Every error of a schema validation, '; '-separated, each as 'hr.tables.sick_leave.colums: Extra
    inputs are not permitted' (the place in the file, then pydantic's message without 'Value error, ')."""
    problems = "; ".join(_problem(error["loc"], error["msg"]) for error in exc.errors())
    return file_error(path, what, rule, f"is invalid: {problems}")


def file_error(path: Path | str, what: str, rule: str, problem: str) -> DataError:
    return DataError(table=f"{what} {path}", key="the file", rule=rule, problem=problem)


def _problem(location: tuple[int | str, ...], message: str) -> str:
    message = message.removeprefix("Value error, ")
    return f"{'.'.join(str(part) for part in location)}: {message}" if location else message
