"""Report periods and windows: the rolling 12 months and the year to date (domain §3)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from uppfoljning.errors import DataError


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, got {self.month}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """'2025-02' -> Month(2025, 2); anything else is a DataError naming the input (the user typed it)."""
        try:
            year_text, month_text = text.split("-")
            if len(year_text) != 4 or len(month_text) != 2:
                raise ValueError
            return cls(int(year_text), int(month_text))
        except ValueError:
            raise DataError(
                table="--period",
                key=repr(text),
                rule="period_format",
                problem="the period is not of the form YYYY-MM (e.g. 2025-02)",
            ) from None

    @classmethod
    def of_period(cls, yyyymm: int) -> Month:
        """The month of a source's integer period: 202502 -> Month(2025, 2) (ValueError for 202513)."""
        return cls(*divmod(yyyymm, 100))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def yyyymm(self) -> int:
        """The ledger's integer period, e.g. 202502."""
        return self.year * 100 + self.month

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def plus(self, months: int) -> Month:
        index = self.index + months
        return Month(index // 12, index % 12 + 1)

    @property
    def index(self) -> int:
        """Months since January of year 0: the difference of two indexes is the months between them."""
        return self.year * 12 + self.month - 1


@dataclass(frozen=True)
class Window:
    """A closed range of months, first..last."""

    first: Month
    last: Month

    @classmethod
    def spanning(cls, *periods: Month | Window) -> Window:
        """The shortest window that holds every given month and window, e.g. the rolling window and the
        year to date read together; months between them are included (a window has no gaps)."""
        if not periods:
            raise ValueError("a window must span at least one month or window")
        firsts = [p.first if isinstance(p, Window) else p for p in periods]
        lasts = [p.last if isinstance(p, Window) else p for p in periods]
        return cls(min(firsts), max(lasts))

    @property
    def months(self) -> list[Month]:
        count = self.last.index - self.first.index + 1
        return [self.first.plus(i) for i in range(count)]

    @property
    def month_ends(self) -> list[dt.date]:
        return [m.last_day for m in self.months]

    def __str__(self) -> str:
        return f"{self.first}..{self.last}"


def rolling_window(report_month: Month, months: int) -> Window:
    """The `months` months ending with the report month."""
    return Window(report_month.plus(-(months - 1)), report_month)


def year_to_date(report_month: Month) -> Window:
    """January..report month of the report year."""
    return Window(Month(report_month.year, 1), report_month)


def calendar_year(year: int) -> Window:
    """January..December of `year`: the budget year."""
    return Window(Month(year, 1), Month(year, 12))
