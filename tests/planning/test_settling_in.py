"""Settling-in sessions planned on the family page become bookings of the day plan."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from elief.models import Role
from planning.models import Booking
from tests.factories import ChildFactory, FamilyFactory, GroupFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setting():
    site = SiteFactory(name="Elief")
    GroupFactory(site=site, name="Egeltjes", occasional_places=2, regular_places=10, capacity=12)
    vlinders = GroupFactory(site=site, name="Vlinders", occasional_places=6, capacity=14)
    child = ChildFactory(family=FamilyFactory(site=site), first_name="Yasmine")
    coordinator = UserFactory(role=Role.COORDINATOR, sites=[site])
    return site, vlinders, child, coordinator


def _plan(client, child, first_day):
    return client.post(
        reverse("families:settling_in", args=[child.pk]),
        {"first_day": first_day.isoformat(), "start": "09:30"},
    )


def test_planned_sessions_are_booked_as_settling_in(client, setting):
    site, vlinders, child, coordinator = setting
    client.force_login(coordinator)
    first_day = site.open_days(
        timezone.localdate() + dt.timedelta(days=7), timezone.localdate() + dt.timedelta(days=30)
    )[0]
    _plan(client, child, first_day)
    sessions = list(child.settling_in_sessions.order_by("date"))
    bookings = list(Booking.objects.filter(child=child).order_by("date"))
    assert len(sessions) == len(bookings) == 3
    assert [(b.date, b.start, b.end) for b in bookings] == [
        (s.date, s.start, s.end) for s in sessions
    ]
    # 1 h, then 2 h with a parent, then a half day; in the group with most occasional places.
    assert [b.end for b in bookings] == [dt.time(10, 30), dt.time(11, 30), dt.time(13, 30)]
    assert all(
        b.settling_in and b.place_type == "occasional" and b.group == vlinders for b in bookings
    )


def test_planning_again_replaces_the_planned_bookings(client, setting):
    site, _vlinders, child, coordinator = setting
    client.force_login(coordinator)
    days = site.open_days(
        timezone.localdate() + dt.timedelta(days=7), timezone.localdate() + dt.timedelta(days=40)
    )
    _plan(client, child, days[0])
    _plan(client, child, days[10])
    live = Booking.objects.filter(child=child).exclude(outcome="cancelled")
    assert sorted(b.date for b in live) == days[10:13]
    assert Booking.objects.filter(child=child, outcome="cancelled").count() == 3
    client.post(reverse("families:settling_in_clear", args=[child.pk]))
    assert not Booking.objects.filter(child=child).exclude(outcome="cancelled").exists()
