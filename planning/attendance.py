"""Writes of attendance after the fact: undoing a tap, correcting times with a reason, and
settling a day. Keyword-only, typed, atomic; every change in the booking's history."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elief.models import Role, Site, User
from planning import rules
from planning.events import past_attendance_changed
from planning.models import (
    AbsenceCode,
    Booking,
    BookingChange,
)
from planning.services import booking_locked, booking_snapshot

# Correcting attendance and settling a day


def _save_with_reason(
    booking: Booking, *, user: User | None, action: str, before: dict, reason: str = ""
) -> Booking:
    """_save, with the reason kept in the history next to the new state."""
    booking.version += 1
    booking.full_clean(validate_constraints=False)
    booking.save()
    after = booking_snapshot(booking)
    if reason:
        after["reason"] = reason
    BookingChange.objects.create(
        booking=booking, user=user, action=action, before=before, after=after
    )
    past_attendance_changed.send(sender=Booking, booking=booking)
    return booking


def _check_attendance_times(
    *, site: Site, arrived: dt.time, left: dt.time | None, fields: tuple[str, str]
) -> None:
    """Times of a stay as it was: within the opening hours, the departure after the
    arrival. A departure after closing time is refused: figures must not count it."""
    if left is None:
        if not site.opens <= arrived < site.closes:
            raise ValidationError(
                {
                    fields[0]: _("The arrival must lie within the opening hours (%(hours)s).")
                    % {"hours": f"{site.opens:%H:%M}–{site.closes:%H:%M}"}
                }
            )
        return
    site.check_opening_hours(arrived, left, fields=fields)


def _is_coordinator(user: User) -> bool:
    return user.is_superuser or user.role == Role.COORDINATOR


def _check_may_correct(*, booking: Booking, user: User, now: dt.datetime) -> None:
    if booking.date > now.date():
        raise ValidationError(_("Attendance of a day still to come cannot be recorded."))
    # The coordinator corrects any day; staff only the day itself.
    if booking.date < now.date() and not _is_coordinator(user):
        raise ValidationError(_("Only the coordinator corrects the times of another day."))


@transaction.atomic
def booking_undo_attendance(
    *, booking: Booking, version: int | None, user: User, now: dt.datetime | None = None
) -> Booking:
    """Undo the last check-in or check-out within rules.UNDO_WINDOW: a tap by mistake on
    the tablet. The undo is itself in the history, so nothing disappears."""
    now = now or timezone.now()
    booking = booking_locked(booking, version)
    last = booking.changes.order_by("-at", "-pk").first()
    if last is None or not rules.can_undo(action=last.action, at=last.at, now=now):
        raise ValidationError(_("This can no longer be undone. Correct the times instead."))
    before = booking_snapshot(booking)
    previous = last.before or {}
    if last.action == rules.CHECKED_OUT:
        booking.left = None
    else:
        codes = {c.code: c for c in booking.group.site.absence_codes.all()}
        booking.outcome = previous.get("outcome") or rules.PLANNED
        booking.arrived = _time_or_none(previous.get("arrived"))
        booking.left = _time_or_none(previous.get("left"))
        booking.absence_code = codes.get(previous.get("absence_code") or "")
    return _save_with_reason(booking, user=user, action=f"undo_{last.action}", before=before)


def _time_or_none(value: str | None) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None


@transaction.atomic
def booking_correct_attendance(
    *,
    booking: Booking,
    version: int | None,
    user: User,
    arrived: dt.time,
    left: dt.time | None,
    reason: str,
    now: dt.datetime | None = None,
) -> Booking:
    """Correct the arrival and departure of a child who was present, with a reason.

    The coordinator corrects any past day, staff only today; the history keeps the old
    and new times, who changed them and why.
    """
    now = timezone.localtime(now) if now else timezone.localtime()
    booking = booking_locked(booking, version)
    _check_may_correct(booking=booking, user=user, now=now)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the times are corrected.")})
    if booking.outcome != rules.PRESENT:
        raise ValidationError(_("Only the times of a child who was present can be corrected."))
    _check_attendance_times(
        site=booking.group.site, arrived=arrived, left=left, fields=("arrived", "left")
    )
    before = booking_snapshot(booking)
    booking.arrived, booking.left = arrived, left
    return _save_with_reason(
        booking, user=user, action="corrected", before=before, reason=reason.strip()
    )


@transaction.atomic
def booking_settle(
    *,
    booking: Booking,
    version: int | None,
    user: User,
    outcome: str,
    arrived: dt.time | None = None,
    left: dt.time | None = None,
    absence_code: AbsenceCode | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Record what happened on a day to settle (past, or today after closing time):
    present with its times, a no-show, or excused with its code."""
    now = timezone.localtime(now) if now else timezone.localtime()
    booking = booking_locked(booking, version)
    site = booking.group.site
    if not rules.day_to_settle(day=booking.date, now=now, closes=site.closes):
        raise ValidationError(_("This day can be settled once the site has closed."))
    if booking.date < now.date() and not _is_coordinator(user):
        raise ValidationError(_("Only the coordinator settles a day that has passed."))
    if not rules.is_unsettled(outcome=booking.outcome, left=booking.left):
        raise ValidationError(_("This booking is settled already."))
    before = booking_snapshot(booking)
    if outcome == rules.PRESENT:
        arrived = arrived or booking.arrived or booking.start
        left = left or booking.end
        _check_attendance_times(site=site, arrived=arrived, left=left, fields=("arrived", "left"))
        booking.outcome, booking.arrived, booking.left, booking.absence_code = (
            rules.PRESENT,
            arrived,
            left,
            None,
        )
    elif outcome == rules.NO_SHOW:
        booking.outcome, booking.arrived, booking.left, booking.absence_code = (
            rules.NO_SHOW,
            None,
            None,
            None,
        )
    elif outcome == rules.EXCUSED:
        if absence_code is None or absence_code.site_id != site.pk:
            raise ValidationError({"code": _("Choose a reason of absence.")})
        booking.outcome, booking.arrived, booking.left, booking.absence_code = (
            rules.EXCUSED,
            None,
            None,
            absence_code,
        )
    else:
        raise ValidationError(_("Unknown outcome."))
    return _save_with_reason(booking, user=user, action="settled", before=before)
