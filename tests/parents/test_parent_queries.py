"""The parent page and the coordinator's requests queue load in a fixed number of queries,
whatever the number of children, bookings and requests."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from parents import services
from parents.models import ParentRequest
from planning.services import booking_acceptance
from tests.factories import (
    AbsenceCodeFactory,
    BookingFactory,
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    GuardianFactory,
)

pytestmark = pytest.mark.django_db


def _open_days(site, count: int) -> list[dt.date]:
    today = timezone.localdate()
    return site.open_days(today, today + dt.timedelta(days=3 * count + 7))[:count]


def _family_with_children(group, *, children: int, days: int) -> str:
    """A family of `children` children, each booked on the first `days` open days (a few
    of them excused), and a live link; returns the link's token."""
    family = FamilyFactory(site=group.site)
    GuardianFactory(family=family, home_languages="Nederlands", email="ouder@example.org")
    code = AbsenceCodeFactory(site=group.site, code="ziek")
    for _ in range(children):
        child = ChildFactory(family=family)
        for index, day in enumerate(_open_days(group.site, days)):
            excused = index % 4 == 3
            BookingFactory(
                group=group,
                child=child,
                date=day,
                outcome="excused" if excused else "planned",
                absence_code=code if excused else None,
            )
    return services.parent_link_create(family=family, user=None).token


@pytest.mark.parametrize(("children", "days"), [(1, 1), (3, 8)])
def test_the_parent_page_loads_in_a_fixed_number_of_queries(
    client, django_assert_num_queries, settings, group, children, days
):
    # The throttle's cache is the database without Redis: keep it out of the count.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    token = _family_with_children(group, children=children, days=days)
    url = reverse("parents:home", args=[token])
    # The link with its family and site, the guardians (the language), the children and
    # their bookings, the access log, the link's last use.
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["days"]) == children * days


def _requests(site, groups, *, count: int, days: int) -> None:
    open_days = _open_days(site, days)
    today = timezone.localdate()
    past_days = site.open_days(today - dt.timedelta(days=30), today - dt.timedelta(days=1))
    for n in range(count):
        family = FamilyFactory(site=site)
        child = ChildFactory(family=family)
        # Half of the children were booked before: their request goes to that group.
        if n % 2:
            BookingFactory(group=groups[n % len(groups)], child=child, date=open_days[0])
        # A past that makes the show probabilities differ from child to child.
        for index, day in enumerate(past_days[: n % 5]):
            BookingFactory(
                group=groups[0],
                child=child,
                date=day,
                outcome="no_show" if (n + index) % 2 else "present",
            )
        ParentRequest.objects.create(
            family=family,
            child=child,
            day=open_days[n % days],
            start=dt.time(8, 30),
            end=dt.time(12),
            urgent=n % 3 == 0,
        )


@pytest.mark.parametrize(("requests", "days"), [(2, 2), (12, 5)])
def test_the_requests_queue_loads_in_a_fixed_number_of_queries(
    client, django_assert_num_queries, site, coordinator, requests, days
):
    groups = [GroupFactory(site=site, name=name) for name in ("Egeltjes", "Vlinders")]
    _requests(site, groups, count=requests, days=days)
    client.force_login(coordinator)
    url = reverse("parents:request_list", args=[site.pk])
    with django_assert_num_queries(13):
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    queued = response.context["queued"]
    assert len(queued) == requests
    assert all(item.acceptance is not None for item in queued)


def test_the_queue_answers_what_the_acceptance_rule_answers_for_each_request(
    client, site, coordinator
):
    groups = [GroupFactory(site=site, name=name, capacity=3) for name in ("Egeltjes", "Vlinders")]
    _requests(site, groups, count=12, days=3)
    # The first day full in both groups: its requests go beyond the rule.
    for group in groups:
        for _ in range(group.capacity):
            BookingFactory(group=group, date=_open_days(site, 1)[0])
    client.force_login(coordinator)
    response = client.get(reverse("parents:request_list", args=[site.pk]))
    queued = response.context["queued"]
    now = timezone.now()
    answers = [
        booking_acceptance(
            group=item.group,
            day=item.request.day,
            start=item.request.start,
            end=item.request.end,
            child_id=item.request.child_id,
            place_type="urgent" if item.request.urgent else "occasional",
            now=now,
        )
        for item in queued
    ]
    assert [item.acceptance for item in queued] == answers
    # Small groups and a mixed past: the page shows both answers, not one by chance.
    assert {answer.accepted for answer in answers} == {True, False}
