"""One row of the Plan CSV (DESIGN.md, "Data-exchange formats"): its cells parsed, and
its problems gathered per column in the order of the columns.

planning.importing checks a whole file with these and writes it.
"""

import datetime as dt
import re

from django.utils.translation import gettext as _

from elief.csvimport import RowProblems
from elief.dates import in_range, range_message
from elief.models import Site
from planning import rules
from planning.models import AbsenceCode

COLUMNS = (
    "site",
    "group",
    "family_ref",
    "child_ref",
    "first_name",
    "last_name",
    "birth_date",
    "date",
    "start",
    "end",
    "place_type",
    "outcome",
    "arrived",
    "left",
    "absence_code",
)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# HH:MM; spreadsheets drop the leading zero of 8:30, which is taken as well.
CLOCK_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


class Problems(RowProblems):
    """The problems of one row of a plan file, in the order of its columns."""

    def __init__(self, line: int) -> None:
        super().__init__(line, COLUMNS)


# Values


def parse_date(value: str) -> dt.date | None:
    # fromisoformat alone would take 20260105 and 2026-W02-1 as well.
    if not ISO_DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def parse_time(value: str) -> dt.time | None:
    match = CLOCK_TIME.match(value)
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def date_of(values: dict[str, str], column: str, problems: Problems) -> dt.date | None:
    value = values[column]
    if not value:
        problems.add(column, _("A date is required."))
        return None
    parsed = parse_date(value)
    if parsed is None:
        problems.add(column, _("%(value)r is no date of the form YYYY-MM-DD.") % {"value": value})
    elif not in_range(parsed):
        problems.add(column, range_message())
        return None
    return parsed


def time_of(
    values: dict[str, str], column: str, problems: Problems, *, required: bool
) -> dt.time | None:
    value = values[column]
    if not value:
        if required:
            problems.add(column, _("A time is required."))
        return None
    parsed = parse_time(value)
    if parsed is None:
        problems.add(column, _("%(value)r is no time of the form HH:MM.") % {"value": value})
    return parsed


def choice_of(
    values: dict[str, str], column: str, choices: tuple[str, ...], problems: Problems
) -> str | None:
    value = values[column].lower()
    if value in choices:
        return value
    problems.add(
        column,
        _("Use one of %(choices)s, not %(value)r.")
        % {"choices": ", ".join(choices), "value": values[column]},
    )
    return None


def booking_values(
    values: dict[str, str],
    site: Site | None,
    codes: dict[tuple[int, str], AbsenceCode],
    problems: Problems,
) -> dict:
    """The booking's fields from a row; a value that does not parse is left out."""
    start = time_of(values, "start", problems, required=True)
    end = time_of(values, "end", problems, required=True)
    if start is not None and end is not None and end <= start:
        problems.add(
            "end",
            _("The end must come after the start (%(start)s).") % {"start": values["start"]},
        )
    place_type = choice_of(values, "place_type", rules.PLACE_TYPES, problems)
    outcome = choice_of(values, "outcome", rules.OUTCOMES, problems)

    arrived = time_of(values, "arrived", problems, required=outcome == rules.PRESENT)
    left = time_of(values, "left", problems, required=False)
    if outcome is not None and outcome != rules.PRESENT:
        for column in ("arrived", "left"):
            if values[column]:
                problems.add(
                    column,
                    _(
                        "Only a present child has arrival and departure times, not a %(outcome)s "
                        "booking."
                    )
                    % {"outcome": outcome},
                )
    if arrived is not None and left is not None and left <= arrived:
        problems.add(
            "left",
            _("The departure must come after the arrival (%(arrived)s).")
            % {"arrived": values["arrived"]},
        )

    code = values["absence_code"]
    absence_code = None
    if outcome == rules.EXCUSED and not code:
        problems.add("absence_code", _("An excused absence needs an absence code."))
    elif outcome is not None and outcome != rules.EXCUSED and code:
        problems.add("absence_code", _("Only an excused absence has an absence code."))
    elif code and site is not None:
        absence_code = codes.get((site.pk, code))
        if absence_code is None:
            known = sorted(c for site_pk, c in codes if site_pk == site.pk)
            problems.add(
                "absence_code",
                _("Site %(site)s has no absence code %(code)r; it has %(codes)s.")
                % {"site": site.name, "code": code, "codes": ", ".join(known)},
            )
    return {
        "start": start,
        "end": end,
        "place_type": place_type,
        "outcome": outcome,
        "arrived": arrived,
        "left": left,
        "absence_code": absence_code,
    }
