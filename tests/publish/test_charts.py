"""The charts: valid PNGs at print resolution, the same bytes for the same values, alt texts with the numbers."""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image

from publish.charts import (
    DPI,
    EconomySeries,
    IndicatorSpec,
    ReportPoint,
    economy_alt,
    economy_chart,
    forecast_path_alt,
    forecast_path_chart,
    indicators_alt,
    indicators_chart,
)
from publish.history import earlier_figures, report_points

NBSP = "\u00a0"
MINUS = "\u2212"
SPECS = [
    IndicatorSpec("personalomsattning", "Personalomsättning", 11.0, "lower_is_better"),
    IndicatorSpec("sjukfranvaro", "Sjukfrånvaro", 5.2, "lower_is_better"),
]
POINTS = [
    ReportPoint("2025-01", 1_250_000.0, 11.2, 5.1),
    ReportPoint("2025-02", -340_000.0, None, 5.24),
    ReportPoint("2025-03", 2_049_999.99, 10.9, 5.3),
]
# Net cost: budget 10 mnkr a month; actual 9.5, 10.25 and 9.9 mnkr in January..March.
MARCH = EconomySeries(
    year=2025,
    month=3,
    budget_by_month=[10_000_000.0] * 12,
    actual_by_month=[9_500_000.0, 10_250_000.0, 9_900_000.0],
    forecast_year=119_650_000.0,
    budget_year=120_000_000.0,
)


def test_economy_alt_text_states_the_figures_in_words() -> None:
    alt = economy_alt(MARCH)
    # Actual 9.5 + 10.25 + 9.9 = 29.65 mnkr ("29,7") against 30.0; deviation 0.35 ("0,4", half up).
    assert (
        "Utfallet för januari–mars 2025 är 29,7 mnkr mot periodiserad budget 30,0 mnkr, 0,4 mnkr lägre än budget."
        in alt
    )
    assert "Prognosen för helåret är 119,7 mnkr mot budget 120,0 mnkr, 0,4 mnkr lägre än budget." in alt
    # Cumulative deviation: 0.5; 0.5 − 0.25 = 0.25 ("0,3"); 0.25 + 0.1 = 0.35 ("0,4").
    assert "jan 0,5; feb 0,3; mars 0,4." in alt


def test_economy_alt_text_in_december_speaks_of_the_outcome() -> None:
    december = EconomySeries(2025, 12, [10e6] * 12, [10.2e6] * 12, 122_400_000.0, 120_000_000.0)
    alt = economy_alt(december)
    assert "Helårsutfallet är 122,4 mnkr mot budget 120,0 mnkr." in alt
    assert "2,4 mnkr högre än budget" in alt  # 12 × 0.2 mnkr over budget to date
    assert "Prognosen" not in alt


def test_history_alt_texts_name_every_month_and_the_withheld_one() -> None:
    assert forecast_path_alt(POINTS, 2025).endswith(
        f"januari 1,3 mnkr; februari {MINUS}0,3 mnkr; mars 2,0 mnkr."
    )
    alt = indicators_alt(POINTS, SPECS, 2025)
    assert (
        f"Personalomsättning, rullande 12 månader, per månad 2025: januari 11,2{NBSP}%; februari redovisas inte; mars 10,9{NBSP}%."
        in alt
    )
    assert f"Målvärde högst 5,2{NBSP}%." in alt


def test_charts_are_pngs_at_print_resolution_and_reproducible() -> None:
    charts = [economy_chart(MARCH), forecast_path_chart(POINTS, 2025), indicators_chart(POINTS, SPECS, 2025)]
    assert [c.key for c in charts] == ["ekonomi", "prognos", "medarbetare"]
    for chart in charts:
        image = Image.open(io.BytesIO(chart.png))
        assert image.format == "PNG" and image.size == (chart.width_px, chart.height_px)
        # 174 mm (the A4 text width) at DPI pixels per inch: crisp in print.
        assert chart.width_px == round(174 / 25.4 * DPI) and DPI >= 200
        assert chart.alt and chart.caption
    assert economy_chart(MARCH).png == charts[0].png  # no timestamp or random state in the bytes


def test_charts_render_with_no_history_and_all_values_withheld() -> None:
    lonely = [ReportPoint("2025-01", None, None, None)]
    assert forecast_path_chart(lonely, 2025).png.startswith(b"\x89PNG")
    chart = indicators_chart(lonely, SPECS, 2025)
    assert "januari redovisas inte" in chart.alt


def test_history_reads_only_earlier_months_of_the_year(tmp_path: Path) -> None:
    for period, value in (
        ("2024-12", 9.9),
        ("2025-01", 1.0),
        ("2025-03", 3.0),
        ("2025-04", 4.0),
        ("2025-05", 5.0),
    ):
        figures = {
            "period": period,
            "economy": {"prognos_budgetavvikelse": value},
            "indicators": {"personalomsattning": {"value": 1.0}, "sjukfranvaro": {"value": None}},
        }
        (tmp_path / period).mkdir()
        (tmp_path / period / "figures.json").write_text(json.dumps(figures), encoding="utf-8")
    # A rerun of April sees January and March (February is missing), never last year, April itself or May.
    points = report_points(earlier_figures(tmp_path, "2025-04"))
    assert [(p.period, p.prognos_budgetavvikelse, p.sjukfranvaro) for p in points] == [
        ("2025-01", 1.0, None),
        ("2025-03", 3.0, None),
    ]
