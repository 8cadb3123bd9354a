"""The freed place (vrijgekomen plaats): a cancelled or excused booking's place is offered
on the day plan to the first fitting waiting-list entries, booked in one tap."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from elief.models import Role
from planning.models import Booking, Origin, WaitingListEntry
from tests.factories import (
    AbsenceCodeFactory,
    BookingFactory,
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    SiteFactory,
    UserFactory,
    weekday_ahead,
)

pytestmark = pytest.mark.django_db


DAY = weekday_ahead(10)
WEEKDAY = str(DAY.isoweekday())
OTHER_WEEKDAY = str(DAY.isoweekday() % 5 + 1)


@pytest.fixture
def group(site):
    return GroupFactory(
        site=site, name="Vlinders", capacity=3, regular_places=0, occasional_places=3
    )


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _child(site, name):
    return ChildFactory(family=FamilyFactory(site=site), first_name=name)


def _wait(site, name, *, days=WEEKDAY, urgent=False, start=dt.time(9), end=dt.time(15), **kw):
    return WaitingListEntry.objects.create(
        site=site,
        child=_child(site, name),
        wished_weekdays=days,
        wished_start=kw.pop("wished_start", DAY - dt.timedelta(days=30)),
        start=start,
        end=end,
        urgent=urgent,
        created_at=kw.pop("created_at", timezone.now()),
    )


def _plan(client, site, day=DAY):
    url = f"{reverse('planning:dayplan_site', args=[site.pk])}?dag={day.isoformat()}"
    return client.get(url)


def _offered(response, group) -> list[str]:
    group_day = next(g for g in response.context["plan"].groups if g.group == group)
    if not group_day.offers_freed:
        return []
    return [c.child.first_name for c in response.context["plan"].freed_candidates]


def test_a_cancelled_place_is_offered_to_the_first_fitting_entries(signed_in, site, group):
    BookingFactory(group=group, date=DAY, outcome="cancelled")
    now = timezone.now()
    _wait(site, "Oud", created_at=now - dt.timedelta(days=20))
    _wait(site, "Nieuw", created_at=now - dt.timedelta(days=2))
    _wait(site, "Dringend", urgent=True, created_at=now)
    _wait(site, "Anderedag", days=OTHER_WEEKDAY)
    _wait(site, "Later", wished_start=DAY + dt.timedelta(days=1))
    _wait(site, "Avond", start=dt.time(16), end=dt.time(19))  # past closing time
    booked = _wait(site, "Geboekt")
    BookingFactory(group=GroupFactory(site=site), child=booked.child, date=DAY)
    _wait(SiteFactory(name="Elders"), "Elders")

    response = _plan(signed_in, site)

    assert _offered(response, group) == ["Dringend", "Oud", "Nieuw"]
    body = response.content.decode()
    assert "Vrijgekomen plaats" in body
    assert f'name="g{group.pk}-from_waiting_list" value="on"' in body


def test_an_excused_booking_frees_its_place_too(signed_in, site, group):
    code = AbsenceCodeFactory(site=site, code="ziek")
    BookingFactory(group=group, date=DAY, outcome="excused", absence_code=code)
    _wait(site, "Amal")
    assert _offered(_plan(signed_in, site), group) == ["Amal"]


def test_nothing_is_offered_without_a_freed_place_a_free_one_or_on_a_past_day(
    signed_in, site, group
):
    _wait(site, "Amal")
    assert _offered(_plan(signed_in, site), group) == []  # nothing came free

    BookingFactory(group=group, date=DAY, outcome="cancelled")
    for _ in range(3):  # refilled to capacity
        BookingFactory(group=group, date=DAY)
    assert _offered(_plan(signed_in, site), group) == []

    past = DAY - dt.timedelta(days=28)
    BookingFactory(group=group, date=past, outcome="cancelled")
    assert _offered(_plan(signed_in, site, past), group) == []


def test_a_freed_place_nobody_fits_is_shown_with_the_way_to_the_waiting_list(
    signed_in, site, group
):
    BookingFactory(group=group, date=DAY, outcome="cancelled")
    _wait(site, "Avond", start=dt.time(16), end=dt.time(19))  # past closing time: no fit

    response = _plan(signed_in, site)

    assert _offered(response, group) == []
    body = response.content.decode()
    assert "Vrijgekomen plaats" in body
    assert "niemand die wacht past op deze dag" in body
    assert reverse("planning:waiting_list", args=[site.pk]) in body


def test_one_tap_books_the_entry_from_the_waiting_list(signed_in, site, group):
    BookingFactory(group=group, date=DAY, outcome="cancelled")
    entry = _wait(site, "Amal", urgent=True)
    response = signed_in.post(
        f"{reverse('planning:booking_add', args=[group.pk])}?dag={DAY.isoformat()}",
        {
            f"g{group.pk}-child": entry.child.pk,
            f"g{group.pk}-start": "09:00",
            f"g{group.pk}-end": "15:00",
            f"g{group.pk}-place_type": "urgent",
            f"g{group.pk}-from_waiting_list": "on",
        },
        headers={"hx-request": "true"},
    )
    assert response.status_code == HTTPStatus.OK
    booking = Booking.objects.get(child=entry.child)
    assert (booking.origin, booking.place_type, booking.start) == (
        Origin.WAITING_LIST,
        "urgent",
        dt.time(9),
    )
    # Booked: the child is no longer offered, and the place is no longer free twice over.
    assert _offered(_plan(signed_in, site), group) == []


def test_a_refused_tap_shows_the_refusal_and_books_anyway_with_a_reason(signed_in, site, group):
    BookingFactory(group=group, date=DAY, outcome="cancelled")
    BookingFactory(group=group, date=DAY)
    entry = _wait(site, "Amal")
    url = f"{reverse('planning:booking_add', args=[group.pk])}?dag={DAY.isoformat()}"
    data = {
        f"g{group.pk}-child": entry.child.pk,
        f"g{group.pk}-start": "09:00",
        f"g{group.pk}-end": "15:00",
        f"g{group.pk}-place_type": "occasional",
        f"g{group.pk}-from_waiting_list": "on",
    }
    # Capacity 3, one booked, the reserve of 1 held: a second child is over the limit.
    group.capacity = 2
    group.save()
    response = signed_in.post(url, data, headers={"hx-request": "true"})
    body = response.content.decode()
    assert 'class="alert error refusal"' in body
    assert "Toch boeken" in body
    assert not Booking.objects.filter(child=entry.child).exists()

    data[f"g{group.pk}-override_reason"] = "Moeder start maandag met haar opleiding"
    signed_in.post(url, data, headers={"hx-request": "true"})
    booking = Booking.objects.get(child=entry.child)
    assert booking.origin == Origin.WAITING_LIST
    assert booking.override_reason.startswith("Moeder")


def test_another_sites_coordinator_sees_nothing_of_it(client, site, group):
    BookingFactory(group=group, date=DAY, outcome="cancelled")
    _wait(site, "Amal")
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[SiteFactory(name="Noord")]))
    assert _plan(client, site).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("size", [2, 10])
def test_the_day_plan_with_freed_places_needs_a_fixed_number_of_queries(
    signed_in, site, size, django_assert_num_queries
):
    groups = [GroupFactory(site=site, name=f"Groep {i}", capacity=14) for i in range(3)]
    for group in groups:
        for _ in range(size):
            BookingFactory(group=group, date=DAY, outcome="cancelled")
            BookingFactory(group=group, date=DAY)
    for index in range(size):
        _wait(site, f"Wacht{index}")
    # The day plan's 9, and one per source of candidates: the waiting list, the requests.
    with django_assert_num_queries(11):
        response = _plan(signed_in, site)
    assert len(response.context["plan"].freed_candidates) == min(size, 3)
