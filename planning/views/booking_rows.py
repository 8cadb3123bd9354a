"""The rows of the day plan's group cards: each booking as a plain dict of what its row shows.

A plan lists every booking of the day with its actions, and the template engine reads a
dict's key at its first try where a model instance costs it a failed item lookup per
attribute, and a translation per label. So the cells are written here once per row and
the labels of the choices translated once per page.
"""

from collections.abc import Callable

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from planning import rules
from planning.models import Booking, PlaceType


def row_labels() -> dict[str, dict[str, str]]:
    """The words of the place types and the outcomes in the active language."""
    outcomes = Booking._meta.get_field("outcome").flatchoices
    return {
        "place": {value: str(label) for value, label in PlaceType.choices},
        "outcome": {value: str(label) for value, label in outcomes},
    }


def booking_row(
    booking: Booking, *, links: dict[str, Callable[[int], str]], labels: dict
) -> dict[str, object]:
    """What a booking's row shows, with the URLs of its actions when it is planned."""
    status = labels["outcome"].get(booking.outcome, booking.outcome)
    if booking.absence_code:
        status = f"{status} · {booking.absence_code.label}"
    row = {
        "pk": booking.pk,
        "outcome": booking.outcome,
        "planned": booking.outcome == rules.PLANNED,
        "name": f"{booking.child.first_name} {booking.child.last_name}",
        "detail_url": links["detail"](booking.pk),
        "settling_in": booking.settling_in,
        "override_reason": booking.override_reason,
        "times": f"{booking.start:%H:%M}–{booking.end:%H:%M}",
        "place_type": booking.place_type,
        "place": labels["place"].get(booking.place_type, booking.place_type),
        # floatformat, as the template wrote it: the same digits and decimal comma.
        "p": floatformat(booking.p, 2),
        "status": status,
        "version": booking.version,
    }
    if row["planned"]:
        row.update(
            cancel_url=links["cancel"](booking.pk),
            urgent_url=links["urgent"](booking.pk),
            move_form_url=links["move_form"](booking.pk),
            cancel_question=_("Cancel the booking of %(name)s?")
            % {"name": booking.child.first_name},
        )
    return row
