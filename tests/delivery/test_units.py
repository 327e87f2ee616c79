"""The pure parts of delivery: the change list, the recipients file, the period lock, fault classification."""

from __future__ import annotations

import copy
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from delivery.changes import changed_figures
from delivery.messages import message_id
from delivery.recipients import check_lists, load_recipients
from publish.lock import PeriodBusy, period_lock
from tests.package_fixture import figures as package_figures
from uppfoljning.errors import DataError
from uppfoljning.faults import is_transient_database_error
from uppfoljning.plan import load_plan

MINUS = "\u2212"
NBSP = "\u00a0"


# --- the change list ------------------------------------------------------------------------------------
def test_change_list_names_each_changed_figure_with_swedish_labels_and_formatting() -> None:
    plan = load_plan(year=2025)
    old = package_figures()  # tests/package_fixture.py: amounts worked out by hand there
    new = copy.deepcopy(old)
    rows = new["economy"]["rows"]
    rows["ovriga_driftskostnader"]["actual_ytd"] = 5_200_000.33  # 4 200 000.33 + 1 000 000
    rows["netto"]["actual_ytd"] = 8_654_321.05  # 7 654 321.05 + 1 000 000
    new["economy"]["periodresultat"] = 1_345_678.95  # 2 345 678.95 − 1 000 000
    # 40 000 kronor on 17 600 000.60: both "17,6 mnkr", so the list shows kronor
    rows["personalkostnader"]["actual_ytd"] = 17_640_000.60
    new["indicators"]["sjukfranvaro"]["value"] = 5.25  # 5.3 -> 5.25: "5,3 %" both, so two decimals
    new["indicators"]["personalomsattning"]["met"] = False
    new["goals"][1]["status"] = "uppfyllt"  # rs03: no assessment before
    new["generated_at"] = "2026-12-01T06:00:00+01:00"  # not a figure
    new["version"] = 2

    changes = {c.label: (c.old_text, c.new_text) for c in changed_figures(old, new, plan)}

    assert changes == {
        "Personalkostnader, utfall ack.": ("17\u00a0600\u00a0001 kr", "17\u00a0640\u00a0001 kr"),
        "Övriga driftskostnader, utfall ack.": ("4,2 mnkr", "5,2 mnkr"),
        "Nettokostnad, utfall ack.": ("7,7 mnkr", "8,7 mnkr"),
        "Periodresultat": ("2,3 mnkr", "1,3 mnkr"),
        "Personalomsättning, målvärdet uppnås": ("ja", "nej"),
        "Sjukfrånvaro, rullande 12 månader": (f"5,30{NBSP}%", f"5,25{NBSP}%"),
        "Mål ”Regionstyrelsen ska stärka förmågan att möta ökande kompetensbehov”, bedömning": (
            "saknas",
            "Uppfyllt",
        ),
    }


def test_identical_figures_have_no_changes_and_unknown_keys_are_still_listed() -> None:
    plan = load_plan(year=2025)
    old = package_figures()
    assert changed_figures(old, copy.deepcopy(old), plan) == []
    new = copy.deepcopy(old)
    new["economy"]["rows"]["netto"]["forecast_previous"] = 25_000_000.0  # a key added later (contract §3)
    new["new_section"] = {"value": 3}
    labels = [c.label for c in changed_figures(old, new, plan)]
    assert labels == ["Nettokostnad, prognos föregående rapport", "new_section › value"]


def test_message_id_is_stable_per_period_version_and_recipient() -> None:
    a = message_id("2025-04", 1, "ekonomi@regionhalland.se", "Rk <uppfoljning@regionhalland.se>")
    assert a == message_id("2025-04", 1, "ekonomi@regionhalland.se", "Rk <uppfoljning@regionhalland.se>")
    assert a.startswith("<uppfoljning-2025-04-v1-") and a.endswith("@regionhalland.se>")
    assert a != message_id("2025-04", 2, "ekonomi@regionhalland.se", "uppfoljning@regionhalland.se")
    assert a != message_id("2025-04", 1, "ordforande@regionhalland.se", "uppfoljning@regionhalland.se")


# --- the recipients file --------------------------------------------------------------------------------
def test_recipients_file_normalises_addresses_and_checks_domains(tmp_path: Path) -> None:
    path = tmp_path / "mottagare.yaml"
    path.write_text(
        "allowed_domains: [RegionHalland.se]\n"
        "lists:\n  avvikelserapport: [Ekonomi@RegionHalland.se, ekonomi@regionhalland.se, ordforande@regionhalland.se]\n",
        encoding="utf-8",
    )
    recipients = load_recipients(path)
    assert recipients.for_kind("avvikelserapport") == (
        "ekonomi@regionhalland.se",
        "ordforande@regionhalland.se",
    )
    assert recipients.for_kind("ur1") == ()
    check_lists(recipients, path)
    assert not recipients.allows("ekonomi@sub.regionhalland.se")  # a subdomain must be listed itself


@pytest.mark.parametrize(
    ("text", "rule", "key"),
    [
        (
            "allowed_domains: [regionhalland.se]\nlists:\n  ur1: [ekonomi@gmail.com]\n",
            "recipients.allowed_domains",
            "ekonomi@gmail.com",
        ),
        (
            "allowed_domains: [regionhalland.se]\nlists:\n  ur3: [a@regionhalland.se]\n",
            "recipients.schema",
            "lists.ur3",
        ),
        (
            "allowed_domains: [regionhalland.se]\nlists:\n  ur1: [Ekonomi <e@regionhalland.se>]\n",
            "recipients.schema",
            "lists",
        ),
        ("allowed_domains: []\n", "recipients.schema", "allowed_domains"),
        ("alowed_domains: [regionhalland.se]\n", "recipients.schema", "allowed_domains"),
    ],
)
def test_a_bad_recipients_file_names_the_place_and_the_rule(
    tmp_path: Path, text: str, rule: str, key: str
) -> None:
    path = tmp_path / "mottagare.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        check_lists(load_recipients(path), path)
    assert caught.value.rule == rule
    assert caught.value.key.startswith(key)


# --- the period lock ------------------------------------------------------------------------------------
HOLD = """
import sys, time
from pathlib import Path
from publish.lock import period_lock
with period_lock(Path(sys.argv[1]), "2025-04", 5, owner="holder"):
    print("held", flush=True)
    time.sleep(120)
"""


def test_a_killed_holder_releases_the_lock_and_a_waiter_names_the_holder(tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(PeriodBusy) as caught, period_lock(tmp_path, "2025-04", timeout=0.5):
            pass
        assert time.monotonic() - started >= 0.5
        assert f"process {holder.pid}" in str(caught.value) and "holder" in str(caught.value)
        with period_lock(tmp_path, "2025-05", timeout=0):  # another period does not wait
            pass
    finally:
        holder.kill()  # SIGKILL: no clean-up code runs in the holder
        holder.wait()
    with period_lock(tmp_path, "2025-04", timeout=2):  # the kernel released it
        pass


# --- faults ----------------------------------------------------------------------------------------------
def test_refused_connections_are_transient_and_a_missing_database_is_not(tmp_path: Path) -> None:
    refused = sa.create_engine(
        "postgresql+psycopg://postgres@127.0.0.1:1/none", connect_args={"connect_timeout": 2}
    )
    with pytest.raises(sa.exc.OperationalError) as caught:
        refused.connect()
    assert is_transient_database_error(caught.value)
    missing = sa.create_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'x.db'}")
    with pytest.raises(sa.exc.OperationalError) as caught:
        missing.connect()
    assert not is_transient_database_error(caught.value)
    assert not is_transient_database_error(ValueError("a bug"))
