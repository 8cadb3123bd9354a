"""Open days: weekdays, Belgian public holidays and a site's own closing days.

Plain functions without the database, so the rules are tested on their own.
"""

import datetime as dt
from collections.abc import Collection
from functools import cache

import holidays


@cache
def _belgian_holidays(year: int) -> dict[dt.date, str]:
    # The `holidays` package keeps the Belgian calendar (Easter Monday, Ascension, …)
    # up to date, so we don't compute moveable feasts by hand.
    return dict(holidays.country_holidays("BE", years=year, language="nl"))


def public_holidays(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    found: dict[dt.date, str] = {}
    for year in range(start.year, end.year + 1):
        found.update(
            (day, name) for day, name in _belgian_holidays(year).items() if start <= day <= end
        )
    return found


def open_days(
    start: dt.date, end: dt.date, *, weekdays: Collection[int], closed: Collection[dt.date]
) -> list[dt.date]:
    """The days from start to end (inclusive) on an opening weekday and not closed."""
    closed = set(closed)
    days = []
    day = start
    while day <= end:
        if day.isoweekday() in weekdays and day not in closed:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def weekday_name(iso_weekday: int) -> str:
    """The weekday's name in the active language, capitalised ("Maandag")."""
    from django.utils import formats

    return formats.date_format(
        dt.date(2024, 1, iso_weekday), "l"
    ).capitalize()  # 2024-01-01: Monday
