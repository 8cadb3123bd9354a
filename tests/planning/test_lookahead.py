"""The look-ahead on the coordinator's home page: the next open days per group."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from elief.calendar import public_holidays
from elief.models import Role
from planning import lookahead as ahead
from planning import rules
from planning.models import Booking, Shift, StaffMember
from tests.factories import (
    BookingFactory,
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    PlaceAssignmentFactory,
    SchemeRateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _open_days_ahead(count: int) -> list[dt.date]:
    """The next `count` weekdays that are no public holiday, from today on."""
    day, found = timezone.localdate(), []
    while len(found) < count:
        if day.isoweekday() <= 5 and not public_holidays(day, day):
            found.append(day)
        day += dt.timedelta(days=1)
    return found


@pytest.fixture
def open_days() -> list[dt.date]:
    """Counted when the test runs, so a run across midnight looks ahead from its own day."""
    return _open_days_ahead(10)


@pytest.fixture
def far(open_days) -> dt.date:
    """Far enough ahead for the urgent reserve to be held."""
    return open_days[-1]


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _book(group, day, count, **extra):
    for _ in range(count):
        BookingFactory(group=group, date=day, **extra)


def _lookahead(coordinator, site):
    today = timezone.localdate()
    return ahead.lookahead(user=coordinator, site=site, start=today, now=timezone.now())


def _cell(days, day, group):
    entry = next(entry for entry in days if entry.day == day)
    return next(cell for cell in entry.cells if cell.group == group)


# The rules without the database


def test_free_places_go_below_zero_when_overbooked():
    assert rules.free_places(capacity=14, booked=9) == 5
    assert rules.free_places(capacity=14, booked=16) == -2


def test_bookable_places_stop_where_the_acceptance_rule_refuses():
    opens, closes = dt.time(7, 30), dt.time(18)
    sure = [rules.PlannedBooking(start=opens, end=closes, p=1.0)] * 3
    # Capacity 5 minus a reserve of 1, children who surely come: one more place.
    assert (
        rules.bookable_places(
            existing=sure,
            capacity=5,
            reserve_left=1,
            p=1.0,
            max_risk_pct=5,
            opens=opens,
            closes=closes,
        )
        == 1
    )
    # Children who come half of the time: the rule overbooks on purpose, within the risk.
    unsure = rules.bookable_places(
        existing=[], capacity=5, reserve_left=0, p=0.5, max_risk_pct=5, opens=opens, closes=closes
    )
    assert unsure > 5
    accepted, _risk = rules.accepts_booking(
        existing=[rules.PlannedBooking(start=opens, end=closes, p=0.5)] * unsure,
        new=rules.PlannedBooking(start=opens, end=closes, p=0.5),
        capacity=5,
        reserve_left=0,
        urgent=False,
        max_risk_pct=5,
        opens=opens,
        closes=closes,
    )
    assert not accepted


def test_floating_staff_help_the_groups_short_of_staff():
    short = rules.short_staff_slots(
        children={1: [6, 6, 0], 2: [5, 11, 0]},
        staff={1: [1, 1, 0], 2: [1, 1, 0]},
        floating=[0, 1, 0],
        ratio=5,
    )
    # Slot 0: group 1 needs 2, has 1, and nobody floats. Slot 1: both are short; the one
    # floater makes group 1 whole, group 2 (needs 3, has 1 + nobody) stays short.
    assert short == {1: 1, 2: 1}


# The selector


def test_it_flags_an_overbooked_group(site, coordinator, far):
    group = GroupFactory(site=site, name="Kikkers", capacity=3, urgent_reserve=0)
    _book(group, far, 5)
    cell = _cell(_lookahead(coordinator, site), far, group)
    assert cell.overbooked
    assert cell.free == -2
    assert cell.bookable == 0


def test_it_counts_quarter_hours_short_of_staff_without_trainees(site, coordinator, far):
    group = GroupFactory(site=site, name="Kikkers", capacity=14)
    _book(group, far, 6, start=dt.time(9), end=dt.time(10))
    counted = StaffMember.objects.create(site=site, name="Sara")
    trainee = StaffMember.objects.create(site=site, name="Stagiair", counts_in_ratio=False)
    for member in (counted, trainee):
        Shift.objects.create(
            staff_member=member, group=group, date=far, start=dt.time(7, 30), end=dt.time(18)
        )
    # Six children from 9 to 10 need two counted staff; the trainee does not count.
    assert _cell(_lookahead(coordinator, site), far, group).short_slots == 4


def test_the_home_page_links_each_problem_to_its_day_plan(signed_in, site, open_days, far):
    group = GroupFactory(site=site, name="Kikkers", capacity=3, urgent_reserve=0)
    _book(group, far, 5)
    SchemeRateFactory(
        scheme=PlaceAssignmentFactory(group=group, places=3, valid_from=open_days[0]).scheme,
        valid_from=open_days[0],
        rate_eur="40.00",
    )
    response = signed_in.get(reverse("home"))
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert f'id="lookahead-{site.pk}"' in body
    assert 'data-flag="overbooked"' in body
    plan = reverse("planning:dayplan_site", args=[site.pk])
    assert f"{plan}?dag={far.isoformat()}#group-{group.pk}" in body
    # The other days leave three subsidised occasional places empty: € 120 each.
    assert 'data-flag="at-stake"' in body
    assert "€ 120" in body


def test_staff_and_the_board_get_no_look_ahead(client, site):
    GroupFactory(site=site)
    for role in (Role.STAFF, Role.BOARD):
        client.force_login(UserFactory(role=role, sites=[site]))
        assert "lookahead-" not in client.get(reverse("home")).content.decode()


def test_another_sites_groups_stay_out(site, coordinator, far):
    other = GroupFactory(name="Elders")
    _book(other, far, 3)
    GroupFactory(site=site, name="Kikkers")
    groups = {cell.group.name for day in _lookahead(coordinator, site) for cell in day.cells}
    assert groups == {"Kikkers"}


def _populate(site, groups, children, days):
    for index in range(groups):
        group = GroupFactory(site=site, name=f"Groep {index}")
        for child_index in range(children):
            child = ChildFactory(family=FamilyFactory(site=site), first_name=f"K{child_index}")
            for day in days:
                Booking.objects.create(
                    child=child,
                    group=group,
                    date=day,
                    start=dt.time(8),
                    end=dt.time(16),
                    place_type="occasional",
                )
            Booking.objects.create(
                child=child,
                group=group,
                date=days[0] - dt.timedelta(days=7),
                start=dt.time(8),
                end=dt.time(16),
                place_type="occasional",
                outcome="present",
                arrived=dt.time(8),
                left=dt.time(16),
            )
        member = StaffMember.objects.create(site=site, name=f"Begeleider {index}")
        for day in days:
            Shift.objects.create(
                staff_member=member, group=group, date=day, start=dt.time(8), end=dt.time(16)
            )


@pytest.mark.parametrize(("groups", "children", "days"), [(1, 2, 3), (3, 8, 10)])
def test_the_look_ahead_needs_a_fixed_number_of_queries(
    site, coordinator, open_days, groups, children, days, django_assert_num_queries
):
    _populate(site, groups, children, open_days[:days])
    # Settings, closing days, groups, bookings, the show history, the shifts.
    with django_assert_num_queries(6):
        found = _lookahead(coordinator, site)
        for entry in found:
            for cell in entry.cells:
                assert cell.risk_pct >= 0 and cell.bookable >= 0
    assert sum(len(c.figures.bookings) for e in found for c in e.cells) == (
        groups * children * days
    )


@pytest.mark.parametrize(("groups", "children"), [(1, 2), (3, 8)])
def test_the_home_page_needs_a_fixed_number_of_queries(
    signed_in, site, open_days, groups, children, django_assert_num_queries
):
    _populate(site, groups, children, open_days[: 2 + groups])
    with django_assert_num_queries(14):  # with the freed places' one aggregate
        response = signed_in.get(reverse("home"))
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count("<tr data-day=") == 10


@given(
    stays=st.lists(
        st.tuples(st.integers(0, 24 * 4 - 1), st.integers(0, 24 * 4 - 1), st.integers(0, 14)),
        max_size=12,
    ),
    opens=st.integers(0, 40),
    closes=st.integers(40, 24 * 4 - 1),
)
def test_slot_counts_agree_with_fills_slot(stays, opens, closes):
    def at(quarter: int, minute: int = 0) -> dt.time:
        return dt.time(quarter // 4, quarter % 4 * 15 + minute)

    stays = [Shift(start=at(start, minute), end=at(end, minute)) for start, end, minute in stays]
    slot_starts = rules.slots(at(opens), at(closes))
    counted = ahead._slot_counts(stays, [ahead._micros(start) for start in slot_starts])
    assert counted == [
        sum(1 for stay in stays if rules.fills_slot(stay.start, stay.end, slot_start))
        for slot_start in slot_starts
    ]
