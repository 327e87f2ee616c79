"""The demo office's HR source: persons, employments, scheduled hours and sick leave over two years.

The story: about 800 employees; permanent leavers (every end reason, incl. internal moves) are replaced
after a recruitment gap, so personnel turnover stays near 11 %; sick leave near 5 % with a 35-50 %
long-term share. Hours are integer centi-hours until written, so a spell covering a whole month equals the
month's scheduled hours exactly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from extract import sources
from generator.common import (
    Row,
    Weekdays,
    add_months,
    last_day_of_month,
    months_between,
    random_weekday,
    round_div,
    split_exact,
    weekday_on_or_after,
    yyyymm,
)
from generator.organisation import STAFF_WEIGHT, STAFFED_UNITS


@dataclass(frozen=True)
class HrSource:
    """The HR source's rows per contract table, and how many sick-leave spells the rows make."""

    rows: dict[sa.Table, list[Row]]
    sick_spells: int


def hr_source(seed: int, first_day: date, last_day: date) -> HrSource:
    """Every day from `first_day` to `last_day`, drawn from `random.Random` streams seeded by `seed`."""
    staff = _simulate_staff(random.Random(f"{seed}:staff"), first_day, last_day)
    weekdays = Weekdays(first_day, last_day)
    spells = _sick_spells(staff, random.Random(f"{seed}:sick"), first_day, last_day)
    sick_rows, spell_count = _sick_leave_rows(staff, spells, weekdays)
    rows = {
        sources.employees: staff.employee_rows(),
        sources.employments: staff.employment_rows(),
        sources.scheduled_hours: _scheduled_hours_rows(staff, weekdays),
        sources.sick_leave: sick_rows,
    }
    return HrSource(rows, spell_count)


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
            staff.employ(person, unit, "tillsvidare", weekday_on_or_after(start), _work_rate(rng))


def _end_date(rng: random.Random, year: int, month: int) -> date:
    """A last day employed: often the month's last day (notice periods run to month end), else a weekday."""
    return last_day_of_month(year, month) if rng.random() < 0.45 else random_weekday(rng, year, month)


def _temporary_staff(staff: _Staff, rng: random.Random, first_day: date, last_day: date) -> None:
    """Fixed-term positions: each is held by a chain of persons, the next starting when a term ends."""
    for _ in range(TEMPORARY_SLOTS):
        unit = _random_unit(rng)
        start = weekday_on_or_after(first_day - timedelta(days=rng.randint(20, 300)))
        while start <= last_day:
            person = staff.new_person(rng, start.year - round(rng.triangular(22, 45, 28)))
            employment = staff.employ(person, unit, "visstid", start, 1.0 if rng.random() < 0.9 else 0.75)
            end_year, end_month = add_months(start.year, start.month, rng.randint(3, 12))
            end = max(_end_date(rng, end_year, end_month), first_day + timedelta(days=rng.randint(10, 120)))
            if end > last_day:
                break  # still employed at the end of the data: no end date yet
            employment.end = end
            employment.end_reason = "ovrigt" if rng.random() < 0.8 else "egen_begaran"
            start = weekday_on_or_after(end + timedelta(days=rng.randint(1, 45)))


def _hourly_staff(staff: _Staff, rng: random.Random, first_day: date, last_day: date) -> None:
    """Hourly staff: a pool where about a third leave during the data and are replaced."""
    for _ in range(HOURLY_STAFF):
        unit = _random_unit(rng)
        start = date.fromordinal(rng.randint(date(2015, 1, 1).toordinal(), first_day.toordinal() - 30))
        person = staff.new_person(rng, first_day.year - rng.randint(21, 63))
        employment = staff.employ(
            person, unit, "timavlonad", weekday_on_or_after(start), rng.choice(HOURLY_RATES)
        )
        if rng.random() < 0.35:
            year, month = add_months(first_day.year, 1, rng.randint(0, 22))
            employment.end = _end_date(rng, year, month)
            employment.end_reason = "ovrigt" if rng.random() < 0.6 else "egen_begaran"
            successor_start = weekday_on_or_after(employment.end + timedelta(days=rng.randint(14, 60)))
            if successor_start <= last_day:
                successor = staff.new_person(rng, successor_start.year - rng.randint(22, 35))
                staff.employ(successor, unit, "timavlonad", successor_start, rng.choice(HOURLY_RATES))


def _reasons_for_year(rng: random.Random, leavers: int) -> list[str]:
    """Exactly `leavers` end reasons in the planned mix, shuffled over the year."""
    counts = split_exact(leavers, list(END_REASON_SHARES.values()))
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
        for month, count in enumerate(split_exact(per_year, LEAVER_SEASON), start=1):
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
                start = weekday_on_or_after(end + timedelta(days=rng.randint(*RECRUITMENT_DAYS)))
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


def _scheduled_hours_rows(staff: _Staff, weekdays: Weekdays) -> list[Row]:
    """One row per person and month with a permanent or fixed-term employment, pro rata the weekdays employed."""
    months = months_between(weekdays.first_day, weekdays.last_day)
    rows: list[Row] = []
    for person_id, employments in staff.scheduled_employments().items():
        for year, month in months:
            month_start, month_end = date(year, month, 1), last_day_of_month(year, month)
            rate_days = sum(
                e.rate_milli * weekdays.between(max(e.start, month_start), min(e.end or month_end, month_end))
                for e in employments
            )
            if rate_days:
                hours = round_div(rate_days * CENTI_HOURS_PER_DAY, 1000) / 100
                rows.append({"person_id": person_id, "period": yyyymm(year, month), "hours": hours})
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
    lead_year, lead_month = add_months(first_day.year, first_day.month, -LONG_SPELL_LEAD_MONTHS)
    for year, month in months_between(date(lead_year, lead_month, 1), last_day):
        employed = [p for p, s in spans.items() if any(a <= date(year, month, 1) <= b for a, b in s)]
        for _ in range(LONG_SPELLS_PER_MONTH):
            start = random_weekday(rng, year, month)
            end = start + timedelta(days=rng.randint(*LONG_SPELL_DAYS) - 1)
            degree = rng.choices(*SICK_DEGREES)[0]
            spells.extend(_place_spell(rng, employed, spans, busy, start, min(end, last_day), end, degree))
        if date(year, month, 1) < first_day:
            continue  # short spells before the data would leave no rows
        count = round(SHORT_SPELLS_PER_MONTH * SHORT_SPELL_SEASON[month - 1])
        for _ in range(count):
            start = random_weekday(rng, year, month)
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


def _sick_leave_rows(staff: _Staff, spells: list[_Spell], weekdays: Weekdays) -> tuple[list[Row], int]:
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
        for year, month in months_between(max(spell.start, weekdays.first_day), last):
            month_start, month_end = date(year, month, 1), last_day_of_month(year, month)
            rate_days = sum(
                e.rate_milli
                * weekdays.between(
                    max(e.start, spell.start, month_start), min(e.end or last, last, month_end)
                )
                for e in employments[spell.person_id]
            )
            centi_hours = round_div(rate_days * CENTI_HOURS_PER_DAY * spell.degree_quarters, 4000)
            if centi_hours:
                spell_rows.append({"period": yyyymm(year, month), "hours": centi_hours / 100})
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
