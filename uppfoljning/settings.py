"""The one place that turns the environment into settings. Nothing else reads os.environ.

Credentials live inside the database URLs (or, in a deployment, Prefect Secret blocks resolved here);
`redact` gives the form that may be logged.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

CHECKOUT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    ledger_url: str | None
    hr_url: str | None
    out_dir: Path
    inputs_dir: Path
    prefect_home: Path
    mapping_path: Path | None
    """The table and column mapping of the sources (extract.sources), when the warehouse's names differ."""
    thresholds_path: Path | None
    """Thresholds of the data-quality rules that differ from expectations/thresholds.yaml."""


def load_settings() -> Settings:
    env = os.environ
    return Settings(
        ledger_url=env.get("UPPFOLJNING_LEDGER_URL"),
        hr_url=env.get("UPPFOLJNING_HR_URL") or env.get("UPPFOLJNING_LEDGER_URL"),
        out_dir=Path(env.get("UPPFOLJNING_OUT", "out")),
        inputs_dir=Path(env.get("UPPFOLJNING_INPUTS", CHECKOUT / "inputs")),
        prefect_home=Path(env.get("PREFECT_HOME", CHECKOUT / ".prefect")),
        mapping_path=Path(env["UPPFOLJNING_MAPPING"]) if env.get("UPPFOLJNING_MAPPING") else None,
        thresholds_path=Path(env["UPPFOLJNING_THRESHOLDS"]) if env.get("UPPFOLJNING_THRESHOLDS") else None,
    )


def configure_prefect(settings: Settings) -> None:
    """Defaults for Prefect's local (ephemeral) mode; must run before prefect is imported.

    Analytics off: there is no internet here, and on a fresh home the telemetry heartbeat logs
    'database is locked' tracebacks (stack-notes). An explicit PREFECT_* variable always wins.
    """
    os.environ.setdefault("PREFECT_HOME", str(settings.prefect_home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")


_runtime_passwords: dict[str, str] = {}


def split_password(url: str, source: str) -> str:
    """Keep a URL's password in process memory and return the URL without it.

    Prefect stores flow parameters in its database and shows them in the UI, so a database URL given on the
    command line enters the flow without its password; `connect_url` puts it back when connecting.
    """
    parsed = make_url(url)
    if parsed.password:
        _runtime_passwords[source] = str(parsed.password)
        # URL.set() ignores None, so it cannot remove a password; URL is a named tuple.
        parsed = parsed._replace(password=None)
    return parsed.render_as_string(hide_password=False)


def connect_url(url: str, source: str) -> str:
    """The URL to connect with: a password from `split_password`, else from UPPFOLJNING_<SOURCE>_PASSWORD."""
    parsed = make_url(url)
    if parsed.password:
        return url
    password = _runtime_passwords.get(source) or os.environ.get(f"UPPFOLJNING_{source.upper()}_PASSWORD")
    if not password:
        return url
    return parsed.set(password=password).render_as_string(hide_password=False)


def redact(url: str) -> str:
    """A database URL safe for logs and messages: the password is masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable database URL>"
