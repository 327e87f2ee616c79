"""The `uppfoljning` command (contract §2).

Exit status: 0 published (and sent, with --send); 2 when validation blocks publication, an input is unusable
or the recipients are refused (a one-paragraph explanation on stderr names the table or file, key and
rule); 3 when an outage or a refusal stopped the run (a source unreachable after the retries, the mail
server refusing, another run of the period holding it), explained in one paragraph; 1 on a bug.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

# Only what every command needs: `--help` and the light commands must not import Prefect, Great
# Expectations, WeasyPrint or matplotlib (README, "Fixed cost"). Each command imports its own.
from uppfoljning import progress
from uppfoljning.errors import DataError
from uppfoljning.prefect_server import ServerDidNotStart, start_temporary_server
from uppfoljning.settings import SettingsError, configure_prefect, load_settings, redact, split_password

if TYPE_CHECKING:
    from uppfoljning.settings import Settings

EXIT_OK, EXIT_UNEXPECTED, EXIT_BLOCKED, EXIT_STOPPED = 0, 1, 2, 3
NO_LEDGER_SOURCE = (
    "Ingen ekonomikälla angiven: använd --ledger-url eller UPPFOLJNING_LEDGER_URL. / No ledger source."
)
KINDS = ("avvikelserapport", "ur1", "ur2", "arsredovisning", "manadsrapport")
VALIDATION_MODULES = ("expectations.runner",)
"""Imported while the temporary Prefect server starts: every run validates (Great Expectations, 3 s)."""
PACKAGE_MODULES = ("publish.package", "delivery.send")
"""And for the demo, which publishes every month: WeasyPrint, matplotlib, openpyxl, the email."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="uppfoljning", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="generate the demo source (SQLite) and run the whole demo year")
    demo.add_argument("--out", type=Path, help="output folder (default: out, or UPPFOLJNING_OUT)")

    run = commands.add_parser("run", help="one follow-up run for a closed month")
    _source_options(run)
    run.add_argument("--out", type=Path, help="output folder (default: out, or UPPFOLJNING_OUT)")
    send = run.add_mutually_exclusive_group()
    send.add_argument("--send", dest="send", action="store_true", help="email the report to its recipients")
    send.add_argument("--no-send", dest="send", action="store_false", help="do not email (default)")
    run.set_defaults(send=False)
    _recipients_option(run)
    run.add_argument(
        "--force",
        action="store_true",
        help="publish a new version even when the figures are unchanged (re-renders the package)",
    )
    run.add_argument(
        "--progress", action="store_true", help="one line on stderr: the run's stages, seconds and outcome"
    )

    deliver = commands.add_parser(
        "send", help="email the latest published version of a month to whoever has not got it yet"
    )
    deliver.add_argument("--period", required=True, help="the month, YYYY-MM")
    deliver.add_argument("--out", type=Path, help="output folder (default: out, or UPPFOLJNING_OUT)")
    _recipients_option(deliver)

    deliveries = commands.add_parser("deliveries", help="what was sent for a month, to whom, and when")
    deliveries.add_argument("--period", required=True, help="the month, YYYY-MM")
    deliveries.add_argument("--out", type=Path, help="output folder (default: out, or UPPFOLJNING_OUT)")

    resend = commands.add_parser(
        "resend", help="send one version of a month to one address again (an explicit, logged exception)"
    )
    resend.add_argument("--period", required=True, help="the month, YYYY-MM")
    resend.add_argument("--version", required=True, type=int, help="the version to send (see `deliveries`)")
    resend.add_argument("--to", required=True, help="the address")
    resend.add_argument("--out", type=Path, help="output folder (default: out, or UPPFOLJNING_OUT)")
    _recipients_option(resend)

    serve = commands.add_parser(
        "serve", help="serve the monthly deployment with its schedule (Prefect flow.serve) until stopped"
    )
    serve.add_argument(
        "--cron", help='cron expression (default: UPPFOLJNING_SCHEDULE_CRON, else "0 6 8 * *")'
    )
    serve.add_argument("--timezone", help="time zone of the cron (default: Europe/Stockholm)")
    serve.add_argument("--name", default="manadsuppfoljning", help="deployment name")
    serve_send = serve.add_mutually_exclusive_group()
    serve_send.add_argument("--send", dest="send", action="store_true", help="scheduled runs send (default)")
    serve_send.add_argument(
        "--no-send", dest="send", action="store_false", help="scheduled runs only publish"
    )
    serve.set_defaults(send=True)
    serve.add_argument(
        "--port",
        type=int,
        default=4200,
        help="port of the local Prefect server started without PREFECT_API_URL",
    )

    comments = commands.add_parser(
        "import-kommentarer",
        help="import a filled-in comment sheet (kommentarer.xlsx) into the inputs file; all or nothing",
    )
    comments.add_argument("file", type=Path, help="the filled-in kommentarer.xlsx")
    comments.add_argument(
        "--inputs",
        type=Path,
        help="the inputs file to update (default: inputs/indata-YYYY.yaml of the sheet's year)",
    )
    comments.add_argument("--period", help="refuse the sheet unless it is for this period (YYYY-MM)")
    comments.add_argument("--plan", type=Path, help="plan file (default: the built-in plan of the year)")

    validate = commands.add_parser(
        "validate", help="run every data-quality check for a month and list each finding with its keys"
    )
    _source_options(validate)
    return parser


def _recipients_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--recipients",
        type=Path,
        help="recipients file (default: UPPFOLJNING_RECIPIENTS, else inputs/mottagare.yaml)",
    )


def _source_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--period", required=True, help="the closed month, YYYY-MM")
    command.add_argument(
        "--ledger-url", help="SQLAlchemy URL of the ledger source (or UPPFOLJNING_LEDGER_URL)"
    )
    command.add_argument("--hr-url", help="SQLAlchemy URL of the HR source (default: the ledger URL)")
    command.add_argument("--kind", choices=KINDS, help="override the report calendar")
    command.add_argument(
        "--inputs", type=Path, help="finance staff's inputs file (default: inputs/indata-YYYY.yaml)"
    )
    command.add_argument("--plan", type=Path, help="plan file (default: the built-in plan of the year)")
    command.add_argument(
        "--mapping",
        type=Path,
        help="table and column names of the sources where they differ from the contract's "
        "(default: UPPFOLJNING_MAPPING, else the contract's names)",
    )
    command.add_argument(
        "--thresholds",
        type=Path,
        help="data-quality thresholds that differ from the built-in ones "
        "(default: UPPFOLJNING_THRESHOLDS, else expectations/thresholds.yaml)",
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        return _fail(f"Ogiltig inställning / invalid setting: {exc}")
    configure_prefect(settings)
    out_dir = getattr(args, "out", None) or settings.out_dir
    try:
        if args.command == "demo":
            return _demo(out_dir)
        if args.command == "validate":
            return _validate(args, settings)
        if args.command in ("send", "deliveries", "resend"):
            from uppfoljning import operator

            return operator.COMMANDS[args.command](args, settings, out_dir)
        if args.command == "serve":
            from uppfoljning.serve import serve

            return serve(args, settings)
        if args.command == "import-kommentarer":
            return _import_comments(args, settings)
        return _run(args, settings, out_dir)
    except KeyboardInterrupt:
        return EXIT_UNEXPECTED


def _server_not_started(exc: Exception) -> int:
    print(
        f"Prefects temporära server startade inte; sätt PREFECT_API_URL till en körande server. "
        f"/ Prefect's temporary server did not start ({exc}); set PREFECT_API_URL to a running server.",
        file=sys.stderr,
    )
    return EXIT_STOPPED


def _demo(out_dir: Path) -> int:
    server = start_temporary_server()  # starts while the flows import (see uppfoljning.prefect_server)
    from flows.demo import demo_year

    if server is not None:
        try:
            server.wait_until_ready(meanwhile=VALIDATION_MODULES + PACKAGE_MODULES)
        except ServerDidNotStart as exc:
            return _server_not_started(exc)
    published = demo_year(out_dir=str(out_dir))
    print(f"Demoåret klart: {len(published)} rapporter under {out_dir}/ (t.ex. {published[1]}/report.html)")
    return EXIT_OK


def _run(args: argparse.Namespace, settings: Settings, out_dir: Path) -> int:
    server = start_temporary_server()  # starts while the flow imports (see uppfoljning.prefect_server)
    from expectations.thresholds import load_thresholds
    from extract.sources import load_mapping
    from flows.monthly import Blocked, Stopped, monthly_followup

    sources = _source_urls(args, settings)
    if sources is None:
        return _fail(NO_LEDGER_SOURCE)
    ledger_url, hr_url = sources
    inputs = _inputs_path(args, settings)
    mapping_path = args.mapping or settings.mapping_path
    thresholds_path = args.thresholds or settings.thresholds_path
    try:  # a broken mapping is refused before anything runs (the flow reads the file again)
        load_mapping(mapping_path)
    except DataError as exc:
        return _fail(f"Ogiltig mappningsfil / invalid mapping file: {exc}")
    try:  # likewise broken thresholds
        load_thresholds(thresholds_path)
    except DataError as exc:
        return _fail(f"Ogiltiga gränsvärden / invalid thresholds file: {exc}")
    try:
        ledger_param, hr_param = split_password(ledger_url, "ledger"), split_password(hr_url, "hr")
    except Exception:
        return _fail(f"Ogiltig databas-URL / invalid database URL: {redact(ledger_url)} / {redact(hr_url)}")
    if server is not None:
        try:
            server.wait_until_ready(meanwhile=VALIDATION_MODULES)
        except ServerDidNotStart as exc:
            return _server_not_started(exc)
    progress.show(args.progress)
    state = monthly_followup(
        period=args.period,
        ledger_url=ledger_param,
        hr_url=hr_param,
        out_dir=str(out_dir),
        kind=args.kind,
        inputs_path=str(inputs),
        plan_path=str(args.plan) if args.plan else None,
        mapping_path=str(mapping_path) if mapping_path else None,
        send=args.send,
        force=args.force,
        recipients_path=str(args.recipients) if args.recipients else None,
        thresholds_path=str(thresholds_path) if thresholds_path else None,
        return_state=True,
    )
    if state.is_completed():
        print(f"Publicerat: {state.result()}/report.html")
        if args.send:
            from uppfoljning.operator import print_latest_deliveries

            print_latest_deliveries(settings, out_dir, args.period)
        return EXIT_OK
    outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, Blocked):
        return _fail(outcome.explanation)
    if isinstance(outcome, Stopped):
        print(outcome.explanation, file=sys.stderr)
        return EXIT_STOPPED
    print(f"Körningen misslyckades oväntat / the run failed unexpectedly: {state.message}", file=sys.stderr)
    return EXIT_UNEXPECTED


def _validate(args: argparse.Namespace, settings: Settings) -> int:
    """For finance staff fixing data: every finding, with its keys, on the terminal; nothing is written."""
    from expectations.inputs import check_inputs
    from expectations.runner import validate_sources
    from expectations.thresholds import load_thresholds
    from extract.sources import load_mapping
    from transforms.periods import Month
    from uppfoljning.inputs import load_inputs
    from uppfoljning.plan import load_plan
    from uppfoljning.settings import connect_url

    sources = _source_urls(args, settings)
    if sources is None:
        return _fail(NO_LEDGER_SOURCE)
    ledger_url, hr_url = sources
    try:
        mapping = load_mapping(args.mapping or settings.mapping_path)
    except DataError as exc:
        return _fail(f"Ogiltig mappningsfil / invalid mapping file: {exc}")
    try:
        thresholds = load_thresholds(args.thresholds or settings.thresholds_path)
    except DataError as exc:
        return _fail(f"Ogiltiga gränsvärden / invalid thresholds file: {exc}")
    try:
        month = Month.parse(args.period)
        plan = load_plan(args.plan, year=month.year)
        inputs = load_inputs(_inputs_path(args, settings), month.year)
    except DataError as exc:
        return _fail(f"Ogiltig indata / invalid input: {exc}")
    report = validate_sources(
        connect_url(ledger_url, "ledger"),
        connect_url(hr_url, "hr"),
        plan,
        month.year,
        month.month,
        mapping=mapping,
        thresholds=thresholds,
    )
    input_findings, input_checks = check_inputs(
        plan, inputs, args.kind or plan.report_kind(month.month), str(month)
    )
    findings = [*report.findings, *input_findings]
    for finding in findings:
        print(f"[{finding.severity}] {finding.message}")
    critical = sum(f.severity == "critical" for f in findings)
    print(
        f"{report.checks_run + input_checks} kontroller, {critical} kritiska, {len(findings) - critical} varningar "
        f"/ {report.checks_run + input_checks} checks, {critical} critical, {len(findings) - critical} warnings; "
        f"seconds by suite {report.seconds_by_suite}"
    )
    return EXIT_BLOCKED if critical else EXIT_OK


def _import_comments(args: argparse.Namespace, settings: Settings) -> int:
    """Finance staff's comment sheet into the inputs file: exit 2 and nothing changed when refused."""
    from transforms.periods import Month
    from uppfoljning.comment_import import import_comment_sheet, sheet_period
    from uppfoljning.plan import load_plan

    period = sheet_period(args.file)
    if period is None:
        return _fail(
            f"{args.file} är inte ett läsbart kommentarsblad (bladet Information med Period saknas); inget ändrades. "
            f"/ {args.file} is not a readable comment sheet; nothing changed."
        )
    try:
        year = Month.parse(period).year
        plan = load_plan(args.plan, year=year)
        inputs = args.inputs or settings.inputs_dir / f"indata-{year}.yaml"
        result = import_comment_sheet(args.file, inputs, plan, expected_period=args.period)
    except DataError as exc:
        return _fail(f"Kommentarerna lästes inte in; inget ändrades. / The comments were not imported: {exc}")
    print(
        f"Inläst: {result.entries} rader för {result.period} ({result.kind}) till {result.inputs_path}. "
        f"/ Imported {result.entries} rows into {result.inputs_path}."
    )
    return EXIT_OK


def _source_urls(args: argparse.Namespace, settings: Settings) -> tuple[str, str] | None:
    """The ledger and HR URLs: options, then the environment; HR falls back to the ledger's database."""
    ledger_url = args.ledger_url or settings.ledger_url
    if not ledger_url:
        return None
    return ledger_url, args.hr_url or settings.hr_url or ledger_url


def _inputs_path(args: argparse.Namespace, settings: Settings) -> Path:
    return args.inputs or settings.inputs_dir / f"indata-{args.period[:4]}.yaml"


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_BLOCKED


if __name__ == "__main__":
    sys.exit(main())
