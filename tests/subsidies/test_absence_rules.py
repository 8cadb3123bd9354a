"""The rules of the board's absence figures, without a database."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from subsidies import rules
from subsidies.rules import AbsenceFigures

BRUSSELS = ZoneInfo("Europe/Brussels")
DAY = dt.date(2026, 3, 10)


def _at(day: dt.date, hour: int, minute: int = 0, tz=BRUSSELS) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


def test_an_absence_reported_the_evening_before_is_in_time():
    assert rules.reported_in_time(day=DAY, reported_at=_at(DAY - dt.timedelta(days=1), 23, 59))


def test_an_absence_reported_on_the_day_is_not_in_time_even_before_opening():
    assert not rules.reported_in_time(day=DAY, reported_at=_at(DAY, 0, 1))


def test_the_day_is_the_local_one():
    # 23:30 UTC on the 9th is already 00:30 on the 10th in Brussels: on the day.
    late = dt.datetime(2026, 3, 9, 23, 30, tzinfo=dt.UTC)
    assert not rules.reported_in_time(day=DAY, reported_at=late)


def test_an_absence_without_a_recorded_moment_is_not_in_time():
    assert not rules.reported_in_time(day=DAY, reported_at=None)


def test_a_booking_before_the_report_refills_nothing():
    report = _at(DAY, 7)
    assert rules.places_refilled(freed_at=[report], booked_at=[_at(DAY, 6)]) == 0
    assert rules.places_refilled(freed_at=[report], booked_at=[_at(DAY, 8)]) == 1


def test_each_booking_refills_a_place_freed_before_it():
    freed = [_at(DAY, 7), _at(DAY, 9)]
    # 8:00 takes the 7:00 place; 8:30 finds none free yet; 10:00 takes the 9:00 place.
    booked = [_at(DAY, 8), _at(DAY, 8, 30), _at(DAY, 10)]
    assert rules.places_refilled(freed_at=freed, booked_at=booked) == 2


moments = st.lists(st.integers(min_value=0, max_value=24 * 60 - 1), max_size=8).map(
    lambda minutes: [_at(DAY, m // 60, m % 60) for m in minutes]
)


@given(freed=moments, booked=moments)
def test_no_more_places_are_refilled_than_were_freed_or_booked(freed, booked):
    refilled = rules.places_refilled(freed_at=freed, booked_at=booked)
    assert 0 <= refilled <= min(len(freed), len(booked))


@given(freed=moments, booked=moments, more=moments)
def test_a_later_booking_never_lowers_the_places_refilled(freed, booked, more):
    before = rules.places_refilled(freed_at=freed, booked_at=booked)
    assert rules.places_refilled(freed_at=freed, booked_at=booked + more) >= before


def test_the_shares_are_of_every_absence():
    figures = AbsenceFigures(in_time=3, in_time_by_parent=2, late=1, no_shows=2, refilled=1)
    assert figures.absences == 6
    assert figures.in_time_pct == 50
    assert round(figures.no_show_pct, 2) == Decimal("33.33")


def test_without_absences_there_is_no_share():
    assert AbsenceFigures().in_time_pct is None
    assert AbsenceFigures().no_show_pct is None


def test_figures_add_up_per_field():
    one = AbsenceFigures(in_time=1, in_time_by_parent=1, late=2, no_shows=3, refilled=1)
    two = AbsenceFigures(in_time=4, in_time_by_parent=0, late=1, no_shows=0, refilled=2)
    assert one + two == AbsenceFigures(
        in_time=5, in_time_by_parent=1, late=3, no_shows=3, refilled=3
    )
