"""The absences of March 2026 that the board's figures are worked out on by hand, and
the helpers that set the moments a booking was made and an absence reported."""

import datetime as dt
from zoneinfo import ZoneInfo

from parents import services as parent_services
from planning import services as planning_services
from planning.models import Booking, BookingChange
from tests.factories import BookingFactory, GroupFactory

BRUSSELS = ZoneInfo("Europe/Brussels")
MARCH = dt.date(2026, 3, 1)
# Every booking below was made on 1 March, before any report.
BOOKED = dt.datetime(2026, 3, 1, 9, 0, tzinfo=BRUSSELS)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BRUSSELS)


def booking(group, day: dt.date, *, outcome: str = "planned", made: dt.datetime = BOOKED):
    """A booking made at `made`."""
    made_one = BookingFactory(group=group, date=day, outcome=outcome)
    Booking.objects.filter(pk=made_one.pk).update(created_at=made)
    return made_one


def parent_reports(reported, *, at: dt.datetime) -> None:
    """The parent reports the absence through the link at `at` (the clock of the change
    set to it: the service stamps the change with the real time)."""
    parent_services.parent_absence_report(booking=reported, code="ziek", now=at)
    BookingChange.objects.filter(booking=reported, action="absent").update(at=at)


def staff_records(absent, *, at: dt.datetime, user=None, code=None) -> None:
    """The staff record the absence at `at`: excused with a code, else a no-show."""
    planning_services.booking_record_absence(
        booking=absent, version=None, user=user, absence_code=code
    )
    BookingChange.objects.filter(booking=absent, action="absent").update(at=at)


def march_absences(site, group, coordinator):
    """Make March 2026 in Vlinders, the month the tests work out by hand (the
    site opens at 07:30):

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
        parent_reports(booking(group, day), at=at(day - dt.timedelta(days=1), 19))
    parent_reports(booking(group, dt.date(2026, 3, 13)), at=at(dt.date(2026, 3, 13), 7))
    for day in (dt.date(2026, 3, 16), dt.date(2026, 3, 17)):
        staff_records(booking(group, day), at=at(day, 10), user=coordinator)
    booking(group, dt.date(2026, 3, 18), outcome="present")

    booking(group, dt.date(2026, 3, 10), made=at(dt.date(2026, 3, 9), 20))
    booking(group, dt.date(2026, 3, 11), made=at(dt.date(2026, 3, 10), 9))
    cancelled = booking(group, dt.date(2026, 3, 12), made=at(dt.date(2026, 3, 11), 20))
    Booking.objects.filter(pk=cancelled.pk).update(outcome="cancelled")
    booking(kikkers, dt.date(2026, 3, 10), made=at(dt.date(2026, 3, 9), 20))

    april = dt.date(2026, 4, 2)
    parent_reports(booking(group, april), at=at(dt.date(2026, 4, 1), 19))
    booking(group, april, made=at(dt.date(2026, 4, 1), 20))
    return group
