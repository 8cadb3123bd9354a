"""Writes of the bookings: keyword-only, typed, atomic.

Every booking service keeps the same invariants (_check_booking) and the same policy for
booking beyond the acceptance rule (booking_override_reason).
"""

import datetime as dt
from dataclasses import dataclass
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from elief.models import Site, User
from families.models import Child
from planning import rules, selectors
from planning.models import (
    DEFAULT_ABSENCE_CODES,
    AbsenceCode,
    Booking,
    BookingChange,
    Group,
    WaitingListEntry,
)

# Bookings

# The history's actions of a care-plan change applied to its bookings.
PLAN_CHANGED = "plan_changed"
PLAN_REMOVED = "plan_removed"


class BookingRefused(ValidationError):
    """The acceptance rule refuses the booking; a coordinator may book anyway with a reason."""

    def __init__(self, message: str, *, risk_pct: float, max_pct: float) -> None:
        super().__init__(message)
        self.risk_pct = risk_pct
        self.max_pct = max_pct


def booking_snapshot(booking: Booking) -> dict:
    return {
        "group": booking.group.name,
        "date": booking.date.isoformat(),
        "start": f"{booking.start:%H:%M}",
        "end": f"{booking.end:%H:%M}",
        "place_type": booking.place_type,
        "outcome": booking.outcome,
        "arrived": f"{booking.arrived:%H:%M}" if booking.arrived else None,
        "left": f"{booking.left:%H:%M}" if booking.left else None,
        "absence_code": booking.absence_code.code if booking.absence_code else None,
        "override_reason": booking.override_reason or None,
    }


def _record(
    booking: Booking, *, user: User | None, action: str, before: dict | None, by: str = ""
) -> None:
    after = booking_snapshot(booking)
    if by:
        # Who acted without an account (a parent through the family's link).
        after["by"] = by
    BookingChange.objects.create(
        booking=booking, user=user, action=action, before=before, after=after
    )


def _lock_group_day(group: Group) -> Group:
    # Two coordinators booking the last places of a group at once: the second waits for
    # the first to commit, then sees its booking when the risk is computed again.
    locked = Group.objects.select_for_update().select_related("site").get(pk=group.pk)
    # Read once for the checks of the day and for a day plan built on the same figures.
    selectors.prefetch_closing_days(locked.site)
    return locked


# The invariants every booking service keeps


def _check_open_day(*, site: Site, day: dt.date) -> None:
    if not site.is_open_on(day):
        raise ValidationError(
            _("The site is closed on %(day)s.") % {"day": formats.date_format(day, "DAY_FORMAT")}
        )


def _check_one_booking_a_day(*, child: Child, day: dt.date, exclude_pk: int | None) -> None:
    others = Booking.objects.filter(child=child, date=day).exclude(outcome=rules.CANCELLED)
    if others.exclude(pk=exclude_pk).exists():
        raise ValidationError(
            _("%(name)s is already booked on this day.") % {"name": child.first_name}
        )


def _check_booking(
    *,
    site: Site,
    child: Child,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    exclude_pk: int | None = None,
) -> None:
    """What holds for every live booking, however it is made: an open day, times within
    the opening hours that end after they start, one booking per child and day.
    `exclude_pk` is the booking being changed, which does not collide with itself."""
    _check_open_day(site=site, day=day)
    site.check_opening_hours(start, end)
    _check_one_booking_a_day(child=child, day=day, exclude_pk=exclude_pk)


@dataclass(frozen=True)
class Acceptance:
    accepted: bool
    risk_pct: float
    max_pct: float


def _check_acceptance(
    *,
    group: Group,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    child_id: int,
    place_type: str,
    now: dt.datetime,
    exclude_pk: int | None = None,
) -> Acceptance:
    """The acceptance rule on the day's figures as the day plan computes them."""
    figures = selectors.day_figures(
        site=group.site, day=day, now=now, groups=[group], children={child_id}
    )
    return acceptance_on_figures(
        figures=figures,
        group=group,
        start=start,
        end=end,
        child_id=child_id,
        place_type=place_type,
        exclude_pk=exclude_pk,
    )


def acceptance_on_figures(
    *,
    figures: selectors.DayFigures,
    group: Group,
    start: dt.time,
    end: dt.time,
    child_id: int,
    place_type: str,
    exclude_pk: int | None = None,
) -> Acceptance:
    """The acceptance rule on figures already computed: a page judging many bookings of
    the same days computes the figures once. `figures` must hold `group` and `child_id`'s
    show probability."""
    site = figures.site
    group_day = next(group_day for group_day in figures.groups if group_day.group.pk == group.pk)
    max_pct = figures.settings.max_overflow_risk_pct
    accepted, risk_pct = rules.accepts_booking(
        existing=group_day.planned(exclude_pk=exclude_pk),
        new=rules.PlannedBooking(start=start, end=end, p=figures.probabilities[child_id]),
        capacity=group.capacity,
        # A booking being moved does not change the reserve left: only urgent bookings
        # use the reserve, and an urgent booking is checked against the full capacity.
        reserve_left=group_day.reserve_left,
        urgent=place_type == rules.URGENT,
        max_risk_pct=max_pct,
        opens=site.opens,
        closes=site.closes,
    )
    return Acceptance(accepted=accepted, risk_pct=risk_pct, max_pct=float(max_pct))


def booking_override_reason(*, acceptance: Acceptance, reason: str) -> str:
    """The reason to record with a booking, by the one policy for booking beyond the rule.

    An accepted booking records none, so "overbooked" on the day plan means what it says;
    a refused one is made only with a reason, which is recorded; without one it is refused.
    """
    if acceptance.accepted:
        return ""
    if not reason.strip():
        raise _refusal(acceptance)
    return reason.strip()


def _refusal(acceptance: Acceptance) -> BookingRefused:
    return BookingRefused(
        _("The overflow risk would be %(risk)s %%, above the maximum of %(max)s %%.")
        % {
            "risk": formats.number_format(acceptance.risk_pct, decimal_pos=1),
            "max": formats.number_format(acceptance.max_pct, decimal_pos=1),
        },
        risk_pct=acceptance.risk_pct,
        max_pct=acceptance.max_pct,
    )


# Booking services


@transaction.atomic
def booking_create(
    *,
    child: Child,
    group: Group,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    place_type: str,
    user: User | None,
    override_reason: str = "",
    settling_in: bool = False,
    origin: str,
    care_plan=None,
    now: dt.datetime | None = None,
    check_acceptance: bool = True,
) -> Booking:
    """Book a child; refused (BookingRefused) when the overflow risk would pass the
    site's maximum, unless a reason to book anyway is given, which is recorded.

    `origin` says where the booking comes from (Origin): a care-plan change rewrites only
    the bookings of its own origin. `check_acceptance=False` is for bookings planned on
    purpose (settling-in sessions): the acceptance rule does not apply, the other
    invariants do.
    """
    booking, _figures = _booking_create(
        child=child,
        group=group,
        day=day,
        start=start,
        end=end,
        place_type=place_type,
        user=user,
        override_reason=override_reason,
        settling_in=settling_in,
        origin=origin,
        care_plan=care_plan,
        now=now or timezone.now(),
        check_acceptance=check_acceptance,
    )
    return booking


class BookingOnPlan(TypedDict):
    """What the day plan's booking form gives booking_create_on_plan."""

    child: Child
    group: Group
    day: dt.date
    start: dt.time
    end: dt.time
    place_type: str
    user: User
    override_reason: str
    settling_in: bool
    origin: str
    now: dt.datetime


@transaction.atomic
def booking_create_on_plan(
    *, plan_groups: list[Group], **booking: Unpack[BookingOnPlan]
) -> tuple[Booking, selectors.DayFigures]:
    """booking_create for the day plan, which answers with the day's figures: the figures
    the booking is judged on are those of the plan's groups (`plan_groups`, `group` among
    them) with the bookings' names, and come back with the new booking in them, so the
    answer does not read the day again."""
    made, figures = _booking_create(**booking, plan_groups=plan_groups)
    assert figures is not None
    return made, selectors.day_figures_with_booking(figures, made, now=booking["now"])


def _booking_create(
    *,
    child: Child,
    group: Group,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    place_type: str,
    user: User | None,
    override_reason: str,
    settling_in: bool,
    origin: str,
    now: dt.datetime,
    care_plan=None,
    check_acceptance: bool = True,
    plan_groups: list[Group] | None = None,
) -> tuple[Booking, selectors.DayFigures | None]:
    """booking_create, and the figures the booking was judged on (before it was made)."""
    group = _lock_group_day(group)
    if child.family.site_id != group.site_id:
        raise ValidationError(_("The child belongs to another site."))
    _check_booking(site=group.site, child=child, day=day, start=start, end=end)
    figures = None
    if check_acceptance:
        figures = selectors.day_figures(
            site=group.site,
            day=day,
            now=now,
            groups=[group] if plan_groups is None else plan_groups,
            children={child.pk},
            names=plan_groups is not None,
        )
        acceptance = acceptance_on_figures(
            figures=figures,
            group=group,
            start=start,
            end=end,
            child_id=child.pk,
            place_type=place_type,
        )
        override_reason = booking_override_reason(acceptance=acceptance, reason=override_reason)
    booking = Booking(
        child=child,
        group=group,
        date=day,
        start=start,
        end=end,
        place_type=place_type,
        override_reason=override_reason.strip(),
        settling_in=settling_in,
        care_plan=care_plan,
        origin=origin,
        created_by=user,
    )
    # The child, the group (locked above), the user and the care plan were read just now:
    # checking that each exists would cost a query apiece.
    booking.full_clean(
        exclude=["child", "group", "created_by", "care_plan"], validate_constraints=False
    )
    booking.save()
    _record(booking, user=user, action="created", before=None)
    return booking, figures


def booking_locked(booking: Booking, version: int | None) -> Booking:
    # Lock the booking row alone, then read it with its relations. A lock taken through
    # the join to the group loses the row when a concurrent move changed its group
    # (PostgreSQL re-checks the join against the new row version and finds nothing), and
    # FOR UPDATE cannot take the nullable side of the absence code's outer join.
    Booking.objects.select_for_update().filter(pk=booking.pk).values_list("pk").get()
    locked = Booking.objects.select_related("group__site", "child__family", "absence_code").get(
        pk=booking.pk
    )
    if version is not None and locked.version != version:
        raise ValidationError(
            _("Someone changed this booking in the meantime. Reload the page and try again.")
        )
    return locked


def _save(
    booking: Booking, *, user: User | None, action: str, before: dict, by: str = ""
) -> Booking:
    booking.version += 1
    booking.full_clean(validate_constraints=False)
    booking.save()
    _record(booking, user=user, action=action, before=before, by=by)
    return booking


@transaction.atomic
def booking_move(
    *,
    booking: Booking,
    version: int | None,
    user: User,
    group: Group,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    override_reason: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """Move a booking to another group, day or time; the acceptance rule applies there."""
    now = now or timezone.now()
    target = _lock_group_day(group)
    booking = booking_locked(booking, version)
    if target.site_id != booking.group.site_id:
        raise ValidationError(_("A booking moves within its site only."))
    _check_booking(
        site=target.site,
        child=booking.child,
        day=day,
        start=start,
        end=end,
        exclude_pk=booking.pk,
    )
    acceptance = _check_acceptance(
        group=target,
        day=day,
        start=start,
        end=end,
        child_id=booking.child_id,
        place_type=booking.place_type,
        now=now,
        exclude_pk=booking.pk,
    )
    reason = booking_override_reason(acceptance=acceptance, reason=override_reason)
    before = booking_snapshot(booking)
    booking.group, booking.date, booking.start, booking.end = target, day, start, end
    booking.override_reason = reason
    return _save(booking, user=user, action="moved", before=before)


@transaction.atomic
def booking_follow_plan(
    *,
    booking: Booking,
    user: User | None,
    group: Group,
    start: dt.time,
    end: dt.time,
) -> Booking:
    """Give a booking of a care plan the plan's new group or times, on its own day.

    The plan's place is contracted, so the acceptance rule does not apply; the other
    invariants do. Recorded as "plan_changed" in the booking's history.
    """
    booking = booking_locked(booking, None)
    if group.site_id != booking.group.site_id:
        raise ValidationError(_("The group belongs to another site."))
    _check_booking(
        site=booking.group.site,
        child=booking.child,
        day=booking.date,
        start=start,
        end=end,
        exclude_pk=booking.pk,
    )
    before = booking_snapshot(booking)
    booking.group, booking.start, booking.end = group, start, end
    return _save(booking, user=user, action=PLAN_CHANGED, before=before)


@transaction.atomic
def booking_drop_from_plan(*, booking: Booking, user: User | None) -> Booking:
    """Cancel a planned booking the care plan no longer holds, recorded as "plan_removed":
    the history keeps it, and the plan may book the day again later."""
    booking = booking_locked(booking, None)
    if booking.outcome != rules.PLANNED:
        raise ValidationError(_("Only a planned booking can be cancelled."))
    before = booking_snapshot(booking)
    booking.outcome = rules.CANCELLED
    return _save(booking, user=user, action=PLAN_REMOVED, before=before)


@transaction.atomic
def booking_cancel(*, booking: Booking, version: int | None, user: User) -> Booking:
    booking = booking_locked(booking, version)
    if booking.outcome not in (rules.PLANNED,):
        raise ValidationError(_("Only a planned booking can be cancelled."))
    before = booking_snapshot(booking)
    booking.outcome = rules.CANCELLED
    return _save(booking, user=user, action="cancelled", before=before)


@transaction.atomic
def booking_restore(*, booking: Booking, version: int | None, user: User) -> Booking:
    """Undo a cancellation, unless the child was booked elsewhere that day since.

    The acceptance rule does not apply: an undo puts back a booking the plan held a
    moment ago, and there is no reason to ask for.
    """
    booking = booking_locked(booking, version)
    if booking.outcome != rules.CANCELLED:
        raise ValidationError(_("Only a cancelled booking can be restored."))
    _check_booking(
        site=booking.group.site,
        child=booking.child,
        day=booking.date,
        start=booking.start,
        end=booking.end,
        exclude_pk=booking.pk,
    )
    before = booking_snapshot(booking)
    booking.outcome = rules.PLANNED
    return _save(booking, user=user, action="restored", before=before)


@transaction.atomic
def booking_set_place_type(
    *, booking: Booking, version: int | None, user: User, place_type: str
) -> Booking:
    booking = booking_locked(booking, version)
    before = booking_snapshot(booking)
    booking.place_type = place_type
    return _save(booking, user=user, action="place_type", before=before)


@transaction.atomic
def booking_check_in(*, booking: Booking, version: int | None, user: User, at: dt.time) -> Booking:
    booking = booking_locked(booking, version)
    if booking.outcome == rules.CANCELLED:
        raise ValidationError(_("A cancelled booking cannot be checked in."))
    before = booking_snapshot(booking)
    booking.outcome, booking.arrived, booking.left, booking.absence_code = (
        rules.PRESENT,
        at,
        None,
        None,
    )
    return _save(booking, user=user, action="checked_in", before=before)


@transaction.atomic
def booking_check_out(*, booking: Booking, version: int | None, user: User, at: dt.time) -> Booking:
    booking = booking_locked(booking, version)
    if booking.outcome != rules.PRESENT or booking.arrived is None:
        raise ValidationError(_("Check the child in before checking out."))
    if at <= booking.arrived:
        raise ValidationError(
            _("The departure must come after the arrival (%(time)s).")
            % {"time": f"{booking.arrived:%H:%M}"}
        )
    before = booking_snapshot(booking)
    booking.left = at
    return _save(booking, user=user, action="checked_out", before=before)


@transaction.atomic
def booking_record_absence(
    *,
    booking: Booking,
    version: int | None,
    user: User | None,
    absence_code: AbsenceCode | None,
    by: str = "",
) -> Booking:
    """An announced absence (excused, with its code) or, without a code, a no-show.

    `by` names who acted without an account (a parent through the family's link)."""
    booking = booking_locked(booking, version)
    if booking.outcome == rules.CANCELLED:
        raise ValidationError(_("A cancelled booking cannot be marked absent."))
    if absence_code is not None and absence_code.site_id != booking.group.site_id:
        raise ValidationError(_("Unknown absence code."))
    before = booking_snapshot(booking)
    booking.outcome = rules.EXCUSED if absence_code else rules.NO_SHOW
    booking.absence_code, booking.arrived, booking.left = absence_code, None, None
    return _save(booking, user=user, action="absent", before=before, by=by)


@transaction.atomic
def booking_confirm(*, booking: Booking, user: User | None, by: str = "") -> Booking:
    """Record that the family confirmed the booking will be used; the booking stays as it is."""
    booking = booking_locked(booking, None)
    if booking.outcome != rules.PLANNED:
        raise ValidationError(_("Only a planned booking can be confirmed."))
    _record(booking, user=user, action="confirmed", before=booking_snapshot(booking), by=by)
    return booking


def booking_acceptance(
    *,
    group: Group,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    child_id: int,
    place_type: str,
    now: dt.datetime,
) -> Acceptance:
    """What the acceptance rule would answer to this booking now, without booking it."""
    return _check_acceptance(
        group=group,
        day=day,
        start=start,
        end=end,
        child_id=child_id,
        place_type=place_type,
        now=now,
    )


def absence_codes_ensure(*, site: Site) -> list[AbsenceCode]:
    """The default absence codes of DESIGN.md, for a site that has none yet."""
    for code, label, counts in DEFAULT_ABSENCE_CODES:
        AbsenceCode.objects.get_or_create(
            site=site, code=code, defaults={"label": label, "counts_for_regular": counts}
        )
    return list(site.absence_codes.all())


@transaction.atomic
def children_planning_erase(*, children: list[Child]) -> None:
    """Erase what the day plan holds in free text about children whose family is erased.

    Override reasons and waiting-list notes may name the parents; the bookings' group,
    dates, times, place types and outcomes stay, so past figures do not change. The
    history of each booking drops the reasons it copied.
    """
    Booking.objects.filter(child__in=children).exclude(override_reason="").update(
        override_reason=""
    )
    changes = list(BookingChange.objects.filter(booking__child__in=children))
    for change in changes:
        for snapshot in (change.before, change.after):
            if isinstance(snapshot, dict):
                # The reasons of overrides and attendance corrections may name people.
                for key in ("override_reason", "reason"):
                    if snapshot.get(key):
                        snapshot[key] = None
    BookingChange.objects.bulk_update(changes, ["before", "after"], batch_size=500)
    WaitingListEntry.objects.filter(child__in=children).exclude(note="").update(note="")
