"""Deterministic demo data: a regional office's ledger and HR sources, and a matching inputs file.

`generate_demo` (re)creates the source tables of contract §1 and fills them with the plan year and the
year before (so that rolling 12-month windows are full from January of the plan year). The data tells a
small, believable story that the reports can show:

- HR: about 800 employees; permanent leavers (every end reason, incl. internal moves) are replaced after a
  recruitment gap, so personnel turnover stays near 11 %; sick leave near 5 % with 35-50 % long-term share.
- Economy: the approved budget sums to the plan to the öre; personnel costs run about 1.5 % under budget
  (vacancies), other costs over budget in the autumn, revenues slightly better than budgeted.
- Investments: the plan's four investments, most under-spent at year end and one slightly over.

Everything random comes from `random.Random` streams seeded by `seed`: the same seed gives byte-identical
tables. Amounts are kept in integer öre (hours in centi-hours) and only turned into floats at insert, so
budget totals and voucher balances are exact.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import sqlalchemy as sa
import yaml

from extract import sources
from publish import comment_sheet as sheet
from uppfoljning.inputs import STATUS_LABELS, Inputs
from uppfoljning.plan import MNKR, PNL_ROWS, Plan

Row = dict[str, Any]
ORE_PER_MNKR = 100_000_000

# --- The organisation -----------------------------------------------------------------------------------
DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("10000", "Regiondirektörens stab"),
    ("20000", "Ekonomi"),
    ("30000", "HR"),
    ("40000", "Kommunikation"),
    ("50000", "Regional utveckling"),
    ("60000", "Hälso- och sjukvårdsstaben"),
    ("70000", "IT-förvaltning"),
)
# (code, name, department, permanent staff at the start of the data). The staff numbers also weight the
# personnel budget, so the ledger and HR agree on where people work.
UNITS: tuple[tuple[str, str, str, int], ...] = (
    ("10100", "Regionkontoret gemensamt", "10000", 0),
    ("10200", "Kansli och juridik", "10000", 26),
    ("10300", "Säkerhet och beredskap", "10000", 14),
    ("20100", "Redovisning", "20000", 30),
    ("20200", "Controller och analys", "20000", 28),
    ("20300", "Upphandling", "20000", 22),
    ("30100", "HR-service och lön", "30000", 48),
    ("30200", "Kompetensförsörjning och arbetsmiljö", "30000", 26),
    ("40100", "Kommunikation och webb", "40000", 32),
    ("50100", "Näringsliv och innovation", "50000", 30),
    ("50200", "Kollektivtrafik och infrastruktur", "50000", 24),
    ("50300", "Kultur och folkhälsa", "50000", 28),
    ("60100", "Vårdutveckling", "60000", 44),
    ("60200", "Nära vård", "60000", 30),
    ("60300", "Data och analys", "60000", 30),
    ("70100", "IT-drift", "70000", 92),
    ("70200", "Applikationsförvaltning", "70000", 84),
    ("70300", "Vårdinformationsstöd", "70000", 58),
    ("70400", "IT-säkerhet och support", "70000", 44),
)
CENTRAL_UNIT = "10100"  # carries the council's allocation
PAYROLL_UNIT = "30100"  # carries the payroll liabilities
STAFFED_UNITS = tuple(code for code, _, _, staff in UNITS if staff > 0)
STAFF_WEIGHT = {code: staff for code, _, _, staff in UNITS}


@dataclass(frozen=True)
class _Account:
    number: str
    name: str
    row: str  # report row of the plan; checked against the plan's mapping at generation
    share: float  # share of the report row's annual budget
    kind: str  # how it is booked: invoice | sales | payroll | depreciation | allocation
    units: tuple[str, ...] = STAFFED_UNITS  # the cost centres that carry it, weighted by staff


_IT_UNITS = ("70100", "70200", "70300", "70400")
_DEVELOPMENT_UNITS = ("50100", "50200", "50300")
# Region-Bas style accounts; names are the demo's own.
ACCOUNTS: tuple[_Account, ...] = (
    _Account("3011", "Avgifter och ersättningar", "intakter", 0.05, "sales", ("10200", "50200", "50300")),
    _Account(
        "3511",
        "Försäljning av tjänster inom regionen",
        "intakter",
        0.70,
        "sales",
        (*_IT_UNITS, "30100", "60300"),
    ),
    _Account(
        "3611",
        "Statsbidrag och EU-bidrag",
        "intakter",
        0.20,
        "sales",
        (*_DEVELOPMENT_UNITS, "60100", "60200"),
    ),
    _Account("3911", "Övriga intäkter", "intakter", 0.05, "sales"),
    _Account("4011", "Månadslöner", "personalkostnader", 0.64, "payroll"),
    _Account("4511", "Arbetsgivaravgifter", "personalkostnader", 0.26, "payroll"),
    _Account("4711", "Pensionskostnader", "personalkostnader", 0.07, "payroll"),
    _Account("4911", "Övriga personalkostnader", "personalkostnader", 0.03, "payroll"),
    _Account("5110", "Lokalhyror", "ovriga_driftskostnader", 0.09, "invoice"),
    _Account("5410", "Förbrukningsinventarier och material", "ovriga_driftskostnader", 0.05, "invoice"),
    _Account("5810", "Resor och konferenser", "ovriga_driftskostnader", 0.02, "invoice"),
    _Account("6110", "Kontorsmaterial och trycksaker", "ovriga_driftskostnader", 0.02, "invoice"),
    _Account("6420", "Konsulttjänster", "ovriga_driftskostnader", 0.18, "invoice"),
    _Account(
        "6540", "IT-tjänster och licenser", "ovriga_driftskostnader", 0.34, "invoice", (*_IT_UNITS, "60300")
    ),
    _Account(
        "7010", "Lämnade bidrag", "ovriga_driftskostnader", 0.22, "invoice", (*_DEVELOPMENT_UNITS, "60200")
    ),
    _Account(
        "7810", "Avskrivningar", "ovriga_driftskostnader", 0.08, "depreciation", ("70100", "70300", "50200")
    ),
    _Account("8910", "Regionbidrag", "regionbidrag", 1.0, "allocation", (CENTRAL_UNIT,)),
)

# Monthly budget profiles (relative weights): July holidays lower personnel costs, other costs peak in
# December when the year's invoices and grants are settled.
SEASON: dict[str, tuple[float, ...]] = {
    "intakter": (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.9, 1.0, 1.0, 1.0, 1.3),
    "personalkostnader": (1.0, 1.0, 1.0, 1.0, 1.0, 1.02, 0.62, 0.92, 1.02, 1.02, 1.02, 1.08),
    "ovriga_driftskostnader": (0.85, 0.9, 1.0, 1.0, 1.0, 1.0, 0.65, 0.85, 1.05, 1.1, 1.15, 1.45),
    "regionbidrag": (1.0,) * 12,
}
FLAT_SEASON = (1.0,) * 12
# Budget versions other than the approved one: (factor on each P&L row of the plan). The allocation
# always covers the net budget, so every version's budgeted result is 0.
PREVIOUS_YEAR_FACTORS = {"intakter": 0.965, "personalkostnader": 0.96, "ovriga_driftskostnader": 0.965}
PRELIMINARY_FACTORS = {"intakter": 0.98, "personalkostnader": 1.01, "ovriga_driftskostnader": 0.995}
PRELIMINARY_SUFFIX = "-PRELIM"

# Average supplier-invoice row, SEK: sets the ledger's volume (~30k rows for two years).
INVOICE_ROW_SEK = 80_000
PRELIMINARY_TAX_RATE = 0.3  # withheld from salaries on payroll
PERIOD_END_SHARE = 0.08  # invoices of a month booked in the first days of the next month
# Counterparties per account, for the voucher texts: fictitious companies, the region's own units as
# internal customers, and public bodies as grant givers.
COUNTERPARTIES: dict[str, tuple[str, ...]] = {
    "3011": ("Kollektivtrafikresenärer", "Kulturarrangörer i Halland"),
    "3511": ("Hallands sjukhus", "Närsjukvården Halland", "Psykiatri Halland", "Regionservice"),
    "3611": ("Tillväxtverket", "Socialstyrelsen", "Europeiska regionala utvecklingsfonden"),
    "3911": ("Diverse kunder",),
    "5110": ("Västkustens Fastigheter AB", "Regionfastigheter Halland"),
    "5410": ("Halmstad Kontorsservice AB", "Nissans Inredning AB"),
    "5810": ("Falkenbergs Resebyrå AB", "Kustkonferens Tylösand AB"),
    "6110": ("Laholmsbuktens Tryck AB", "Halmstad Kontorsservice AB"),
    "6420": ("Kattegatt Konsult AB", "Ätran Management AB", "Hallandsåsens Utbildning AB"),
    "6540": ("Nordisk IT-partner AB", "Varbergs Mjukvaruhus AB", "Molnbolaget Väst AB"),
    "7010": ("Hallands Innovationsstiftelse", "Föreningen Kultur i Halland", "Hallands kommuner"),
    "1110": ("Fiberbyggarna Väst AB",),
    "1020": ("Nordisk IT-partner AB", "Varbergs Mjukvaruhus AB"),
    "1220": ("Nissans Inredning AB",),
    "1230": ("Nordisk IT-partner AB", "Molnbolaget Väst AB"),
}
SWEDISH_MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)

# --- Investments ----------------------------------------------------------------------------------------
# name -> (asset account, cost centre, share of the year's budget spent by year end). Names not listed
# (another year's plan) get the default.
INVESTMENT_BOOKING: dict[str, tuple[str, str, float]] = {
    "Bredbandsutbyggnad": ("1110", "50200", 0.68),
    "FVIS": ("1020", "70300", 0.79),
    "Möbler och utrustning, övrigt": ("1220", "10200", 1.04),
    "IT-utrustning": ("1230", "70100", 0.935),
}
DEFAULT_INVESTMENT_BOOKING = ("1230", "70100", 0.9)
INVESTMENT_SEASON = (0.3, 0.5, 0.8, 0.9, 1.0, 1.0, 0.3, 0.6, 1.1, 1.2, 1.3, 2.0)
INVESTMENT_INVOICE_SEK = 1_500_000

# --- HR -------------------------------------------------------------------------------------------------
SHARE_WOMEN = 0.65  # as in Swedish regions
TEMPORARY_SLOTS = 55  # visstid positions, refilled when a fixed term ends
HOURLY_STAFF = 55  # timavlönade
# Permanent employments ended per year (data year 1, year 2). With ~685 permanent staff this gives
# turnover of about 11.6 % falling to 11.0 %; the same monthly profile both years keeps every rolling
# window smooth.
PERMANENT_LEAVERS = (80, 75)
LEAVER_SEASON = (0.9, 0.7, 0.8, 0.8, 0.9, 1.5, 0.8, 1.3, 1.0, 0.9, 0.8, 1.3)
END_REASON_SHARES = {
    "egen_begaran": 0.46,
    "pension": 0.20,
    "byte_av_tjanst": 0.18,
    "uppsagning": 0.05,
    "avliden": 0.02,
    "ovrigt": 0.09,
}
PENSION_MIN_AGE = 62
SHARE_NEAR_RETIREMENT = 0.12  # of the initial permanent staff, aged 57-64
RECRUITMENT_DAYS = (21, 110)  # a leaver's post stays vacant this long before the replacement starts
PART_TIME_RATES = (0.5, 0.75, 0.8, 0.9)
HOURLY_RATES = (0.2, 0.25, 0.3, 0.4, 0.5)  # the contract needs a rate; hourly staff have no schedule

# Ordinary working time: 38.25 h a week, so a full-time month is ~166 h. Public holidays are ignored.
CENTI_HOURS_PER_DAY = 765
# Sick leave: spells started per month. Short spells follow the flu season; long spells start evenly,
# from half a year before the data so the first windows already hold ongoing long spells.
SHORT_SPELLS_PER_MONTH = 132
SHORT_SPELL_SEASON = (1.35, 1.3, 1.1, 1.0, 0.85, 0.8, 0.45, 0.75, 1.0, 1.1, 1.2, 1.25)
SHORT_SPELL_DAYS = ((1, 2, 3, 4, 5, 7, 8, 10, 14), (18, 20, 18, 10, 8, 10, 7, 5, 4))
LONG_SPELLS_PER_MONTH = 5
LONG_SPELL_DAYS = (60, 200)
LONG_SPELL_LEAD_MONTHS = 6
SICK_DEGREES = ((4, 3, 2, 1), (50, 15, 25, 10))  # quarters of full time: 100 %, 75 %, 50 %, 25 %
SPELL_GAP_DAYS = 7  # spells of one person this close would be one spell


@dataclass(frozen=True)
class DemoSummary:
    """What was written, for a log line. Counts only: never person-level data."""

    seed: int
    persons: int
    employments: int
    scheduled_hours_rows: int
    sick_spells: int
    sick_leave_rows: int
    cost_centers: int
    budget_rows: int
    vouchers: int
    gl_rows: int
    investment_projects: int

    def __str__(self) -> str:
        return (
            f"demo data (seed {self.seed}): {self.persons} persons, {self.employments} employments, "
            f"{self.scheduled_hours_rows} scheduled-hours rows, {self.sick_spells} sick-leave spells "
            f"({self.sick_leave_rows} rows), {self.cost_centers} cost centres, {self.budget_rows} budget rows, "
            f"{self.vouchers} vouchers ({self.gl_rows} rows), {self.investment_projects} investment-project rows"
        )


def generate_demo(ledger_url: str, hr_url: str, plan: Plan, seed: int = 2025) -> DemoSummary:
    """(Re)create the contract's source tables and fill them with the demo office's plan year and year before.

    Existing demo tables are dropped first, so a rerun gives the same contents. `ledger_url` and `hr_url`
    may name the same database.
    """
    first_day, last_day = date(plan.year - 1, 1, 1), date(plan.year, 12, 31)
    _check_accounts(plan)

    staff = _simulate_staff(random.Random(f"{seed}:staff"), first_day, last_day)
    weekdays = _Weekdays(first_day, last_day)
    spells = _sick_spells(staff, random.Random(f"{seed}:sick"), first_day, last_day)
    sick_rows, spell_count = _sick_leave_rows(staff, spells, weekdays)
    hr_rows: dict[sa.Table, list[Row]] = {
        sources.employees: staff.employee_rows(),
        sources.employments: staff.employment_rows(),
        sources.scheduled_hours: _scheduled_hours_rows(staff, weekdays),
        sources.sick_leave: sick_rows,
    }

    budgets = _budget_versions(plan)
    vouchers = _vouchers(plan, budgets, random.Random(f"{seed}:ledger"), first_day.year)
    gl_rows = _gl_rows(vouchers)
    ledger_rows: dict[sa.Table, list[Row]] = {
        sources.cost_centers: _cost_center_rows(),
        sources.budget_entries: [row for budget in budgets for row in budget.rows()],
        sources.investment_projects: _investment_project_rows(plan),
        sources.gl_entries: gl_rows,
    }

    _write(ledger_url, sources.ledger_metadata, ledger_rows)
    _write(hr_url, sources.hr_metadata, hr_rows)
    return DemoSummary(
        seed=seed,
        persons=len(hr_rows[sources.employees]),
        employments=len(hr_rows[sources.employments]),
        scheduled_hours_rows=len(hr_rows[sources.scheduled_hours]),
        sick_spells=spell_count,
        sick_leave_rows=len(sick_rows),
        cost_centers=len(ledger_rows[sources.cost_centers]),
        budget_rows=len(ledger_rows[sources.budget_entries]),
        vouchers=len(vouchers),
        gl_rows=len(gl_rows),
        investment_projects=len(ledger_rows[sources.investment_projects]),
    )


def _write(url: str, metadata: sa.MetaData, rows: dict[sa.Table, list[Row]]) -> None:
    """Drop and recreate the tables of one source, then insert each table in one transaction."""
    engine = sa.create_engine(url)
    try:
        metadata.drop_all(engine)
        metadata.create_all(engine)
        for table, table_rows in rows.items():
            if table_rows:  # an empty executemany would insert one row of NULLs
                with engine.begin() as conn:
                    conn.execute(table.insert(), table_rows)
    finally:
        engine.dispose()


# --- Small helpers --------------------------------------------------------------------------------------
def _split_exact(total: int, weights: Sequence[float]) -> list[int]:
    """Split an integer total in proportion to weights, parts summing exactly to it (largest remainder)."""
    sign, magnitude = (-1, -total) if total < 0 else (1, total)
    scaled = [round(w * 1_000_000) for w in weights]  # integer weights: the split is exact arithmetic
    weight_sum = sum(scaled)
    parts = [magnitude * w // weight_sum for w in scaled]
    by_remainder = sorted(range(len(parts)), key=lambda i: (-(magnitude * scaled[i] % weight_sum), i))
    for i in by_remainder[: magnitude - sum(parts)]:
        parts[i] += 1
    return [sign * p for p in parts]


def _round_div(numerator: int, denominator: int) -> int:
    """Integer division rounded half up, for non-negative numerators (exact, unlike float rounding)."""
    return (2 * numerator + denominator) // (2 * denominator)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _months(first_day: date, last_day: date) -> list[tuple[int, int]]:
    return [
        (year, month)
        for year in range(first_day.year, last_day.year + 1)
        for month in range(1, 13)
        if first_day <= _month_end(year, month) and date(year, month, 1) <= last_day
    ]


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + n
    return index // 12, index % 12 + 1


def _weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _random_weekday(rng: random.Random, year: int, month: int) -> date:
    return _weekday_on_or_after(date(year, month, rng.randint(1, _month_end(year, month).day - 3)))


def _period(year: int, month: int) -> int:
    return year * 100 + month


class _Weekdays:
    """Counts weekdays (Mon-Fri) of a date range in constant time, within the data's calendar."""

    def __init__(self, first_day: date, last_day: date) -> None:
        self.first_day, self.last_day = first_day, last_day
        self._cumulative = [0]
        for ordinal in range(first_day.toordinal(), last_day.toordinal() + 1):
            self._cumulative.append(self._cumulative[-1] + (date.fromordinal(ordinal).weekday() < 5))

    def between(self, start: date, end: date) -> int:
        """Weekdays in [start, end], clipped to the calendar; 0 for an empty range."""
        start, end = max(start, self.first_day), min(end, self.last_day)
        if start > end:
            return 0
        base = self.first_day.toordinal()
        return self._cumulative[end.toordinal() - base + 1] - self._cumulative[start.toordinal() - base]


# --- HR: persons and employments ------------------------------------------------------------------------
@dataclass
class _Employment:
    employment_id: str
    person_id: str
    cost_center: str
    employment_type: str
    start: date
    rate_milli: int  # work rate in thousandths: exact arithmetic for hours
    end: date | None = None
    end_reason: str | None = None


@dataclass
class _Staff:
    """The persons and employments of the simulation, handing out sequential pseudonymous ids."""

    birth_year: dict[str, int] = field(default_factory=dict)
    sex: dict[str, str] = field(default_factory=dict)
    employments: list[_Employment] = field(default_factory=list)

    def new_person(self, rng: random.Random, birth_year: int) -> str:
        person_id = f"P{len(self.birth_year) + 1:05d}"
        self.birth_year[person_id] = birth_year
        self.sex[person_id] = "K" if rng.random() < SHARE_WOMEN else "M"
        return person_id

    def employ(
        self, person_id: str, cost_center: str, employment_type: str, start: date, rate: float
    ) -> _Employment:
        employment = _Employment(
            f"E{len(self.employments) + 1:06d}",
            person_id,
            cost_center,
            employment_type,
            start,
            round(rate * 1000),
        )
        self.employments.append(employment)
        return employment

    def scheduled_employments(self) -> dict[str, list[_Employment]]:
        """Per person, the employments with ordinary working time (hourly staff have none), by start."""
        by_person: dict[str, list[_Employment]] = {}
        for employment in sorted(self.employments, key=lambda e: (e.person_id, e.start)):
            if employment.employment_type != "timavlonad":
                by_person.setdefault(employment.person_id, []).append(employment)
        return by_person

    def employee_rows(self) -> list[Row]:
        return [
            {"person_id": p, "birth_year": self.birth_year[p], "sex": self.sex[p]}
            for p in sorted(self.birth_year)
        ]

    def employment_rows(self) -> list[Row]:
        return [
            {
                "employment_id": e.employment_id,
                "person_id": e.person_id,
                "cost_center": e.cost_center,
                "employment_type": e.employment_type,
                "start_date": e.start,
                "end_date": e.end,
                "end_reason": e.end_reason,
                "work_rate": e.rate_milli / 1000,
            }
            for e in self.employments
        ]


def _simulate_staff(rng: random.Random, first_day: date, last_day: date) -> _Staff:
    staff = _Staff()
    _initial_permanent_staff(staff, rng, first_day)
    _temporary_staff(staff, rng, first_day, last_day)
    _hourly_staff(staff, rng, first_day, last_day)
    _permanent_leavers(staff, rng, first_day, last_day)
    return staff


def _work_rate(rng: random.Random) -> float:
    return 1.0 if rng.random() < 0.82 else rng.choice(PART_TIME_RATES)


def _random_unit(rng: random.Random, exclude: str | None = None) -> str:
    units = [u for u in STAFFED_UNITS if u != exclude]
    return rng.choices(units, weights=[STAFF_WEIGHT[u] for u in units])[0]


def _initial_permanent_staff(staff: _Staff, rng: random.Random, first_day: date) -> None:
    """The permanent staff on the first day: ages 24-64 (born 1960 onwards), hired over the last decades."""
    for unit in STAFFED_UNITS:
        for _ in range(STAFF_WEIGHT[unit]):
            # A tail of staff close to retirement, so that every year has enough retirees to draw.
            age = (
                rng.randint(57, 64)
                if rng.random() < SHARE_NEAR_RETIREMENT
                else round(rng.triangular(24, 64, 45))
            )
            person = staff.new_person(rng, first_day.year - age)
            first_possible = date(max(first_day.year - age + 23, 1995), 1, 1).toordinal()
            start = date.fromordinal(rng.randint(first_possible, first_day.toordinal() - 30))
            staff.employ(person, unit, "tillsvidare", _weekday_on_or_after(start), _work_rate(rng))


def _end_date(rng: random.Random, year: int, month: int) -> date:
    """A last day employed: often the month's last day (notice periods run to month end), else a weekday."""
    return _month_end(year, month) if rng.random() < 0.45 else _random_weekday(rng, year, month)


def _temporary_staff(staff: _Staff, rng: random.Random, first_day: date, last_day: date) -> None:
    """Fixed-term positions: each is held by a chain of persons, the next starting when a term ends."""
    for _ in range(TEMPORARY_SLOTS):
        unit = _random_unit(rng)
        start = _weekday_on_or_after(first_day - timedelta(days=rng.randint(20, 300)))
        while start <= last_day:
            person = staff.new_person(rng, start.year - round(rng.triangular(22, 45, 28)))
            employment = staff.employ(person, unit, "visstid", start, 1.0 if rng.random() < 0.9 else 0.75)
            end_year, end_month = _add_months(start.year, start.month, rng.randint(3, 12))
            end = max(_end_date(rng, end_year, end_month), first_day + timedelta(days=rng.randint(10, 120)))
            if end > last_day:
                break  # still employed at the end of the data: no end date yet
            employment.end = end
            employment.end_reason = "ovrigt" if rng.random() < 0.8 else "egen_begaran"
            start = _weekday_on_or_after(end + timedelta(days=rng.randint(1, 45)))


def _hourly_staff(staff: _Staff, rng: random.Random, first_day: date, last_day: date) -> None:
    """Hourly staff: a pool where about a third leave during the data and are replaced."""
    for _ in range(HOURLY_STAFF):
        unit = _random_unit(rng)
        start = date.fromordinal(rng.randint(date(2015, 1, 1).toordinal(), first_day.toordinal() - 30))
        person = staff.new_person(rng, first_day.year - rng.randint(21, 63))
        employment = staff.employ(
            person, unit, "timavlonad", _weekday_on_or_after(start), rng.choice(HOURLY_RATES)
        )
        if rng.random() < 0.35:
            year, month = _add_months(first_day.year, 1, rng.randint(0, 22))
            employment.end = _end_date(rng, year, month)
            employment.end_reason = "ovrigt" if rng.random() < 0.6 else "egen_begaran"
            successor_start = _weekday_on_or_after(employment.end + timedelta(days=rng.randint(14, 60)))
            if successor_start <= last_day:
                successor = staff.new_person(rng, successor_start.year - rng.randint(22, 35))
                staff.employ(successor, unit, "timavlonad", successor_start, rng.choice(HOURLY_RATES))


def _reasons_for_year(rng: random.Random, leavers: int) -> list[str]:
    """Exactly `leavers` end reasons in the planned mix, shuffled over the year."""
    counts = _split_exact(leavers, list(END_REASON_SHARES.values()))
    reasons = [reason for reason, n in zip(END_REASON_SHARES, counts, strict=True) for _ in range(n)]
    rng.shuffle(reasons)
    return reasons


def _permanent_leavers(staff: _Staff, rng: random.Random, first_day: date, last_day: date) -> None:
    """End permanent employments month by month and replace them.

    The number ended per month is fixed (not drawn), so turnover in every rolling window is predictable;
    only who leaves, when in the month and why is random. Internal moves continue the same person on
    another cost centre the next day; other leavers' posts are refilled by a new hire after a vacancy.
    """
    for year_index, year in enumerate(range(first_day.year, last_day.year + 1)):
        per_year = PERMANENT_LEAVERS[min(year_index, len(PERMANENT_LEAVERS) - 1)]
        reasons = iter(_reasons_for_year(rng, per_year))
        for month, count in enumerate(_split_exact(per_year, LEAVER_SEASON), start=1):
            for _ in range(count):
                reason = next(reasons)
                end = _end_date(rng, year, month)
                leaving = _pick_leaver(staff, rng, reason, end)
                leaving.end, leaving.end_reason = end, reason
                if reason == "byte_av_tjanst":
                    new_unit = _random_unit(rng, exclude=leaving.cost_center)
                    staff.employ(
                        leaving.person_id,
                        new_unit,
                        "tillsvidare",
                        end + timedelta(days=1),
                        leaving.rate_milli / 1000,
                    )
                    continue
                if reason != "avliden" and rng.random() < 0.1:
                    continue  # the post is withdrawn: not every leaver is replaced
                start = _weekday_on_or_after(end + timedelta(days=rng.randint(*RECRUITMENT_DAYS)))
                if start <= last_day:
                    person = staff.new_person(rng, start.year - round(rng.triangular(23, 60, 33)))
                    staff.employ(person, leaving.cost_center, "tillsvidare", start, _work_rate(rng))


def _pick_leaver(staff: _Staff, rng: random.Random, reason: str, end: date) -> _Employment:
    """An ongoing permanent employment that began at least a quarter before `end`; retirees are old."""
    settled = end - timedelta(days=90)
    candidates = [
        e
        for e in staff.employments
        if e.employment_type == "tillsvidare" and e.end is None and e.start <= settled
    ]
    if reason == "pension":
        old = [e for e in candidates if end.year - staff.birth_year[e.person_id] >= PENSION_MIN_AGE]
        candidates = old or candidates
    return rng.choice(candidates)


def _scheduled_hours_rows(staff: _Staff, weekdays: _Weekdays) -> list[Row]:
    """One row per person and month with a permanent or fixed-term employment, pro rata the weekdays employed."""
    months = _months(weekdays.first_day, weekdays.last_day)
    rows: list[Row] = []
    for person_id, employments in staff.scheduled_employments().items():
        for year, month in months:
            month_start, month_end = date(year, month, 1), _month_end(year, month)
            rate_days = sum(
                e.rate_milli * weekdays.between(max(e.start, month_start), min(e.end or month_end, month_end))
                for e in employments
            )
            if rate_days:
                hours = _round_div(rate_days * CENTI_HOURS_PER_DAY, 1000) / 100
                rows.append({"person_id": person_id, "period": _period(year, month), "hours": hours})
    return rows


# --- HR: sick leave -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Spell:
    person_id: str
    start: date
    end: date  # the last sick day; after the data's last day means ongoing
    degree_quarters: int  # 4 = full time, 2 = half time (partial sick leave is common in long spells)


def _scheduled_spans(staff: _Staff, last_day: date) -> dict[str, list[tuple[date, date]]]:
    """Per person, the continuous periods with ordinary working time (an internal move does not break one)."""
    spans: dict[str, list[tuple[date, date]]] = {}
    for person_id, employments in staff.scheduled_employments().items():
        merged: list[tuple[date, date]] = []
        for e in employments:
            end = e.end or last_day
            if merged and e.start <= merged[-1][1] + timedelta(days=1):
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((e.start, end))
        spans[person_id] = merged
    return spans


def _sick_spells(staff: _Staff, rng: random.Random, first_day: date, last_day: date) -> list[_Spell]:
    """Short spells (1-14 days) following the flu season, and long spells (60-200 days) at a steady pace.

    A spell lies inside one period of employment and keeps a week away from the person's other spells.
    Long spells that would end after the data's last day stay ongoing.
    """
    spans = _scheduled_spans(staff, last_day)
    busy: dict[str, list[tuple[date, date]]] = {}
    spells: list[_Spell] = []
    lead_year, lead_month = _add_months(first_day.year, first_day.month, -LONG_SPELL_LEAD_MONTHS)
    for year, month in _months(date(lead_year, lead_month, 1), last_day):
        employed = [p for p, s in spans.items() if any(a <= date(year, month, 1) <= b for a, b in s)]
        for _ in range(LONG_SPELLS_PER_MONTH):
            start = _random_weekday(rng, year, month)
            end = start + timedelta(days=rng.randint(*LONG_SPELL_DAYS) - 1)
            degree = rng.choices(*SICK_DEGREES)[0]
            spells.extend(_place_spell(rng, employed, spans, busy, start, min(end, last_day), end, degree))
        if date(year, month, 1) < first_day:
            continue  # short spells before the data would leave no rows
        count = round(SHORT_SPELLS_PER_MONTH * SHORT_SPELL_SEASON[month - 1])
        for _ in range(count):
            start = _random_weekday(rng, year, month)
            end = start + timedelta(days=rng.choices(*SHORT_SPELL_DAYS)[0] - 1)
            spells.extend(_place_spell(rng, employed, spans, busy, start, min(end, last_day), end, 4))
    return spells


def _place_spell(
    rng: random.Random,
    employed: list[str],
    spans: dict[str, list[tuple[date, date]]],
    busy: dict[str, list[tuple[date, date]]],
    start: date,
    employed_until: date,
    end: date,
    degree_quarters: int,
) -> list[_Spell]:
    """Give the spell to a random person employed throughout it and free then; [] if none found quickly."""
    gap = timedelta(days=SPELL_GAP_DAYS)
    for _ in range(50):
        person = rng.choice(employed)
        fits = any(a <= start and employed_until <= b for a, b in spans[person])
        free = all(end + gap < a or b + gap < start for a, b in busy.get(person, []))
        if fits and free:
            busy.setdefault(person, []).append((start, end))
            return [_Spell(person, start, end, degree_quarters)]
    return []


def _sick_leave_rows(staff: _Staff, spells: list[_Spell], weekdays: _Weekdays) -> tuple[list[Row], int]:
    """Rows per person, spell and month (hours within ordinary working time), and the number of spells.

    Hours use the same integer arithmetic as scheduled hours, so a spell covering a whole month equals the
    month's scheduled hours to the centi-hour and never exceeds it.
    """
    employments = staff.scheduled_employments()
    rows: list[Row] = []
    spell_number = 0
    for spell in sorted(spells, key=lambda s: (s.start, s.person_id)):
        spell_rows: list[Row] = []
        last = min(spell.end, weekdays.last_day)
        for year, month in _months(max(spell.start, weekdays.first_day), last):
            month_start, month_end = date(year, month, 1), _month_end(year, month)
            rate_days = sum(
                e.rate_milli
                * weekdays.between(
                    max(e.start, spell.start, month_start), min(e.end or last, last, month_end)
                )
                for e in employments[spell.person_id]
            )
            centi_hours = _round_div(rate_days * CENTI_HOURS_PER_DAY * spell.degree_quarters, 4000)
            if centi_hours:
                spell_rows.append({"period": _period(year, month), "hours": centi_hours / 100})
        if not spell_rows:
            continue  # entirely before the data (or only weekend days)
        spell_number += 1
        ongoing = spell.end > weekdays.last_day
        for row in spell_rows:
            row.update(
                person_id=spell.person_id,
                spell_id=f"S{spell_number:06d}",
                spell_start=spell.start,
                spell_end=None if ongoing else spell.end,
            )
        rows.extend(spell_rows)
    return rows, spell_number


# --- Ledger: cost centres, budget, investments ----------------------------------------------------------
def _cost_center_rows() -> list[Row]:
    departments = [{"cost_center": code, "name": name, "parent": None} for code, name in DEPARTMENTS]
    units = [{"cost_center": code, "name": name, "parent": parent} for code, name, parent, _ in UNITS]
    return departments + units


def _check_accounts(plan: Plan) -> None:
    """Fail loudly when the plan maps the demo's accounts differently (another region's plan file)."""
    for account in ACCOUNTS:
        if plan.row_for_account(account.number) != account.row:
            raise ValueError(f"demo account {account.number} is not on row {account.row!r} in the plan")
    asset_accounts = [booking[0] for booking in (*INVESTMENT_BOOKING.values(), DEFAULT_INVESTMENT_BOOKING)]
    for number in (*asset_accounts, "1510", "1680", "1930", "2440", "2710", "2730", "1229"):
        if plan.row_for_account(number) != "balance":
            raise ValueError(f"demo account {number} is not a balance-sheet account in the plan")
    if set(plan.operating_budget_mnkr) != {*PNL_ROWS, "regionbidrag"}:
        raise ValueError(
            "the demo knows the report rows intakter, personalkostnader, ovriga_driftskostnader, regionbidrag"
        )


@dataclass(frozen=True)
class _Budget:
    """One budget version of one year: öre per (account, cost centre) and month."""

    version: str
    year: int
    cells: dict[tuple[_Account, str], list[int]]

    def rows(self) -> list[Row]:
        return [
            {
                "budget_version": self.version,
                "period": _period(self.year, month),
                "account": account.number,
                "cost_center": unit,
                "amount": amount / 100,
            }
            for (account, unit), months in self.cells.items()
            for month, amount in enumerate(months, start=1)
        ]


def _budget(
    version: str, year: int, totals_ore: dict[str, int], season: dict[str, tuple[float, ...]]
) -> _Budget:
    """Split each row's total over accounts, cost centres (by staff) and months, exactly to the öre."""
    cells: dict[tuple[_Account, str], list[int]] = {}
    for row, total in totals_ore.items():
        accounts = [a for a in ACCOUNTS if a.row == row]
        for account, account_total in zip(
            accounts, _split_exact(total, [a.share for a in accounts]), strict=True
        ):
            unit_weights = [max(STAFF_WEIGHT[u], 1) for u in account.units]
            for unit, unit_total in zip(
                account.units, _split_exact(account_total, unit_weights), strict=True
            ):
                cells[(account, unit)] = _split_exact(unit_total, season[row])
    return _Budget(version, year, cells)


def _scaled_totals(plan: Plan, factors: dict[str, float]) -> dict[str, int]:
    """The plan's rows scaled and rounded to whole mnkr, with an allocation that covers the net budget."""
    totals = {row: round(plan.operating_budget_mnkr[row] * factors[row]) * ORE_PER_MNKR for row in PNL_ROWS}
    return {**totals, "regionbidrag": -sum(totals.values())}


def _budget_versions(plan: Plan) -> list[_Budget]:
    """The approved version exactly as the plan, a preliminary one (to be ignored), and last year's."""
    approved = {row: round(mnkr * ORE_PER_MNKR) for row, mnkr in plan.operating_budget_mnkr.items()}
    return [
        _budget(plan.approved_budget_version, plan.year, approved, SEASON),
        _budget(
            plan.approved_budget_version + PRELIMINARY_SUFFIX,
            plan.year,
            _scaled_totals(plan, PRELIMINARY_FACTORS),
            dict.fromkeys(SEASON, FLAT_SEASON),
        ),
        _budget(f"B{plan.year - 1}", plan.year - 1, _scaled_totals(plan, PREVIOUS_YEAR_FACTORS), SEASON),
    ]


def _project_ids(plan: Plan) -> dict[str, str]:
    return {investment.name: f"P{1001 + i}" for i, investment in enumerate(plan.investments)}


def _investment_project_rows(plan: Plan) -> list[Row]:
    ids = _project_ids(plan)
    return [
        {
            "project": ids[inv.name],
            "name": inv.name,
            "category": inv.category,
            "year": year,
            "budget": round(mnkr * ORE_PER_MNKR) / 100,
        }
        for inv in plan.investments
        for year, mnkr in sorted(inv.budget_mnkr.items())
    ]


# --- Ledger: vouchers -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Line:
    account: str
    cost_center: str
    ore: int
    description: str
    project: str | None = None


@dataclass(frozen=True)
class _Voucher:
    series: str  # A supplier invoices, K customer invoices, L payroll, M memorial (allocation, depreciation)
    booking_date: date
    period: int
    lines: tuple[_Line, ...]

    def balanced_by(self, account: str, cost_center: str, description: str) -> _Voucher:
        """The voucher plus the row on `account` that makes it sum to exactly 0."""
        balance = _Line(account, cost_center, -sum(line.ore for line in self.lines), description)
        return _Voucher(self.series, self.booking_date, self.period, (*self.lines, balance))


def _vouchers(plan: Plan, budgets: list[_Budget], rng: random.Random, first_year: int) -> list[_Voucher]:
    """Two years of actuals: each approved budget cell times a deviation that depends on row and month."""
    by_year = {b.year: b for b in budgets if b.version in (plan.approved_budget_version, f"B{first_year}")}
    vouchers: list[_Voucher] = []
    for year in range(first_year, plan.year + 1):
        for month in range(1, 13):
            actual = _actual_cells(by_year[year], month, rng)
            vouchers += _monthly_vouchers(actual, year, month, rng)
    vouchers += _investment_vouchers(plan, rng)
    return vouchers


def _actual_factor(row: str, month: int, rng: random.Random) -> float:
    """Actual / budget for a row's month: the story the demo's economy reports tell."""
    if row == "personalkostnader":
        return rng.gauss(0.985, 0.004)  # vacancies: ~1.5 % under budget
    if row == "intakter":
        return rng.gauss(1.012, 0.015)  # slightly more revenue than budgeted
    if row == "ovriga_driftskostnader":
        return rng.gauss(1.05, 0.012) if month >= 9 else rng.gauss(0.99, 0.015)  # autumn over budget
    return 1.0  # the allocation is paid exactly as budgeted


def _actual_cells(budget: _Budget, month: int, rng: random.Random) -> dict[tuple[_Account, str], int]:
    factors = {row: _actual_factor(row, month, rng) for row in SEASON}
    actual: dict[tuple[_Account, str], int] = {}
    for (account, unit), months in budget.cells.items():
        noise = 1.0 if account.kind in ("allocation", "depreciation") else rng.gauss(1.0, 0.03)
        actual[(account, unit)] = round(months[month - 1] * factors[account.row] * noise)
    return actual


def _monthly_vouchers(
    actual: dict[tuple[_Account, str], int], year: int, month: int, rng: random.Random
) -> list[_Voucher]:
    period = _period(year, month)
    label = f"{SWEDISH_MONTHS[month - 1]} {year}"
    by_kind: dict[str, list[_Line]] = {}
    for (account, unit), ore in actual.items():
        if ore:
            by_kind.setdefault(account.kind, []).extend(_invoice_lines(account, unit, ore, rng))
    allocation = _Voucher("M", date(year, month, 1), period, tuple(by_kind["allocation"]))
    depreciation = _Voucher("M", _month_end(year, month), period, tuple(by_kind["depreciation"]))
    return [
        _payroll_voucher(by_kind["payroll"], year, month, label),
        allocation.balanced_by("1680", CENTRAL_UNIT, f"Regionbidrag {label}"),
        depreciation.balanced_by("1229", CENTRAL_UNIT, f"Avskrivningar {label}"),
        *_grouped(by_kind["invoice"], "A", ("2440", "Leverantörsskuld"), year, month, rng),
        *_grouped(by_kind["sales"], "K", ("1510", "Kundfordran"), year, month, rng),
    ]


def _payroll_voucher(costs: list[_Line], year: int, month: int, label: str) -> _Voucher:
    """The month's payroll on the 25th: costs against withheld tax, accrued charges and net pay from the bank."""
    salaries = sum(line.ore for line in costs if line.account == "4011")
    charges = sum(line.ore for line in costs if line.account in ("4511", "4711"))
    tax = round(salaries * PRELIMINARY_TAX_RATE)
    liabilities = (
        _Line("2710", PAYROLL_UNIT, -tax, f"Personalens källskatt {label}"),
        _Line("2730", PAYROLL_UNIT, -charges, f"Upplupna sociala avgifter {label}"),
    )
    pay_day = _weekday_on_or_before(date(year, month, 25))
    payroll = _Voucher("L", pay_day, _period(year, month), (*costs, *liabilities))
    return payroll.balanced_by("1930", PAYROLL_UNIT, f"Nettolöner {label}")


def _invoice_lines(account: _Account, unit: str, ore: int, rng: random.Random) -> list[_Line]:
    """A cell's actual as rows: one for payroll, allocation and depreciation, many invoices otherwise."""
    if account.kind in ("payroll", "allocation", "depreciation"):
        return [_Line(account.number, unit, ore, account.name)]
    count = max(1, min(30, round(abs(ore) / 100 / INVOICE_ROW_SEK * rng.uniform(0.6, 1.4))))
    amounts = _split_exact(ore, [rng.lognormvariate(0, 1) for _ in range(count)])
    return [_Line(account.number, unit, a, _text(rng, account.number, account.name)) for a in amounts if a]


def _text(rng: random.Random, account: str, what: str) -> str:
    return f"{what}, {rng.choice(COUNTERPARTIES.get(account, ('Diverse leverantörer',)))}"


def _booking_date(rng: random.Random, year: int, month: int) -> date:
    """Mostly a weekday of the month; period-end invoices arrive in the first days of the next month."""
    if rng.random() < PERIOD_END_SHARE:
        next_year, next_month = _add_months(year, month, 1)
        return _weekday_on_or_after(date(next_year, next_month, rng.randint(1, 5)))
    return _random_weekday(rng, year, month)


def _grouped(
    lines: list[_Line], series: str, against: tuple[str, str], year: int, month: int, rng: random.Random
) -> list[_Voucher]:
    """Shuffle the month's rows into invoices of 1-4 rows, each balanced against a receivable or payable."""
    lines = list(lines)
    rng.shuffle(lines)
    vouchers: list[_Voucher] = []
    while lines:
        size = rng.choices((1, 2, 3, 4), weights=(55, 25, 12, 8))[0]
        chunk, lines = tuple(lines[:size]), lines[size:]
        invoice = _Voucher(series, _booking_date(rng, year, month), _period(year, month), chunk)
        vouchers.append(invoice.balanced_by(against[0], chunk[0].cost_center, against[1]))
    return vouchers


def _investment_vouchers(plan: Plan, rng: random.Random) -> list[_Voucher]:
    """The plan year's investment invoices on class-1 accounts with the project, against supplier debt."""
    ids = _project_ids(plan)
    vouchers: list[_Voucher] = []
    for investment in plan.investments:
        budget_mnkr = investment.budget_mnkr.get(plan.year, 0.0)
        account, unit, spent_share = INVESTMENT_BOOKING.get(investment.name, DEFAULT_INVESTMENT_BOOKING)
        total = round(budget_mnkr * spent_share * ORE_PER_MNKR)
        if not total:
            continue  # no budget this year (a later year of a multi-year project)
        for month, month_total in enumerate(_split_exact(total, INVESTMENT_SEASON), start=1):
            count = max(1, round(month_total / 100 / INVESTMENT_INVOICE_SEK))
            for amount in _split_exact(month_total, [rng.uniform(0.5, 1.5) for _ in range(count)]):
                text = _text(rng, account, investment.name)
                line = _Line(account, unit, amount, text, project=ids[investment.name])
                invoice = _Voucher(
                    "A", _booking_date(rng, plan.year, month), _period(plan.year, month), (line,)
                )
                vouchers.append(invoice.balanced_by("2440", unit, "Leverantörsskuld"))
    return vouchers


def _gl_rows(vouchers: list[_Voucher]) -> list[Row]:
    """Number vouchers per series in booking order ('A1', 'A2', ...; unique over both years) into rows."""
    numbered = sorted(enumerate(vouchers), key=lambda iv: (iv[1].series, iv[1].booking_date, iv[0]))
    next_number: dict[str, int] = {}
    rows: list[Row] = []
    for _, voucher in numbered:
        next_number[voucher.series] = next_number.get(voucher.series, 0) + 1
        voucher_id = f"{voucher.series}{next_number[voucher.series]}"
        for row_no, line in enumerate(voucher.lines, start=1):
            rows.append(
                {
                    "voucher_id": voucher_id,
                    "row_no": row_no,
                    "booking_date": voucher.booking_date,
                    "period": voucher.period,
                    "account": line.account,
                    "cost_center": line.cost_center,
                    "project": line.project,
                    "amount": line.ore / 100,
                    "description": line.description,
                }
            )
    return rows


# --- The finance staff's inputs: the inputs file and the filled-in comment sheets --------------------------
# The inputs file holds the controllers' forecast adjustment; everything else a report needs from finance
# staff (assessments, comments, measures, carry-overs, other deviations) is typed into each board report's
# comment sheet (publish.comment_sheet) by `fill_demo_comment_sheet` and imported with the import command's
# code, as finance staff would. Every board report of the demo is then complete.
# Board goal id -> report kind -> (status, comment). The goal owners' voice: short, about the goal's topic.
GOAL_ASSESSMENTS: dict[str, dict[str, tuple[str, str]]] = {
    "rs01-kris-och-krig": {
        "ur1": (
            "delvis_uppfyllt",
            "Arbetet med regionens krigsorganisation har påbörjats och en risk- och sårbarhetsanalys tas fram "
            "under våren.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Nyckelpersoner på regionkontoret är krigsplacerade och en ledningsövning för höjd beredskap "
            "genomfördes i maj. Utbildning i säkerhetsskydd pågår.",
        ),
        "arsredovisning": (
            "uppfyllt",
            "Förmågan att hantera kris och krig har stärkts genom övningar, uppdaterade planer för höjd "
            "beredskap och utbildning i säkerhetsmedvetenhet för i stort sett alla chefer.",
        ),
    },
    "rs02-framtidens-vardutbud": {
        "ur1": (
            "delvis_uppfyllt",
            "Underlag om befolkningsutveckling och vårdbehov fram till 2035 har presenterats för "
            "regionstyrelsen. Analysarbetet följer tidplanen.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "En första version av planen för framtidens vårdutbud har remitterats till förvaltningarna och "
            "kommunerna.",
        ),
        "arsredovisning": (
            "uppfyllt",
            "Planen för framtidens vårdutbud är beslutad och ligger till grund för lokalförsörjnings- och "
            "investeringsplaneringen.",
        ),
    },
    "rs03-kompetensbehov": {
        "ur1": (
            "delvis_uppfyllt",
            "Den regiongemensamma kompetensförsörjningsplanen revideras och satsningen på "
            "utbildningsanställningar inom bristyrken fortsätter.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Fler chefer har gått ledarutvecklingsprogrammet och arbetet med heltid som norm fortsätter. "
            "Personalomsättningen ligger nära målvärdet.",
        ),
        "arsredovisning": (
            "delvis_uppfyllt",
            "Insatser för att behålla medarbetare har genomförts, men bristen inom vissa specialistyrken "
            "kvarstår. Målet bedöms därför som delvis uppfyllt.",
        ),
    },
    "rs04-klimat-miljo": {
        "ur1": (
            "delvis_uppfyllt",
            "Handlingsplanen för det interna miljöarbetet följs upp kvartalsvis. Tjänsteresorna med flyg har "
            "minskat jämfört med samma period förra året.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Andelen fossilfria fordon i regionens fordonsflotta har ökat och energieffektiviseringen i "
            "fastigheterna går enligt plan.",
        ),
        "arsredovisning": (
            "uppfyllt",
            "Klimatpåverkan från tjänsteresor och energianvändning har minskat i linje med miljöprogrammets "
            "delmål, och miljökrav ställs i alla relevanta upphandlingar.",
        ),
    },
    "rs05-smarta-specialiseringar": {
        "ur1": (
            "delvis_uppfyllt",
            "Samverkan med Högskolan i Halmstad och näringslivet inom de smarta specialiseringarna fortsätter. "
            "Två nya innovationsprojekt har beviljats medel.",
        ),
        "ur2": (
            "uppfyllt",
            "Strategin för smart specialisering har följts upp och insatserna inom hälsoinnovation och grön "
            "omställning har förstärkts.",
        ),
        "arsredovisning": (
            "uppfyllt",
            "Hallands smarta specialiseringar har stärkts genom nya samverkansprojekt och ökad extern "
            "finansiering från EU:s strukturfonder.",
        ),
    },
    "rs06-tillganglighet-arbete-studier": {
        "ur1": (
            "delvis_uppfyllt",
            "Bredbandsutbyggnaden på landsbygden fortsätter men har försenats av upphandlingen. Arbetet med "
            "det nya trafikförsörjningsprogrammet pågår.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Bredbandsutbyggnaden ligger efter tidplanen, vilket också syns i investeringsutfallet. Resandet "
            "med kollektivtrafiken har ökat jämfört med förra året.",
        ),
        "arsredovisning": (
            "delvis_uppfyllt",
            "Kollektivtrafikens resande har ökat, men bredbandsutbyggnaden når inte årets mål för antal "
            "anslutna hushåll.",
        ),
    },
    "rs07-paverkansagenda": {
        "ur1": (
            "delvis_uppfyllt",
            "Påverkansagendan revideras och prioriteringar för infrastruktur och kompetensförsörjning tas fram.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Påverkansagendan har uppdaterats med prioriterade frågor inom infrastruktur och "
            "kompetensförsörjning, och dialog har förts med regeringskansliet.",
        ),
        "arsredovisning": (
            "uppfyllt",
            "Påverkansagendan är beslutad och har använts i dialoger med staten och EU om Västkustbanan och "
            "regionens kompetensförsörjning.",
        ),
    },
    "rs08-jamstalldhet-barns-rattigheter": {
        "ur1": (
            "delvis_uppfyllt",
            "En regiongemensam handlingsplan för jämställdhet har tagits fram och chefer erbjuds utbildning i "
            "barnrättsbaserat arbetssätt.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Barnkonsekvensanalyser används i fler beslutsärenden. Jämställdhetsanalysen av resursfördelningen "
            "har påbörjats.",
        ),
        "arsredovisning": (
            "delvis_uppfyllt",
            "Barnkonsekvensanalyser görs i allt fler ärenden, men jämställdhetsanalyser av resursfördelningen "
            "är ännu inte genomförda i alla förvaltningar.",
        ),
    },
    "rs09-tillganglighet-vard": {
        "ur1": (
            "ej_uppfyllt",
            "Väntetiderna till planerade operationer och första besök i specialiserad vård är fortsatt längre "
            "än vårdgarantin medger.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Produktionsplaneringen har förbättrats och köerna till flera specialiteter har minskat, men "
            "vårdgarantin uppfylls inte inom alla områden.",
        ),
        "arsredovisning": (
            "delvis_uppfyllt",
            "Tillgängligheten har förbättrats under hösten, men andelen patienter som får operation inom "
            "vårdgarantins 90 dagar når inte målnivån.",
        ),
    },
    "rs10-nara-vard": {
        "ur1": (
            "delvis_uppfyllt",
            "Färdplanen för nära vård följs upp tillsammans med de halländska kommunerna. Fler mobila team är "
            "i drift.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Samverkan med kommunerna kring den nära vården har fördjupats och digitala vårdbesök ökar.",
        ),
        "arsredovisning": (
            "uppfyllt",
            "Omställningen till nära vård har fortsatt enligt färdplanen, med fler mobila insatser och en "
            "gemensam uppföljning med kommunerna.",
        ),
    },
    "rs11-ai-informationsdriven": {
        "ur1": (
            "delvis_uppfyllt",
            "En regiongemensam AI-strategi är under framtagande och tre pilotprojekt med språkmodeller i "
            "administrationen har startat.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Pilotprojekten med AI-stöd för dokumentation har utvärderats och en styrmodell för AI-användning "
            "har beslutats.",
        ),
        "arsredovisning": (
            "uppfyllt",
            "Förutsättningarna för att använda AI och data har stärkts genom en gemensam dataplattform, en "
            "styrmodell och utbildning av verksamheterna.",
        ),
    },
    "rs12-vardinformationsstod": {
        "ur1": (
            "delvis_uppfyllt",
            "Förberedelserna inför införandet av det nya vårdinformationsstödet följer tidplanen. Utbildning "
            "av superanvändare har påbörjats.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Införandeplanen har justerats efter leverantörens besked, och testerna av integrationer pågår.",
        ),
        "arsredovisning": (
            "delvis_uppfyllt",
            "Införandet av det nya vårdinformationsstödet har förberetts enligt den justerade planen, men "
            "driftstarten har flyttats till nästa år.",
        ),
    },
}
# Work-environment activity id -> report kind -> (status, comment).
ACTIVITY_ASSESSMENTS: dict[str, dict[str, tuple[str, str]]] = {
    "chefers-forutsattningar": {
        "ur1": (
            "delvis_uppfyllt",
            "En ny struktur för chefsintroduktionen är framtagen och prövas med de chefer som börjat under våren.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Chefsintroduktionen följer den nya strukturen; en checklista för rekryterande chef har införts.",
        ),
        "arsredovisning": (
            "uppfyllt",
            "Alla nya chefer under året har fått introduktion enligt den nya strukturen, och uppföljningen visar "
            "att de upplever introduktionen som tydlig.",
        ),
    },
    "medarbetarnas-forutsattningar": {
        "ur1": (
            "delvis_uppfyllt",
            "Introduktionsprocessen för medarbetare revideras tillsammans med skyddsombuden.",
        ),
        "ur2": (
            "delvis_uppfyllt",
            "Den reviderade introduktionen används på hälften av avdelningarna; resten börjar efter sommaren.",
        ),
        "arsredovisning": (
            "delvis_uppfyllt",
            "Introduktionen är införd på alla avdelningar, men uppföljningen av nyanställdas upplevelse "
            "påbörjas först nästa år.",
        ),
    },
}
# Report kind -> (status, comment) of the basic mission.
BASIC_MISSION_ASSESSMENTS: dict[str, tuple[str, str]] = {
    "ur1": (
        "delvis_uppfyllt",
        "En gemensam modell för ledning av regionövergripande processer har tagits fram och prövas i två "
        "processer.",
    ),
    "ur2": (
        "delvis_uppfyllt",
        "Processledningsmodellen används i fyra regionövergripande processer; ledningsgruppens arbetsformer "
        "har setts över.",
    ),
    "arsredovisning": (
        "uppfyllt",
        "Den nya processledningen används i de prioriterade regionövergripande processerna och har gett "
        "tydligare ansvar och snabbare beslut.",
    ),
}
# Follow-up tool id -> report kind -> what it showed.
FOLLOW_UP_NOTES: dict[str, dict[str, str]] = {
    "egenkontroller": {
        "ur1": "Egenkontrollerna för våren är genomförda på alla avdelningar; två brister i ergonomi åtgärdas.",
        "ur2": "Höstens egenkontroller planeras till september.",
        "arsredovisning": "Båda årets egenkontroller är genomförda; de brister som hittades är åtgärdade.",
    },
    "medarbetarundersokning": {
        "ur1": "Medarbetarundersökningen genomförs i september.",
        "ur2": "Medarbetarundersökningen genomförs i september.",
        "arsredovisning": "Svarsfrekvens 84 procent. Hållbart medarbetarengagemang 79 av 100, samma som förra "
        "året; arbetsbelastning är det område som flest avdelningar valt att arbeta vidare med.",
    },
    "intern-kontroll": {
        "ur1": "Kontrollmomenten för arbetsmiljö i internkontrollplanen följer tidplanen.",
        "ur2": "Inga avvikelser i internkontrollens arbetsmiljömoment hittills i år.",
        "arsredovisning": "Internkontrollen visade att introduktion av nyanställda inte dokumenterades "
        "konsekvent; rutinen har skärpts.",
    },
    "arbetsskador-tillbud": {
        "ur1": "Tre tillbud och en arbetsskada har anmälts; inget allvarligt.",
        "ur2": "Sju tillbud och två arbetsskador hittills i år, främst belastningsbesvär.",
        "arsredovisning": "Elva tillbud och tre arbetsskador under året. Analysen pekar på belastning vid "
        "skärmarbete, som tas upp i skyddskommittén.",
    },
}
# Deviation id (transforms.deviations) -> report month -> (comment, measures). A month without its own
# text uses the latest earlier one, so that a deviation that persists keeps its explanation.
DEVIATION_COMMENTS: dict[str, dict[int, tuple[str, str | None]]] = {
    "resultat": {
        2: ("Överskottet kommer av lägre personalkostnader än budgeterat; se personalkostnader.", None),
    },
    "ekonomi.intakter": {
        2: (
            "Statsbidragen för regional utveckling blev högre än budgeterat, och intäkterna från "
            "IT-tjänster till förvaltningarna ökade med fler användare.",
            None,
        ),
    },
    "ekonomi.personalkostnader": {
        2: (
            "Vakanser inom IT-förvaltningen och Hälso- och sjukvårdsstaben; rekryteringarna tar längre tid än "
            "planerat.",
            "Rekryteringarna prioriteras; bemanningskonsulter används där vakanserna påverkar leveranser.",
        ),
        12: (
            "Vakanserna inom IT-förvaltningen och Hälso- och sjukvårdsstaben kvarstod under hösten.",
            None,
        ),
    },
    "ekonomi.ovriga_driftskostnader": {
        2: (
            "Konsulter har ersatt vakanta tjänster, och licenskostnaderna för IT-tjänster har ökat mer än "
            "budgeterat.",
            "Licenserna gås igenom inför förnyelsen i januari; konsultinsatser beslutas av avdelningschef.",
        ),
    },
    "indikator.personalomsattning": {
        2: (
            "Flera pensionsavgångar och byten av tjänst till andra förvaltningar inom regionen.",
            "Exitsamtal med alla som slutar; resultatet följs upp i samverkansgruppen.",
        ),
    },
    "indikator.sjukfranvaro": {
        2: (
            "Den långa sjukfrånvaron har ökat något, främst inom IT-förvaltningen.",
            "Tidiga rehabiliteringsinsatser tillsammans med företagshälsovården.",
        ),
    },
}
GENERIC_DEVIATION_COMMENT = "Avvikelsen följs upp av ansvarig avdelning."
# Report month -> other deviations: (title, description, measures).
OTHER_DEVIATIONS: dict[int, list[tuple[str, str, str | None]]] = {
    2: [
        (
            "Krisledning under stormen i januari",
            "Regionens krisledning var aktiverad i nio dagar under stormen i januari. Arbetet tog resurser från "
            "avdelningen Säkerhet och beredskap, och två planerade övningar har flyttats till hösten.",
            "Övningarna genomförs i oktober.",
        )
    ],
    10: [
        (
            "Försenat byte av ärendehanteringssystem",
            "Leverantören av det nya ärendehanteringssystemet har flyttat leveransen till mars 2026. "
            "Det gamla systemet används under tiden, med förlängt avtal.",
            "Avtalet om det gamla systemet är förlängt till juni 2026.",
        )
    ],
}
# Investment name -> report month -> comment. Forecasts (share of the year's budget) accompany the comments
# from UR2 on, consistent with the spending the ledger is given.
INVESTMENT_COMMENTS: dict[str, dict[int, str]] = {
    "Bredbandsutbyggnad": {
        2: "Upphandlingen av årets två första etapper pågår; utgifterna kommer från våren.",
        4: "Utbyggnaden har kommit igång långsamt: två av fem etapper är upphandlade och arbetet startar i maj.",
        8: "Entreprenören är försenad och årets utbyggnad bedöms inte nå budgeterad nivå. Resterande medel "
        "behöver föras över till 2026.",
        10: "Förseningen kvarstår; tre av fem etapper är påbörjade. Prognosen ligger fast.",
        12: "Utbyggnaden blev försenad av överklagade upphandlingar. Medel som inte förbrukats föreslås föras "
        "över till 2026.",
    },
    "FVIS": {
        2: "Förberedelserna följer tidplanen; de största utgifterna kommer under hösten.",
        4: "Förberedelserna för det nya vårdinformationsstödet följer tidplanen. Utgifterna kommer främst under "
        "hösten.",
        8: "Leverantörens förskjutna tidplan gör att delar av konfigurationsarbetet flyttas till nästa år.",
        10: "Konfigurations- och testarbetet pågår enligt den justerade planen. Prognosen för året är oförändrad.",
        12: "Delar av konfigurationsarbetet har flyttats till 2026 efter leverantörens förskjutna tidplan.",
    },
    "Möbler och utrustning, övrigt": {
        2: "Inköpen av möbler sker främst under våren och hösten.",
        4: "Ommöbleringen av kontorsplatserna i Halmstad har påbörjats.",
        8: "Ommöbleringen av kontorsplatserna i Halmstad följer plan.",
        10: "Något högre priser än beräknat på kontorsmöbler kan ge en mindre överskridelse.",
        12: "Budgeten överskreds marginellt på grund av prisökningar på kontorsmöbler.",
    },
    "IT-utrustning": {
        2: "Utbytet av datorer och nätverksutrustning enligt livscykelplanen har startat.",
        4: "Utbytet av datorer och nätverksutrustning enligt livscykelplanen pågår.",
        8: "Leveranstiderna för nätverksutrustning är långa och en del av utbytet skjuts till början av 2026.",
        10: "Utbytet av klientdatorer är i stort sett klart; nätverksutrustningen levereras under november.",
        12: "Utbytet av klientdatorer är genomfört. En del av nätverksutrustningen levereras först 2026.",
    },
}
INVESTMENT_FORECAST_FROM_MONTH = 8  # UR2
# Investments whose unspent budget is proposed for carry-over to next year (ombudgetering) in December.
CARRY_OVER = ("Bredbandsutbyggnad", "FVIS", "IT-utrustning")
FORECAST_ADJUSTMENT_MONTH = 8
FORECAST_ADJUSTMENT_SEK = -3_000_000.0


def _latest(texts: dict[int, Any], month: int) -> Any:
    """The entry of the latest month up to `month`, or None."""
    earlier = [m for m in texts if m <= month]
    return texts[max(earlier)] if earlier else None


def write_demo_inputs(path: Path, plan: Plan) -> None:
    """Write the demo's inputs file (uppfoljning.inputs.Inputs): the year and the controllers' forecast
    adjustment. Assessments and comments reach it through the comment sheets (fill_demo_comment_sheet)."""
    data = {
        "year": plan.year,
        "forecast_adjustments": {
            f"{plan.year}-{FORECAST_ADJUSTMENT_MONTH:02d}": [
                {
                    "row": "personalkostnader",
                    "amount_sek": FORECAST_ADJUSTMENT_SEK,
                    "comment": "Vakanser inom IT-förvaltningen och Hälso- och sjukvårdsstaben som inte bedöms "
                    "tillsättas före årsskiftet ger lägre personalkostnader än budgeterat.",
                }
            ]
        },
    }
    Inputs.model_validate(data)  # fail here, not in the pipeline, if the schema moved
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
    path.write_text(
        "# Demo inputs (generated by uppfoljning.demo.write_demo_inputs).\n" + text, encoding="utf-8"
    )


DEMO_RECIPIENTS = {
    # RFC 2606's reserved .example domain: a demo can never mail a real person, whatever is configured.
    "allowed_domains": ["regionhalland.example"],
    "lists": {
        "avvikelserapport": ["ekonomi@regionhalland.example", "ordforande@regionhalland.example"],
        "ur1": [
            "ekonomi@regionhalland.example",
            "ordforande@regionhalland.example",
            "ledamot@regionhalland.example",
        ],
        "ur2": [
            "ekonomi@regionhalland.example",
            "ordforande@regionhalland.example",
            "ledamot@regionhalland.example",
        ],
        "arsredovisning": ["ekonomi@regionhalland.example", "ordforande@regionhalland.example"],
        # manadsrapport: no list, so the monthly reports are published and not sent.
    },
}


def write_demo_recipients(path: Path) -> None:
    """The demo's recipients file (delivery.recipients): sent into OUT/outbox/, never by SMTP."""
    path.write_text(
        "# Demo: the report kinds' distribution lists (see README, 'Sending').\n"
        + yaml.safe_dump(DEMO_RECIPIENTS, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )


def fill_demo_comment_sheet(path: Path, plan: Plan) -> int:
    """Type the demo's assessments, comments, measures, forecasts and carry-overs into a comment sheet
    written by a run (publish.comment_sheet), as finance staff would; cells already filled are kept.

    Returns the number of cells typed into. The sheet is then imported with the import command's code.
    """
    workbook = openpyxl.load_workbook(path)
    info = {row[0]: row[1] for row in workbook[sheet.INFO_SHEET].iter_rows(values_only=True) if row[0]}
    period, kind = str(info[sheet.INFO_PERIOD]), str(info[sheet.INFO_KIND])
    month = int(period[5:])
    typed = 0

    def put(cells: Any, column: int, value: Any) -> None:
        nonlocal typed
        if value is not None and cells[column - 1].value in (None, ""):
            cells[column - 1].value = value
            typed += 1

    if sheet.ASSESSMENT_SHEET in workbook.sheetnames:
        for cells in workbook[sheet.ASSESSMENT_SHEET].iter_rows(min_row=2):
            row_type, item_id, name = cells[0].value, cells[1].value, cells[3].value
            if row_type == sheet.TOOL:
                put(cells, 6, FOLLOW_UP_NOTES.get(item_id, {}).get(kind))
                continue
            entered: tuple[str, str] | None
            if row_type == sheet.GOAL:
                entered = GOAL_ASSESSMENTS.get(item_id, {}).get(
                    kind, ("delvis_uppfyllt", f"Arbetet med målet ”{name}” pågår enligt plan.")
                )
            elif row_type == sheet.ACTIVITY:
                entered = ACTIVITY_ASSESSMENTS.get(item_id, {}).get(kind)
            else:
                entered = BASIC_MISSION_ASSESSMENTS.get(kind)
            if entered:
                put(cells, 5, STATUS_LABELS[entered[0]])
                put(cells, 6, entered[1])
    for cells in workbook[sheet.DEVIATION_SHEET].iter_rows(min_row=2):
        comment, measures = _latest(DEVIATION_COMMENTS.get(cells[0].value, {}), month) or (
            GENERIC_DEVIATION_COMMENT,
            None,
        )
        put(cells, 9, comment)
        put(cells, 10, measures)
    for cells in workbook[sheet.INVESTMENT_SHEET].iter_rows(min_row=2):
        name = cells[0].value
        comment = _latest(INVESTMENT_COMMENTS.get(name, {}), month) or "Utfallet följer i stort sett planen."
        budget, spent = float(cells[2].value or 0), float(cells[3].value or 0)
        if month == 12:
            comment = f"Utfall {_amount(spent)} av {_amount(budget)}. {comment}"
            if name in CARRY_OVER and budget > spent:
                put(cells, 10, round(budget - spent, 2))
        elif month >= INVESTMENT_FORECAST_FROM_MONTH:
            share = INVESTMENT_BOOKING.get(name, DEFAULT_INVESTMENT_BOOKING)[2]
            put(cells, 8, round(budget * share, -4))
        put(cells, 7, comment)
    others = workbook[sheet.OTHER_SHEET]
    for index, (title, description, measures) in enumerate(OTHER_DEVIATIONS.get(month, []), start=2):
        cells = others[index]
        put(cells, 2, title)
        put(cells, 3, description)
        put(cells, 4, measures)
    workbook.save(path)
    return typed


def _amount(sek: float) -> str:
    """Mnkr with one decimal comma, rounded half up (11,85 -> 11,9); small amounts in tkr so they differ."""
    if sek < MNKR:
        return f"{int(sek / 1000 + 0.5)} tkr"
    tenths = int(sek / (MNKR / 10) + 0.5)
    return f"{tenths // 10},{tenths % 10} mnkr"
