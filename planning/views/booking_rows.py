"""The rows of the day plan's group cards, written in Python: one `<tr>` per booking.

A plan lists every booking of the day with its actions, some 25 values a row; through
the template engine each row cost about 100 µs, most of the page's drawing. Here the
markup of a row is written once, in this module, and every value escaped as the engine
escapes it; the words of the rows are translated, and written into the markup with the
page's CSRF input, once per page (BookingRows).
"""

from collections.abc import Callable
from html import escape

from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from planning import rules
from planning.models import Booking, PlaceType
from planning.selectors import PlanBooking


def row_labels() -> dict[str, dict[str, str]]:
    """The words of the rows in the active language: the place types, the outcomes, the
    badges and the actions."""
    outcomes = Booking._meta.get_field("outcome").flatchoices
    return {
        "place": {value: str(label) for value, label in PlaceType.choices},
        "outcome": {value: str(label) for value, label in outcomes},
        "word": {
            "settling_in": _("settling-in"),
            "overbooked": _("overbooked"),
            "urgent": _("Urgent"),
            "not_urgent": _("Not urgent"),
            "move": _("Move"),
            "move_elsewhere": _("Move it on the booking's page"),
            "cancel": _("Cancel"),
        },
    }


ROW = """
        <tr class="outcome-{outcome}" id="booking-{pk}">
          <td><a href="{detail_url}">{name}</a>{badges}</td>
          <td>{times}</td>
          <td><span class="badge {place_type}">{place}</span></td>
          <td class="num">{p}</td>
          <td>{status}</td>
          <td>
            {actions}
          </td>
        </tr>"""

SETTLING_IN = ' <span class="badge">{}</span>'
OVERBOOKED = ' <span class="badge warn" title="{}">{}</span>'

# A planned booking's actions. The move form comes when opened: a plan of many rows
# renders no form per row.
ACTIONS = """<div class="row-actions">{urgent_form}
            <details class="move">
              <summary class="button secondary small" hx-get="{move_form_url}" \
hx-trigger="click once" hx-target="next .move-slot" hx-swap="innerHTML settle:0ms">{move}</summary>
              <div class="move-slot"><a href="{detail_url}#move">{move_elsewhere}</a></div>
            </details>
            <form method="post" action="{cancel_url}" hx-post="{cancel_url}" \
hx-confirm="{cancel_question}" class="inline">{csrf_input}
              <input type="hidden" name="version" value="{version}">
              <button type="submit" class="danger small">{cancel}</button></form>
            </div>"""

# Urgent or back to occasional: a regular place cannot be made urgent.
URGENT_FORM = """
            <form method="post" action="{urgent_url}" hx-post="{urgent_url}" class="inline">\
{csrf_input}
              <input type="hidden" name="version" value="{version}">
              <button type="submit" class="secondary small">{urgent_label}</button></form>"""


class _Keep(dict):
    """Fills the placeholders it knows and keeps the others for a second format."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, values: dict[str, object]) -> SafeString:
    """format_html's work without its cost per value (a third of a row's time): every
    value escaped as the template engine escapes it, the badges already safe."""
    escaped = {name: escape(str(value)) for name, value in values.items()}
    escaped["badges"] = values["badges"]
    return mark_safe(template.format_map(escaped))


class BookingRows:
    """The rows of one page. The page's words and CSRF field are written into the markup
    once (escaped), in the four kinds of row; each row then fills in its own values, every
    one escaped (_fill)."""

    def __init__(self, *, links: dict[str, Callable[[int], str]], labels: dict, csrf_input: str):
        self.links, self.labels, self.words = links, labels, labels["word"]

        def page_markup(template: str, **page: str) -> str:
            # Braces in the page's values would read as placeholders in the second format.
            escaped = {
                name: str(conditional_escape(value)).replace("{", "{{").replace("}", "}}")
                for name, value in page.items()
            }
            return template.format_map(_Keep(escaped))

        words = {name: self.words[name] for name in ("move", "move_elsewhere", "cancel")}
        actions = page_markup(ACTIONS, csrf_input=csrf_input, **words)
        urgent_form = {
            place_type: page_markup(URGENT_FORM, csrf_input=csrf_input, urgent_label=label)
            for place_type, label in (
                (rules.URGENT, self.words["not_urgent"]),
                (rules.OCCASIONAL, self.words["urgent"]),
            )
        }
        self.settled = ROW.replace("{actions}", "")
        self.planned = {
            place_type: ROW.replace("{actions}", actions.replace("{urgent_form}", form))
            for place_type, form in [*urgent_form.items(), (rules.REGULAR, "")]
        }

    def row(self, booking: PlanBooking) -> SafeString:
        """A booking's row, with the forms of its actions when it is planned."""
        pk, links, labels = booking.pk, self.links, self.labels
        status = labels["outcome"].get(booking.outcome, booking.outcome)
        if booking.absence_code:
            status = f"{status} · {booking.absence_code.label}"
        badges = ""
        if booking.settling_in:
            badges = format_html(SETTLING_IN, self.words["settling_in"])
        if booking.override_reason:
            badges += format_html(OVERBOOKED, booking.override_reason, self.words["overbooked"])
        values = {
            "outcome": booking.outcome,
            "pk": pk,
            "detail_url": links["detail"](pk),
            "name": f"{booking.first_name} {booking.last_name}",
            # Both badges come from format_html; "" + a safe string is a plain one.
            "badges": mark_safe(badges),
            "times": f"{booking.start:%H:%M}–{booking.end:%H:%M}",
            "place_type": booking.place_type,
            "place": labels["place"].get(booking.place_type, booking.place_type),
            # floatformat, as the template wrote it: the same digits and decimal comma.
            "p": floatformat(booking.p, 2),
            "status": status,
        }
        if booking.outcome != rules.PLANNED:
            return _fill(self.settled, values)
        values.update(
            move_form_url=links["move_form"](pk),
            cancel_url=links["cancel"](pk),
            cancel_question=_("Cancel the booking of %(name)s?") % {"name": booking.first_name},
            version=booking.version,
        )
        if booking.place_type == rules.REGULAR:
            return _fill(self.planned[rules.REGULAR], values)
        values["urgent_url"] = links["urgent"](pk)
        template = self.planned.get(booking.place_type, self.planned[rules.OCCASIONAL])
        return _fill(template, values)

    def rows(self, bookings: list[PlanBooking]) -> SafeString:
        """The rows of a group's bookings as one string, for the card's table body."""
        # Each row comes from _fill.
        return mark_safe("".join(self.row(booking) for booking in bookings))
