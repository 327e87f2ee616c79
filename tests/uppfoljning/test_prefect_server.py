"""The Prefect server the command starts as its child never outlives it: stopped at a normal exit, and
killed by the kernel (PR_SET_PDEATHSIG) when the command itself is killed."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
# A stand-in for the server (the lifetime is what is tested, not Prefect): a child that would live 2 minutes.
COMMAND = textwrap.dedent(
    """
    import sys, time
    from uppfoljning.prefect_server import PrefectServer

    server = PrefectServer([sys.executable, "-c", "import time; time.sleep(120)"], port=0)
    print(server.process.pid, flush=True)
    if sys.argv[1] == "wait":
        time.sleep(120)
    """
)


def _alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie nobody has reaped yet (the container may lack an init)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize("end", ["exit", "wait"])
def test_the_server_child_ends_with_the_command(end: str) -> None:
    command = subprocess.Popen(
        [sys.executable, "-c", COMMAND, end], cwd=CHECKOUT, stdout=subprocess.PIPE, text=True
    )
    assert command.stdout is not None
    server_pid = int(command.stdout.readline())
    if end == "wait":
        assert _alive(server_pid)
        command.send_signal(signal.SIGKILL)  # no atexit, no finally: only the kernel can stop the child now
    command.wait(timeout=30)
    assert _gone_within(server_pid, 10), f"the server child {server_pid} outlived the command ({end})"


TEMPORARY = textwrap.dedent(
    """
    import os
    from uppfoljning.prefect_server import api, start_temporary_server

    server = start_temporary_server()
    if server is None:
        print("none", os.environ["PREFECT_API_URL"])
    else:
        server.wait_until_ready()
        print(os.environ["PREFECT_API_URL"] == server.api_url, api(server.api_url, "/health"))
    """
)


@pytest.mark.parametrize("configured", [True, False])
def test_the_temporary_server_is_started_unless_a_server_is_configured(
    configured: bool, tmp_path: Path
) -> None:
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    if configured:
        env["PREFECT_API_URL"] = "http://prefect.example:4200/api"
    done = subprocess.run(
        [sys.executable, "-c", TEMPORARY], cwd=CHECKOUT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    expected = "none http://prefect.example:4200/api" if configured else "True True"
    assert done.stdout.strip() == expected


# A stand-in server that answers /health with `true` once its file `ready` exists.
HEALTH_SERVER = textwrap.dedent(
    """
    import http.server, pathlib, sys

    ready = pathlib.Path(sys.argv[2])

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"true" if ready.exists() else b"false"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Health).serve_forever()
    """
)


def _module(folder: Path, name: str, body: str = "") -> str:
    (folder / f"{name}.py").write_text(body)
    return name


def _listening(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"the stand-in server did not listen on {port}")


@pytest.mark.parametrize("ready_at_start", [False, True])
def test_modules_are_imported_only_while_the_server_is_not_ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ready_at_start: bool
) -> None:
    from uppfoljning.prefect_server import PrefectServer, free_port

    monkeypatch.syspath_prepend(str(tmp_path))
    ready = tmp_path / "ready"
    if ready_at_start:
        ready.touch()
    # Importing the first module makes the server ready: the second is then left to where it is used.
    first = _module(tmp_path, "warm_first_7f3a", f"import pathlib\npathlib.Path({str(ready)!r}).touch()\n")
    second = _module(tmp_path, "warm_second_7f3a")
    port = free_port()
    server = PrefectServer([sys.executable, "-c", HEALTH_SERVER, str(port), str(ready)], port)
    try:
        _listening(port)
        server.wait_until_ready(timeout=30, meanwhile=[first, second])
        imported = [name for name in (first, second) if name in sys.modules]
    finally:
        server.stop()
        for name in (first, second):
            sys.modules.pop(name, None)
    assert imported == ([] if ready_at_start else [first])


# A flow with one task against the temporary server, then what the server kept: its task runs and events.
RECORDED = textwrap.dedent(
    """
    import json, os, time
    from uppfoljning.prefect_server import api, start_temporary_server

    server = start_temporary_server()
    server.wait_until_ready()
    from prefect import flow, task

    @task
    def step():
        return 1

    @flow
    def tiny():
        return step()

    tiny()
    time.sleep(3)  # the persister flushes every 0.5 s here (set by the test): long enough to have flushed
    task_runs = api(server.api_url, "/task_runs/filter", {"limit": 10})
    events = api(server.api_url, "/events/filter", {"limit": 50})
    print(json.dumps({"task_runs": len(task_runs), "events": events["total"]}))
    """
)


@pytest.mark.parametrize("persister", ["default", "enabled"])
def test_the_temporary_server_records_runs_but_no_event_feed(persister: str, tmp_path: Path) -> None:
    """The runs are recorded; the events a UI would show are not persisted unless the environment asks.
    With the persister enabled the same check finds events, so it can tell the two apart."""
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    env["PREFECT_SERVER_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL"] = "0.5"
    if persister == "enabled":
        env["PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED"] = "true"
    done = subprocess.run(
        [sys.executable, "-c", RECORDED], cwd=CHECKOUT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr[-3000:]
    kept = json.loads(done.stdout.strip().splitlines()[-1])
    assert kept["task_runs"] == 1
    if persister == "default":
        assert kept["events"] == 0
    else:
        assert kept["events"] > 0
