"""The board's figures of the parents' link: absences announced before the day (and of
those by the parent through the link), on the day or later, no-shows, and the places a
parent's report freed that were booked again. Worked out by hand below."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from parents import rules as parent_rules
from parents import services as parent_services
from planning import services as planning_services
from planning.models import Booking, BookingChange
from subsidies import services
from subsidies.models import SiteMonthSnapshot
from subsidies.rules import AbsenceFigures
from subsidies.selectors import absences
from tests.factories import AbsenceCodeFactory, BookingFactory, GroupFactory

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
MARCH = dt.date(2026, 3, 1)
# Every booking below was made on 1 March, before any report.
BOOKED = dt.datetime(2026, 3, 1, 9, 0, tzinfo=BRUSSELS)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BRUSSELS)


def _booking(group, day: dt.date, *, outcome: str = "planned", made: dt.datetime = BOOKED):
    booking = BookingFactory(group=group, date=day, outcome=outcome)
    Booking.objects.filter(pk=booking.pk).update(created_at=made)
    return booking


def _parent_reports(booking, *, at: dt.datetime) -> None:
    """The parent reports the absence through the link at `at` (the clock of the change
    set to it: the service stamps the change with the real time)."""
    parent_services.parent_absence_report(booking=booking, code="ziek", now=at)
    BookingChange.objects.filter(booking=booking, action="absent").update(at=at)


def _staff_records(booking, *, at: dt.datetime, user=None, code=None) -> None:
    planning_services.booking_record_absence(
        booking=booking, version=None, user=user, absence_code=code
    )
    BookingChange.objects.filter(booking=booking, action="absent").update(at=at)


@pytest.fixture
def march(site, group, coordinator):
    """March 2026 in Vlinders (the site opens at 07:30):

    - 10, 11 and 12 March: the parent reports the absence the evening before: in time;
    - 13 March: the parent reports at 07:00 on the day itself: not in time;
    - 16 and 17 March: a no-show each;
    - 18 March: a child came (present): no absence;
    - 10 March: another child booked on the freed place an hour after the report: refilled;
    - 11 March: a child booked that morning, before the report: not a refill;
    - 12 March: a child booked after the report and cancelled since: not a refill;
    - 10 March in Kikkers, after the report in Vlinders: another group, not a refill;
    - 2 April: a parent's report and a refill, after the month.
    """
    kikkers = GroupFactory(site=site, name="Kikkers")
    for day in (dt.date(2026, 3, 10), dt.date(2026, 3, 11), dt.date(2026, 3, 12)):
        _parent_reports(_booking(group, day), at=_at(day - dt.timedelta(days=1), 19))
    _parent_reports(_booking(group, dt.date(2026, 3, 13)), at=_at(dt.date(2026, 3, 13), 7))
    for day in (dt.date(2026, 3, 16), dt.date(2026, 3, 17)):
        _staff_records(_booking(group, day), at=_at(day, 10), user=coordinator)
    _booking(group, dt.date(2026, 3, 18), outcome="present")

    _booking(group, dt.date(2026, 3, 10), made=_at(dt.date(2026, 3, 9), 20))
    _booking(group, dt.date(2026, 3, 11), made=_at(dt.date(2026, 3, 10), 9))
    cancelled = _booking(group, dt.date(2026, 3, 12), made=_at(dt.date(2026, 3, 11), 20))
    Booking.objects.filter(pk=cancelled.pk).update(outcome="cancelled")
    _booking(kikkers, dt.date(2026, 3, 10), made=_at(dt.date(2026, 3, 9), 20))

    april = dt.date(2026, 4, 2)
    _parent_reports(_booking(group, april), at=_at(dt.date(2026, 4, 1), 19))
    _booking(group, april, made=_at(dt.date(2026, 4, 1), 20))
    return group


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
    _staff_records(
        _booking(group, day), at=_at(day - dt.timedelta(days=1), 16), user=coordinator, code=code
    )
    # Imported as excused, without a recorded moment: not known to be in time.
    _booking(group, day, outcome="excused")

    figures = absences.absences_counted(site=site, throughs=[dt.date(2026, 3, 31)])[0]
    assert figures == AbsenceFigures(in_time=1, in_time_by_parent=0, late=1, no_shows=0)


def test_a_place_freed_twice_is_refilled_at_most_twice(site, group):
    day = dt.date(2026, 3, 10)
    for _ in range(2):
        _parent_reports(_booking(group, day), at=_at(day - dt.timedelta(days=2), 19))
    for _ in range(3):
        _booking(group, day, made=_at(day - dt.timedelta(days=1), 8))

    figures = absences.absences_counted(site=site, throughs=[dt.date(2026, 3, 31)])[0]
    assert figures.refilled == 2


def test_a_place_booked_again_by_the_coordinator_after_a_phone_call_is_no_parents_refill(
    site, group, coordinator
):
    day = dt.date(2026, 3, 10)
    code = AbsenceCodeFactory(site=site, code="ziek")
    _staff_records(
        _booking(group, day), at=_at(day - dt.timedelta(days=1), 9), user=coordinator, code=code
    )
    _booking(group, day, made=_at(day - dt.timedelta(days=1), 10))

    figures = absences.absences_counted(site=site, throughs=[dt.date(2026, 3, 31)])[0]
    assert (figures.in_time, figures.refilled) == (1, 0)


def test_another_sites_absences_stay_with_it(site, march):
    from tests.factories import SiteFactory

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
        _parent_reports(_booking(march, day), at=_at(day - dt.timedelta(days=1), 18))
        _booking(march, day, made=_at(day - dt.timedelta(days=1), 19))
    with django_assert_num_queries(2):
        figures = absences.absences_counted(site=site, throughs=throughs)
    assert figures[0].refilled == 4
