"""One definition of free places: the subsidies page advises to book only what the day
plan's acceptance rule takes."""

import datetime as dt
from decimal import Decimal

import pytest

from planning import rules
from subsidies.selectors import money_view
from tests.factories import (
    BookingFactory,
    GroupFactory,
    PlaceAssignmentFactory,
    SchemeRateFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 9)  # a Monday
DAY = dt.date(2026, 3, 11)


@pytest.fixture
def group(site):
    group = GroupFactory(
        site=site,
        name="Kikkers",
        capacity=2,
        regular_places=0,
        occasional_places=2,
        urgent_reserve=0,
    )
    assignment = PlaceAssignmentFactory(group=group, places=2)
    SchemeRateFactory(scheme=assignment.scheme, rate_eur="40.00")
    return group


def _cell(site, day=DAY):
    view = money_view(site=site, today=TODAY)
    entry = next(entry for entry in view["ahead"] if entry["date"] == day)
    return entry, entry["cells"][0]


def test_a_morning_child_leaves_one_place_to_book_and_half_a_day_beyond(site, group):
    BookingFactory(group=group, date=DAY, end=dt.time(12))
    entry, cell = _cell(site)
    assert cell.loss.shortfall == Decimal("1.5")
    assert cell.to_fill == 1
    assert cell.beyond == Decimal("0.5")
    assert cell.to_fill <= rules.free_places(capacity=2, booked=1)
    assert entry["to_fill"] == 1


def test_a_full_group_of_half_days_is_never_advised_to_book_more(site, group):
    BookingFactory(group=group, date=DAY, end=dt.time(12))
    BookingFactory(group=group, date=DAY, end=dt.time(12))
    _entry, cell = _cell(site)
    # Two half days fill one of the two subsidised places, but nobody may be booked.
    assert cell.loss.shortfall == 1
    assert cell.bookable == 0
    assert cell.to_fill == 0
    assert cell.beyond == 1


def test_an_empty_group_may_be_filled_entirely(site, group):
    _entry, cell = _cell(site)
    assert cell.loss.shortfall == 2
    assert cell.to_fill == 2 and cell.beyond == 0
