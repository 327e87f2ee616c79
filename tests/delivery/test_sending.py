"""Sending through a real SMTP server on loopback (aiosmtpd), the way `uppfoljning run --send` does it.

The small office (tests/fixtures/small_office.py) publishes April 2025 (UR1); its figures are worked out
by hand in tests/flows/test_monthly.py (APRIL_ECONOMY). What the server received is parsed back: subject,
recipients, the CID images, the PDF and the workbook (opened with pypdf and openpyxl).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
import yaml
from pypdf import PdfReader

from delivery.ledger import open_ledger
from tests.fixtures.small_office import write_small_office
from tests.flows.test_monthly import INPUTS
from tests.smtp import Server, smtp_env, smtp_server
from uppfoljning.cli import main

MINUS = "\u2212"
ECONOMY = "ekonomi@regionhalland.se"
CHAIR = "ordforande@regionhalland.se"
NEW = "ny.ledamot@regionhalland.se"
MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


def write_recipients(path: Path, ur1: list[str], allowed: tuple[str, ...] = ("regionhalland.se",)) -> Path:
    path.write_text(
        yaml.safe_dump(
            {"allowed_domains": list(allowed), "lists": {"ur1": ur1, "avvikelserapport": [ECONOMY]}}
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def office(tmp_path: Path) -> dict[str, Path | str]:
    urls = (f"sqlite:///{tmp_path / 'ledger.db'}", f"sqlite:///{tmp_path / 'hr.db'}")
    write_small_office(*urls)
    inputs = tmp_path / "indata-2025.yaml"
    inputs.write_text(yaml.safe_dump(INPUTS, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return {
        "ledger": urls[0],
        "hr": urls[1],
        "inputs": inputs,
        "out": tmp_path / "out",
        "recipients": write_recipients(tmp_path / "mottagare.yaml", [ECONOMY, "Ordforande@RegionHalland.se"]),
    }


def run_april(office: dict[str, Path | str], *extra: str) -> int:
    return main(
        [
            "run",
            "--period",
            "2025-04",
            "--ledger-url",
            str(office["ledger"]),
            "--hr-url",
            str(office["hr"]),
            "--out",
            str(office["out"]),
            "--inputs",
            str(office["inputs"]),
            "--recipients",
            str(office["recipients"]),
            *extra,
        ]
    )


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Server:
    with smtp_server() as running:
        for name, value in smtp_env(running, UPPFOLJNING_RETRY_DELAY_SECONDS="0.05").items():
            monkeypatch.setenv(name, value)
        yield running


def _attachments(message: EmailMessage) -> dict[str, bytes]:
    return {str(p.get_filename()): p.get_content() for p in message.walk() if p.is_attachment()}


def _ledger(office: dict[str, Path | str]) -> list[tuple[int, str, str]]:
    with open_ledger(f"sqlite:///{Path(office['out']) / 'leveranser.db'}") as ledger:
        return [(d.version, d.recipient, d.state) for d in ledger.deliveries("2025-04")]


def test_first_send_an_identical_rerun_and_a_correction_to_old_and_new_recipients(
    office: dict[str, Path | str], server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    # --- the first send: one message per address on the UR1 list, each addressed to that address only
    assert run_april(office, "--send") == 0, capfd.readouterr().err
    assert sorted(str(m["To"]) for m in server.messages) == [ECONOMY, CHAIR]
    assert [r.rcpt_tos for r in server.received] in ([[ECONOMY], [CHAIR]], [[CHAIR], [ECONOMY]])
    first = server.to(CHAIR)[0]
    assert first["Subject"] == "Uppföljningsrapport 1 – april 2025"
    assert first["From"] == "Regionkontoret <uppfoljning@regionhalland.se>"
    assert first["Auto-Submitted"] == "auto-generated"
    assert str(first["Message-ID"]).startswith("<uppfoljning-2025-04-v1-")
    assert first["Message-ID"] != server.to(ECONOMY)[0]["Message-ID"]
    html_part = first.get_body(preferencelist=("html",))
    assert html_part is not None
    html = html_part.get_content()
    images = [p for p in first.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 3
    for image in images:
        assert f'src="cid:{str(image["Content-ID"]).strip("<>")}"' in html
    files = _attachments(first)
    assert sorted(files) == ["Uppföljningsrapport 1 2025-04.pdf", "Uppföljningsrapport 1 2025-04.xlsx"]
    pdf = PdfReader(io.BytesIO(files["Uppföljningsrapport 1 2025-04.pdf"]))
    # Words as a reader sees them: the report keeps a number and its unit together with a no-break space.
    pdf_text = " ".join("\n".join(page.extract_text() for page in pdf.pages).replace("\u00a0", " ").split())
    assert "överskott på 1,5 mnkr" in pdf_text  # periodresultat 1 499 999.75 (test_end_to_end.APRIL_ECONOMY)
    book = openpyxl.load_workbook(io.BytesIO(files["Uppföljningsrapport 1 2025-04.xlsx"]))
    assert "Driftredovisning" in book.sheetnames
    assert "Rättelse" not in html
    assert _ledger(office) == [(1, ECONOMY, "sent"), (1, CHAIR, "sent")] or sorted(_ledger(office)) == sorted(
        [(1, ECONOMY, "sent"), (1, CHAIR, "sent")]
    )

    # --- an identical rerun: the same version, nothing sent
    assert run_april(office, "--send") == 0
    assert len(server.received) == 2
    assert not (Path(office["out"]) / "2025-04" / "versions" / "v2").exists()

    # --- corrected source data: 1 000 000.00 more other operating costs in April (account 5010, RK100),
    # and the chair leaves the list while a new member joins it.
    with sa.create_engine(str(office["ledger"])).begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO gl_entries VALUES ('K9', 1, '2025-04-30', 202504, '5010', 'RK100', NULL, 1000000.00, 'rättelse'),"
                " ('K9', 2, '2025-04-30', 202504, '1930', 'RK100', NULL, -1000000.00, 'rättelse')"
            )
        )
    write_recipients(Path(office["recipients"]), [ECONOMY, NEW])
    assert run_april(office, "--send") == 0, capfd.readouterr().err
    corrections = server.messages[2:]
    # Everyone who got version 1 (also the chair, no longer on the list) and everyone now on the list.
    assert sorted(str(m["To"]) for m in corrections) == sorted([ECONOMY, CHAIR, NEW])
    for message in corrections:
        assert message["Subject"] == "Rättelse: Uppföljningsrapport 1 – april 2025"
        assert str(message["Message-ID"]).startswith("<uppfoljning-2025-04-v2-")
    chair = server.to(CHAIR)[1]
    assert chair["In-Reply-To"] == first["Message-ID"]  # threads with the version the chair got
    assert server.to(NEW)[0]["In-Reply-To"] is None
    text_part = chair.get_body(preferencelist=("plain",))
    assert text_part is not None
    text = text_part.get_content()
    sent_day = json.loads((Path(office["out"]) / "2025-04" / "figures.json").read_text(encoding="utf-8"))[
        "correction"
    ]["sent_at"]
    sent = dt.datetime.fromisoformat(sent_day)
    assert (
        f"Vad har ändrats sedan version 1 (skickad {sent.day} {MONTHS[sent.month - 1]} {sent.year})" in text
    )
    # By hand: övriga driftskostnader actual 221 000 000 -> 222 000 000; periodresultat
    # 1 499 999.75 -> 499 999.75; ackumulerad budgetavvikelse -2 500 000.25 -> -3 500 000.25;
    # prognos budgetavvikelse -500 000.25 -> -1 500 000.25 (the forecast follows the actual).
    for line in (
        "- Övriga driftskostnader, utfall ack.: 221,0 mnkr → 222,0 mnkr",
        "- Nettokostnad, utfall ack.: 270,5 mnkr → 271,5 mnkr",
        "- Periodresultat: 1,5 mnkr → 0,5 mnkr",
        f"- Ackumulerad budgetavvikelse: {MINUS}2,5 mnkr → {MINUS}3,5 mnkr",
        f"- Prognos budgetavvikelse helår: {MINUS}0,5 mnkr → {MINUS}1,5 mnkr",
    ):
        assert line in text, line
    assert "Personalkostnader" not in text.split("Vad har ändrats")[1].split("Regionstyrelsen")[0]
    # The report of version 2 shows the same section.
    report = (Path(office["out"]) / "2025-04" / "report.html").read_text(encoding="utf-8")
    assert "Rättelse: vad har ändrats sedan version 1 (skickad" in report
    assert "221,0 mnkr" in report and "222,0 mnkr" in report
    pdf = PdfReader(Path(office["out"]) / "2025-04" / "report.pdf")
    assert "vad har ändrats sedan version 1" in pdf.pages[1].extract_text() + pdf.pages[2].extract_text()
    assert sorted(_ledger(office)) == sorted(
        [(1, ECONOMY, "sent"), (1, CHAIR, "sent"), (2, ECONOMY, "sent"), (2, NEW, "sent"), (2, CHAIR, "sent")]
    )

    # --- and that rerun again: nothing more
    assert run_april(office, "--send") == 0
    assert len(server.received) == 5


def test_421_is_retried_and_each_recipient_gets_exactly_one(
    office: dict[str, Path | str], server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    server.data_replies = ["421 4.3.2 Service not available, try later", "421 4.3.2 Service not available"]
    assert run_april(office, "--send") == 0, capfd.readouterr().err
    assert server.attempts == 4  # two refused, then one per recipient
    assert sorted(str(m["To"]) for m in server.messages) == [ECONOMY, CHAIR]
    with open_ledger(f"sqlite:///{Path(office['out']) / 'leveranser.db'}") as ledger:
        rows = ledger.deliveries("2025-04")
    assert {row.state for row in rows} == {"sent"}
    assert sum(row.attempts for row in rows) >= 3  # the refused attempts are counted


def test_an_address_outside_the_allowed_domains_refuses_the_whole_send(
    office: dict[str, Path | str], server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    write_recipients(Path(office["recipients"]), [ECONOMY, "ekonomi@regionhaland.se"])
    status = run_april(office, "--send")
    err = capfd.readouterr().err
    assert status == 2
    assert "ekonomi@regionhaland.se" in err and "recipients.allowed_domains" in err
    assert "regionhalland.se" in err
    assert server.attempts == 0 and server.mails == 0
    assert not (Path(office["out"]) / "2025-04").exists()  # refused before anything was published


def test_a_refused_login_fails_at_once_without_retries_and_never_shows_the_password(
    office: dict[str, Path | str], monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    with smtp_server(user="uppfoljning", password="rätt-lösen") as running:
        env = smtp_env(
            running,
            UPPFOLJNING_SMTP_USER="uppfoljning",
            UPPFOLJNING_SMTP_PASSWORD="fel-losenord-123",
            UPPFOLJNING_RETRY_DELAY_SECONDS="5",  # a retry would show as a delay; none may happen
        )
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        status = run_april(office, "--send")
        captured = capfd.readouterr()
        assert status == 3
        assert "refused the login" in captured.err and "535" in captured.err
        assert running.mails == 0
    assert "fel-losenord-123" not in captured.out + captured.err
    for path in Path(office["out"]).rglob("*"):
        if path.is_file():
            assert b"fel-losenord-123" not in path.read_bytes(), path
    # The report is published; the ledger says nobody got it, so a later --send will try again.
    assert (Path(office["out"]) / "2025-04" / "report.pdf").is_file()
    assert {state for _, _, state in _ledger(office)} == {"failed"}


def test_one_refused_mailbox_does_not_stop_the_others(
    office: dict[str, Path | str], server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    server.rcpt_replies[CHAIR] = "550 5.1.1 No such user"
    status = run_april(office, "--send")
    err = capfd.readouterr().err
    assert status == 3
    assert CHAIR in err and "550" in err
    assert [str(m["To"]) for m in server.messages] == [ECONOMY]
    assert sorted(_ledger(office)) == [(1, ECONOMY, "sent"), (1, CHAIR, "failed")]
