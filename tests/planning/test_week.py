"""The week: the day plan's figures of every open day, from one read of the week.

The week reads its bookings without the children and the show history of all its days in
one aggregate; what it shows must still be, figure for figure, what the day plan of each
day shows.
"""

import datetime as dt
import random
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from elief.models import ClosingDay, Role, SiteSettings
from planning import selectors
from planning.models import Booking
from tests.factories import ChildFactory, FamilyFactory, GroupFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

OUTCOMES = ["present", "present", "present", "excused", "no_show", "cancelled"]


@pytest.fixture
def monday() -> dt.date:
    # Three weeks ahead, so the week's days have history behind them and none is past.
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=3)


@pytest.fixture
def site():
    return SiteFactory(name="Elief", opening_weekdays="12345")


@pytest.fixture
def groups(site):
    return [
        GroupFactory(site=site, name="Rupsjes", capacity=3, urgent_reserve=1),
        GroupFactory(site=site, name="Vlinders", capacity=4),
    ]


@pytest.fixture
def coordinator(site):
    return UserFactory(role=Role.COORDINATOR, sites=[site])


def _fill(site, groups, monday, children: int, seed: int = 14) -> None:
    """Each child on some days of the week and of the weeks before, settled at random."""
    rng = random.Random(seed)
    kids = [
        ChildFactory(family=FamilyFactory(site=site), first_name=f"Kind{n}")
        for n in range(children)
    ]
    bookings = []
    for offset in range(-20 * 7, 5):
        day = monday + dt.timedelta(days=offset)
        if day.isoweekday() > 5:
            continue
        for child in kids:
            if rng.random() < 0.4:
                continue
            start = dt.time(rng.choice([7, 8, 9, 12]), rng.choice([0, 10, 30, 45]))
            end = dt.time(rng.choice([12, 13, 16, 17]), rng.choice([0, 5, 30]))
            if end <= start:
                start, end = dt.time(8), dt.time(12)
            bookings.append(
                Booking(
                    child=child,
                    group=rng.choice(groups),
                    date=day,
                    start=start,
                    end=end,
                    place_type=rng.choice(["regular", "occasional", "urgent"]),
                    outcome=rng.choice(OUTCOMES) if offset < 0 else "planned",
                )
            )
    Booking.objects.bulk_create(bookings)


def _figures(group_day) -> tuple:
    return (
        group_day.group.pk,
        group_day.booked,
        group_day.expected,
        group_day.free,
        group_day.reserve_left,
        group_day.overflow_risk_pct,
    )


@pytest.mark.parametrize("children", [3, 14])
def test_the_weeks_figures_are_those_of_each_days_plan(site, groups, coordinator, monday, children):
    _fill(site, groups, monday, children)
    # The settings change mid-week: from Wednesday on, six weeks of history count.
    SiteSettings.objects.create(site=site, valid_from=monday - dt.timedelta(days=365))
    SiteSettings.objects.create(
        site=site, valid_from=monday + dt.timedelta(days=2), show_history_days=42
    )
    days = [monday + dt.timedelta(days=offset) for offset in range(5)]
    now = timezone.now()
    rows = selectors.week_figures(user=coordinator, site=site, days=days, now=now)
    for index, day in enumerate(days):
        plan = selectors.day_plan(user=coordinator, site=site, day=day, now=now)
        assert [_figures(row["days"][index]) for row in rows] == [
            _figures(group_day) for group_day in plan.groups
        ]
    # The comparison means something: children are expected, and more than fit some risk.
    assert any(g.expected > 0 for row in rows for g in row["days"])
    if children > sum(group.capacity for group in groups):
        assert any(g.overflow_risk_pct > 0 for row in rows for g in row["days"])


def test_the_show_history_of_each_day_gives_that_days_probabilities(site, groups, monday):
    _fill(site, groups, monday, 6)
    settings = site.settings_on(monday)
    days = [monday + dt.timedelta(days=offset) for offset in range(5)]
    history = selectors.show_history_of_days(
        site=site, since={day: day - dt.timedelta(days=30 + 10 * n) for n, day in enumerate(days)}
    )
    child_ids = set(Booking.objects.values_list("child_id", flat=True))
    for n, day in enumerate(days):
        settings.show_history_days = 30 + 10 * n
        assert history[day].probabilities(
            child_ids, site_settings=settings
        ) == selectors.show_probabilities(
            site=site, day=day, child_ids=child_ids, site_settings=settings
        )


def test_the_week_shows_the_figures_and_no_names(client, site, groups, coordinator, monday):
    _fill(site, groups, monday, 4)
    client.force_login(coordinator)
    response = client.get(reverse("planning:week", args=[site.pk]) + f"?dag={monday}")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Rupsjes" in content and "Vlinders" in content
    assert "Kind0" not in content
    rows = response.context["rows"]
    first = rows[0]["days"][0]
    assert f"<strong>{first.booked}</strong>/{first.capacity}" in content


def test_the_week_marks_the_sites_closing_days(client, site, groups, coordinator, monday):
    wednesday = monday + dt.timedelta(days=2)
    ClosingDay.objects.create(site=site, date=wednesday, reason="Teamdag")
    client.force_login(coordinator)
    response = client.get(reverse("planning:week", args=[site.pk]) + f"?dag={monday}")
    content = response.content.decode()
    # The site's own day, and any public holiday of that week (Christmas, say), are marked.
    closed = site.closing_dates(monday, monday + dt.timedelta(days=4))
    assert wednesday in closed
    assert content.count("data-closed>gesloten<") == len(closed)
    header = content[content.index(f"?dag={wednesday}") :]
    assert header.index("data-closed") < header.index("</th>")


def test_another_sites_coordinator_gets_no_week(client, site, groups, monday):
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[SiteFactory(name="Noord")]))
    response = client.get(reverse("planning:week", args=[site.pk]) + f"?dag={monday}")
    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("children", [2, 14])
def test_the_week_reads_in_a_fixed_number_of_queries(
    client, site, groups, coordinator, monday, children, django_assert_num_queries
):
    _fill(site, groups, monday, children)
    client.force_login(coordinator)
    # session, user, the site, its groups, settings, the week's bookings, the show history
    # of every day, the closing days.
    with django_assert_num_queries(8):
        client.get(reverse("planning:week", args=[site.pk]) + f"?dag={monday}")
