"""The report's charts: PNG images and their Swedish alt texts, from plain values.

Rendered once per published version and reused everywhere: as data URIs in report.html (and so in the PDF)
and as CID parts in the email (Outlook shows no SVG). Three images, each the full text width of an A4 page:

- `ekonomi`: the accumulated net cost by month, actual against the periodised budget, with the year-end
  forecast, and below it the accumulated deviation per month;
- `prognos`: the forecast deviation of the full-year result as it was reported over the year's runs;
- `medarbetare`: personnel turnover and sick leave over the months available, each against its target.

Readable in black and white: the lines differ by darkness, dash and marker, values are written on the chart,
and every chart has an alt text that states in words what it shows, with the numbers.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, ParamSpec

import matplotlib

matplotlib.use("Agg")  # no display; must precede any other matplotlib import

from matplotlib import rc_context  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402
from PIL import Image  # noqa: E402

from publish.formatting import mnkr, month_abbr, month_name, month_span, number, percent  # noqa: E402

MM_PER_INCH = 25.4
TEXT_WIDTH_MM = 174  # A4 (210 mm) less the page margins of report.css
DPI = 220  # crisp in print (about 220 px per inch) and on a high-density screen at 600 px
INK = "#1b2a49"  # the actual: dark (prints near black)
GREY = "#8a8a8a"  # the budget and target lines: light, dashed
DEVIATION = "#6b7a99"
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#444444",
    "axes.axisbelow": True,
    "axes.unicode_minus": True,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "svg.fonttype": "none",
}

Direction = Literal["lower_is_better", "higher_is_better"]
_P = ParamSpec("_P")


def _styled(render: Callable[_P, Chart]) -> Callable[_P, Chart]:
    """Draw with the house style: rcParams are read when artists are created, so wrap the whole drawing."""

    @functools.wraps(render)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> Chart:
        with rc_context(STYLE):  # type: ignore[arg-type]
            return render(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class Chart:
    """One rendered chart: its key (file and CID name), caption, alt text and PNG bytes."""

    key: str
    caption: str
    alt: str
    png: bytes
    width_px: int
    height_px: int

    @property
    def filename(self) -> str:
        return f"{self.key}.png"


@dataclass(frozen=True)
class EconomySeries:
    """The net cost (nettokostnad) of the year, SEK in ledger sign (costs positive)."""

    year: int
    month: int
    budget_by_month: Sequence[float]
    """The twelve periodised budget amounts of the year."""
    actual_by_month: Sequence[float]
    """The actual amounts of January..month."""
    forecast_year: float
    budget_year: float


@dataclass(frozen=True)
class ReportPoint:
    """One published report of the year: what the history charts need from its figures.json."""

    period: str
    prognos_budgetavvikelse: float | None
    personalomsattning: float | None
    sjukfranvaro: float | None


@dataclass(frozen=True)
class IndicatorSpec:
    key: Literal["personalomsattning", "sjukfranvaro"]
    name: str
    target: float
    direction: Direction


# --- the three charts -----------------------------------------------------------------------------------
@_styled
def economy_chart(series: EconomySeries) -> Chart:
    """Accumulated net cost: actual vs. periodised budget, the forecast to December, and the deviation."""
    budget_cum = _cumulative(series.budget_by_month)
    actual_cum = _cumulative(series.actual_by_month)
    months = list(range(1, 13))
    done = list(range(1, series.month + 1))
    deviation = [b - a for b, a in zip(budget_cum, actual_cum, strict=False)]
    fig = _figure(height_mm=95, right_mm=22, hspace=0.42)  # room right of December for the end labels
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1.7, 1]})
    top.plot(months, _mn(budget_cum), color=GREY, linestyle="--", linewidth=1.4, label="Budget, periodiserad")
    top.plot(done, _mn(actual_cum), color=INK, linewidth=2, marker="o", markersize=3.5, label="Utfall")
    ends = [(budget_cum[-1], f"Budget {mnkr(budget_cum[-1])}")]
    if series.month < 12:
        top.plot(
            [series.month, 12],
            _mn([actual_cum[-1], series.forecast_year]),
            color=INK,
            linestyle=":",
            linewidth=1.6,
            marker="D",
            markevery=[1],
            markersize=4,
            label="Prognos helår",
        )
        ends.append((series.forecast_year, f"Prognos {mnkr(series.forecast_year)}"))
    # End labels right of December, the larger value above the smaller so that close values stay legible.
    ends.sort(key=lambda end: end[0])
    for position, (value, text) in enumerate(ends):
        top.annotate(
            text,
            (12, value / 1e6),
            xytext=(8, -7 if position == 0 and len(ends) > 1 else 3),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=8,
        )
    top.set_title("Ackumulerad nettokostnad, mnkr")
    top.set_ylim(bottom=0)
    top.legend(loc="upper left")
    bottom.bar(done, _mn(deviation), color=DEVIATION, width=0.6, edgecolor=INK, linewidth=0.5)
    bottom.axhline(0, color="#333333", linewidth=0.8)
    _label(bottom, series.month, deviation[-1] / 1e6, mnkr(deviation[-1]), "auto")
    low, high = min(0.0, *_mn(deviation)), max(0.0, *_mn(deviation))
    pad = max(high - low, 0.5) * 0.3  # room for the value label on the side the bars point to
    bottom.set_ylim(low - pad if low < 0 else 0, high + pad if high > 0 or low == 0 else 0)
    _titles(bottom, "Ackumulerad avvikelse mot budget, mnkr", "Positivt värde = lägre kostnad än budget")
    _month_axis(bottom)
    for axes in (top, bottom):
        _grid(axes)
    top.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v)))
    bottom.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, 1)))
    bottom.yaxis.set_major_locator(MaxNLocator(4))
    return _chart(
        fig,
        "ekonomi",
        f"Nettokostnad ackumulerad {series.year}, mnkr: utfall, budget och prognos",
        economy_alt(series),
    )


@_styled
def forecast_path_chart(points: Sequence[ReportPoint], year: int) -> Chart:
    """The full-year result's forecast deviation as reported in each of the year's published reports."""
    known = [
        (int(p.period[5:]), p.prognos_budgetavvikelse / 1e6)
        for p in points
        if p.prognos_budgetavvikelse is not None
    ]
    fig = _figure(height_mm=55, top_mm=10)
    axes = fig.subplots()
    axes.axhline(0, color="#333333", linewidth=0.8)
    if known:
        axes.plot(*zip(*known, strict=True), color=INK, linewidth=1.8, marker="o", markersize=4)
        for month, value in known:
            _label(axes, month, value, number(value, 1), "auto")
        low, high = min(0.0, *(v for _, v in known)), max(0.0, *(v for _, v in known))
        margin = max(high - low, 1.0) * 0.25
        axes.set_ylim(low - margin, high + margin)
    _titles(axes, "Prognostiserad budgetavvikelse för helåret, mnkr", "Positivt värde = bättre än budget")
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, 1)))
    axes.yaxis.set_major_locator(MaxNLocator(5))
    _month_axis(axes)
    _grid(axes)
    return _chart(
        fig,
        "prognos",
        f"Prognostiserad budgetavvikelse för helåret {year} vid årets rapporter, mnkr",
        forecast_path_alt(points, year),
    )


@_styled
def indicators_chart(points: Sequence[ReportPoint], specs: Sequence[IndicatorSpec], year: int) -> Chart:
    """Each indicator over the months available, against its target line, side by side."""
    fig = _figure(height_mm=60, top_mm=10, wspace=0.22)
    panels = fig.subplots(1, len(specs))
    for axes, spec in zip(panels, specs, strict=True):
        values = [(int(p.period[5:]), getattr(p, spec.key)) for p in points]
        known = [(m, v) for m, v in values if v is not None]
        axes.axhline(spec.target, color=GREY, linestyle="--", linewidth=1.3)
        if known:
            # A suppressed month is a gap, not a zero: plot runs of consecutive known months.
            axes.plot(
                [m for m, _ in values],
                [float("nan") if v is None else v for _, v in values],
                color=INK,
                linewidth=1.8,
                marker="o",
                markersize=3.5,
            )
            last_month, last_value = known[-1]
            # The value's label goes on the side away from the target line, so the two never collide.
            side = "bottom" if last_value >= spec.target else "top"
            _label(axes, last_month, last_value, percent(last_value), side)
            low = min(spec.target, *(v for _, v in known))
            high = max(spec.target, *(v for _, v in known))
        else:
            low = high = spec.target
        # At least ±30 % of the target around it, so that a tenth of a percent does not look like a leap.
        span = max(high - low, spec.target * 0.3, 0.5)
        axes.set_ylim(max(0.0, low - span * 0.5), high + span * 0.5)
        # The target is named under the title, not on its line, where it would collide with values near it.
        _titles(axes, f"{spec.name}, %", f"Streckad linje: mål {_target_words(spec)}")
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, 1)))
        axes.yaxis.set_major_locator(MaxNLocator(5))
        _month_axis(axes, every=2)
        _grid(axes)
    return _chart(
        fig,
        "medarbetare",
        f"{' och '.join(s.name for s in specs)} {year}, rullande 12 månader, mot målvärdet",
        indicators_alt(points, specs, year),
    )


# --- alt texts (Swedish, with the numbers) ----------------------------------------------------------------
def economy_alt(series: EconomySeries) -> str:
    budget_ytd = sum(series.budget_by_month[: series.month])
    actual_ytd = sum(series.actual_by_month)
    deviation = budget_ytd - actual_ytd
    span = month_span(f"{series.year}-01", f"{series.year}-{series.month:02d}")
    deviations = _cumulative(
        [b - a for b, a in zip(series.budget_by_month, series.actual_by_month, strict=False)]
    )
    by_month = "; ".join(
        f"{month_abbr(m).rstrip('.')} {mnkr(d)}" for m, d in zip(range(1, 13), deviations, strict=False)
    )
    if series.month == 12:
        year_text = (
            f"Helårsutfallet är {mnkr(series.forecast_year)} mnkr mot budget {mnkr(series.budget_year)} mnkr."
        )
    else:
        year_text = (
            f"Prognosen för helåret är {mnkr(series.forecast_year)} mnkr mot budget "
            f"{mnkr(series.budget_year)} mnkr, {_cost_words(series.budget_year - series.forecast_year)}."
        )
    return (
        f"Linjediagram över regionstyrelsens ackumulerade nettokostnad {series.year} i miljoner kronor. "
        f"Utfallet för {span} är {mnkr(actual_ytd)} mnkr mot periodiserad budget {mnkr(budget_ytd)} mnkr, "
        f"{_cost_words(deviation)}. {year_text} "
        f"Stapeldiagrammet under visar den ackumulerade avvikelsen mot budget per månad (positivt värde = "
        f"lägre kostnad än budget): {by_month}."
    )


def forecast_path_alt(points: Sequence[ReportPoint], year: int) -> str:
    values = "; ".join(
        f"{month_name(p.period).split()[0]} {mnkr(p.prognos_budgetavvikelse)} mnkr" for p in points
    )
    return (
        f"Linjediagram över den prognostiserade budgetavvikelsen för helårets resultat {year} som den "
        f"rapporterades varje månad, i miljoner kronor; positivt värde betyder bättre än budget. "
        f"{values or 'Inga rapporter ännu'}."
    )


def indicators_alt(points: Sequence[ReportPoint], specs: Sequence[IndicatorSpec], year: int) -> str:
    parts = []
    for spec in specs:
        values = "; ".join(
            f"{month_name(p.period).split()[0]} "
            + (percent(getattr(p, spec.key)) if getattr(p, spec.key) is not None else "redovisas inte")
            for p in points
        )
        parts.append(
            f"{spec.name}, rullande 12 månader, per månad {year}: {values or 'inga värden ännu'}. "
            f"Målvärde {_target_words(spec)}."
        )
    return f"{len(specs)} linjediagram med målvärdet som streckad linje. " + " ".join(parts)


# --- helpers ----------------------------------------------------------------------------------------------
def _cost_words(deviation: float) -> str:
    """A net-cost deviation (budget − actual) in words: positive is a lower cost than budgeted."""
    rounded = mnkr(abs(deviation))
    if rounded == mnkr(0):
        return "i nivå med budget"
    return f"{rounded} mnkr {'lägre' if deviation > 0 else 'högre'} än budget"


def _target_words(spec: IndicatorSpec) -> str:
    return f"{'högst' if spec.direction == 'lower_is_better' else 'minst'} {percent(spec.target)}"


def _cumulative(values: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for value in values:
        total += value
        out.append(total)
    return out


def _mn(values: Sequence[float]) -> list[float]:
    return [v / 1e6 for v in values]


def _figure(
    height_mm: float, *, right_mm: float = 3, top_mm: float = 6, hspace: float = 0.2, wspace: float = 0.2
) -> Figure:
    """A figure the text width wide with fixed margins in millimetres.

    Fixed margins instead of matplotlib's constrained layout, which measures every label in an extra
    drawing pass: the same look at half the time, and the charts' frames line up from month to month.
    """
    fig = Figure(figsize=(TEXT_WIDTH_MM / MM_PER_INCH, height_mm / MM_PER_INCH), dpi=DPI)
    left, top, bottom = 13, top_mm, 7  # mm: room for the y tick labels, the panel title, the month names
    fig.subplots_adjust(
        left=left / TEXT_WIDTH_MM,
        right=1 - right_mm / TEXT_WIDTH_MM,
        top=1 - top / height_mm,
        bottom=bottom / height_mm,
        hspace=hspace,
        wspace=wspace,
    )
    return fig


def _month_axis(axes: Axes, every: int = 1) -> None:
    axes.set_xlim(0.5, 12.5)
    axes.set_xticks(range(1, 13, every), [month_abbr(m) for m in range(1, 13, every)])


def _titles(axes: Axes, title: str, subtitle: str) -> None:
    """A bold panel title with a plain line under it that says how to read the panel."""
    axes.set_title(title, pad=13)
    axes.text(0, 1.025, subtitle, transform=axes.transAxes, fontsize=8, color="#444444")


def _grid(axes: Axes) -> None:
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)


def _label(axes: Axes, x: float, y: float, text: str, where: str) -> None:
    """Write a value beside its point: above it ("bottom" of the text at the point) or below ("top")."""
    above = where == "bottom" or (where == "auto" and y >= 0)
    axes.annotate(
        text,
        (x, y),
        xytext=(0, 5 if above else -5),
        textcoords="offset points",
        ha="center" if x < 12 else "right",
        va="bottom" if above else "top",
        fontsize=8,
        color="#222222",
    )


def _chart(fig: Figure, key: str, caption: str, alt: str) -> Chart:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    width, height = canvas.get_width_height()
    # Opaque RGB, not matplotlib's RGBA: WeasyPrint splits an alpha channel into a second image (a soft
    # mask) and compresses both again, so RGB halves the chart cost of every PDF and shrinks the email.
    # Pillow writes no date or software chunk: the same figures give the same bytes.
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert(
        "RGB"
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return Chart(key=key, caption=caption, alt=alt, png=buffer.getvalue(), width_px=width, height_px=height)
