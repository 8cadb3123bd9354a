"""The board's figures of the parents' link: absences announced before the day (and of
those by the parent through the link), on the day or later, no-shows, and the places a
parent's report freed that were booked again. Worked out by hand below."""

import datetime as dt
from decimal import Decimal

import pytest

from parents import rules as parent_rules
from subsidies import services
from subsidies.models import SiteMonthSnapshot
from subsidies.rules import AbsenceFigures
from subsidies.selectors import absences
from tests.factories import AbsenceCodeFactory, SiteFactory
from tests.subsidies.absence_data import (
    MARCH,
    at,
    booking,
    march_absences,
    parent_reports,
    staff_records,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(site, group, coordinator):
    return march_absences(site, group, coordinator)


def test_the_month_counts_who_reported_when_and_what_was_refilled(site, march):
    services.snapshots_store(site=site, start=MARCH, end=dt.date(2026, 3, 31))

    row = SiteMonthSnapshot.objects.get(site=site, month=MARCH)
    assert (
        row.absences_in_time,
        row.absences_in_time_by_parent,
        row.absences_late,
        row.no_shows,
        row.places_refilled,
    ) == (3, 3, 1, 2, 1)
    figures = absences.absences_counted(site=site, throughs=[dt.date(2026, 3, 31)])[0]
    assert figures.absences == 6
    assert figures.in_time_pct == 50
    assert figures.no_show_pct.quantize(Decimal("0.1")) == Decimal("33.3")


def test_the_month_is_counted_only_through_its_last_day_computed(site, march):
    # Through 12 March: the reports of 10–12 March; the late one and the no-shows are later.
    figures = absences.absences_counted(
        site=site, throughs=[dt.date(2026, 3, 12), dt.date(2026, 4, 30)]
    )
    assert figures == [
        AbsenceFigures(in_time=3, in_time_by_parent=3, late=0, no_shows=0, refilled=1),
        AbsenceFigures(in_time=1, in_time_by_parent=1, late=0, no_shows=0, refilled=1),
    ]


def test_an_absence_phoned_in_the_day_before_is_in_time_but_not_the_parents(
    site, group, coordinator
):
    day = dt.date(2026, 3, 10)
    code = AbsenceCodeFactory(site=site, code="andere")
    staff_records(
        booking(group, day), at=at(day - dt.timedelta(days=1), 16), user=coordinator, code=code
    )
    # Imported as excused, without a recorded moment: not known to be in time.
    booking(group, day, outcome="excused")

    figures = absences.absences_counted(site=site, throughs=[dt.date(2026, 3, 31)])[0]
    assert figures == AbsenceFigures(in_time=1, in_time_by_parent=0, late=1, no_shows=0)


def test_a_place_freed_twice_is_refilled_at_most_twice(site, group):
    day = dt.date(2026, 3, 10)
    for _ in range(2):
        parent_reports(booking(group, day), at=at(day - dt.timedelta(days=2), 19))
    for _ in range(3):
        booking(group, day, made=at(day - dt.timedelta(days=1), 8))

    figures = absences.absences_counted(site=site, throughs=[dt.date(2026, 3, 31)])[0]
    assert figures.refilled == 2


def test_a_place_booked_again_by_the_coordinator_after_a_phone_call_is_no_parents_refill(
    site, group, coordinator
):
    day = dt.date(2026, 3, 10)
    code = AbsenceCodeFactory(site=site, code="ziek")
    staff_records(
        booking(group, day), at=at(day - dt.timedelta(days=1), 9), user=coordinator, code=code
    )
    booking(group, day, made=at(day - dt.timedelta(days=1), 10))

    figures = absences.absences_counted(site=site, throughs=[dt.date(2026, 3, 31)])[0]
    assert (figures.in_time, figures.refilled) == (1, 0)


def test_another_sites_absences_stay_with_it(site, march):
    other = SiteFactory(name="Elief Noord")
    services.snapshots_store(site=other, start=MARCH, end=dt.date(2026, 3, 31))

    row = SiteMonthSnapshot.objects.get(site=other, month=MARCH)
    assert (row.absences_in_time, row.absences_late, row.no_shows, row.places_refilled) == (
        0,
        0,
        0,
        0,
    )


def test_the_parents_marker_is_the_one_the_figures_look_for():
    assert absences.BY_PARENT == parent_rules.BY_PARENT


def test_counting_takes_a_fixed_number_of_queries(site, march, django_assert_num_queries):
    throughs = [dt.date(2026, 3, 31), dt.date(2026, 4, 30)]
    with django_assert_num_queries(2):
        absences.absences_counted(site=site, throughs=throughs)
    for day in (dt.date(2026, 3, 19), dt.date(2026, 3, 20), dt.date(2026, 3, 23)):
        parent_reports(booking(march, day), at=at(day - dt.timedelta(days=1), 18))
        booking(march, day, made=at(day - dt.timedelta(days=1), 19))
    with django_assert_num_queries(2):
        figures = absences.absences_counted(site=site, throughs=throughs)
    assert figures[0].refilled == 4
