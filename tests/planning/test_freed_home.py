"""The freed places on the coordinator's home page: today and the coming open days, each
with its first candidate booked in one tap, in a fixed number of queries."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from elief.models import Role
from parents.models import ParentRequest
from planning.freed import FREED_DAYS_AHEAD
from planning.models import Booking, Origin, WaitingListEntry
from planning.waiting import candidates_by_day
from tests.factories import (
    BookingFactory,
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_public_holidays")]


@pytest.fixture
def site():
    # Open every day, so today and tomorrow are days of care whatever day the test runs.
    return SiteFactory(name="Elief", opening_weekdays="1234567")


@pytest.fixture
def group(site):
    return GroupFactory(
        site=site, name="Vlinders", capacity=3, regular_places=0, occasional_places=3
    )


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _wait(site, name, *, urgent=False):
    return WaitingListEntry.objects.create(
        site=site,
        child=ChildFactory(family=FamilyFactory(site=site), first_name=name),
        wished_weekdays="",
        wished_start=timezone.localdate() - dt.timedelta(days=30),
        start=dt.time(9),
        end=dt.time(15),
        urgent=urgent,
    )


def _ask(site, name, day, *, urgent=False):
    child = ChildFactory(family=FamilyFactory(site=site), first_name=name)
    return ParentRequest.objects.create(
        family=child.family, child=child, day=day, start=dt.time(9), end=dt.time(15), urgent=urgent
    )


def _home(client):
    return client.get(reverse("home")).content.decode()


def _section(body: str) -> str:
    return body[body.index("data-freed-places") :].split("</div>")[0]


def test_it_shows_each_freed_place_with_its_first_candidate_and_a_link_to_the_day_plan(
    signed_in, site, group
):
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    BookingFactory(group=group, date=tomorrow, outcome="cancelled")
    BookingFactory(group=group, date=tomorrow, outcome="excused")
    _wait(site, "Wacht")
    _wait(site, "Dringend", urgent=True)

    section = _section(_home(signed_in))

    assert f'data-freed-place="{group.pk}-{tomorrow.isoformat()}"' in section
    assert "Vlinders" in section and "2 plaatsen vrijgekomen" in section
    assert "Dringend" in section and "Wacht" not in section  # the first candidate only
    plan = f"{reverse('planning:dayplan_site', args=[site.pk])}?dag={tomorrow.isoformat()}"
    assert f'href="{plan}"' in section
    add = f"{reverse('planning:booking_add', args=[group.pk])}?dag={tomorrow.isoformat()}"
    assert f'action="{add}"' in section


def test_one_tap_from_the_home_page_books_the_waiting_child(signed_in, site, group):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    BookingFactory(group=group, date=tomorrow, outcome="cancelled")
    entry = _wait(site, "Amal", urgent=True)
    _home(signed_in)
    response = signed_in.post(
        f"{reverse('planning:booking_add', args=[group.pk])}?dag={tomorrow.isoformat()}",
        {
            f"g{group.pk}-child": entry.child.pk,
            f"g{group.pk}-start": "09:00",
            f"g{group.pk}-end": "15:00",
            f"g{group.pk}-place_type": "urgent",
            f"g{group.pk}-from_waiting_list": "on",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    booking = Booking.objects.get(child=entry.child)
    assert (booking.group, booking.date, booking.origin) == (group, tomorrow, Origin.WAITING_LIST)
    # Booked: the child is no longer offered for that day.
    section = _section(_home(signed_in))
    assert "Amal" not in section and "niemand die wacht past op deze dag" in section


def test_a_parents_request_for_the_day_is_booked_through_its_acceptance(signed_in, site, group):
    today = timezone.localdate()
    BookingFactory(group=group, date=today, outcome="cancelled")
    wish = _ask(site, "Amal", today, urgent=True)
    section = _section(_home(signed_in))
    accept = reverse("parents:request_accept", args=[wish.pk])
    assert f'action="{accept}"' in section and "Vandaag" in section

    plan = f"{reverse('planning:dayplan_site', args=[site.pk])}?dag={today.isoformat()}"
    response = signed_in.post(accept, {"group": group.pk, "next": plan})

    assert response.url == plan
    wish.refresh_from_db()
    assert wish.status == ParentRequest.Status.ACCEPTED
    assert wish.booking.origin == Origin.REQUEST


def test_nothing_is_offered_for_past_full_or_far_days_and_it_says_so(signed_in, site, group):
    today = timezone.localdate()
    _wait(site, "Amal")
    BookingFactory(group=group, date=today - dt.timedelta(days=1), outcome="cancelled")
    BookingFactory(group=group, date=today + dt.timedelta(days=FREED_DAYS_AHEAD), outcome="excused")
    full = today + dt.timedelta(days=2)
    BookingFactory(group=group, date=full, outcome="cancelled")
    for _ in range(3):
        BookingFactory(group=group, date=full)
    BookingFactory(
        group=GroupFactory(site=SiteFactory(name="Elders")), date=today, outcome="cancelled"
    )

    section = _section(_home(signed_in))

    assert "data-freed-place=" not in section
    assert "De komende dagen is er geen plaats vrijgekomen." in section


def test_a_freed_place_without_a_fitting_candidate_is_still_shown(signed_in, site, group):
    BookingFactory(group=group, date=timezone.localdate(), outcome="cancelled")
    section = _section(_home(signed_in))
    assert "1 plaats vrijgekomen" in section
    assert "niemand die wacht past op deze dag" in section
    assert "<form" not in section


def test_another_sites_coordinator_sees_none_of_it(client, site, group):
    BookingFactory(group=group, date=timezone.localdate(), outcome="cancelled")
    _wait(site, "Amal")
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[SiteFactory(name="Noord")]))
    body = _home(client)
    assert "Amal" not in body and "data-freed-place=" not in body


@pytest.mark.parametrize("size", [1, 5])
def test_the_home_page_shows_them_in_a_fixed_number_of_queries(
    signed_in, site, size, django_assert_num_queries
):
    today = timezone.localdate()
    for index in range(size):
        group = GroupFactory(site=site, name=f"Groep {index}", capacity=14)
        for offset in range(size):
            BookingFactory(group=group, date=today + dt.timedelta(days=offset), outcome="cancelled")
            BookingFactory(group=group, date=today + dt.timedelta(days=offset))
        _wait(site, f"Wacht{index}")
        _ask(site, f"Vraag{index}", today + dt.timedelta(days=index), urgent=True)
    signed_in.get(reverse("home"))  # warm the session
    # The home page's 13, the freed places' aggregate and its two sources of candidates.
    with django_assert_num_queries(16):
        body = signed_in.get(reverse("home")).content.decode()
    assert body.count("data-freed-place=") == size * size


def test_each_day_gets_the_entries_that_fit_it_in_one_query(site, django_assert_num_queries):
    today = timezone.localdate()
    days = [today + dt.timedelta(days=offset) for offset in range(3)]
    anyday = _wait(site, "Altijd")
    oneday = _wait(site, "Eendag")
    oneday.wished_weekdays = str(days[1].isoweekday())
    oneday.save()
    later = _wait(site, "Later")
    later.wished_start = days[2]
    later.save()
    BookingFactory(group=GroupFactory(site=site), child=anyday.child, date=days[0])

    with django_assert_num_queries(1):
        found = candidates_by_day(site=site, days=days)

    names = {day: [entry.child.first_name for entry in found[day]] for day in days}
    assert names == {
        days[0]: [],  # Altijd is booked that day
        days[1]: ["Altijd", "Eendag"],
        days[2]: ["Altijd", "Later"],
    }
