"""The one place that turns the environment into settings. Nothing else reads os.environ.

Credentials live inside the database URLs (or, in a deployment, Prefect Secret blocks resolved here);
`redact` gives the form that may be logged.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

CHECKOUT = Path(__file__).resolve().parents[1]
RECIPIENTS_FILE = "mottagare.yaml"
DELIVERY_LEDGER_FILE = "leveranser.db"
_N = TypeVar("_N", int, float)
SmtpSecurity = Literal["starttls", "ssl", "none"]
SMTP_SECURITIES: tuple[SmtpSecurity, ...] = ("starttls", "ssl", "none")


class SettingsError(ValueError):
    """An environment variable has a value the pipeline cannot use (named, never with a secret's value)."""


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server (contract §4). The password is kept out of repr(), so no log or traceback prints it."""

    host: str
    port: int
    security: SmtpSecurity
    user: str | None
    password: str | None = field(repr=False)
    timeout_seconds: float
    ca_file: Path | None
    """A CA bundle to trust besides the system's (a region's internal CA), for starttls and ssl."""


@dataclass(frozen=True)
class Schedule:
    """When the deployment runs and which month it reports (`uppfoljning serve`, prefect.yaml)."""

    cron: str
    timezone: str
    lag_months: int
    """The scheduled run reports the month this many months before its start: 1 = the previous month."""


@dataclass(frozen=True)
class Settings:
    ledger_url: str | None
    hr_url: str | None
    out_dir: Path
    inputs_dir: Path
    prefect_home: Path
    mapping_path: Path | None
    """The table and column mapping of the sources (extract.sources), when the warehouse's names differ."""
    thresholds_path: Path | None = None
    """Thresholds of the data-quality rules that differ from expectations/thresholds.yaml."""
    recipients_path: Path | None = None
    """UPPFOLJNING_RECIPIENTS; None: `inputs_dir / mottagare.yaml` (see `recipients_file`)."""
    smtp: SmtpSettings | None = None
    """None without UPPFOLJNING_SMTP_HOST: sending writes into OUT/outbox/ instead."""
    mail_from: str | None = None
    delivery_ledger_url: str | None = None
    """UPPFOLJNING_DELIVERY_LEDGER_URL; None: a SQLite file beside the output (see `delivery_ledger`)."""
    retries: int = 4
    retry_delay_seconds: float = 10.0
    """Transient faults (a source or the mail server unreachable, SMTP 4xx) are retried `retries` times,
    after base, 3 x base, 9 x base, ... seconds."""
    lock_timeout_seconds: float = 1800.0
    """How long a run waits for another run of the same period to finish before it gives up."""
    schedule: Schedule = field(default_factory=lambda: Schedule("0 6 8 * *", "Europe/Stockholm", 1))

    def recipients_file(self, given: Path | None = None) -> Path:
        """--recipients, else UPPFOLJNING_RECIPIENTS, else inputs/mottagare.yaml (contract §4)."""
        return given or self.recipients_path or self.inputs_dir / RECIPIENTS_FILE

    def delivery_ledger(self, out_dir: Path) -> str:
        """The delivery ledger's SQLAlchemy URL: configured, else `OUT/leveranser.db` beside the reports."""
        if self.delivery_ledger_url:
            return self.delivery_ledger_url
        return f"sqlite:///{(Path(out_dir) / DELIVERY_LEDGER_FILE).resolve()}"

    def retry_delays(self) -> list[float]:
        return [self.retry_delay_seconds * 3**attempt for attempt in range(self.retries)]


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
        recipients_path=Path(env["UPPFOLJNING_RECIPIENTS"]) if env.get("UPPFOLJNING_RECIPIENTS") else None,
        smtp=_smtp(env),
        mail_from=env.get("UPPFOLJNING_MAIL_FROM") or None,
        delivery_ledger_url=env.get("UPPFOLJNING_DELIVERY_LEDGER_URL") or None,
        retries=_number(env, "UPPFOLJNING_RETRIES", 4, int, minimum=0),
        retry_delay_seconds=_number(env, "UPPFOLJNING_RETRY_DELAY_SECONDS", 10.0, float, minimum=0),
        lock_timeout_seconds=_number(env, "UPPFOLJNING_LOCK_TIMEOUT_SECONDS", 1800.0, float, minimum=0),
        schedule=Schedule(
            cron=env.get("UPPFOLJNING_SCHEDULE_CRON", "0 6 8 * *"),
            timezone=env.get("UPPFOLJNING_SCHEDULE_TIMEZONE", "Europe/Stockholm"),
            lag_months=_number(env, "UPPFOLJNING_SCHEDULE_LAG_MONTHS", 1, int, minimum=0),
        ),
    )


def _smtp(env: os._Environ[str] | dict[str, str]) -> SmtpSettings | None:
    host = env.get("UPPFOLJNING_SMTP_HOST")
    if not host:
        return None
    security = env.get("UPPFOLJNING_SMTP_SECURITY", "starttls").strip().lower()
    if security not in SMTP_SECURITIES:  # so the Literal below holds
        raise SettingsError(
            f"UPPFOLJNING_SMTP_SECURITY={security!r} is not one of {', '.join(SMTP_SECURITIES)}"
        )
    default_port = 465 if security == "ssl" else 587
    return SmtpSettings(
        host=host,
        port=_number(env, "UPPFOLJNING_SMTP_PORT", default_port, int, minimum=1),
        security=security,  # type: ignore[arg-type]
        user=env.get("UPPFOLJNING_SMTP_USER") or None,
        password=env.get("UPPFOLJNING_SMTP_PASSWORD") or None,
        timeout_seconds=_number(env, "UPPFOLJNING_SMTP_TIMEOUT_SECONDS", 60.0, float, minimum=1),
        ca_file=Path(env["UPPFOLJNING_SMTP_CA_FILE"]) if env.get("UPPFOLJNING_SMTP_CA_FILE") else None,
    )


def _number(
    env: os._Environ[str] | dict[str, str], name: str, default: _N, kind: type[_N], minimum: float
) -> _N:
    text = env.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = kind(text.strip())  # type: ignore[call-arg]
    except ValueError:
        raise SettingsError(f"{name}={text!r} is not a number") from None
    if value < minimum:  # type: ignore[operator]
        raise SettingsError(f"{name}={text!r} is below {minimum}")
    return value


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
    from sqlalchemy.engine import make_url  # here, not on top: `uppfoljning --help` needs no SQLAlchemy

    parsed = make_url(url)
    if parsed.password:
        _runtime_passwords[source] = str(parsed.password)
        # URL.set() ignores None, so it cannot remove a password; URL is a named tuple.
        parsed = parsed._replace(password=None)
    return parsed.render_as_string(hide_password=False)


def connect_url(url: str, source: str) -> str:
    """The URL to connect with: a password from `split_password`, else from UPPFOLJNING_<SOURCE>_PASSWORD."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.password:
        return url
    password = _runtime_passwords.get(source) or os.environ.get(f"UPPFOLJNING_{source.upper()}_PASSWORD")
    if not password:
        return url
    return parsed.set(password=password).render_as_string(hide_password=False)


def redact(url: str) -> str:
    """A database URL safe for logs and messages: the password is masked."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable database URL>"
