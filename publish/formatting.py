"""Swedish number and date formatting for the reports (domain §6).

Babel supplies the locale data (month names, decimal comma, no-break space as thousands separator). Two
things are done by hand because babel does not do them the way a Swedish report wants:
- rounding is half up (away from zero), as in Swedish accounting, not babel's banker's rounding
  (0,05 mnkr must print as "0,1", not "0,0");
- the minus sign is U+2212 "−" as Swedish typography (and CLDR for sv) prescribes, while babel's patterns
  print the hyphen-minus; a value that rounds to zero never shows a sign ("0,0", not "−0,0").
Every function maps None (not computable, or suppressed) to the en dash "–".
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date, get_month_names
from babel.numbers import format_decimal

LOCALE = "sv_SE"
MISSING = "–"
MINUS = "\u2212"
NBSP = "\u00a0"
MNKR = Decimal(1_000_000)

# Swedish style writes small counts in words ("grupper med tio eller färre anställda").
_COUNT_WORDS = ("noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv")


def _fixed(value: Decimal, decimals: int) -> str:
    """Round half up to `decimals` and format with Swedish separators and a real minus sign."""
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    # Format the magnitude and add the sign ourselves: babel would print "-" and keep the sign of -0.0.
    text = format_decimal(abs(rounded), format=pattern, locale=LOCALE, decimal_quantization=True)
    return MINUS + text if rounded < 0 else text


def _decimal(value: float | int) -> Decimal:
    # Through str so that 0.05 is the decimal 0.05 the user sees, not 0.05000000000000000277...
    return Decimal(str(value))


def mnkr(value: float | None) -> str:
    """SEK to million kronor with one decimal: -440000000 -> "−440,0", 1234567890 -> "1 234,6"."""
    if value is None:
        return MISSING
    return _fixed(_decimal(value) / MNKR, 1)


def percent(value: float | None, decimals: int = 1) -> str:
    """A value already in percent: 5.2 -> "5,2 %" (no-break space before the sign, as in Swedish)."""
    if value is None:
        return MISSING
    return f"{_fixed(_decimal(value), decimals)}{NBSP}%"


def number(value: float | None, decimals: int = 0) -> str:
    """A plain number with Swedish separators: 1234.5 -> "1 234,5" with decimals=1."""
    if value is None:
        return MISSING
    return _fixed(_decimal(value), decimals)


def month_name(period: str | None) -> str:
    """A report period "YYYY-MM" as Swedish text: "2025-02" -> "februari 2025"."""
    if period is None:
        return MISSING
    year, month = period.split("-")
    return f"{get_month_names('wide', locale=LOCALE)[int(month)]} {int(year)}"


def month_abbr(month: int) -> str:
    """A month's abbreviated Swedish name (CLDR), for chart axes: 1 -> "jan.", 3 -> "mars"."""
    return str(get_month_names("abbreviated", locale=LOCALE)[month])


def month_span(start: str | None, end: str | None) -> str:
    """A span of report periods: "januari–april 2025" within a year, "maj 2024 – april 2025" across years."""
    if start is None or end is None:
        return MISSING
    if start == end:
        return month_name(start)
    if start[:4] == end[:4]:
        first = get_month_names("wide", locale=LOCALE)[int(start[5:])]
        return f"{first}–{month_name(end)}"
    # Spaced en dash because the parts themselves contain spaces (Swedish typography).
    return f"{month_name(start)} – {month_name(end)}"


def date_sv(value: date | str | None) -> str:
    """A date (or an ISO date/timestamp string, as in figures.json) as "26 november 2026"."""
    if value is None:
        return MISSING
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, format="d MMMM y", locale=LOCALE)


def count_word(value: int) -> str:
    """A count in words up to twelve, digits above: 10 -> "tio", 25 -> "25"."""
    return _COUNT_WORDS[value] if 0 <= value < len(_COUNT_WORDS) else number(value)


def _tkr_rounded(value: float | int) -> Decimal:
    return (abs(_decimal(value)) / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def money(value: float | None) -> str:
    """An amount with its unit, for running text: "2,3 mnkr" from 1 mnkr, "624 tkr" below it, "300 kr"
    below 1 tkr, so that a small amount never reads "0,0 mnkr". The sign is shown (U+2212)."""
    if value is None:
        return MISSING
    tkr = _tkr_rounded(value)
    if tkr >= 1000:
        return f"{mnkr(value)}{NBSP}mnkr"
    if tkr >= 1:
        return f"{_fixed(_decimal(value) / 1000, 0)}{NBSP}tkr"
    return f"{_fixed(_decimal(value), 0)}{NBSP}kr"


def mnkr_or_tkr(value: float | None, small: bool = False) -> str:
    """A cell of a table in mnkr: the mnkr figure, or the amount with its unit ("40 tkr") when it is not
    zero but would show as 0,0 mnkr. With `small` (a row whose scale is below 1 mnkr, e.g. an investment
    of 600 tkr, where 624 tkr spent would read "0,6" like the budget) every amount below 1 mnkr is in tkr,
    zero too ("0 tkr", not a bare "0,0" among the row's tkr amounts).
    """
    if value is None:
        return MISSING
    if value == 0:
        return f"0{NBSP}tkr" if small else mnkr(value)
    if small and _tkr_rounded(value) < 1000:
        return money(value)
    if mnkr(value) == "0,0":
        return money(value)
    return mnkr(value)


def decimals_of(value: float) -> int:
    """The decimals a number was written with (5.25 -> 2, 11.0 -> 0)."""
    exponent = _decimal(value).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def target_percent(target: float) -> str:
    """A target as the plan writes it, at least one decimal: 5.2 -> "5,2 %", 5.25 -> "5,25 %"."""
    return percent(target, max(1, decimals_of(target)))


MAX_VERDICT_DECIMALS = 6


def verdict_percent(value: float | None, target: float, direction: str, decimals: int = 1) -> str:
    """A percentage shown next to its target and verdict, with the precision that carries the verdict.

    The verdict is taken on the unrounded value. Rounded to one decimal, 5.24 reads "5,2 %", which is
    "högst 5,2 %" and so contradicts "uppnås inte"; decimals are added until the figure shown, compared
    with the target, gives the same verdict: "5,24 %". A value exactly on the target keeps one decimal.
    """
    if value is None:
        return MISSING
    exact, goal = _decimal(value), _decimal(target)
    met = exact <= goal if direction == "lower_is_better" else exact >= goal
    places = decimals
    while places < MAX_VERDICT_DECIMALS:
        shown = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if (shown <= goal if direction == "lower_is_better" else shown >= goal) == met:
            break
        places += 1
    return percent(value, places)
