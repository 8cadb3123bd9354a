"""The parents' open requests offered for a freed place on the day plan, next to the
waiting list and in the same acceptance order, booked in one tap through the acceptance
rule."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from elief.models import Role
from parents.freed import freed_place_requests
from parents.models import ParentRequest
from planning.freed import _sources, freed_place_candidates
from planning.models import Booking, Origin, WaitingListEntry
from tests.factories import (
    BookingFactory,
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    SiteFactory,
    UserFactory,
    weekday_ahead,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return weekday_ahead(10)


@pytest.fixture
def group(site):
    return GroupFactory(
        site=site, name="Vlinders", capacity=3, regular_places=0, occasional_places=3
    )


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _child(site, name, **criteria):
    return ChildFactory(family=FamilyFactory(site=site, **criteria), first_name=name)


def _ask(site, name, day, *, urgent=False, ago=0, start=dt.time(9), end=dt.time(15), **kw):
    child = _child(site, name, **kw.pop("criteria", {}))
    return ParentRequest.objects.create(
        family=child.family,
        child=child,
        day=day,
        start=start,
        end=end,
        urgent=urgent,
        created_at=timezone.now() - dt.timedelta(days=ago),
        **kw,
    )


def _wait(site, name, *, ago=0):
    return WaitingListEntry.objects.create(
        site=site,
        child=_child(site, name),
        wished_weekdays="",
        wished_start=timezone.localdate() - dt.timedelta(days=30),
        start=dt.time(9),
        end=dt.time(15),
        created_at=timezone.now() - dt.timedelta(days=ago),
    )


def _plan_url(site, day):
    return f"{reverse('planning:dayplan_site', args=[site.pk])}?dag={day.isoformat()}"


def _offered(client, site, day) -> list[tuple[str, str]]:
    plan = client.get(_plan_url(site, day)).context["plan"]
    if not any(g.offers_freed for g in plan.groups):
        return []
    return [(c.child.first_name, c.origin) for c in plan.freed_candidates]


def test_the_parents_app_registers_its_requests_as_a_source():
    assert _sources.count(freed_place_requests) == 1


def test_requests_for_the_day_are_offered_with_the_waiting_list_in_acceptance_order(
    signed_in, site, group, day
):
    BookingFactory(group=group, date=day, outcome="cancelled")
    _wait(site, "Wacht", ago=20)
    _ask(site, "Dringend", day, urgent=True)
    _ask(site, "Alleen", day, criteria={"single_parent": True})
    _ask(site, "Laat", day, ago=1)  # asked after the waiting entry, nothing else: fourth
    _ask(site, "Anderedag", day + dt.timedelta(days=1), urgent=True)
    _ask(site, "Geweigerd", day, urgent=True, status=ParentRequest.Status.REFUSED)
    _ask(site, "Avond", day, urgent=True, start=dt.time(16), end=dt.time(19))  # after closing
    booked = _ask(site, "Geboekt", day, urgent=True)
    BookingFactory(group=GroupFactory(site=site), child=booked.child, date=day)
    _ask(SiteFactory(name="Elders"), "Elders", day, urgent=True)

    assert _offered(signed_in, site, day) == [
        ("Dringend", Origin.REQUEST),
        ("Alleen", Origin.REQUEST),
        ("Wacht", Origin.WAITING_LIST),
    ]
    candidates = freed_place_candidates(user=None, site=site, day=day, limit=5)
    assert [c.child.first_name for c in candidates] == ["Dringend", "Alleen", "Wacht", "Laat"]


def test_one_tap_books_the_request_through_the_acceptance_rule(signed_in, site, group, day):
    BookingFactory(group=group, date=day, outcome="cancelled")
    wish = _ask(site, "Amal", day, urgent=True)
    body = signed_in.get(_plan_url(site, day)).content.decode()
    accept = reverse("parents:request_accept", args=[wish.pk])
    assert f'action="{accept}"' in body
    assert "vraag van een ouder" in body

    response = signed_in.post(accept, {"group": group.pk, "next": _plan_url(site, day)})

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == _plan_url(site, day)
    booking = Booking.objects.get(child=wish.child)
    assert (booking.group, booking.date, booking.origin, booking.place_type) == (
        group,
        day,
        Origin.REQUEST,
        "urgent",
    )
    wish.refresh_from_db()
    assert (wish.status, wish.booking) == (ParentRequest.Status.ACCEPTED, booking)
    assert _offered(signed_in, site, day) == []  # booked: neither offered nor free twice


def test_a_refused_acceptance_is_told_in_dutch_on_the_day_plan(signed_in, site, group, day):
    group.capacity = 2
    group.save()
    BookingFactory(group=group, date=day, outcome="cancelled")
    BookingFactory(group=group, date=day)
    wish = _ask(site, "Amal", day)
    # One booked in two places, the urgent reserve of one held: the acceptance rule refuses.
    response = signed_in.post(
        reverse("parents:request_accept", args=[wish.pk]),
        {"group": group.pk, "next": _plan_url(site, day)},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == _plan_url(site, day)
    messages = [str(message) for message in response.context["messages"]]
    assert len(messages) == 1
    assert messages[0].endswith("Geef een reden om toch te boeken.")
    assert not Booking.objects.filter(child=wish.child).exists()
    wish.refresh_from_db()
    assert wish.status == ParentRequest.Status.OPEN


def test_a_next_address_on_another_host_is_not_followed(signed_in, site, group, day):
    wish = _ask(site, "Amal", day)
    response = signed_in.post(
        reverse("parents:request_accept", args=[wish.pk]),
        {"group": group.pk, "next": "https://elders.example/"},
    )
    assert response.url == reverse("parents:request_list", args=[site.pk])


def test_another_sites_coordinator_gets_404_on_the_book_actions(client, site, group, day):
    BookingFactory(group=group, date=day, outcome="cancelled")
    wish = _ask(site, "Amal", day)
    entry = _wait(site, "Wacht")
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[SiteFactory(name="Noord")]))

    accept = client.post(
        reverse("parents:request_accept", args=[wish.pk]),
        {"group": group.pk, "next": _plan_url(site, day)},
    )
    add = client.post(
        f"{reverse('planning:booking_add', args=[group.pk])}?dag={day.isoformat()}",
        {
            f"g{group.pk}-child": entry.child.pk,
            f"g{group.pk}-start": "09:00",
            f"g{group.pk}-end": "15:00",
            f"g{group.pk}-place_type": "occasional",
            f"g{group.pk}-from_waiting_list": "on",
        },
    )

    assert (accept.status_code, add.status_code) == (HTTPStatus.NOT_FOUND, HTTPStatus.NOT_FOUND)
    assert not Booking.objects.filter(child__in=[wish.child, entry.child]).exists()
    wish.refresh_from_db()
    assert wish.status == ParentRequest.Status.OPEN
