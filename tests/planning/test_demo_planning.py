"""The planning part of `manage.py seed_demo`: twelve weeks of bookings, staff and shifts."""

import collections
import csv
import datetime as dt
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from elief.models import Site
from families.models import CarePlan, SettlingInSession
from planning import demo
from planning.models import AbsenceCode, Booking, Group, Shift, StaffMember
from planning.regular import REGULAR_HORIZON, regular_bookings_sync
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

LIVE = ~Q(outcome__in=["cancelled", "excused"])


@pytest.fixture
def output(settings) -> str:
    # The demo users' passwords would take most of the time with the real hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


def _minutes(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


def test_it_books_eight_weeks_back_and_four_ahead_on_open_days(output, today):
    site = Site.objects.get()
    first, last = today - dt.timedelta(weeks=8), today + dt.timedelta(weeks=4, days=-1)
    open_days = set(site.open_days(first, last))
    dates = set(Booking.objects.values_list("date", flat=True))

    assert dates <= open_days
    # Every open day has bookings, before and after today.
    assert dates == open_days
    assert Booking.objects.filter(date__lt=today).count() > 1000
    assert Booking.objects.filter(date__gte=today).count() > 500
    assert "bookings (3 overbooked days ahead)" in output


def test_past_outcomes_are_realistic(output, today):
    past = Booking.objects.filter(date__lt=today)
    shares = {
        row["outcome"]: row["count"] / past.count()
        for row in past.values("outcome").annotate(count=Count("pk"))
    }

    assert 0.80 <= shares["present"] <= 0.90
    assert 0.04 <= shares["excused"] <= 0.09
    assert 0.03 <= shares["no_show"] <= 0.08
    assert 0.01 <= shares["cancelled"] <= 0.05
    assert not past.filter(outcome="planned").exists()


def test_present_children_arrive_and_leave_near_their_planned_times(output, today):
    site = Site.objects.get()
    present = list(Booking.objects.filter(date__lt=today, outcome="present"))

    assert all(b.arrived is not None and b.left is not None for b in present)
    assert all(site.opens <= b.arrived < b.left <= site.closes for b in present)
    near = [b for b in present if abs(_minutes(b.arrived) - _minutes(b.start)) <= 30]
    assert len(near) >= 0.95 * len(present)
    assert not Booking.objects.exclude(outcome="present").filter(arrived__isnull=False).exists()


def test_excused_absences_have_the_default_codes(output):
    excused = Booking.objects.filter(outcome="excused")

    assert not excused.filter(absence_code__isnull=True).exists()
    assert set(excused.values_list("absence_code__code", flat=True)) == {
        "respijtdag",
        "ziek",
        "andere",
    }
    assert (
        not Booking.objects.exclude(outcome="excused").filter(absence_code__isnull=False).exists()
    )
    assert AbsenceCode.objects.count() == 3


def test_future_bookings_are_planned(output, today):
    ahead = Booking.objects.filter(date__gte=today)

    assert set(ahead.values_list("outcome", flat=True)) <= {"planned", "cancelled"}
    assert ahead.filter(outcome="cancelled").count() < 0.05 * ahead.count()


def test_regular_children_come_on_their_care_plan_days_and_times(output):
    regular = Booking.objects.filter(place_type="regular", settling_in=False).select_related(
        "care_plan"
    )
    patterns = {
        plan.pk: plan.pattern
        for plan in CarePlan.objects.filter(kind="regular").prefetch_related("days")
    }

    assert regular.count() > 500
    for booking in regular:
        pattern = patterns[booking.care_plan_id]
        assert (booking.start, booking.end) == pattern[booking.date.isoweekday()]
        assert booking.care_plan.is_active_on(booking.date)


def test_occasional_children_come_on_some_of_their_pattern_days(output):
    occasional = Booking.objects.filter(
        place_type="occasional", settling_in=False, override_reason=""
    )
    patterns = {
        plan.pk: plan.pattern
        for plan in CarePlan.objects.filter(kind="occasional").prefetch_related("days")
    }

    assert occasional.count() > 300
    assert all(b.date.isoweekday() in patterns[b.care_plan_id] for b in occasional)


def test_a_child_has_one_live_booking_a_day(output):
    per_child_day = (
        Booking.objects.exclude(outcome="cancelled")
        .values("child", "date")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
    )

    assert not per_child_day.exists()
    assert not Booking.objects.filter(end__lte=F("start")).exists()


def test_a_few_urgent_bookings_and_settling_in_sessions(output, today):
    urgent = Booking.objects.filter(place_type="urgent")
    settling_in = Booking.objects.filter(settling_in=True)

    assert 3 <= urgent.count() <= 30
    # The children who started in the last weeks settled in; the sessions planned for the
    # coming weeks (families.demo) are booked.
    assert settling_in.filter(date__lt=today, outcome="present").count() >= 3
    assert settling_in.filter(date__gte=today).count() == SettlingInSession.objects.count()
    # A settling-in session is short: at most four hours.
    assert all(_minutes(b.end) - _minutes(b.start) <= 240 for b in settling_in)


def test_two_or_three_days_ahead_are_overbooked_and_no_other(output, today):
    capacity = dict(Group.objects.values_list("pk", "capacity"))
    live = Booking.objects.filter(LIVE).values("group", "date").annotate(count=Count("pk"))
    over = [row for row in live if row["count"] > capacity[row["group"]]]

    assert 2 <= len(over) <= 3
    assert all(row["date"] > today for row in over)
    for row in over:
        # A coordinator booked beyond the limit: the reasons are recorded.
        reasons = Booking.objects.filter(group=row["group"], date=row["date"]).exclude(
            override_reason=""
        )
        assert reasons.exists()


def test_the_dayplan_shows_an_overbooked_day(output):
    capacity = dict(Group.objects.values_list("pk", "capacity"))
    live = Booking.objects.filter(LIVE).values("group", "date").annotate(count=Count("pk"))
    over = [row for row in live if row["count"] > capacity[row["group"]]]
    assert over
    for row in over:
        out = StringIO()
        call_command(
            "dayplan", "--site", "Elief", "--date", row["date"].isoformat(), "--format", "csv",
            stdout=out,
        )  # fmt: skip
        figures = {r["group"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
        group = Group.objects.get(pk=row["group"])
        assert int(figures[group.name]["free"]) == group.capacity - row["count"] < 0
        # A morning and an afternoon child share a place: the risk is above 0 only when more
        # children than places are booked at the same time.
        stays = Booking.objects.filter(LIVE, group=group, date=row["date"]).values_list(
            "start", "end"
        )
        at_once = max(sum(1 for s, e in stays if s <= start < e) for start, _ in stays)
        risk = float(figures[group.name]["overflow_risk_pct"])
        assert (risk > 0) == (at_once > group.capacity)


def test_about_eight_staff_members_with_shifts_every_open_day(output, today):
    site = Site.objects.get()
    members = list(StaffMember.objects.all())
    trainees = [member for member in members if member.in_training]
    first, last = today - dt.timedelta(weeks=8), today + dt.timedelta(weeks=4, days=-1)

    assert 8 <= len(members) <= 10
    assert 1 <= len(trainees) <= 2
    assert not any(member.counts_in_ratio for member in trainees)
    assert set(Shift.objects.values_list("date", flat=True)) == set(site.open_days(first, last))
    per_day = collections.Counter(
        Shift.objects.filter(staff_member__counts_in_ratio=True).values_list("date", flat=True)
    )
    assert min(per_day.values()) >= 7
    assert Shift.objects.filter(start=dt.time(7, 30)).exists()
    assert Shift.objects.filter(end=dt.time(18)).exists()


def test_without_children_it_makes_the_groups_codes_and_staff(today):
    site = SiteFactory(name="Elief Kiel")
    state = {"site": site}

    demo.seed(state)

    assert Group.objects.filter(site=site).count() == 3
    assert AbsenceCode.objects.filter(site=site).count() == 3
    assert StaffMember.objects.filter(site=site).exists()
    assert not Booking.objects.exists()
    assert demo.summary(state).startswith("3 groups, 45 places, 0 bookings")


def test_demo_bookings_are_linked_to_their_plan_with_an_origin(output, today):
    """The regular pattern is the plan's own, so a change of the plan reaches it."""
    regular = Booking.objects.filter(place_type="regular", settling_in=False)
    assert set(regular.values_list("origin", flat=True)) == {"care_plan"}
    assert not regular.filter(care_plan__isnull=True).exists()
    urgent = Booking.objects.filter(place_type="urgent")
    assert set(urgent.values_list("origin", "care_plan")) == {("manual", None)}
    occasional = Booking.objects.filter(place_type="occasional", settling_in=False)
    assert set(occasional.values_list("origin", flat=True)) == {"request"}


def test_a_care_plan_change_reaches_the_demo_bookings(output, today):
    booking = (
        Booking.objects.filter(origin="care_plan", outcome="planned", date__gt=today)
        .select_related("care_plan")
        .first()
    )
    plan = booking.care_plan
    weekday = booking.date.isoweekday()
    plan.days.filter(weekday=weekday).delete()
    regular_bookings_sync(plan=plan, until=today + REGULAR_HORIZON, today=today)
    booking.refresh_from_db()
    assert booking.outcome == "cancelled"
    assert not plan.bookings.filter(
        date__gte=today, date__week_day=weekday % 7 + 1, outcome="planned", origin="care_plan"
    ).exists()
