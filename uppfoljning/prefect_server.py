"""Prefect's server as a child process of the command: started first, awaited only before the first flow call.

Without PREFECT_API_URL, Prefect starts a temporary local server at the first flow call and waits 4-5 s for
it, after the flow modules have imported. `uppfoljning run` and `uppfoljning demo` start that same
temporary server (Prefect's own app, no UI, SQLite in PREFECT_HOME) before importing anything heavy and
point PREFECT_API_URL at it, so its start overlaps the imports of Prefect, Great Expectations, WeasyPrint
and matplotlib; `serve` starts a full `prefect server start` (with its scheduler) the same way. With
PREFECT_API_URL set, nothing is started: runs use that server (README, "Running against a Prefect
server").

The child dies with the command: stopped at exit (so its CPU time is accounted to the command), and on
Linux told by the kernel (PR_SET_PDEATHSIG) when the command is killed.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

START_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 10
PR_SET_PDEATHSIG = 1


TEMPORARY_SERVER_DEFAULTS = {
    # The event feed is for a UI and automations, which a temporary server has neither; flow runs, task
    # runs, their states, logs and artifacts are recorded as before. Persisting the events cost the demo
    # year 1.5 s of the server's CPU, and as the events piled up in the Prefect home (60 % of its database)
    # every later run's bookkeeping grew with them: 3.6 s at 22 MB, 5.2 s at 66 MB (README, "Where the
    # demo year's time goes"). The environment may set them otherwise.
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
}


class ServerDidNotStart(RuntimeError):
    """The Prefect server exited or did not answer its health check in time."""


class PrefectServer:
    """A Prefect server process on 127.0.0.1 and its API URL."""

    def __init__(self, command: Sequence[str], port: int, env: dict[str, str] | None = None) -> None:
        self.port = port
        self.api_url = f"http://127.0.0.1:{port}/api"
        self.process: subprocess.Popen[bytes] | None = subprocess.Popen(
            list(command), stdin=subprocess.DEVNULL, env=env, preexec_fn=_die_with_parent
        )
        atexit.register(self.stop)

    def wait_until_ready(self, timeout: float = START_TIMEOUT_SECONDS, meanwhile: Sequence[str] = ()) -> None:
        """Return once the server answers /health; ServerDidNotStart when it exits or times out.

        `meanwhile`: modules the command will import anyway, imported one by one while the server is not
        ready yet (the server starts on the other core; the command would otherwise sit idle). Those
        left when it answers are imported where they are used, as without this."""
        deadline = time.monotonic() + timeout
        waiting = list(meanwhile)
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                raise ServerDidNotStart(f"the Prefect server on port {self.port} exited (status {code})")
            try:
                if api(self.api_url, "/health", timeout=2) is True:
                    return
            except (urllib.error.URLError, OSError, ValueError):
                pass
            if waiting:
                importlib.import_module(waiting.pop(0))
            else:
                time.sleep(0.1)
        raise ServerDidNotStart(
            f"the Prefect server on port {self.port} did not answer within {timeout:.0f} s"
        )

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_temporary_server() -> PrefectServer | None:
    """Start Prefect's temporary server (as Prefect's ephemeral mode does) and set PREFECT_API_URL to it.

    None when PREFECT_API_URL is already set, the ephemeral server is switched off
    (PREFECT_SERVER_EPHEMERAL_ENABLED=false), or Prefect is already imported in this process (its settings
    are read then, e.g. when tests call the command in-process): Prefect then does what it is configured to.
    """
    if (
        os.environ.get("PREFECT_API_URL")
        or _false(os.environ.get("PREFECT_SERVER_EPHEMERAL_ENABLED"))
        or "prefect" in sys.modules
    ):
        return None
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on",
    ]  # fmt: skip
    # What Prefect's SubprocessASGIServer sets: no UI, the temporary server's own settings.
    env = {
        **TEMPORARY_SERVER_DEFAULTS,
        **os.environ,
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
    }
    server = PrefectServer(command, port, env)
    os.environ["PREFECT_API_URL"] = server.api_url
    return server


def start_server(port: int) -> PrefectServer:
    """`prefect server start` on 127.0.0.1:port, with its UI and scheduler (what `serve` needs)."""
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    return PrefectServer(command, port, env)


def api(api_url: str, path: str, body: Any = None, timeout: float = 30) -> Any:
    """One call of the server's REST API: GET without a body, POST with one; the decoded JSON answer."""
    request = urllib.request.Request(
        f"{api_url}{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _false(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("0", "false", "no", "off")


def _die_with_parent() -> None:
    """In the child, before exec: ask the kernel for SIGTERM when the parent dies (Linux only)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
