"""The demo office's ledger source: cost centres, budget versions, investment projects and two years of vouchers.

The story: the approved budget sums to the plan to the öre; personnel costs run about 1.5 % under budget
(vacancies), other costs over budget in the autumn, revenues slightly better than budgeted; the plan's
investments are mostly under-spent at year end and one slightly over. Every voucher balances to the öre.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from extract import sources
from generator.common import (
    ORE_PER_MNKR,
    Row,
    add_months,
    last_day_of_month,
    random_weekday,
    split_exact,
    weekday_on_or_after,
    weekday_on_or_before,
    yyyymm,
)
from generator.organisation import CENTRAL_UNIT, PAYROLL_UNIT, STAFF_WEIGHT, STAFFED_UNITS, cost_center_rows
from uppfoljning.plan import PNL_ROWS, Plan


@dataclass(frozen=True)
class LedgerSource:
    """The ledger source's rows per contract table, and how many vouchers the gl_entries rows make."""

    rows: dict[sa.Table, list[Row]]
    vouchers: int


def ledger_source(plan: Plan, seed: int) -> LedgerSource:
    """The plan year and the year before, drawn from the `random.Random` stream seeded by `seed`."""
    check_accounts(plan)
    budgets = _budget_versions(plan)
    vouchers = _vouchers(plan, budgets, random.Random(f"{seed}:ledger"), plan.year - 1)
    rows = {
        sources.cost_centers: cost_center_rows(),
        sources.budget_entries: [row for budget in budgets for row in budget.rows()],
        sources.investment_projects: _investment_project_rows(plan),
        sources.gl_entries: _gl_rows(vouchers),
    }
    return LedgerSource(rows, len(vouchers))


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


def check_accounts(plan: Plan) -> None:
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
                "period": yyyymm(self.year, month),
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
            accounts, split_exact(total, [a.share for a in accounts]), strict=True
        ):
            unit_weights = [max(STAFF_WEIGHT[u], 1) for u in account.units]
            for unit, unit_total in zip(account.units, split_exact(account_total, unit_weights), strict=True):
                cells[(account, unit)] = split_exact(unit_total, season[row])
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
    period = yyyymm(year, month)
    label = f"{SWEDISH_MONTHS[month - 1]} {year}"
    by_kind: dict[str, list[_Line]] = {}
    for (account, unit), ore in actual.items():
        if ore:
            by_kind.setdefault(account.kind, []).extend(_invoice_lines(account, unit, ore, rng))
    allocation = _Voucher("M", date(year, month, 1), period, tuple(by_kind["allocation"]))
    depreciation = _Voucher("M", last_day_of_month(year, month), period, tuple(by_kind["depreciation"]))
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
    pay_day = weekday_on_or_before(date(year, month, 25))
    payroll = _Voucher("L", pay_day, yyyymm(year, month), (*costs, *liabilities))
    return payroll.balanced_by("1930", PAYROLL_UNIT, f"Nettolöner {label}")


def _invoice_lines(account: _Account, unit: str, ore: int, rng: random.Random) -> list[_Line]:
    """A cell's actual as rows: one for payroll, allocation and depreciation, many invoices otherwise."""
    if account.kind in ("payroll", "allocation", "depreciation"):
        return [_Line(account.number, unit, ore, account.name)]
    count = max(1, min(30, round(abs(ore) / 100 / INVOICE_ROW_SEK * rng.uniform(0.6, 1.4))))
    amounts = split_exact(ore, [rng.lognormvariate(0, 1) for _ in range(count)])
    return [_Line(account.number, unit, a, _text(rng, account.number, account.name)) for a in amounts if a]


def _text(rng: random.Random, account: str, what: str) -> str:
    return f"{what}, {rng.choice(COUNTERPARTIES.get(account, ('Diverse leverantörer',)))}"


def _booking_date(rng: random.Random, year: int, month: int) -> date:
    """Mostly a weekday of the month; period-end invoices arrive in the first days of the next month."""
    if rng.random() < PERIOD_END_SHARE:
        next_year, next_month = add_months(year, month, 1)
        return weekday_on_or_after(date(next_year, next_month, rng.randint(1, 5)))
    return random_weekday(rng, year, month)


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
        invoice = _Voucher(series, _booking_date(rng, year, month), yyyymm(year, month), chunk)
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
        for month, month_total in enumerate(split_exact(total, INVESTMENT_SEASON), start=1):
            count = max(1, round(month_total / 100 / INVESTMENT_INVOICE_SEK))
            for amount in split_exact(month_total, [rng.uniform(0.5, 1.5) for _ in range(count)]):
                text = _text(rng, account, investment.name)
                line = _Line(account, unit, amount, text, project=ids[investment.name])
                invoice = _Voucher(
                    "A", _booking_date(rng, plan.year, month), yyyymm(plan.year, month), (line,)
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
