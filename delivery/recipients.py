"""The recipients file (contract §4): which addresses get which report kind, and which domains are allowed.

    allowed_domains: [regionhalland.se]      # any address outside these refuses the whole send
    lists:                                   # per report kind; a kind without a list sends nothing
      avvikelserapport: [ekonomi@regionhalland.se, ordforande@regionhalland.se]
      ur1: [ekonomi@regionhalland.se]

Addresses are compared case-insensitively and kept in lower case (the ledger's key). A domain matches
exactly: `regionhalland.se` does not admit `ekonomi.regionhalland.se` or `regionhalland.se.example`;
list a subdomain to allow it. Only plain ASCII addresses (`name@domain`) are accepted: no display names,
no internationalised addresses, so that what the file says is exactly what the mail server is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from uppfoljning.datafile import load_yaml
from uppfoljning.errors import DataError, schema_error_key
from uppfoljning.plan import ReportKind

DOMAIN_RULE = "recipients.allowed_domains"
# RFC 5321's dot-atom local part and a hostname; deliberately narrower than RFC 5322 (no quoted parts).
_ADDRESS = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?P<domain>[^@\s]+)$"
)
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def normalise_address(text: str) -> str:
    """'Ekonomi@RegionHalland.se ' -> 'ekonomi@regionhalland.se'; ValueError when it is no plain address."""
    address = text.strip().lower()
    match = _ADDRESS.match(address)
    if not match or not _DOMAIN.match(match.group("domain")):
        raise ValueError(f"{text!r} is not a plain email address (name@domain, ASCII)")
    return address


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[1]


class Recipients(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    allowed_domains: tuple[str, ...] = Field(min_length=1)
    lists: dict[ReportKind, tuple[str, ...]] = Field(default_factory=dict)

    @field_validator("allowed_domains", mode="before")
    @classmethod
    def _domains(cls, value: object) -> object:
        if not isinstance(value, list | tuple):
            return value
        domains = []
        for item in value:
            domain = str(item).strip().lower()
            if not _DOMAIN.match(domain):
                raise ValueError(f"{item!r} is not a domain name (e.g. regionhalland.se)")
            domains.append(domain)
        return tuple(domains)

    @field_validator("lists", mode="before")
    @classmethod
    def _addresses(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        normalised: dict[object, tuple[str, ...]] = {}
        for kind, addresses in value.items():
            if addresses is None:
                normalised[kind] = ()
                continue
            if not isinstance(addresses, list):
                raise ValueError(f"the list of {kind} must be a list of addresses")
            unique: dict[str, None] = {}
            for address in addresses:
                unique[normalise_address(str(address))] = None
            normalised[kind] = tuple(unique)
        return normalised

    def for_kind(self, kind: ReportKind) -> tuple[str, ...]:
        """The kind's list; empty when the file has none (then nothing is sent)."""
        return self.lists.get(kind, ())

    def has_list(self, kind: ReportKind) -> bool:
        return bool(self.lists.get(kind))

    def allows(self, address: str) -> bool:
        return domain_of(address) in self.allowed_domains


def load_recipients(path: Path) -> Recipients:
    """The recipients file, checked: a DataError names the file, the place and the rule."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            table=str(path),
            key="the file",
            rule="recipients.file_exists",
            problem="the recipients file does not exist",
            fix="Create it (see README, 'Sending'), or name another with --recipients or UPPFOLJNING_RECIPIENTS.",
        ) from None
    except yaml.YAMLError as exc:
        raise DataError(
            table=str(path), key="the file", rule="recipients.schema", problem=f"not valid YAML: {exc}"
        ) from None
    try:
        return Recipients.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DataError(
            table=str(path),
            key=schema_error_key(exc),
            rule="recipients.schema",
            problem=str(first.get("msg", exc)),
            fix="allowed_domains is a list of domains; lists maps a report kind "
            "(avvikelserapport, ur1, ur2, arsredovisning, manadsrapport) to a list of addresses.",
        ) from None


def check_allowed(recipients: Recipients, addresses: Iterable[str], source: str) -> None:
    """Refuse the whole send when one address is outside the allowed domains (contract §4)."""
    for address in addresses:
        if not recipients.allows(address):
            raise DataError(
                table=source,
                key=address,
                rule=DOMAIN_RULE,
                problem=f"the address is outside the allowed domains ({', '.join(recipients.allowed_domains)}); "
                "nothing was sent to anyone / adressen ligger utanför de tillåtna domänerna, inget skickades",
                fix="Correct the address, or add its domain to allowed_domains if the region has decided so.",
            )


def check_lists(recipients: Recipients, path: Path) -> None:
    """Every address of every list within the allowed domains: checked before a run publishes anything."""
    for kind, addresses in recipients.lists.items():
        check_allowed(recipients, addresses, f"{path} (lists.{kind})")
