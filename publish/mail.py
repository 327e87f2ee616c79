"""The report's email (email.eml): built and stored with every published version, sent by the delivery.

Structure (standard library `EmailMessage`, stack-notes):

    multipart/mixed
      multipart/alternative
        text/plain                 the summary as text
        multipart/related
          text/html                the summary for Outlook: tables, inline CSS, images by cid:
          image/png × 3            the report's charts (inline, Content-ID)
      application/pdf              the report (attachment)
      application/vnd.openxmlformats-officedocument.spreadsheetml.sheet   the workbook (attachment)

The stored message has Subject, Date and Content-Language but no From, To or Message-ID: the delivery adds
those per recipient to a parsed copy (`email.message_from_bytes(..., policy=policy.default)`), and for a
corrected version calls `as_correction` to prefix the subject with "Rättelse:" and insert the list of changed
figures; neither re-renders a chart, the PDF or the workbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from email.utils import format_datetime
from typing import Any

from publish import narrative
from publish.charts import Chart
from publish.formatting import date_sv
from publish.narrative import KeyFigure
from publish.render import build_environment, chart_view, document_title
from uppfoljning.plan import Plan

EMAIL_WIDTH_PX = 600  # the width every mail client shows without scrolling
CHART_WIDTH_PX = 584  # the charts nearly full width: their text is set for A4, small at email size
CORRECTION_MARK = "<!-- rattelse -->"
CORRECTION_PREFIX = "Rättelse: "
PDF_TYPE = ("application", "pdf")
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str


@dataclass(frozen=True)
class Change:
    """One figure that a correction changed, already formatted: "Periodresultat", "12,6 mnkr", "11,9 mnkr"."""

    label: str
    old: str
    new: str


def attachment_name(figures: Mapping[str, Any], extension: str) -> str:
    """A name a reader can file: "Uppföljningsrapport 1 2025-04.pdf" (sorts by period in a folder)."""
    return f"{figures['title']} {figures['period']}.{extension}"


def build_email(
    figures: Mapping[str, Any], plan: Plan, charts: Sequence[Chart], pdf: bytes, workbook: bytes
) -> EmailMessage:
    """The message of one published version, ready to be stored as email.eml."""
    attachments = [
        Attachment(attachment_name(figures, "pdf"), pdf, *PDF_TYPE),
        Attachment(attachment_name(figures, "xlsx"), workbook, *XLSX_TYPE),
    ]
    cids = {chart.key: _content_id(figures, chart.key) for chart in charts}
    views = [chart_view(chart, f"cid:{cids[chart.key][1:-1]}", CHART_WIDTH_PX) for chart in charts]
    env = build_environment()
    context = {
        "f": figures,
        "kind": plan.report_kinds[figures["report_kind"]],
        "document_title": document_title(figures),
        "ytd_span": (f"{figures['year']}-01", f"{figures['year']}-{figures['month']:02d}"),
        "summary": summary_lines(figures, plan),
        "goal_summary_sentence": narrative.goal_summary_sentence(figures.get("goal_summary")),
        "deviations": [
            {"name": d["name"], "sentence": narrative.deviation_sentence(plan, d, figures)}
            for d in figures.get("deviations", [])
        ],
        "charts": views,
        "width": EMAIL_WIDTH_PX,
        "attachment_names": [a.filename for a in attachments],
    }
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = document_title(figures)
    message["Date"] = format_datetime(dt.datetime.fromisoformat(figures["generated_at"]))
    message["X-Uppfoljning-Period"] = figures["period"]
    message["X-Uppfoljning-Version"] = str(figures["version"])
    message.set_content(env.get_template("email/summary.txt.j2").render(**context), subtype="plain")
    message.add_alternative(env.get_template("email/summary.html.j2").render(**context), subtype="html")
    # add_related turns the HTML part into multipart/related: the HTML and the images it shows.
    html_part = _part(message, "text/html")
    for chart in charts:
        html_part.add_related(
            chart.png, "image", "png", cid=cids[chart.key], filename=chart.filename, disposition="inline"
        )
    for attachment in attachments:
        message.add_attachment(
            attachment.content, attachment.maintype, attachment.subtype, filename=attachment.filename
        )
    # Last: turning the message into multipart moves every Content-* header into the first subpart.
    message["Content-Language"] = "sv"
    return message


def summary_lines(figures: Mapping[str, Any], plan: Plan) -> list[KeyFigure]:
    """The headline figures of the summary, in the report's words (publish.narrative.key_figures)."""
    return narrative.key_figures(figures, plan)


def correction_heading(since_version: int | None, sent_at: str | None) -> str:
    """ "Vad har ändrats sedan version 1 (skickad 8 maj 2025)" """
    if since_version is None:
        return "Vad har ändrats"
    sent = f" (skickad {date_sv(sent_at)})" if sent_at else ""
    return f"Vad har ändrats sedan version {since_version}{sent}"


def as_correction(
    stored: bytes,
    changes: Sequence[Change],
    *,
    since_version: int | None = None,
    sent_at: str | None = None,
) -> EmailMessage:
    """A stored message as the correction of an earlier version: "Rättelse:" subject and the changes,
    under the heading "Vad har ändrats sedan version N (skickad <datum>)".

    Applied when a new version of a period already sent is published (publish.package), so that the stored
    email.eml of that version is the message as it is sent; the images and attachments are reused.
    """
    message = parse_stored(stored)
    subject = str(message["Subject"])
    del message["Subject"]
    message["Subject"] = subject if subject.startswith(CORRECTION_PREFIX) else CORRECTION_PREFIX + subject
    env = build_environment()
    text_part = _part(message, "text/plain")
    html_part = _part(message, "text/html")
    context = {
        "changes": changes,
        "since_version": since_version,
        "heading": correction_heading(since_version, sent_at),
    }
    text_part.set_content(
        env.get_template("email/correction.txt.j2").render(**context) + text_part.get_content(),
        subtype="plain",
    )
    html = html_part.get_content()
    if CORRECTION_MARK not in html:
        raise ValueError("the stored message has no place for a correction (rattelse mark missing)")
    html_part.set_content(
        html.replace(CORRECTION_MARK, env.get_template("email/correction.html.j2").render(**context), 1),
        subtype="html",
    )
    return message


def parse_stored(stored: bytes) -> EmailMessage:
    """email.eml as a message object the delivery can address (To, Message-ID) and send."""
    message = BytesParser(policy=policy.SMTP).parsebytes(stored)
    assert isinstance(message, EmailMessage)
    return message


def _part(message: EmailMessage, content_type: str) -> MIMEPart:
    for part in message.walk():
        if part.get_content_type() == content_type and not part.is_attachment():
            return part  # type: ignore[return-value]
    raise ValueError(f"the message has no {content_type} part")


def _content_id(figures: Mapping[str, Any], key: str) -> str:
    """Stable and unique per version: <ekonomi.2025-04.v1@uppfoljning>."""
    return f"<{key}.{figures['period']}.v{figures['version']}@uppfoljning>"
