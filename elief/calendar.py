"""Open days and opening hours: weekdays, Belgian public holidays, a site's own closing
days, and the times a stay at a site may take.

Plain functions without the database, so the rules are tested on their own.
"""

import datetime as dt
from collections.abc import Collection
from functools import cache

import holidays
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

# The codes of check_opening_hours' errors, so a form can put each under its own field.
END_BEFORE_START = "end_before_start"
OUTSIDE_OPENING_HOURS = "outside_opening_hours"


@cache
def _belgian_holidays(year: int) -> dict[dt.date, str]:
    # The `holidays` package keeps the Belgian calendar (Easter Monday, Ascension, …)
    # up to date, so we don't compute moveable feasts by hand.
    return dict(holidays.country_holidays("BE", years=year, language="nl"))


# The years a page or report may ask about: five years back (the board's history), two ahead.
WARM_YEARS_BACK = 5
WARM_YEARS_AHEAD = 2


def holidays_warm(today: dt.date | None = None) -> None:
    """Load the Belgian holidays of the years around today into this process's cache.

    The `holidays` package imports its calendars on the first call, which takes seconds;
    the web and worker processes call this at start-up so no request or task pays it.
    """
    year = (today or dt.date.today()).year
    for each in range(year - WARM_YEARS_BACK, year + WARM_YEARS_AHEAD + 1):
        _belgian_holidays(each)


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
    return formats.date_format(
        dt.date(2024, 1, iso_weekday), "l"
    ).capitalize()  # 2024-01-01: Monday


def check_opening_hours(start: dt.time, end: dt.time, *, opens: dt.time, closes: dt.time) -> None:
    """A stay at a site ends after it starts and lies within the opening hours.

    The one rule for every form and service that takes times at a site (bookings, care
    plans, referrals, the waiting list, shifts). Raises ValidationError listing each problem
    found, coded END_BEFORE_START or OUTSIDE_OPENING_HOURS.
    """
    problems = []
    if end <= start:
        problems.append(
            ValidationError(_("The day must end after it starts."), code=END_BEFORE_START)
        )
    if start < opens or end > closes:
        problems.append(
            ValidationError(
                _("Times must lie within the opening hours (%(opens)s–%(closes)s)."),
                code=OUTSIDE_OPENING_HOURS,
                params={"opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"},
            )
        )
    if problems:
        raise ValidationError(problems)
