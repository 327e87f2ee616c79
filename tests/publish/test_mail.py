"""The email summary and the workbook carry the report's content: the verdict's precision, the deviations list
in its drafted sentences, the goal summary, the forecast path; Outlook's rules (tables, inline styles, no links)."""

from __future__ import annotations

import io
import re

import openpyxl

from publish.mail import build_email
from publish.workbook import build_workbook
from tests import package_fixture as fx
from uppfoljning.plan import load_plan

PLAN = load_plan()
NBSP = "\u00a0"


def test_email_shows_verdicts_deviations_and_the_goal_summary() -> None:
    figures = fx.figures("ur1", version=1)
    # Sick leave 5,236 % against "högst 5,2 %": the figure must read 5,24, not 5,2, beside "uppnås inte".
    figures["indicators"]["sjukfranvaro"].update(value=5.236, met=False)
    figures["goal_summary"] = {
        "total": 12,
        "uppfyllt": 3,
        "delvis_uppfyllt": 6,
        "ej_uppfyllt": 2,
        "uppfyllt_helt_eller_delvis": 9,
        "saknar_bedomning": 1,
    }
    figures["deviations"] = [
        {
            "id": "indikator.sjukfranvaro",
            "type": "indicator",
            "ref": "sjukfranvaro",
            "name": "Sjukfrånvaro",
            "reasons": ["target_missed"],
            "figures": {},
            "comment": "<b>Ökad långtidssjukfrånvaro.</b>",
            "measures": None,
            "comment_required": True,
        }
    ]
    message = build_email(figures, PLAN, [], b"%PDF", b"PK")
    plain = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    assert plain is not None and html_part is not None
    text, html = plain.get_content(), html_part.get_content()
    for body in (text, html):
        assert "9 av 12 mål bedöms helt eller delvis uppnås." in body
        assert f"5,24{NBSP}%" in body and f"5,2{NBSP}%" in body  # the figure and its target
        # The deviation's drafted sentence (window May 2024 – April 2025 from the render tests' figures).
        assert (
            f"Sjukfrånvaron är 5,24{NBSP}% för de senaste tolv månaderna (maj 2024 – april 2025), "
            f"över målvärdet högst 5,2{NBSP}%; målvärdet uppnås inte."
        ) in body
        assert "Ökad långtidssjukfrånvaro" not in body  # comments are in the report, not in the summary
    # Outlook: layout in tables with inline styles, no stylesheet, no links.
    assert "<style" not in html and "<a " not in html and "http" not in html
    assert re.search(r"<td style=\"[^\"]+\"><strong>Sjukfrånvaro:</strong>", html)


def test_workbook_has_the_deviations_and_the_forecast_path_in_ledger_sign() -> None:
    figures = fx.figures("avvikelserapport", version=1)
    # The previous report's personnel forecast was 53 600 000.60: the new one is 1 000 000 lower (ledger sign).
    personnel = figures["economy"]["rows"]["personalkostnader"]
    personnel.update(
        forecast_previous=53_600_000.60, forecast_change=-1_000_000.00, forecast_adjustment_previous=0.0
    )
    figures["economy"].update(
        previous_period="2025-02", forecast_result_previous=2_345_678.95, forecast_result_change=1_000_000.0
    )
    figures["deviations"] = [
        {
            "id": "resultat",
            "type": "result",
            "ref": None,
            "name": "Resultat",
            "reasons": ["prognos_budgetavvikelse"],
            "figures": {
                "ackumulerad_budgetavvikelse": 2_345_678.95,
                "prognos_budgetavvikelse": 3_345_678.95,
                "threshold": 4.1e6,
            },
            "comment": "Vakanser.",
            "measures": None,
            "comment_required": True,
        }
    ]
    book = openpyxl.load_workbook(io.BytesIO(build_workbook(figures, PLAN, fx.drilldown())))
    deviations = [row for row in book["Avvikelser"].iter_rows(min_row=4, values_only=True)]
    assert deviations[0][:3] == ("resultat", "Resultat", "prognos_budgetavvikelse")
    assert deviations[0][4:7] == (2_345_678.95, 3_345_678.95, 4_100_000)
    assert deviations[0][9] == "Vakanser."
    path = {row[0]: row[1:4] for row in book["Prognosens utveckling"].iter_rows(min_row=4, values_only=True)}
    assert path["Personalkostnader"] == (53_600_000.60, 52_600_000.60, -1_000_000)
    assert path["Intäkter"][0] is None  # a row without a previous forecast stays empty, not 0
    assert path["Resultat (positivt = överskott)"] == (2_345_678.95, 3_345_678.95, 1_000_000)
