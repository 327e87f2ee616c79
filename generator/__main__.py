"""`python -m generator --size region --ledger-url URL --hr-url URL`: write a source of a given size."""

from __future__ import annotations

import argparse
import sys
import time

from generator import SIZES, generate_source
from uppfoljning.plan import load_plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="demo")
    parser.add_argument("--ledger-url", required=True, help="SQLAlchemy URL of the ledger source")
    parser.add_argument("--hr-url", help="SQLAlchemy URL of the HR source (default: the ledger's)")
    parser.add_argument("--year", type=int, default=2025, help="the plan year (default 2025)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--no-indexes", action="store_true", help="skip the recommended indexes")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    def progress(step: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {step}", file=sys.stderr, flush=True)

    summary = generate_source(
        args.ledger_url,
        args.hr_url or args.ledger_url,
        load_plan(year=args.year),
        args.size,
        seed=args.seed,
        indexes=not args.no_indexes,
        progress=progress,
    )
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
