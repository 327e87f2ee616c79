"""The `uppfoljning` command (contract §2).

Exit status: 0 published; 2 when validation blocks publication or an input is unusable (a one-paragraph
explanation on stderr names the table, key and rule); 1 on an unexpected error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from uppfoljning.settings import Settings, configure_prefect, load_settings, redact, split_password

EXIT_OK, EXIT_UNEXPECTED, EXIT_BLOCKED = 0, 1, 2
KINDS = ("avvikelserapport", "ur1", "ur2", "arsredovisning", "manadsrapport")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="uppfoljning", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="generate the demo source (SQLite) and run the whole demo year")
    demo.add_argument("--out", type=Path, help="output folder (default: out, or UPPFOLJNING_OUT)")

    run = commands.add_parser("run", help="one follow-up run for a closed month")
    run.add_argument("--period", required=True, help="the closed month, YYYY-MM")
    run.add_argument("--ledger-url", help="SQLAlchemy URL of the ledger source (or UPPFOLJNING_LEDGER_URL)")
    run.add_argument("--hr-url", help="SQLAlchemy URL of the HR source (default: the ledger URL)")
    run.add_argument("--out", type=Path, help="output folder (default: out, or UPPFOLJNING_OUT)")
    run.add_argument("--kind", choices=KINDS, help="override the report calendar")
    run.add_argument(
        "--inputs", type=Path, help="finance staff's inputs file (default: inputs/indata-YYYY.yaml)"
    )
    run.add_argument("--plan", type=Path, help="plan file (default: the built-in plan of the year)")
    send = run.add_mutually_exclusive_group()
    send.add_argument("--send", dest="send", action="store_true", help="email the report to its recipients")
    send.add_argument("--no-send", dest="send", action="store_false", help="do not email (default)")
    run.set_defaults(send=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = load_settings()
    configure_prefect(settings)
    out_dir = args.out or settings.out_dir
    try:
        if args.command == "demo":
            return _demo(out_dir)
        return _run(args, settings, out_dir)
    except KeyboardInterrupt:
        return EXIT_UNEXPECTED


def _demo(out_dir: Path) -> int:
    from flows.demo import demo_year

    published = demo_year(out_dir=str(out_dir))
    print(f"Demoåret klart: {len(published)} rapporter under {out_dir}/ (t.ex. {published[1]}/report.html)")
    return EXIT_OK


def _run(args: argparse.Namespace, settings: Settings, out_dir: Path) -> int:
    from flows.monthly import Blocked, monthly_followup

    if args.send:
        return _fail(
            "Utskick med e-post finns inte i den här versionen; kör utan --send. "
            "/ Email delivery is not available in this version; run without --send."
        )
    ledger_url = args.ledger_url or settings.ledger_url
    if not ledger_url:
        return _fail(
            "Ingen ekonomikälla angiven: använd --ledger-url eller UPPFOLJNING_LEDGER_URL. / No ledger source."
        )
    hr_url: str = args.hr_url or settings.hr_url or ledger_url
    inputs = args.inputs or settings.inputs_dir / f"indata-{args.period[:4]}.yaml"
    try:
        ledger_param, hr_param = split_password(ledger_url, "ledger"), split_password(hr_url, "hr")
    except Exception:
        return _fail(f"Ogiltig databas-URL / invalid database URL: {redact(ledger_url)} / {redact(hr_url)}")
    state = monthly_followup(
        period=args.period,
        ledger_url=ledger_param,
        hr_url=hr_param,
        out_dir=str(out_dir),
        kind=args.kind,
        inputs_path=str(inputs),
        plan_path=str(args.plan) if args.plan else None,
        return_state=True,
    )
    if state.is_completed():
        print(f"Publicerat: {state.result()}/report.html")
        return EXIT_OK
    outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, Blocked):
        return _fail(outcome.explanation)
    print(f"Körningen misslyckades oväntat / the run failed unexpectedly: {state.message}", file=sys.stderr)
    return EXIT_UNEXPECTED


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_BLOCKED


if __name__ == "__main__":
    sys.exit(main())
