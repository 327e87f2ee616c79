"""Exactly once when things break: a process killed mid-delivery, two runs at once, a source that goes away.

These run the real command in subprocesses (`uppfoljning run`, `uppfoljning send`) against a real SMTP
server on loopback and, for the source outage, a real PostgreSQL reached through a TCP relay that the test
stops, so the pipeline meets a refused connection exactly as when the database server stops.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from delivery.ledger import open_ledger
from tests.delivery.test_sending import CHAIR, ECONOMY, write_recipients
from tests.fixtures.small_office import write_small_office
from tests.flows.test_monthly import INPUTS
from tests.pg import pg_url_factory  # noqa: F401  (a fixture: used as a test parameter)
from tests.smtp import smtp_env, smtp_server
from uppfoljning.cli import main

COMMAND = str(Path(sys.executable).parent / "uppfoljning")
THIRD = "controller@regionhalland.se"


@pytest.fixture
def office(tmp_path: Path) -> dict[str, str]:
    urls = (f"sqlite:///{tmp_path / 'ledger.db'}", f"sqlite:///{tmp_path / 'hr.db'}")
    write_small_office(*urls)
    inputs = tmp_path / "indata-2025.yaml"
    inputs.write_text(yaml.safe_dump(INPUTS, allow_unicode=True, sort_keys=False), encoding="utf-8")
    recipients = write_recipients(tmp_path / "mottagare.yaml", [ECONOMY, CHAIR, THIRD])
    return {
        "ledger": urls[0],
        "hr": urls[1],
        "inputs": str(inputs),
        "out": str(tmp_path / "out"),
        "recipients": str(recipients),
    }


def run_args(office: dict[str, str], *extra: str) -> list[str]:
    return [
        "run",
        "--period",
        "2025-04",
        "--ledger-url",
        office["ledger"],
        "--hr-url",
        office["hr"],
        "--out",
        office["out"],
        "--inputs",
        office["inputs"],
        "--recipients",
        office["recipients"],
        *extra,
    ]


def child_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPPFOLJNING_SMTP")}
    env.update(extra)
    return env


def ledger_rows(office: dict[str, str]) -> dict[str, tuple[int, str]]:
    with open_ledger(f"sqlite:///{Path(office['out']) / 'leveranser.db'}") as ledger:
        return {d.recipient: (d.version, d.state) for d in ledger.deliveries("2025-04")}


def test_killed_between_two_recipients_then_rerun_completes_without_a_duplicate(
    office: dict[str, str], monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    with smtp_server() as server:
        env = smtp_env(server, UPPFOLJNING_RETRY_DELAY_SECONDS="0.05")
        child: list[subprocess.Popen[bytes]] = []
        killed = threading.Event()

        def kill_at_second_mail(number: int) -> None:
            # MAIL FROM of the second message: the first was accepted and recorded, the second not begun.
            if number == 2 and not killed.is_set():
                killed.set()
                child[0].send_signal(signal.SIGKILL)
                child[0].wait(timeout=30)

        server.on_mail = kill_at_second_mail
        child.append(subprocess.Popen([COMMAND, *run_args(office, "--send")], env=child_env(env)))
        assert child[0].wait(timeout=300) == -signal.SIGKILL
        assert killed.is_set()
        first = [str(m["To"]) for m in server.messages]
        assert len(first) == 1
        rows = ledger_rows(office)
        assert rows[first[0]] == (1, "sent")
        assert [state for _, state in rows.values()].count("sent") == 1  # the others never reached the end

        # The rerun (in this process) serves everyone else, once.
        server.on_mail = None
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        assert main(run_args(office, "--send")) == 0, capfd.readouterr().err
        assert sorted(str(m["To"]) for m in server.messages) == sorted([ECONOMY, CHAIR, THIRD])
        assert {state for _, state in ledger_rows(office).values()} == {"sent"}


def test_killed_after_the_server_accepted_is_uncertain_not_resent_and_resend_is_explicit(
    office: dict[str, str], monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    # Published first, without sending (finance reads the report), then `uppfoljning send`.
    assert main(run_args(office)) == 0
    with smtp_server() as server:
        env = smtp_env(server)
        child: list[subprocess.Popen[bytes]] = []

        def kill_before_the_reply(number: int) -> None:
            # The whole first message is in: the server accepts it, but its sender dies before the answer.
            if number == 1:
                child[0].send_signal(signal.SIGKILL)
                child[0].wait(timeout=30)

        server.on_data = kill_before_the_reply
        send = ["send", "--period", "2025-04", "--out", office["out"], "--recipients", office["recipients"]]
        child.append(subprocess.Popen([COMMAND, *send], env=child_env(env)))
        assert child[0].wait(timeout=120) == -signal.SIGKILL
        assert len(server.received) == 1
        got_it = str(server.messages[0]["To"])
        assert ledger_rows(office)[got_it] == (1, "sending")

        server.on_data = None
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        assert main(send) == 0
        out = capfd.readouterr().out
        # The two others are served; the uncertain one is reported, not sent again.
        assert sorted(str(m["To"]) for m in server.messages) == sorted([ECONOMY, CHAIR, THIRD])
        assert ledger_rows(office)[got_it] == (1, "uncertain")
        assert got_it in out and "osäkert" in out

        assert main(["deliveries", "--period", "2025-04", "--out", office["out"]]) == 0
        listing = capfd.readouterr().out
        assert "osäkert" in listing and got_it in listing

        resend = ["resend", "--period", "2025-04", "--version", "1", "--to", got_it, "--out", office["out"]]
        assert main([*resend, "--recipients", office["recipients"]]) == 0
        again = server.to(got_it)
        assert len(again) == 2 and again[0]["Message-ID"] == again[1]["Message-ID"]
        assert main(["deliveries", "--period", "2025-04", "--out", office["out"]]) == 0
        assert f"omsändning 1: version 1 till {got_it}, sent" in capfd.readouterr().out


def test_two_runs_of_one_period_started_together_publish_one_version(office: dict[str, str]) -> None:
    with smtp_server() as server:
        env = child_env(smtp_env(server))
        runs = [
            subprocess.Popen(
                [COMMAND, *run_args(office, "--send")],
                env=env,
                stderr=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        results = [run.communicate(timeout=300) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], [r[1].decode()[-2000:] for r in results]
        versions = sorted(p.name for p in (Path(office["out"]) / "2025-04" / "versions").iterdir())
        assert versions == ["v1"]
        assert sorted(str(m["To"]) for m in server.messages) == sorted([ECONOMY, CHAIR, THIRD])


@contextmanager
def relay(target_port: int) -> Iterator[Callable[[], None]]:
    """A TCP relay on 127.0.0.1 to the PostgreSQL server; calling the yielded function stops it: open
    connections are cut and new ones refused, as when the database server stops."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    sockets: list[socket.socket] = [listener]
    stopped = threading.Event()

    def pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def accept() -> None:
        while not stopped.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", target_port))
            sockets.extend([client, server])
            threading.Thread(target=pump, args=(client, server), daemon=True).start()
            threading.Thread(target=pump, args=(server, client), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()

    def stop() -> None:
        stopped.set()
        for s in sockets:
            with suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    relay.port = listener.getsockname()[1]  # type: ignore[attr-defined]
    try:
        yield stop
    finally:
        stop()


@pytest.mark.postgres
def test_source_database_stopped_mid_run_ends_failed_with_nothing_published_or_sent(
    pg_url_factory: Callable[[], str],  # noqa: F811
    office: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    url = pg_url_factory()
    write_small_office(url, url)
    with relay(5432) as stop, smtp_server() as server:
        through = sa.make_url(url).set(port=relay.port).render_as_string(hide_password=False)  # type: ignore[attr-defined]
        for name, value in smtp_env(
            server, UPPFOLJNING_RETRY_DELAY_SECONDS="0.05", UPPFOLJNING_RETRIES="2"
        ).items():
            monkeypatch.setenv(name, value)
        import expectations.runner  # flows.monthly imports it in the validation task

        validated = expectations.runner.validate_sources

        def validate_then_stop(*args: object, **kwargs: object) -> object:
            report = validated(*args, **kwargs)
            stop()  # the database "stops" after validation, before the extract
            return report

        monkeypatch.setattr(expectations.runner, "validate_sources", validate_then_stop)
        office = {**office, "ledger": through, "hr": through}
        status = main(run_args(office, "--send"))
        err = capfd.readouterr().err
    assert status == 3
    assert "unreachable after 3 attempts" in err and "nothing was published or sent" in err
    assert not (Path(office["out"]) / "2025-04").exists()
    assert server.mails == 0
    log = (Path(office["out"]) / "runs" / "2025-04.jsonl").read_text(encoding="utf-8")
    assert '"outcome": "failed"' in log
