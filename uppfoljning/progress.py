"""One short line on stderr per monthly run: what it was, where its time went, and how it ended.

    2025-04 ur1 v2: validera 1,2 s · hämta 0,8 s · beräkna · publicera 1,9 s · skicka 0,2 s → publicerad (4,3 s)

Shown when asked for (`uppfoljning run --progress`) and always by the demo, which runs the year month by
month; otherwise a run prints nothing of it (the scheduled runs log through Prefect). The line names the
period, the report kind, the version and the stages' seconds, never a person, an amount or a key: it is
safe in any terminal and any CI log. A stage under 0,05 s is named without its seconds.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

OUTCOMES = {
    "published": "publicerad",
    "unchanged": "oförändrad",
    "blocked": "stoppad",
    "stopped": "avbruten",
    "failed": "misslyckades",
}
_shown = False


def show(on: bool) -> None:
    """Progress lines on stderr from now on, or not (`uppfoljning run [--progress]`)."""
    global _shown
    _shown = on


@contextmanager
def shown() -> Iterator[None]:
    """Progress lines on stderr for the runs inside the block (the demo)."""
    global _shown
    before, _shown = _shown, True
    try:
        yield
    finally:
        _shown = before


def say(text: str) -> None:
    """One line of progress that is not a run's (the demo's own steps), when progress is shown."""
    if _shown:
        print(text, file=sys.stderr, flush=True)


def seconds(value: float) -> str:
    """Seconds the Swedish way, one decimal: 1,2 s (the reports' own number format; Babel is imported here
    so that `uppfoljning --help` does not pay for it)."""
    from publish.formatting import number

    return f"{number(value, 1)} s"


@dataclass
class Stages:
    """The seconds of a run's stages, each measured from the end of the one before (or the start)."""

    clock: Callable[[], float] = time.perf_counter
    started: float = field(init=False)
    by_stage: dict[str, float] = field(default_factory=dict)
    _mark: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self._mark = self.clock()

    def done(self, stage: str) -> None:
        """The stage named ended now: it took the time since the previous stage ended."""
        now = self.clock()
        self.by_stage[stage] = self.by_stage.get(stage, 0.0) + now - self._mark
        self._mark = now

    def skip(self) -> None:
        """Time since the last mark belongs to no stage (e.g. waiting for the period's lock)."""
        self._mark = self.clock()

    def line(self, period: str, kind: str, version: int | None, outcome: str) -> str:
        parts = [name if s < 0.05 else f"{name} {seconds(s)}" for name, s in self.by_stage.items()]
        total = self.clock() - self.started
        head = f"{period} {kind} v{version}" if version is not None else f"{period} {kind}"
        return f"{head}: {' · '.join(parts) or 'inga steg'} → {OUTCOMES.get(outcome, outcome)} ({seconds(total)})"

    def report(self, period: str, kind: str, version: int | None, outcome: str) -> None:
        """The run's line on stderr, when progress is shown."""
        if _shown:
            say(self.line(period, kind, version, outcome))
