"""A booking's history in words: each BookingChange as one sentence for the coordinator.

The changes store codes and ISO dates (booking_snapshot) so they stay exact; this module
turns them into what a person reads: "verplaatst van Kikkers naar Vlinders door Sara,
3 december 14:02".
"""

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from planning.models import BookingChange, Outcome, PlaceType


def day_in_words(day: dt.date, *, today: dt.date | None = None) -> str:
    """ "3 december 2026"; without the year when it is this year's and `today` is given."""
    if today is not None and day.year == today.year:
        return formats.date_format(day, "j F")
    return formats.date_format(day, "j F Y")


def _place_type(code: str | None) -> str:
    return str(PlaceType(code).label) if code in PlaceType.values else (code or "")


def _stay(snapshot: dict) -> str:
    return f"{snapshot.get('start')}–{snapshot.get('end')}"


def _attended(snapshot: dict) -> str:
    return f"{snapshot.get('arrived') or '?'}–{snapshot.get('left') or '?'}"


def _moved(before: dict, after: dict, today: dt.date) -> str:
    """What the move changed, group, day and times, each only when it changed."""
    old, new = [], []
    if before.get("group") != after.get("group"):
        old.append(before.get("group") or "")
        new.append(after.get("group") or "")
    if before.get("date") != after.get("date"):
        old.append(day_in_words(dt.date.fromisoformat(before["date"]), today=today))
        new.append(day_in_words(dt.date.fromisoformat(after["date"]), today=today))
    if _stay(before) != _stay(after):
        old.append(_stay(before))
        new.append(_stay(after))
    if not new:
        return _("moved, nothing changed")
    return _("moved from %(old)s to %(new)s") % {"old": " ".join(old), "new": " ".join(new)}


def change_what(
    change: BookingChange, *, today: dt.date, absence_labels: dict[str, str] | None = None
) -> str:
    """What happened, in words, without who and when."""
    before, after = change.before or {}, change.after or {}
    action = change.action
    if action == "created":
        return _("booked in %(group)s on %(day)s, %(stay)s, %(place)s place") % {
            "group": after.get("group", ""),
            "day": day_in_words(dt.date.fromisoformat(after["date"]), today=today)
            if after.get("date")
            else "",
            "stay": _stay(after),
            "place": _place_type(after.get("place_type")),
        }
    if action == "moved":
        return _moved(before, after, today)
    if action == "cancelled":
        return _("cancelled")
    if action == "restored":
        return _("cancellation undone")
    if action == "place_type":
        return _("place changed from %(old)s to %(new)s") % {
            "old": _place_type(before.get("place_type")),
            "new": _place_type(after.get("place_type")),
        }
    if action == "checked_in":
        return _("arrived at %(time)s") % {"time": after.get("arrived") or "?"}
    if action == "checked_out":
        return _("left at %(time)s") % {"time": after.get("left") or "?"}
    if action == "absent":
        code = after.get("absence_code") or ""
        label = (absence_labels or {}).get(code) or code
        if after.get("outcome") == Outcome.NO_SHOW:
            return _("did not come and did not let us know")
        return _("reported absent: %(reason)s") % {"reason": label}
    if action == "plan_changed":
        changed = _moved(before, after, today)
        return _("changed with the care plan: %(what)s") % {"what": changed}
    if action == "plan_removed":
        return _("cancelled: no longer in the care plan")
    if action == "undo_checked_in":
        return _("arrival undone")
    if action == "undo_checked_out":
        return _("departure undone")
    if action == "corrected":
        return _("times corrected from %(old)s to %(new)s (reason: %(reason)s)") % {
            "old": _attended(before),
            "new": _attended(after),
            "reason": after.get("reason") or "",
        }
    if action == "confirmed":
        return _("confirmed")
    if action == "settled":
        if after.get("outcome") == Outcome.PRESENT:
            return _("day settled: present %(times)s") % {"times": _attended(after)}
        if after.get("outcome") == Outcome.NO_SHOW:
            return _("day settled: did not come")
        code = after.get("absence_code") or ""
        label = (absence_labels or {}).get(code) or code
        return _("day settled: absent, %(reason)s") % {"reason": label}
    # An action this module does not know yet: say what the booking became.
    outcome = after.get("outcome")
    if outcome in Outcome.values:
        return _("changed; now %(outcome)s") % {"outcome": Outcome(outcome).label}
    return _("changed")


def change_sentence(
    change: BookingChange, *, today: dt.date, absence_labels: dict[str, str] | None = None
) -> str:
    """The whole line: what, by whom, when ("… door Sara, 3 december 14:02")."""
    what = change_what(change, today=today, absence_labels=absence_labels)
    moment = timezone.localtime(change.at)
    when = _("%(day)s %(time)s") % {
        "day": day_in_words(moment.date(), today=today),
        "time": f"{moment:%H:%M}",
    }
    if change.user is None and (change.after or {}).get("by") == "parent":
        return _("%(what)s by parent via link, %(when)s") % {"what": what, "when": when}
    if change.user is None:
        return _("%(what)s, %(when)s") % {"what": what, "when": when}
    who = change.user.get_full_name() or change.user.username
    return _("%(what)s by %(who)s, %(when)s") % {"what": what, "who": who, "when": when}
