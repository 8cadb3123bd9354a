"""The distinct children per site and month, counted by the nightly work so the board's
pages need not count them from the bookings (worked out by hand below)."""

import datetime as dt

import pytest

from subsidies import services
from subsidies.models import SiteMonthSnapshot
from tests.factories import BookingFactory, ChildFactory, FamilyFactory, GroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def children(site):
    """May 2026, counted through 31 May: the pace starts 91 days back, on 2 March.

    - Anna (vulnerable family): present on 12 January: the year only;
    - Bram: present on 10 March: the year and the pace;
    - Chloé (vulnerable family): present on 5 and 6 May: month, pace and year, once each;
    - Daan: a no-show on 7 May, never present: not counted;
    - Emma (vulnerable family): present on 2 June, after the month: not counted in May.
    """
    group = GroupFactory(site=site, name="Vlinders")

    def child(name: str, *, vulnerable: bool):
        # A low income with a single parent makes a family vulnerable (families.rules).
        family = FamilyFactory(site=site, low_income=vulnerable, single_parent=True)
        assert family.vulnerable == vulnerable
        return ChildFactory(family=family, first_name=name)

    anna = child("Anna", vulnerable=True)
    bram = child("Bram", vulnerable=False)
    chloe = child("Chloé", vulnerable=True)
    daan = child("Daan", vulnerable=False)
    emma = child("Emma", vulnerable=True)
    for kid, day, outcome in (
        (anna, dt.date(2026, 1, 12), "present"),
        (bram, dt.date(2026, 3, 10), "present"),
        (chloe, dt.date(2026, 5, 5), "present"),
        (chloe, dt.date(2026, 5, 6), "present"),
        (daan, dt.date(2026, 5, 7), "no_show"),
        (emma, dt.date(2026, 6, 2), "present"),
    ):
        BookingFactory(child=kid, group=group, date=day, outcome=outcome)
    return group


def _counts(site, month: dt.date) -> dict:
    row = SiteMonthSnapshot.objects.get(site=site, month=month)
    return {
        "through": row.through,
        "month": (row.children, row.vulnerable),
        "year": (row.children_year, row.vulnerable_year),
        "pace": (row.children_pace, row.vulnerable_pace),
    }


def test_the_nightly_counts_each_child_once_per_month_year_and_pace(site, children):
    services.snapshots_store(site=site, start=dt.date(2026, 4, 20), end=dt.date(2026, 5, 10))

    assert _counts(site, dt.date(2026, 5, 1)) == {
        "through": dt.date(2026, 5, 31),
        "month": (1, 1),  # Chloé, on two days
        "year": (3, 2),  # Anna, Bram, Chloé
        "pace": (2, 1),  # Bram, Chloé
    }
    # April through 30 April: its pace starts on 30 January, after Anna's day.
    assert _counts(site, dt.date(2026, 4, 1)) == {
        "through": dt.date(2026, 4, 30),
        "month": (0, 0),
        "year": (2, 1),  # Anna, Bram
        "pace": (1, 0),  # Bram
    }


def test_counting_again_overwrites_the_months_row(site, children):
    services.snapshots_store(site=site, start=dt.date(2026, 5, 4), end=dt.date(2026, 5, 8))
    BookingFactory(
        child=ChildFactory(family=FamilyFactory(site=site, low_income=True, single_parent=True)),
        group=children,
        date=dt.date(2026, 5, 11),
        outcome="present",
    )
    services.snapshots_store(site=site, start=dt.date(2026, 5, 11), end=dt.date(2026, 5, 11))

    assert SiteMonthSnapshot.objects.filter(site=site).count() == 1
    assert _counts(site, dt.date(2026, 5, 1))["month"] == (2, 2)  # Chloé and the new child
