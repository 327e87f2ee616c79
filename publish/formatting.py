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
