"""Money is whole öre (int) from the extract to figures.json; SEK appears only in the published figures.

Binary floats cannot hold 0.10 SEK exactly, so sums of many amounts drift and two-decimal rounding can go
the wrong way. Python ints are exact at any size, so every sum, deviation and forecast is computed in öre,
and `sek` is applied once, by transforms.figures, when the figures are assembled.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

ORE_PER_SEK = 100


def ore(sek: float | int | Decimal) -> int:
    """An amount in SEK as written in a plan or inputs file (e.g. 1234.56) in whole öre, exactly.

    Goes through the number's shortest decimal text, which is what was typed, not through the binary
    product `sek * 100` (1234.56 * 100 is 123455.99999999999).
    """
    return int((Decimal(str(sek)) * ORE_PER_SEK).to_integral_value(rounding=ROUND_HALF_EVEN))


def sek(amount_ore: int) -> float:
    """Whole öre as the SEK number of figures.json: the float nearest the exact two-decimal value, which
    JSON writes with at most two decimals (123456789 -> 1234567.89)."""
    return int(amount_ore) / ORE_PER_SEK


def ore_from_mnkr(mnkr: float | int) -> int:
    """An amount in mnkr as the plan file writes it (e.g. 0.6) in whole öre, exactly."""
    return ore(Decimal(str(mnkr)) * 1_000_000)
