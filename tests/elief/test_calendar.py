"""Open days: weekdays, Belgian public holidays and the site's own closing days."""

import datetime as dt

import pytest

from elief.calendar import open_days, public_holidays
from tests.factories import SiteFactory

MON_TO_FRI = {1, 2, 3, 4, 5}


def test_it_knows_the_moveable_belgian_holidays():
    holidays_2026 = public_holidays(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert dt.date(2026, 4, 6) in holidays_2026  # Easter Monday
    assert dt.date(2026, 5, 14) in holidays_2026  # Ascension
    assert dt.date(2026, 5, 25) in holidays_2026  # Whit Monday
    assert dt.date(2026, 7, 21) in holidays_2026  # National day
    # Ten statutory holidays, plus Easter Sunday and Whit Sunday, which fall on Sundays.
    assert len(holidays_2026) == 12


def test_it_counts_weekdays_without_holidays_and_closing_days():
    # Week of Easter Monday 2026: Mon 6 April is a holiday, Wed 8 the site's own closing day.
    days = open_days(
        dt.date(2026, 4, 6),
        dt.date(2026, 4, 12),
        weekdays=MON_TO_FRI,
        closed={dt.date(2026, 4, 6), dt.date(2026, 4, 8)},
    )
    assert days == [dt.date(2026, 4, 7), dt.date(2026, 4, 9), dt.date(2026, 4, 10)]


def test_it_returns_nothing_for_an_empty_range():
    assert open_days(dt.date(2026, 4, 7), dt.date(2026, 4, 6), weekdays=MON_TO_FRI, closed=()) == []


@pytest.mark.django_db
def test_a_site_is_closed_on_holidays_and_its_own_closing_days():
    site = SiteFactory()
    site.closing_days.create(date=dt.date(2026, 12, 24), reason="Kerstsluiting")
    assert site.is_open_on(dt.date(2026, 12, 23))
    assert not site.is_open_on(dt.date(2026, 12, 24))
    assert not site.is_open_on(dt.date(2026, 12, 25))  # Christmas
    assert not site.is_open_on(dt.date(2026, 12, 26))  # Saturday
    assert site.closing_dates(dt.date(2026, 12, 24), dt.date(2026, 12, 25)) == {
        dt.date(2026, 12, 24): "Kerstsluiting",
        dt.date(2026, 12, 25): "Kerstmis",
    }
    # December 2026: 23 weekdays, minus Christmas and the 24th.
    assert len(site.open_days(dt.date(2026, 12, 1), dt.date(2026, 12, 31))) == 21


@pytest.mark.django_db
def test_settings_in_force_follow_their_valid_from_date():
    site = SiteFactory(settings=None)
    site.settings.create(valid_from=dt.date(2026, 1, 1), ratio=5)
    site.settings.create(valid_from=dt.date(2026, 9, 1), ratio=6)
    assert site.settings_on(dt.date(2025, 6, 1)).ratio == 5  # before the first entry
    assert site.settings_on(dt.date(2026, 8, 31)).ratio == 5
    assert site.settings_on(dt.date(2026, 9, 1)).ratio == 6
