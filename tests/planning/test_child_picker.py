"""The day plan's child picker: search as you type, or a plain form without JavaScript."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse

from elief.models import Role
from planning.models import Booking
from tests.factories import (
    BookingFactory,
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 14)


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _pick(client, site, group, q, htmx=True):
    headers = {"hx-request": "true"} if htmx else {}
    return client.get(
        reverse("planning:child_picker", args=[site.pk]),
        {"dag": DAY.isoformat(), "groep": group.pk, "q": q},
        headers=headers,
    )


def test_namesakes_are_told_apart_by_family_birth_date_and_group(signed_in, site, group):
    first = ChildFactory(
        family=FamilyFactory(site=site, reference="G-001"),
        first_name="Adam",
        last_name="Peeters",
        birth_date=dt.date(2025, 1, 10),
    )
    ChildFactory(
        family=FamilyFactory(site=site, reference="G-002"),
        first_name="Adam",
        last_name="Peeters",
        birth_date=dt.date(2024, 6, 2),
    )
    BookingFactory(child=first, group=group, date=DAY - dt.timedelta(days=7))
    response = _pick(signed_in, site, group, "adam pee")
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "<html" not in body  # the partial only
    assert body.count("data-child=") == 2
    assert "G-001" in body and "G-002" in body
    assert "10 januari 2025" in body and "2 juni 2024" in body
    assert "23 maanden" in body and "2 j 6 m" in body
    assert "Vlinders" in body and "nog nooit geboekt" in body


def test_children_booked_that_day_are_left_out(signed_in, site, group):
    booked = ChildFactory(family=FamilyFactory(site=site), first_name="Noor")
    cancelled = ChildFactory(family=FamilyFactory(site=site), first_name="Noortje")
    BookingFactory(child=booked, group=group, date=DAY)
    BookingFactory(child=cancelled, group=group, date=DAY, outcome="cancelled")
    body = _pick(signed_in, site, group, "noor").content.decode()
    assert f'data-child="{booked.pk}"' not in body
    assert f'data-child="{cancelled.pk}"' in body


def test_it_lists_at_most_twenty_and_says_there_are_more(signed_in, site, group):
    family = FamilyFactory(site=site)
    for index in range(25):
        ChildFactory(family=family, first_name=f"Lina{index:02d}")
    body = _pick(signed_in, site, group, "lina").content.decode()
    assert body.count("data-child=") == 20
    assert "typ meer van de naam" in body


def test_the_page_lists_no_child_before_a_search(signed_in, site, group):
    ChildFactory(family=FamilyFactory(site=site), first_name="Yasmine")
    url = reverse("planning:dayplan_site", args=[site.pk]) + f"?dag={DAY}"
    body = signed_in.get(url).content.decode()
    assert "Yasmine" not in body
    # The booking form with its picker comes when "Add a booking" is opened.
    form_url = reverse("planning:booking_add_form", args=[group.pk]) + f"?dag={DAY}"
    assert f'hx-get="{form_url}"' in body
    body = signed_in.get(form_url, headers={"hx-request": "true"}).content.decode()
    assert "<html" not in body and "Yasmine" not in body
    assert 'hx-trigger="input changed delay:300ms, search"' in body


def test_without_javascript_the_search_shows_the_day_plan_with_the_matches(signed_in, site, group):
    child = ChildFactory(family=FamilyFactory(site=site), first_name="Yasmine")
    response = _pick(signed_in, site, group, "yas", htmx=False)
    body = response.content.decode()
    assert "<html" in body
    assert f'name="g{group.pk}-child" value="{child.pk}"' in body
    # Booking the picked child posts the radio button of the same form.
    signed_in.post(
        reverse("planning:booking_add", args=[group.pk]) + f"?dag={DAY}",
        {
            f"g{group.pk}-child": child.pk,
            f"g{group.pk}-start": "08:30",
            f"g{group.pk}-end": "16:30",
            f"g{group.pk}-place_type": "occasional",
        },
    )
    assert Booking.objects.filter(child=child, date=DAY).exists()


def test_another_sites_children_and_groups_stay_out(signed_in, site, group):
    other_site = SiteFactory(name="Elders")
    ChildFactory(family=FamilyFactory(site=other_site), first_name="Zoë")
    assert "data-child=" not in _pick(signed_in, site, group, "zoë").content.decode()
    other_group = GroupFactory(site=other_site)
    assert _pick(signed_in, site, other_group, "zoë").status_code == HTTPStatus.NOT_FOUND
    assert _pick(signed_in, other_site, group, "zoë").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD])
def test_other_roles_cannot_search_children(client, site, group, role):
    client.force_login(UserFactory(role=role, sites=[site]))
    assert _pick(client, site, group, "a").status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("children", [3, 30])
def test_the_search_needs_a_fixed_number_of_queries(
    signed_in, site, group, children, django_assert_num_queries
):
    family = FamilyFactory(site=site)
    for index in range(children):
        child = ChildFactory(family=family, first_name=f"Mila{index:02d}")
        BookingFactory(child=child, group=group, date=DAY - dt.timedelta(days=7))
    # Session, user, site, group, children.
    with django_assert_num_queries(5):
        _pick(signed_in, site, group, "mila")
