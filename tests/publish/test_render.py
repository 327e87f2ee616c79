"""The HTML report: sections per report kind, Swedish formatting, suppression, flagged gaps, escaping."""

from __future__ import annotations

import re
from typing import Any

import pytest

from publish.render import render_report
from uppfoljning.plan import Plan, load_plan

MINUS = "\u2212"
NBSP = "\u00a0"
FOOTNOTE = "Uppgiften redovisas inte för grupper med tio eller färre anställda."


def _row(
    budget_year: float,
    budget_ytd: float,
    actual_ytd: float,
    forecast_year: float,
    previous: float | None = None,
    adjustment: float = 0.0,
    adjustment_previous: float | None = None,
) -> dict[str, float | None]:
    return {
        "budget_year": budget_year,
        "budget_ytd": budget_ytd,
        "actual_ytd": actual_ytd,
        "deviation_ytd": budget_ytd - actual_ytd,
        "forecast_year": forecast_year,
        "forecast_deviation": budget_year - forecast_year,
        "forecast_adjustment": adjustment,
        "forecast_previous": previous,
        "forecast_change": None if previous is None else forecast_year - previous,
        # Every row has an adjustment sum (0 when none) in a report that has a previous one.
        "forecast_adjustment_previous": (
            adjustment_previous if adjustment_previous is not None or previous is None else 0.0
        ),
    }


def make_figures(kind: str = "ur1", period: str = "2025-04") -> dict[str, Any]:
    """A hand-made figures dict for January–April 2025 (amounts SEK, ledger sign)."""
    whole_plan = kind in {"ur1", "ur2", "arsredovisning"}
    goals = [
        {
            "focus_area": "En organisation med utvecklings- och motståndskraft",
            "council_goal": "En organisation med robust verksamhet och tryggat samhällsuppdrag",
            "id": "rs01-kris-och-krig",
            "name": "Regionstyrelsen ska utveckla regionens förmåga att hantera kris och krig",
            "commitments": ["Regionstyrelsen ska också leda och samordna arbetet mot välfärdsbrottslighet."],
            "status": "delvis_uppfyllt",
            "comment": "<script>alert(1)</script>",
        },
        {
            "focus_area": "En organisation med utvecklings- och motståndskraft",
            "council_goal": "En attraktiv arbetsgivare för hållbar kompetensförsörjning",
            "id": "rs03-kompetensbehov",
            "name": "Regionstyrelsen ska stärka förmågan att möta ökande kompetensbehov",
            "commitments": [],
            "status": None,
            "comment": None,
        },
    ]
    return {
        "period": period,
        "report_kind": kind,
        "version": 3,
        "generated_at": "2026-11-26T06:00:00+01:00",
        "title": {"ur1": "Uppföljningsrapport 1", "avvikelserapport": "Avvikelserapport"}.get(kind, kind),
        "organisation": "Regionstyrelsen – regionkontoret, Region Halland",
        "year": 2025,
        "month": int(period[5:]),
        "year_closed": int(period[5:]) == 12,
        "economy": {
            # The previous report (February) forecast: revenues -441.0, personnel 580.4 with an adjustment of
            # -1.0 then and -3.0 now, other 679.5 -> netto 818.9, result 1.1.
            "rows": {
                "intakter": _row(-440e6, -146.7e6, -150.2e6, -443.6e6, -441e6),
                "personalkostnader": _row(586e6, 195.3e6, 191.2e6, 578.9e6, 580.4e6, -3e6, -1e6),
                "ovriga_driftskostnader": _row(674e6, 224.7e6, 230.1e6, 679.5e6, 679.5e6),
                "netto": _row(820e6, 273.3e6, 271.1e6, 814.8e6, 818.9e6, -3e6, -1e6),
                "regionbidrag": _row(-820e6, -273.3e6, -273.3e6, -820e6, -820e6),
            },
            "previous_period": "2025-02",
            "forecast_result_previous": 1.1e6,
            "forecast_result_change": 4.1e6,
            "forecast_adjustments_previous": [
                {"row": "personalkostnader", "amount_sek": -1e6, "comment": "Vakans på HR."}
            ],
            "prognos_investeringsbudgetavvikelse": -1.5e6,
            "periodresultat": 2.2e6,
            "ackumulerad_budgetavvikelse": 2.2e6,
            "prognos_budgetavvikelse": 5.2e6,
            "budgeted_result_ytd": 0.0,
            "budgeted_result_year": 0.0,
            "forecast_result": 5.2e6,
            "forecast_adjustments": [
                {"row": "personalkostnader", "amount_sek": -3e6, "comment": "Vakanser tillsätts i höst."}
            ],
        },
        "investments": [
            {
                "project": "P1001",
                "name": "Bredbandsutbyggnad",
                "category": "beslutad",
                "budget_year": 10e6,
                "actual_ytd": 2.1e6,
                "forecast_year": 9.5e6,
                "forecast_deviation": 0.5e6,
                "actual_since_previous": 1.6e6,
                "forecast_previous": 10e6,
                "forecast_change": -0.5e6,
                "comment": "Etapp 2 försenad.",
                "measures": None,
                "carry_over": None,
            },
            {
                "project": "P1002",
                "name": "FVIS",
                "category": "beslutad",
                "budget_year": 15e6,
                "actual_ytd": 6.4e6,
                "forecast_year": 17e6,
                "forecast_deviation": -2e6,
                "actual_since_previous": 4.1e6,
                "forecast_previous": 15e6,
                "forecast_change": 2e6,
                "comment": None,
                "measures": None,
                "carry_over": None,
            },
        ],
        "investment_totals": {
            "budget_year": 25e6,
            "actual_ytd": 8.5e6,
            "actual_since_previous": 5.7e6,
            "forecast_year": 26.5e6,
            "forecast_deviation": -1.5e6,
            "forecast_previous": 25e6,
            "forecast_change": 1.5e6,
            "carry_over": None,
        },
        "materiality": {
            "economy_threshold": 4.1e6,
            "economy_share_of_net_budget_percent": 0.5,
            "investment_share_of_budget_percent": 10,
            "indicator_missing_target": True,
        },
        "deviations": [],
        "other_deviations": [],
        "indicators": {
            "personalomsattning": {
                "name": "Personalomsättning",
                "value": 10.8,
                "target": 11.0,
                "numerator": 85,
                "denominator": 786.9,
                "met": True,
                "window": {"from": "2024-05", "to": period},
                "by_end_reason": {
                    "groups": [
                        {
                            "label": "Egen begäran",
                            "reasons": ["egen_begaran"],
                            "internal": False,
                            "count": 40,
                        },
                        {"label": "Pension", "reasons": ["pension"], "internal": False, "count": 20},
                        {"label": "Övriga skäl", "reasons": ["ovrigt"], "internal": False, "count": None},
                        {
                            "label": "Byte av tjänst inom regionen",
                            "reasons": ["byte_av_tjanst"],
                            "internal": True,
                            "count": None,
                        },
                    ],
                    "left_region": None,
                    "internal_moves": None,
                    "any_suppressed": True,
                },
            },
            "sjukfranvaro": {
                "name": "Sjukfrånvaro",
                "value": 5.3,
                "value_ytd": 5.4,
                "target": 5.2,
                "met": False,
                "long_term_share": 41.0,
                "long_term_share_ytd": 38.0,
                "by_sex": {"K": 5.6, "M": None},
                "by_age": {"-29": None, "30-49": 4.9, "50-": 6.1},
                "by_sex_ytd": {"K": 5.7, "M": None},
                "by_age_ytd": {"-29": None, "30-49": 5.0, "50-": 6.2},
                "window": {"from": "2024-05", "to": period},
            },
        },
        "goals": goals if whole_plan else [],
        "goal_summary": (
            {
                "total": 2,
                "uppfyllt": 0,
                "delvis_uppfyllt": 1,
                "ej_uppfyllt": 0,
                "uppfyllt_helt_eller_delvis": 1,
                "saknar_bedomning": 1,
            }
            if whole_plan
            else None
        ),
        "council_goals_without_board_goal": (
            ["En region som utvecklar och förbättrar cancervården"] if whole_plan else []
        ),
        "work_environment_activities": [
            {
                "id": "chefers-forutsattningar",
                "name": "Förbättra chefers förutsättningar",
                "desired_effect": "Önskade effekter ...",
                "status": "uppfyllt" if whole_plan else None,
                "comment": "Ny introduktion." if whole_plan else None,
            }
        ],
        "work_environment_follow_up": (
            [
                {
                    "id": "medarbetarundersokning",
                    "name": "Medarbetarundersökning",
                    "comment": "Svarsfrekvens 81 %.",
                }
            ]
            if whole_plan
            else []
        ),
        "basic_mission": {
            "id": "grunduppdrag",
            "name": "Grunduppdrag regionkontoret",
            "text": "Stärka förmågan att leda",
            "status": None,
            "comment": None,
        },
        "data_quality": {"status": "passed", "checks": []},
    }


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


def text_of(html: str) -> str:
    """The visible text, tags removed and whitespace collapsed (no-break spaces kept), for wording checks."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html.split("</style>", 1)[1]))


def test_ur1_has_every_section_including_the_goals(plan: Plan) -> None:
    html = render_report(make_figures("ur1"), plan)
    for section in (
        "nyckeltal",
        "ekonomi",
        "investeringar",
        "medarbetare",
        "verksamhetsplan",
        "datakvalitet",
    ):
        assert f'<section id="{section}">' in html
    text = text_of(html)
    assert "Uppföljningsrapport 1" in text
    assert "April 2025" in text
    assert "Regionstyrelsen – regionkontoret, Region Halland" in text
    assert "En region som utvecklar och förbättrar cancervården" in text
    assert "Förbättra chefers förutsättningar" in text
    assert "Grunduppdrag regionkontoret" in text
    assert "Delvis uppfyllt" in text
    assert "version 3" in text


@pytest.mark.parametrize("kind", ["avvikelserapport", "manadsrapport"])
def test_deviation_and_monthly_reports_have_no_goal_section(plan: Plan, kind: str) -> None:
    html = render_report(make_figures(kind, "2025-02"), plan)
    assert '<section id="verksamhetsplan">' not in html
    assert "Bedömning saknas" not in html
    for section in ("nyckeltal", "ekonomi", "medarbetare", "datakvalitet"):
        assert f'<section id="{section}">' in html
    assert "Februari 2025" in text_of(html)


def test_amounts_are_in_mnkr_with_reader_signs(plan: Plan) -> None:
    html = render_report(make_figures(), plan)
    text = text_of(html)
    # Revenues and the allocation are positive amounts on the page; the ledger's −440 stays in figures.json.
    assert "Intäkter 440,0 146,7 150,2 +3,5 443,6 +3,6" in text  # deviation 150,2 − 146,7 = +3,5 (better)
    assert "Regionbidrag 820,0 273,3 273,3 0,0 820,0 0,0" in text
    assert f"{MINUS}440,0" not in text and "-440" not in text
    assert f"{MINUS}5,4" in text  # Övriga driftskostnader, avvikelse ack.: 224,7 − 230,1 (worse)
    # The adjustment (−3 000 000, ledger sign, on a cost row) in words and as its effect on the result.
    assert f"Personalkostnader Lägre kostnad, 3,0{NBSP}mnkr +3,0 Vakanser tillsätts i höst." in text
    assert "Resultat = −(" not in text and "bokföringens tecken" not in text
    assert f"10,8{NBSP}%" in text and f"högst 11,0{NBSP}%" in text
    assert "maj 2024 – april 2025" in text
    assert "En positiv avvikelse är bättre än budget" in text


def test_result_row_is_derived_from_netto_and_allocation(plan: Plan) -> None:
    html = render_report(make_figures(), plan)
    row = re.search(r'<tr class="resultat">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = re.findall(r'<td class="tal[^"]*">([^<]*)</td>', row.group(1))
    # Resultat = regionbidrag − nettokostnad: budget 0,0 / 0,0, utfall 273,3 − 271,1 = 2,2, prognos 5,2;
    # the deviations add up: 2,2 + 0,0 and 5,2 + 0,0, shown with their sign (+ = better).
    assert cells == ["0,0", "0,0", "2,2", "+2,2", "5,2", "+5,2"]


def test_budgeted_result_is_explained_where_it_is_shown(plan: Plan) -> None:
    figures = make_figures()
    figures["economy"]["budgeted_result_ytd"] = 4_000_000.0
    text = text_of(render_report(figures, plan))
    assert (
        "Budgeterat resultat för januari–april 2025 är ett överskott på 4,0 mnkr: budgeten är fördelad på "
        "årets månader (periodiserad)"
    ) in text.replace(NBSP, " ")
    assert "För helåret är budgeten i balans." in text


def test_suppressed_group_shows_dash_and_footnote_not_a_number(plan: Plan) -> None:
    html = render_report(make_figures(), plan)
    assert '<tr><td>Män</td><td class="tal">–<sup>*</sup></td></tr>' in html
    assert '<tr><td>29 år eller yngre</td><td class="tal">–<sup>*</sup></td></tr>' in html
    assert f'<tr><td>Kvinnor</td><td class="tal">5,6{NBSP}%</td></tr>' in html
    assert FOOTNOTE in text_of(html)


def test_no_footnote_when_nothing_is_suppressed(plan: Plan) -> None:
    figures = make_figures()
    figures["indicators"]["sjukfranvaro"]["by_sex"] = {"K": 5.6, "M": 4.4}
    figures["indicators"]["sjukfranvaro"]["by_age"] = {"-29": 3.0, "30-49": 4.9, "50-": 6.1}
    breakdown = figures["indicators"]["personalomsattning"]["by_end_reason"]
    for group, count in zip(breakdown["groups"], (40, 20, 12, 13), strict=True):
        group["count"] = count
    breakdown.update(left_region=72, internal_moves=13, any_suppressed=False)
    html = render_report(figures, plan)
    assert FOOTNOTE not in html
    assert "<sup>*</sup>" not in html


def test_missing_assessment_and_comment_are_flagged(plan: Plan) -> None:
    html = render_report(make_figures("ur1"), plan)
    assert '<span class="saknas">Bedömning saknas</span>' in html
    assert "Bedömning saknas för 1 av 2 mål." in html
    assert '<span class="saknas">Kommentar saknas</span>' in html  # FVIS has no comment


def test_markup_in_data_is_escaped(plan: Plan) -> None:
    html = render_report(make_figures("ur1"), plan)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_not_computable_values_render_as_dash(plan: Plan) -> None:
    figures = make_figures("avvikelserapport", "2025-02")
    figures["indicators"]["personalomsattning"].update(value=None, met=None, window=None)
    figures["economy"]["periodresultat"] = None
    text = text_of(render_report(figures, plan))
    assert "Periodresultat (januari–februari 2025) – Budgeterat resultat" in text
    assert "Personalomsättning (rullande 12 månader) – Målvärde högst 11,0" in text


@pytest.mark.parametrize("kind", ["ur1", "manadsrapport"])
def test_data_quality_warnings_are_listed(plan: Plan, kind: str) -> None:
    figures = make_figures(kind)
    figures["data_quality"] = {
        "status": "warnings",
        "checks": [
            {
                "rule": "kostnadsställe finns",
                "table": "gl_entries",
                "severity": "warning",
                "message": "Okänt kostnadsställe: A12, A19",
                "count": 3,
                "examples": ["A12", "A19"],
            }
        ],
    }
    text = text_of(render_report(figures, plan))
    assert "gav 1 anmärkning." in text
    if kind == "ur1":
        # The board reads one Swedish sentence; rule ids and keys stay with finance staff.
        assert "En kontroll av underlaget gav 3 anmärkningar; detaljerna finns i körningsloggen." in text
        assert "kostnadsställe finns" not in text and "A12" not in text
    else:
        # The internal report keeps the operator's table; the message names the keys.
        assert "Varning kostnadsställe finns gl_entries Okänt kostnadsställe: A12, A19 3" in text


def test_passed_data_quality_says_so(plan: Plan) -> None:
    assert "Alla kontroller av underlaget är godkända." in render_report(make_figures(), plan)
