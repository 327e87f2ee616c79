"""The report's content for the board, on the render tests' hand-made figures (tests/publish/test_render.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from publish.render import render_report
from tests.publish.test_render import make_figures
from uppfoljning.plan import Plan, load_plan

NBSP = "\u00a0"
MINUS = "\u2212"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


def words(html: str) -> str:
    """The visible text (tags removed, whitespace collapsed) with no-break spaces as spaces."""
    body = html.split("</style>", 1)[1] if "</style>" in html else html
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", body)).replace(NBSP, " ")


def section(html: str, section_id: str) -> str:
    found = re.search(rf'<section id="{section_id}">(.*?)</section>', html, re.S)
    assert found, section_id
    return found.group(1)


def deviation(
    kind: str, ref: str | None, name: str, comment: str | None = None, measures: str | None = None
) -> dict[str, Any]:
    ids = {
        "economy_row": f"ekonomi.{ref}",
        "result": "resultat",
        "investment": f"investering.{ref}",
        "indicator": f"indikator.{ref}",
    }
    return {
        "id": ids[kind],
        "type": kind,
        "ref": ref,
        "name": name,
        "reasons": [],
        "figures": {},
        "comment": comment,
        "measures": measures,
        "comment_required": True,
    }


def test_deviations_have_sentences_comments_and_measures(plan: Plan) -> None:
    figures = make_figures("avvikelserapport", "2025-10")
    figures["deviations"] = [
        deviation(
            "economy_row",
            "ovriga_driftskostnader",
            "Övriga driftskostnader",
            "Konsulter.",
            "Licensgenomgång.",
        ),
        deviation("indicator", "sjukfranvaro", "Sjukfrånvaro"),  # no comment entered
    ]
    figures["other_deviations"] = [{"title": "It-avbrott", "description": "Två dagar.", "measures": None}]
    html = render_report(figures, plan)
    text = words(section(html, "avvikelser"))
    # Övriga: budget 224,7 − actual 230,1 = −5,4 (more cost); forecast 674,0 − 679,5 = −5,5: a deficit.
    assert (
        "Övriga driftskostnader är 5,4 mnkr högre än budget för januari–oktober 2025; helårsprognosen är ett "
        "underskott på 5,5 mnkr mot budget. Kommentar Konsulter. Åtgärder Licensgenomgång."
    ) in text
    # Sick leave 5,3 % against högst 5,2 %; no comment entered: flagged, visibly.
    assert "Sjukfrånvaron är 5,3 % för de senaste tolv månaderna (maj 2024 – oktober 2025)" in text
    assert '<span class="saknas">Kommentar saknas</span>' in section(html, "avvikelser")
    assert "Övriga avvikelser It-avbrott Två dagar." in text
    assert "minst 4,1 mnkr (0,5 procent av nettobudgeten)" in text


def test_no_deviation_section_in_the_internal_monthly_report(plan: Plan) -> None:
    html = render_report(make_figures("manadsrapport", "2025-03"), plan)
    assert '<section id="avvikelser">' not in html


def test_forecast_path_compares_with_the_previous_report(plan: Plan) -> None:
    html = render_report(make_figures("ur1", "2025-04"), plan)
    text = words(section(html, "prognos"))
    # Result forecast 1,1 (February) -> 5,2 now: improved by 4,1.
    assert (
        "Resultatprognosen har förbättrats med 4,1 mnkr sedan februari 2025, från ett överskott på 1,1 mnkr "
        "till ett överskott på 5,2 mnkr."
    ) in text
    # Personnel: 580,4 then, 578,9 now: 1,5 less cost (+1,5); the adjustment went from −1,0 to −3,0 (+2,0).
    assert "Personalkostnader 580,4 578,9 +1,5 +2,0" in text
    # Revenues: 441,0 then, 443,6 now (more revenue): +2,6; no adjustment.
    assert "Intäkter 441,0 443,6 +2,6 0,0" in text
    assert "Resultat 1,1 5,2 +4,1 +2,0" in text
    # The bridge: the February adjustment ended, April's is new, each with its comment.
    assert "Ny Personalkostnader Lägre kostnad, 3,0 mnkr Vakanser tillsätts i höst." in text
    assert "Upphörd Personalkostnader Lägre kostnad, 1,0 mnkr Vakans på HR." in text


def test_the_years_first_report_says_there_is_no_previous_forecast(plan: Plan) -> None:
    figures = make_figures("avvikelserapport", "2025-02")
    figures["economy"].update(
        previous_period=None,
        forecast_result_previous=None,
        forecast_result_change=None,
        forecast_adjustments_previous=None,
    )
    text = words(section(render_report(figures, plan), "prognos"))
    assert "Detta är årets första rapport till styrelsen" in text


def test_investments_show_small_amounts_in_tkr_and_a_total(plan: Plan) -> None:
    figures = make_figures("avvikelserapport", "2025-10")
    figures["investments"].append(
        {
            "project": "R-MOB",
            "name": "Möbler och utrustning, övrigt",
            "category": "reinvestering",
            "budget_year": 600_000.0,
            "actual_ytd": 624_000.0,
            "actual_since_previous": 24_000.0,
            "forecast_year": 624_000.0,
            "forecast_deviation": -24_000.0,
            "forecast_previous": 600_000.0,
            "forecast_change": 24_000.0,
            "comment": "Dyrare möbler.",
            "measures": None,
            "carry_over": None,
        }
    )
    text = words(section(render_report(figures, plan), "investeringar"))
    # 624 tkr spent of a 600 tkr budget must not read "0,6 of 0,6" nor a deviation of "0,0".
    assert (
        f"Möbler och utrustning, övrigt 600 tkr 624 tkr 24 tkr 624 tkr {MINUS}24 tkr Dyrare möbler." in text
    )
    # Totals of the render tests' two investments: budget 25,0, spent 8,5, since February 5,7, forecast 26,5.
    assert f"Summa investeringar 25,0 8,5 5,7 26,5 {MINUS}1,5" in text
    assert "varav sedan februari 2025" in text


def test_the_annual_basis_says_outcome_and_proposes_carry_overs(plan: Plan) -> None:
    figures = make_figures("arsredovisning", "2025-12")
    figures["investments"][0].update(forecast_year=2.1e6, forecast_deviation=7.9e6, carry_over=7.9e6)
    html = render_report(figures, plan)
    text = words(html)
    table = words(section(html, "nyckeltal").split("Nyckeltalen enligt verksamhetsplanen")[0])
    assert (
        "Prognos helår" not in text and "Prognos budgetavvikelse" not in table
    )  # the plan's names stay listed
    assert "Utfall helår" in words(section(html, "ekonomi"))
    assert "Budgetavvikelse helår (utfall)" in text
    assert "Utfall jämfört med prognosen" in text and "Årets resultat" in words(section(html, "prognos"))
    carry = words(section(html, "investeringar"))
    assert (
        "Förslag till ombudgetering till 2026 Investering Budget Utfall Ej förbrukat Föreslagen ombudgetering"
        in carry
    )
    assert "Bredbandsutbyggnad 10,0 2,1 7,9 7,9" in carry
    # The statutory calendar-year sick leave, with suppression of the small groups.
    disclosure = words(section(html, "medarbetare"))
    assert "Sjukfrånvaro 2025 enligt lag (kalenderåret)" in disclosure
    assert "Total sjukfrånvaro i procent av sammanlagd ordinarie arbetstid 5,4 %" in disclosure
    assert "Sjukfrånvaro för kvinnor 5,7 % Sjukfrånvaro för män – *" in disclosure


def test_the_disclosure_is_only_in_the_annual_basis(plan: Plan) -> None:
    assert "enligt lag (kalenderåret)" not in render_report(make_figures("ur2", "2025-08"), plan)


def test_goals_with_commitments_summary_and_work_environment(plan: Plan) -> None:
    html = render_report(make_figures("ur1"), plan)
    goals = words(section(html, "verksamhetsplan"))
    assert "1 av 2 mål bedöms helt eller delvis uppnås." in goals
    assert (
        "Regionstyrelsen ska utveckla regionens förmåga att hantera kris och krig Bedömning Delvis uppfyllt"
    ) in goals
    assert (
        "Åtaganden enligt verksamhetsplanen: Regionstyrelsen ska också leda och samordna arbetet mot välfärdsbrottslighet."
        in goals
    )
    assert "Grunduppdrag Bedömning Kommentar Stärka förmågan att leda Bedömning saknas" in goals
    work = words(section(html, "arbetsmiljo"))
    assert "Förbättra chefers förutsättningar Önskade effekter ... Uppfyllt Ny introduktion." in work
    assert "Medarbetarundersökning Svarsfrekvens 81 %." in work


def test_turnover_by_end_reason_withholds_small_counts(plan: Plan) -> None:
    html = render_report(make_figures("ur1"), plan)
    text = words(section(html, "medarbetare"))
    # The render figures: 40 and 20 shown; "övriga" and internal moves withheld, so "left the region" too.
    assert (
        "Avslutade tillsvidareanställningar under perioden 85 varav lämnat regionen – * Egen begäran 40 Pension 20 "
        "Övriga skäl – * varav byte av tjänst inom regionen – *"
    ) in text
    assert "döljs då även det minsta av de övriga antalen" in text


def test_the_verdict_carries_its_precision_on_the_page(plan: Plan) -> None:
    figures = make_figures("avvikelserapport", "2025-10")
    figures["indicators"]["sjukfranvaro"].update(value=5.236, met=False)
    html = render_report(figures, plan)
    summary = words(section(html, "nyckeltal"))
    assert "Sjukfrånvaro (rullande 12 månader) 5,24 % Målvärde högst 5,2 %: Målvärdet uppnås inte" in summary
    assert "5,24 %" in words(section(html, "medarbetare"))
    assert "5,2 % Målvärde" not in summary
