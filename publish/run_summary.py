"""The markdown a run leaves in Prefect (an artifact): what ran, what it published, what it sent to whom.

Only published, suppressed aggregates and email addresses appear: no person-level HR data, no example
keys of HR findings, no credentials. The artifact key is `uppfoljning-YYYY-MM` (Prefect wants lowercase
letters, digits and dashes), so the UI shows the period's latest run under one key with its history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from publish.formatting import mnkr, percent

OUTCOME_LABELS = {
    "published": "publicerad (ny version)",
    "unchanged": "oförändrad (samma siffror som senaste versionen; inget nytt publicerat)",
    "blocked": "stoppad av datakontrollen eller ogiltig indata; inget publicerat eller skickat",
    "stopped": "avbruten (avbrott eller vägrat utskick)",
    "failed": "misslyckad (oväntat fel); inget publicerat",
}
STATE_LABELS = {
    "sent": "skickat",
    "pending": "inte skickat än",
    "sending": "skickas",
    "uncertain": "osäkert – kontrollera och skicka om vid behov",
    "failed": "misslyckat",
}


def artifact_key(period: str) -> str:
    return f"uppfoljning-{period}".lower()


def run_summary_markdown(
    *,
    period: str,
    report_kind: str,
    outcome: str,
    version: int | None,
    validation_status: str | None,
    figures: Mapping[str, Any] | None,
    deliveries: Sequence[Any] = (),
    delivery_lines: Sequence[str] = (),
    message: str | None = None,
    send: bool = False,
) -> str:
    """The run's summary. `deliveries` are delivery.ledger rows of this version (recipient, state, ...)."""
    title = figures["title"] if figures else report_kind
    lines = [
        f"# {title} {period}",
        "",
        "| | |",
        "|---|---|",
        f"| Period | {period} |",
        f"| Rapporttyp | {report_kind} |",
        f"| Utfall | {OUTCOME_LABELS.get(outcome, outcome)} |",
        f"| Version | {version if version is not None else '–'} |",
        f"| Datakontroll | {validation_status or '–'} |",
    ]
    if figures:
        correction = figures.get("correction")
        if correction:
            lines.append(
                f"| Rättelse av | version {correction['since_version']} ({len(correction['changes'])} ändrade uppgifter) |"
            )
        economy = figures["economy"]
        turnover = figures["indicators"]["personalomsattning"]["value"]
        sick = figures["indicators"]["sjukfranvaro"]["value"]
        lines += [
            "",
            "## Nyckeltal",
            "",
            f"- Periodresultat: {mnkr(economy['periodresultat'])} mnkr",
            f"- Ackumulerad budgetavvikelse: {mnkr(economy['ackumulerad_budgetavvikelse'])} mnkr",
            f"- Prognos budgetavvikelse helår: {mnkr(economy['prognos_budgetavvikelse'])} mnkr",
            f"- Personalomsättning: {percent(turnover)}",
            f"- Sjukfrånvaro: {percent(sick)}",
        ]
    if message:
        lines += ["", "## Meddelande", "", message]
    lines += ["", "## Utskick", ""]
    if not send:
        lines.append("Inget utskick begärdes (kör med send=true för att skicka).")
    elif deliveries:
        lines += ["| Mottagare | Status | Skickat | Message-ID |", "|---|---|---|---|"]
        for row in deliveries:
            lines.append(
                f"| {row.recipient} | {STATE_LABELS.get(row.state, row.state)} | {row.sent_at or '–'} | `{row.message_id}` |"
            )
    if send and delivery_lines:
        lines += ["", *delivery_lines]
    elif send and not deliveries:
        lines.append("Inget skickades.")
    return "\n".join(lines) + "\n"
