"""The day plan's hour strips, written in Python: a cell per hour for the site and for
each group, some eighty on a page, each a few variables and filters through the template
engine.

The cells hold numbers only (counts, hours, rounded expectations) and the one translated
title, which is escaped; so they are written with str.format, which costs a fraction of
format_html's escaping of every number.
"""

from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from planning.selectors import GroupDay

GROUP_CELL = '<span class="strip-cell{over}" style="--fill: {fill}%">{booked:d}</span>'
HEAD_CELL = '<span role="columnheader" class="strip-cell head">{hour:%H}</span>'
EXPECTED_CELL = '<span role="cell" class="strip-cell">{expected}</span>'
STAFF_CELL = (
    '<span role="cell" class="strip-cell{short}" title="{title}">{on_shift:d}/{needed:d}</span>'
)


def _fill(booked: int, capacity: int) -> int:
    """The share of the places booked in percent, as {% widthratio booked capacity 100 %}."""
    if not capacity:
        return 0
    return round((float(booked) / float(capacity)) * 100)


def group_strip(group_day: GroupDay) -> SafeString:
    """The cells of a group's strip: the children booked per hour, over capacity marked."""
    return mark_safe(
        "".join(
            GROUP_CELL.format(
                over=" over" if hour["over"] else "",
                fill=_fill(hour["booked"], group_day.capacity),
                booked=hour["booked"],
            )
            for hour in group_day.hours
        )
    )


def site_strip(hours: list[dict]) -> dict[str, SafeString]:
    """The cells of the site's strip, row by row: the hours, the children expected, and
    the staff on shift against the staff needed, short hours marked."""
    short_of_staff = conditional_escape(_("short of staff"))
    return {
        "hours": mark_safe("".join(HEAD_CELL.format(hour=hour["hour"]) for hour in hours)),
        "expected": mark_safe(
            "".join(
                # floatformat writes digits and the language's decimal sign only.
                EXPECTED_CELL.format(expected=floatformat(hour["expected"], 0))
                for hour in hours
            )
        ),
        "staff": mark_safe(
            "".join(
                STAFF_CELL.format(
                    short=" short" if hour["short"] else "",
                    title=short_of_staff if hour["short"] else "",
                    on_shift=hour["on_shift"],
                    needed=hour["needed"],
                )
                for hour in hours
            )
        ),
    }
