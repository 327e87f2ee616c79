"""The `uppfoljning` command (contract §2).

Exit status: 0 published; 2 when validation blocks publication or an input is unusable (a one-paragraph
explanation on stderr names the table, key and rule); 1 on an unexpected error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from uppfoljning.settings import configure_prefect, load_settings, redact, split_password

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


def _run(args: argparse.Namespace, settings, out_dir: Path) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import SQLAlchemyError

    from expectations.runner import ValidationFailed
    from flows.monthly import monthly_followup

    if args.send:
        return _fail(
            "Utskick med e-post finns inte i den här versionen; kör utan --send. "
            "/ Email delivery is not available in this version; run without --send."
        )
    ledger_url = args.ledger_url or settings.ledger_url
    hr_url = args.hr_url or settings.hr_url or ledger_url
    if not ledger_url:
        return _fail(
            "Ingen ekonomikälla angiven: använd --ledger-url eller UPPFOLJNING_LEDGER_URL. / No ledger source."
        )
    inputs = args.inputs or settings.inputs_dir / f"indata-{args.period[:4]}.yaml"
    try:
        published = monthly_followup(
            period=args.period,
            ledger_url=split_password(ledger_url, "ledger"),
            hr_url=split_password(hr_url, "hr"),
            out_dir=str(out_dir),
            kind=args.kind,
            inputs_path=str(inputs),
            plan_path=str(args.plan) if args.plan else None,
        )
    except ValidationFailed as exc:
        return _fail(
            f"Publiceringen stoppades av datakontrollen för {args.period}; inget publicerades. {exc}"
        )
    except SQLAlchemyError as exc:
        detail = str(exc.orig if getattr(exc, "orig", None) else exc).splitlines()[0]
        return _fail(
            f"Källan kunde inte läsas ({redact(ledger_url)} / {redact(hr_url)}): {detail}. "
            f"The source could not be read; nothing was published."
        )
    except ValueError as exc:
        return _fail(f"Ogiltig indata / invalid input: {exc}")
    print(f"Publicerat: {published}/report.html")
    return EXIT_OK


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_BLOCKED


if __name__ == "__main__":
    sys.exit(main())
