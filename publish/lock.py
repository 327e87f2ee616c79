"""One run of a period at a time: publishing and sending of a period are serialised by a lock file.

`period_lock(out, "2025-04")` holds `flock(2)` on `OUT/.locks/2025-04.lock` while a run publishes and sends.
The kernel releases the lock when its holder's process ends, however it ends (killed, crashed, machine
lost for a local file), so a crashed run never blocks the next one, and no stale lock is ever "broken" by
guesswork. A second run of the same period waits, up to `timeout` seconds, and then stops with a message
that names the holder (process, host, start time, Prefect flow run), which the holder writes into the file.
Runs of different periods do not wait for each other.

The lock protects the output folder, so it lives there: runs on several machines must share that folder
on a file system with working `flock` (a local disk, or NFSv4), as they share the reports themselves.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

LOCKS_FOLDER = ".locks"
POLL_SECONDS = 0.2


class PeriodBusy(Exception):
    """Another run holds the period's lock and did not release it within the timeout."""

    def __init__(self, period: str, holder: str, waited: float) -> None:
        self.period = period
        self.holder = holder
        super().__init__(
            f"En annan körning av {period} pågår ({holder}); gav upp efter {waited:.0f} s. Inget publicerades "
            f"eller skickades av den här körningen; kör igen när den andra är klar. / Another run of {period} "
            f"is in progress ({holder}); gave up after {waited:.0f} s. This run published and sent nothing; "
            "run it again when the other has finished."
        )


def lock_path(out_dir: Path, period: str) -> Path:
    return Path(out_dir) / LOCKS_FOLDER / f"{period}.lock"


@contextlib.contextmanager
def period_lock(
    out_dir: Path,
    period: str,
    timeout: float,
    *,
    owner: str | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the period's lock for the body; wait at most `timeout` seconds for it (PeriodBusy)."""
    path = lock_path(out_dir, period)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        started = time.monotonic()
        announced = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(path)
                waited = time.monotonic() - started
                if waited >= timeout:
                    raise PeriodBusy(period, holder, waited) from None
                if not announced and on_wait is not None:
                    on_wait(
                        f"waiting for another run of {period} to finish ({holder}), at most {timeout:.0f} s"
                    )
                    announced = True
                time.sleep(POLL_SECONDS)
        record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "owner": owner,
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(record) + "\n").encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _holder(path: Path) -> str:
    try:
        record = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        record = {}
    if not record:
        return "holder unknown"
    owner = f", {record['owner']}" if record.get("owner") else ""
    return f"process {record.get('pid')} on {record.get('host')} since {record.get('since')}{owner}"
