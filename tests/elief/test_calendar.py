"""Open days: weekdays, Belgian public holidays and the site's own closing days; the
opening hours a stay must keep."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from elief.calendar import (
    END_BEFORE_START,
    OUTSIDE_OPENING_HOURS,
    check_opening_hours,
    open_days,
    public_holidays,
)
from elief.models import Site
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


# Opening hours: the one rule of every form and service that takes times at a site

OPENS, CLOSES = dt.time(7, 30), dt.time(18)


@pytest.fixture(autouse=True)
def _english():
    # The messages are asserted in the source language; Dutch is the default.
    with translation.override("en"):
        yield


def _problems(start: dt.time, end: dt.time) -> list[tuple[str, str]]:
    try:
        check_opening_hours(start, end, opens=OPENS, closes=CLOSES)
    except ValidationError as error:
        return [(problem.code, problem.messages[0]) for problem in error.error_list]
    return []


def test_a_stay_within_the_opening_hours_is_fine():
    assert _problems(OPENS, CLOSES) == []
    assert _problems(dt.time(8, 30), dt.time(12)) == []


def test_a_stay_must_end_after_it_starts():
    assert _problems(dt.time(12), dt.time(12)) == [
        (END_BEFORE_START, "The day must end after it starts.")
    ]


@pytest.mark.parametrize(
    ("start", "end"), [(dt.time(7), dt.time(12)), (dt.time(12), dt.time(18, 15))]
)
def test_a_stay_must_lie_within_the_opening_hours(start, end):
    assert _problems(start, end) == [
        (OUTSIDE_OPENING_HOURS, "Times must lie within the opening hours (07:30–18:00).")
    ]


def test_a_reversed_stay_outside_the_hours_has_both_problems():
    assert [code for code, _message in _problems(dt.time(6), dt.time(5))] == [
        END_BEFORE_START,
        OUTSIDE_OPENING_HOURS,
    ]


def test_a_site_names_the_fields_of_each_problem():
    site = Site(opens=OPENS, closes=CLOSES)
    site.check_opening_hours(dt.time(8), dt.time(9), fields=("from", "until"))
    with pytest.raises(ValidationError) as error:
        site.check_opening_hours(dt.time(6), dt.time(5), fields=("from", "until"))
    assert error.value.message_dict == {
        "until": ["The day must end after it starts."],
        "from": ["Times must lie within the opening hours (07:30–18:00)."],
    }
    with pytest.raises(ValidationError) as error:
        site.check_opening_hours(dt.time(7), dt.time(9))
    assert error.value.messages == ["Times must lie within the opening hours (07:30–18:00)."]


# Why a site is closed, and its settings without any entry


@pytest.mark.django_db
def test_a_site_says_why_it_is_closed():
    site = SiteFactory()
    site.closing_days.create(date=dt.date(2026, 12, 24), reason="Kerstsluiting")
    site.closing_days.create(date=dt.date(2026, 12, 31))
    assert site.closed_reason(dt.date(2026, 12, 23)) is None
    assert site.closed_reason(dt.date(2026, 12, 24)) == "Kerstsluiting"
    assert site.closed_reason(dt.date(2026, 12, 25)) == "Kerstmis"
    assert site.closed_reason(dt.date(2026, 12, 26)) == "Saturday"
    assert site.closed_reason(dt.date(2026, 12, 31)) == "closing day"


@pytest.mark.django_db
def test_a_site_without_settings_has_the_defaults_of_the_domain_rules():
    site = SiteFactory(settings=None)
    settings = site.settings_on(dt.date(2026, 12, 10))
    assert settings.pk is None
    assert (settings.ratio, settings.max_overflow_risk_pct) == (5, 5)
    assert settings.default_show_rate == Decimal("0.90")
