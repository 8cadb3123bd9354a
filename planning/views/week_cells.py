"""The cells of the week view written as HTML here, not by the template engine.

A week draws a cell per group and day, each with some ten figures; through the engine the
cells cost more than the rest of the page. The figures are numbers the code computed, and
the words are escaped like the engine escapes them.
"""

from html import escape as e

from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from planning.selectors import GroupDay


def week_cell_labels() -> dict[str, str]:
    """The words of every cell, translated once per page."""
    return {
        "expected": e(_("exp.")),
        "risk": e(_("risk")),
        "free": e(_("free")),
        "reserve": e(_("reserve")),
    }


def week_cell(group_day: GroupDay, labels: dict[str, str]) -> SafeString:
    """One group's day: booked of capacity, expected, overflow risk, free places, reserve."""
    over = "over" if group_day.free < 0 else ""
    # floatformat, as the template wrote it: the same digits and decimal comma.
    expected = floatformat(group_day.expected, 1)
    risk = floatformat(group_day.overflow_risk_pct, 1)
    return mark_safe(
        f'<td class="{over}">\n'
        f"        <strong>{group_day.booked}</strong>/{group_day.capacity}"
        f" · {labels['expected']} {expected}<br>\n"
        f'        <span class="small">{labels["risk"]} {risk} % · {labels["free"]}'
        f" {group_day.free} · {labels['reserve']} {group_day.reserve_left}</span>\n"
        "      </td>"
    )
