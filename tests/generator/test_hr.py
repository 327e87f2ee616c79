"""The demo's HR source (generator/hr.py): persons, employments, scheduled hours and sick leave."""

from __future__ import annotations

import pandas as pd

from tests.generator.demo_source import Demo

END_REASONS = {"egen_begaran", "pension", "byte_av_tjanst", "uppsagning", "avliden", "ovrigt"}


def test_employments_follow_the_contract(demo: Demo) -> None:
    e = demo.tables["employments"]
    assert (e.end_date.notna() == e.end_reason.notna()).all()
    assert (e.end_date.isna() | (e.start_date <= e.end_date)).all()
    assert ((e.work_rate > 0) & (e.work_rate <= 1)).all()
    assert set(e.employment_type) == {"tillsvidare", "visstid", "timavlonad"}
    permanent_ends = e[(e.employment_type == "tillsvidare") & e.end_date.notna()]
    assert set(permanent_ends.end_reason) == END_REASONS
    assert permanent_ends.end_date.dt.is_month_end.any() and not permanent_ends.end_date.dt.is_month_end.all()
    assert not e.employment_id.duplicated().any()


def test_employees_are_pseudonymous_and_realistic(demo: Demo) -> None:
    p = demo.tables["employees"]
    assert p.person_id.str.fullmatch(r"P\d{5}").all() and not p.person_id.duplicated().any()
    assert p.birth_year.between(1960, 2003).all()
    assert 0.6 <= (p.sex == "K").mean() <= 0.7 and set(p.sex) == {"K", "M"}


def test_internal_move_continues_the_next_day_on_another_cost_centre(demo: Demo) -> None:
    e = demo.tables["employments"]
    moves = e[e.end_reason == "byte_av_tjanst"]
    following = moves.merge(e[e.employment_type == "tillsvidare"], on="person_id", suffixes=("", "_new"))
    following = following[following.start_date_new == following.end_date + pd.Timedelta(days=1)]
    assert len(following) == len(moves)
    assert (following.cost_center != following.cost_center_new).all()


def test_scheduled_hours_only_for_staff_with_ordinary_working_time(demo: Demo) -> None:
    e, hours = demo.tables["employments"], demo.tables["scheduled_hours"]
    hourly_only = set(e.person_id) - set(e[e.employment_type != "timavlonad"].person_id)
    assert hourly_only and not set(hours.person_id) & hourly_only
    assert not hours.duplicated(["person_id", "period"]).any()
    assert hours.hours.between(0.01, 185).all()
    # A full-time, full month is about 165 hours.
    assert 150 <= hours.hours.median() <= 180


def test_sick_hours_never_exceed_scheduled_hours(demo: Demo) -> None:
    sick = demo.tables["sick_leave"].groupby(["person_id", "period"]).hours.sum()
    scheduled = demo.tables["scheduled_hours"].set_index(["person_id", "period"]).hours
    joined = sick.to_frame("sick").join(scheduled.rename("scheduled"), how="left")
    assert joined.scheduled.notna().all(), "sick leave for a person-month without scheduled hours"
    assert (joined.sick <= joined.scheduled + 1e-9).all()


def test_sick_leave_spells_are_consistent(demo: Demo) -> None:
    sick = demo.tables["sick_leave"]
    per_spell = sick.groupby("spell_id").agg(
        persons=("person_id", "nunique"),
        starts=("spell_start", "nunique"),
        ends=("spell_end", lambda s: s.nunique(dropna=False)),
        start=("spell_start", "first"),
        end=("spell_end", "first"),
    )
    assert (per_spell[["persons", "starts", "ends"]] == 1).all().all()
    assert not sick.duplicated(["spell_id", "period"]).any()
    days = (per_spell.end - per_spell.start).dt.days + 1
    assert days.dropna().between(1, 200).all()
    assert days.between(1, 14).sum() > 1000 and days.between(60, 200).sum() > 50
    ongoing = per_spell[per_spell.end.isna()]
    assert (ongoing.start <= pd.Timestamp("2025-11-01")).any(), "an ongoing spell that is long by December"
    crossing = (per_spell.start.dt.year == 2024) & ((per_spell.end.dt.year == 2025) | per_spell.end.isna())
    assert crossing.any()
