"""Transitions to a regular place (doorstroom): who is proposed, and the move itself."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from elief.models import Role
from families import services as family_services
from families.models import CarePlan, CarePlanChange
from planning.models import Booking, BookingChange
from planning.regular import REGULAR_HORIZON
from planning.shifts import week_monday
from planning.transitions import (
    full_months,
    transition_candidates,
    transition_to_regular,
    weeks_in_a_row,
)
from tests.factories import ChildFactory, FamilyFactory, GroupFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 10)  # a Thursday
# The four weeks before TODAY's week: Mondays 9, 16, 23 and 30 November 2026.
WEEKS = [dt.date(2026, 11, 9) + dt.timedelta(weeks=n) for n in range(4)]
PATTERN = {1: (dt.time(8, 30), dt.time(16)), 3: (dt.time(8, 30), dt.time(16))}


def _plan(site, name, *, start, kind="occasional", end=None, reference=None):
    family = FamilyFactory(site=site, **({"reference": reference} if reference else {}))
    child = ChildFactory(family=family, first_name=name)
    return family_services.care_plan_create(
        child=child, kind=kind, start=start, end=end, pattern=PATTERN
    )


def _book(plan, group, day, *, outcome="present", place_type="occasional"):
    return Booking.objects.create(
        child=plan.child,
        group=group,
        date=day,
        start=dt.time(8, 30),
        end=dt.time(16),
        place_type=place_type,
        outcome=outcome,
    )


def _came(plan, group, days_per_week: list[int], weeks=WEEKS):
    """Present on the first n days (Monday on) of each week."""
    for monday, days in zip(weeks, days_per_week, strict=True):
        for offset in range(days):
            _book(plan, group, monday + dt.timedelta(days=offset))


def _names(candidates) -> list[str]:
    return [candidate.child.first_name for candidate in candidates]


def test_who_is_proposed_a_regular_place(site, group, coordinator):
    start = dt.date(2026, 11, 2)
    noor = _plan(site, "Noor", start=start)
    _came(noor, group, [3, 3, 3, 3])  # 3 days in each of 4 weeks in a row
    omar = _plan(site, "Omar", start=start)
    _came(omar, group, [3, 2, 3, 3])  # one week with 2 days breaks the run
    _book(omar, group, dt.date(2026, 11, 18), outcome="excused")  # absent days don't count
    _book(omar, group, dt.date(2026, 11, 19), outcome="no_show")
    lina = _plan(site, "Lina", start=dt.date(2026, 6, 10))  # six months today
    _book(lina, group, dt.date(2026, 11, 4))
    _plan(site, "Mats", start=dt.date(2026, 6, 11))  # six months tomorrow
    regular = _plan(site, "Rania", start=start, kind="regular")
    _came(regular, group, [5, 5, 5, 5])  # regular care never transitions
    ended = _plan(site, "Sem", start=start, end=dt.date(2026, 12, 4))
    _came(ended, group, [3, 3, 3, 3])
    elsewhere = _plan(SiteFactory(name="Elief Noord"), "Tess", start=start)
    _came(elsewhere, GroupFactory(site=elsewhere.child.family.site), [3, 3, 3, 3])

    candidates = transition_candidates(user=coordinator, site=site, today=TODAY)

    assert _names(candidates) == ["Noor", "Lina"]
    frequent, long = candidates
    assert (frequent.reason, frequent.weeks_in_a_row, frequent.days_in_run) == ("frequent", 4, 12)
    assert (frequent.days_attended, frequent.months, frequent.plan) == (12, 1, noor)
    assert (long.reason, long.days_attended, long.months, long.plan) == ("long", 1, 6, lina)
    assert (long.days_per_week, long.weeks, long.max_months) == (3, 4, 6)


def test_the_thresholds_are_the_sites_settings(site, group, coordinator):
    settings = site.settings.get()
    settings.transition_days_per_week, settings.transition_weeks = 2, 3
    settings.save()
    omar = _plan(site, "Omar", start=dt.date(2026, 11, 2))
    _came(omar, group, [3, 2, 3, 3])
    [candidate] = transition_candidates(user=coordinator, site=site, today=TODAY)
    assert (candidate.reason, candidate.weeks_in_a_row, candidate.days_in_run) == (
        "frequent",
        4,
        11,
    )


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([], (0, 0)),
        ([3, 3, 3, 3], (4, 12)),
        ([3, 2, 3, 3], (2, 6)),
        ([3, 0, 4, 0], (1, 4)),
        ([4, 0, 3, 0], (1, 3)),  # on a tie the later run
    ],
)
def test_weeks_in_a_row_without_the_database(days, expected):
    attended = [
        monday + dt.timedelta(days=offset)
        for monday, count in zip(WEEKS, days, strict=False)
        for offset in range(count)
    ]
    assert weeks_in_a_row(attended, days_per_week=3) == expected


@pytest.mark.parametrize(
    ("start", "today", "months"),
    [
        (dt.date(2026, 6, 10), dt.date(2026, 12, 10), 6),
        (dt.date(2026, 6, 11), dt.date(2026, 12, 10), 5),
        (dt.date(2026, 8, 31), dt.date(2027, 2, 28), 6),  # clamped to the end of February
        (dt.date(2026, 12, 10), dt.date(2026, 12, 10), 0),
    ],
)
def test_full_months(start, today, months):
    assert full_months(start, today) == months


@pytest.mark.parametrize("children", [2, 8])
def test_the_candidates_need_a_fixed_number_of_queries(
    site, group, coordinator, children, django_assert_num_queries
):
    for index in range(children):
        plan = _plan(site, f"Kind {index}", start=dt.date(2026, 11, 2))
        _came(plan, group, [3, 3, 3, 3] if index % 2 else [1, 1, 1, 1])
    with django_assert_num_queries(4):  # settings, plans, their days, all present days
        candidates = transition_candidates(user=coordinator, site=site, today=TODAY)
    assert len(candidates) == children // 2


# The pages and the move, around the real today


def _this_monday() -> dt.date:
    return week_monday(timezone.localdate())


@pytest.fixture
def noor(site, group, django_capture_on_commit_callbacks):
    """On occasional care for five weeks; came Monday to Wednesday in the four weeks before."""
    monday = _this_monday()
    # Committed, as a plan made on another day would be: its on-commit sync has run.
    with django_capture_on_commit_callbacks(execute=True):
        plan = _plan(site, "Noor", start=monday - dt.timedelta(weeks=5), reference="G-NOOR")
    _came(plan, group, [3, 3, 3, 3], weeks=[monday - dt.timedelta(weeks=n) for n in (4, 3, 2, 1)])
    return plan


def test_it_rejects_other_sites_coordinators(client, site, noor):
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[SiteFactory(name="Elief Noord")]))
    assert client.get(reverse("planning:transitions", args=[site.pk])).status_code == 404
    move = reverse("planning:transition_move", args=[site.pk, noor.pk])
    assert client.post(move, {"version": 1}).status_code == HTTPStatus.NOT_FOUND
    noor.refresh_from_db()
    assert noor.kind == "occasional" and not noor.changes.exists()


def test_a_plan_of_another_site_is_not_found_through_ones_own_site(client, coordinator, group):
    other = _plan(SiteFactory(name="Elief Noord"), "Tess", start=dt.date(2026, 1, 5))
    client.force_login(coordinator)
    move = reverse("planning:transition_move", args=[group.site.pk, other.pk])
    assert client.post(move, {"version": 1}).status_code == HTTPStatus.NOT_FOUND
    assert CarePlan.objects.get(pk=other.pk).kind == "occasional"


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD, Role.REFERRER, Role.ADMIN])
def test_only_coordinators_handle_transitions(client, site, noor, role):
    client.force_login(UserFactory(role=role, sites=[site] if role == Role.STAFF else []))
    assert client.get(reverse("planning:transitions", args=[site.pk])).status_code == 403
    move = reverse("planning:transition_move", args=[site.pk, noor.pk])
    assert client.post(move, {"version": 1}).status_code == HTTPStatus.FORBIDDEN
    assert CarePlan.objects.get(pk=noor.pk).kind == "occasional"


def test_the_page_shows_the_child_the_family_and_the_reason(client, coordinator, site, noor):
    client.force_login(coordinator)
    response = client.get(reverse("planning:transitions", args=[site.pk]))
    assert response.status_code == HTTPStatus.OK
    [row] = response.context["rows"]
    assert row["candidate"].plan == noor and row["candidate"].reason == "frequent"
    body = response.content.decode()
    assert "Noor" in body and "G-NOOR" in body
    assert response.context["confirm"] is None


def test_moving_to_a_regular_place_asks_for_confirmation_first(
    client, coordinator, site, group, noor
):
    next_monday = _this_monday() + dt.timedelta(weeks=1)
    _book(noor, group, next_monday, outcome="planned")
    client.force_login(coordinator)
    url = reverse("planning:transitions", args=[site.pk])
    response = client.get(url, {"bevestig": noor.pk})
    assert response.context["confirm"]["bookings"] == 1
    assert response.context["confirm"]["form"]["version"].value() == 1
    assert CarePlan.objects.get(pk=noor.pk).kind == "occasional"
    assert client.get(url, {"bevestig": 999999}).status_code == HTTPStatus.NOT_FOUND


def test_the_move_changes_the_plan_and_frees_the_occasional_places(
    client, coordinator, site, group, noor, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    monday = _this_monday()
    next_monday = monday + dt.timedelta(weeks=1)
    ahead = _book(noor, group, next_monday, outcome="planned")
    cancelled = _book(noor, group, next_monday + dt.timedelta(days=1), outcome="cancelled")
    urgent = _book(noor, group, next_monday + dt.timedelta(days=3), outcome="planned",
                   place_type="urgent")  # fmt: skip
    past = _book(noor, group, monday - dt.timedelta(days=3), outcome="planned")  # last Friday
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("planning:transition_move", args=[site.pk, noor.pk]), {"version": 1}
        )

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("planning:transitions", args=[site.pk])
    noor.refresh_from_db()
    assert (noor.kind, noor.version, noor.pattern) == ("regular", 2, PATTERN)
    change = noor.changes.get()
    assert (change.requested_by, change.requested_on, change.decided_by) == (
        "coördinator (doorstroom)",
        today,
        coordinator,
    )
    assert change.decision == CarePlanChange.Decision.ACCEPTED
    assert (change.before["kind"], change.after["kind"]) == ("occasional", "regular")
    assert change.before["pattern"] == change.after["pattern"]
    assert change.before["start"] == change.after["start"]

    # The planned occasional booking ahead is now a regular one; the others are not.
    places = dict(Booking.objects.values_list("pk", "place_type"))
    assert places[ahead.pk] == "regular"
    assert (places[cancelled.pk], places[urgent.pk], places[past.pk]) == (
        "occasional",
        "urgent",
        "occasional",
    )
    assert BookingChange.objects.get(booking=ahead, action="place_type").user == coordinator

    # After the commit the regular plan books its other pattern days for four weeks.
    generated = set(noor.bookings.filter(origin="care_plan").values_list("date", flat=True))
    expected = {
        day
        for day in site.open_days(today, today + REGULAR_HORIZON)
        if day.isoweekday() in PATTERN and day != next_monday
    }
    assert generated == expected
    assert noor.child.bookings.filter(date=next_monday).count() == 1
    # It no longer needs a transition.
    assert client.get(reverse("planning:transitions", args=[site.pk])).context["rows"] == []


def test_a_move_from_a_stale_page_changes_nothing(client, coordinator, site, group, noor):
    ahead = _book(noor, group, _this_monday() + dt.timedelta(weeks=1), outcome="planned")
    client.force_login(coordinator)
    response = client.post(
        reverse("planning:transition_move", args=[site.pk, noor.pk]), {"version": 7}, follow=True
    )
    assert response.status_code == HTTPStatus.OK
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    noor.refresh_from_db()
    assert noor.kind == "occasional" and not noor.changes.exists()
    assert Booking.objects.get(pk=ahead.pk).place_type == "occasional"


def test_a_regular_plan_does_not_move_again(coordinator, site, noor):
    transition_to_regular(plan=noor, version=1, user=coordinator)
    noor.refresh_from_db()
    with pytest.raises(ValidationError, match="occasioneel opvangplan"):
        transition_to_regular(plan=noor, version=noor.version, user=coordinator)
    assert noor.changes.count() == 1


@pytest.mark.parametrize("children", [1, 6])
def test_the_page_needs_a_fixed_number_of_queries(
    client, coordinator, site, group, children, django_assert_num_queries
):
    monday = _this_monday()
    for index in range(children):
        plan = _plan(site, f"Kind {index}", start=monday - dt.timedelta(weeks=5))
        _came(
            plan, group, [3, 3, 3, 3], weeks=[monday - dt.timedelta(weeks=n) for n in (4, 3, 2, 1)]
        )
    client.force_login(coordinator)
    with django_assert_num_queries(7):
        response = client.get(reverse("planning:transitions", args=[site.pk]))
    assert len(response.context["rows"]) == children
