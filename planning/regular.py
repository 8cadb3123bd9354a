"""Regular care plans generate planned bookings; the nightly task moves the horizon on."""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from elief.models import Site
from families.models import CareKind, CarePlan, Child
from planning import rules, services
from planning.models import Booking, BookingChange, Group

logger = logging.getLogger(__name__)

# Regular bookings are generated this far ahead; the nightly task moves the horizon on.
REGULAR_HORIZON = dt.timedelta(weeks=4)
GENERATED = "generated"


# Regular care plans generate planned bookings


@dataclass
class RegularSyncResult:
    created: list[Booking] = field(default_factory=list)
    deleted: int = 0


def _last_day(plan: CarePlan) -> dt.date | None:
    """The plan's last day of care: its end, or the day the family left if earlier."""
    ends = [day for day in (plan.end, plan.child.family.left_on) if day is not None]
    return min(ends) if ends else None


def _group_for(plan: CarePlan, site: Site) -> Group | None:
    """The group of the child's most recent booking, else the site's group with the most
    regular places (the first by name on a tie)."""
    recent = (
        Booking.objects.filter(child_id=plan.child_id, group__site=site)
        .select_related("group")
        .order_by("-date", "-pk")
        .first()
    )
    if recent is not None:
        return recent.group
    return Group.objects.filter(site=site).order_by("-regular_places", "name", "pk").first()


@transaction.atomic
def regular_bookings_sync(
    *, plan: CarePlan, until: dt.date, group: Group | None = None, today: dt.date | None = None
) -> RegularSyncResult:
    """Make the planned bookings of a regular care plan follow the plan, up to `until`.

    Creates a planned regular booking on every open day of the site from max(today, start)
    to min(end, until) whose weekday is in the pattern, with the pattern's times, unless
    the child already has a booking that day: whatever its outcome, someone already
    decided about that day (a cancelled day stays cancelled). Deletes the bookings this
    function generated that no longer fit the plan (other weekday, outside the plan,
    closed day, or old times on a booking nobody touched since), from today on and only
    while still planned; the past and whatever a coordinator booked or moved by hand stay.
    Running it twice changes nothing. Regular places are contracted, so the acceptance
    rule of the overbooking does not apply.
    """
    today = today or timezone.localdate()
    # The nightly extension and a coordinator's change of the same plan: the second waits
    # for the first, then sees its bookings instead of creating the same days again.
    plan = (
        CarePlan.objects.select_for_update(of=("self",))
        .select_related("child__family__site")
        .get(pk=plan.pk)
    )
    site = plan.child.family.site
    pattern = {day.weekday: (day.start, day.end) for day in plan.days.all()}
    if plan.kind != CareKind.REGULAR or plan.child.family.erased_at is not None:
        pattern = {}
    last_day = _last_day(plan)

    generated = list(
        Booking.objects.filter(care_plan=plan, date__gte=today, outcome=rules.PLANNED)
        .filter(Exists(BookingChange.objects.filter(booking=OuterRef("pk"), action=GENERATED)))
        .annotate(
            moved=Exists(BookingChange.objects.filter(booking=OuterRef("pk"), action="moved"))
        )
    )
    first = max(today, plan.start)
    last = min(day for day in (until, last_day) if day is not None)
    horizon = max([last, *(booking.date for booking in generated)])
    open_days = set(site.open_days(today, horizon)) if horizon >= today else set()

    def fits(booking: Booking) -> bool:
        in_plan = plan.start <= booking.date and (last_day is None or booking.date <= last_day)
        if not pattern or not in_plan:
            return False
        if booking.moved:  # a coordinator moved it: its day and times are theirs
            return True
        times = pattern.get(booking.date.isoweekday())
        if times is None or booking.date not in open_days:
            return False
        # New times reach the bookings nobody changed since they were generated.
        return booking.version > 1 or (booking.start, booking.end) == times

    stale = [booking.pk for booking in generated if not fits(booking)]
    result = RegularSyncResult()
    if stale:
        Booking.objects.filter(pk__in=stale).delete()
        result.deleted = len(stale)

    wanted = {
        day: pattern[day.isoweekday()]
        for day in sorted(open_days)
        if first <= day <= last and day.isoweekday() in pattern
    }
    if not wanted:
        return result
    taken = set(
        Booking.objects.filter(child_id=plan.child_id, date__in=wanted).values_list(
            "date", flat=True
        )
    )
    # A generated booking a coordinator moved to another day keeps its first day taken.
    for before in BookingChange.objects.filter(booking__care_plan=plan, action="moved").values_list(
        "before", flat=True
    ):
        if isinstance(before, dict) and before.get("date"):
            taken.add(dt.date.fromisoformat(before["date"]))
    missing = [day for day in wanted if day not in taken]
    if not missing:
        return result
    group = group or _group_for(plan, site)
    if group is None:
        logger.warning("Site %s has no groups: no regular bookings for plan %s.", site, plan.pk)
        return result
    if group.site_id != site.pk:
        raise ValidationError(_("The group belongs to another site."))
    bookings = Booking.objects.bulk_create(
        Booking(
            child_id=plan.child_id,
            group=group,
            date=day,
            start=wanted[day][0],
            end=wanted[day][1],
            place_type=rules.REGULAR,
            care_plan=plan,
        )
        for day in missing
    )
    BookingChange.objects.bulk_create(
        BookingChange(
            booking=booking,
            action=GENERATED,
            before=None,
            after=services.booking_snapshot(booking),
        )
        for booking in bookings
    )
    result.created = bookings
    return result


@transaction.atomic
def regular_bookings_drop(*, plan: CarePlan, today: dt.date | None = None) -> int:
    """Delete the planned bookings generated for a plan that goes away, from today on."""
    today = today or timezone.localdate()
    generated = Booking.objects.filter(
        care_plan=plan, date__gte=today, outcome=rules.PLANNED
    ).filter(Exists(BookingChange.objects.filter(booking=OuterRef("pk"), action=GENERATED)))
    pks = list(generated.values_list("pk", flat=True))
    if pks:
        Booking.objects.filter(pk__in=pks).delete()
    return len(pks)


class _PlanSync:
    """The on-commit callback that syncs one plan; comparable, so it is queued once."""

    def __init__(self, plan_id: int) -> None:
        self.plan_id = plan_id
        self.done = False

    def __call__(self) -> None:
        self.done = True
        plan = CarePlan.objects.filter(pk=self.plan_id).first()
        if plan is None:
            return
        today = timezone.localdate()
        regular_bookings_sync(plan=plan, until=today + REGULAR_HORIZON, today=today)


def regular_bookings_sync_on_commit(*, plan_id: int) -> None:
    """Sync the plan's bookings once the current transaction commits.

    After the commit, because a care plan changes in several steps (the plan, then its
    days are deleted and created again) and only the end state counts; once, however
    many of those steps signal it. A failure is logged, not raised: the plan is saved
    and the nightly extension tries again.
    """
    connection = transaction.get_connection()
    pending = (entry[1] for entry in connection.run_on_commit)
    if any(
        isinstance(func, _PlanSync) and func.plan_id == plan_id and not func.done
        for func in pending
    ):
        return
    transaction.on_commit(_PlanSync(plan_id), robust=True)


def regular_plans_in_force(*, today: dt.date, until: dt.date) -> QuerySet[CarePlan]:
    return CarePlan.objects.filter(
        kind=CareKind.REGULAR, start__lte=until, child__family__erased_at__isnull=True
    ).filter(Q(end__isnull=True) | Q(end__gte=today))


def regular_bookings_extend(*, today: dt.date | None = None) -> int:
    """Extend every regular plan in force to today + 4 weeks; the number of new bookings.

    One transaction per plan, so one plan that fails (logged) does not hold back the others.
    """
    today = today or timezone.localdate()
    until = today + REGULAR_HORIZON
    created = 0
    for plan in regular_plans_in_force(today=today, until=until).order_by("pk"):
        try:
            created += len(regular_bookings_sync(plan=plan, until=until, today=today).created)
        except (ValidationError, DatabaseError):
            logger.exception("Could not extend the regular bookings of care plan %s.", plan.pk)
    return created


@transaction.atomic
def settling_in_bookings_sync(*, child: Child, sessions: list) -> list[Booking]:
    """Book the child's settling-in sessions; drop the planned ones no longer planned.

    A session books an occasional place flagged as settling-in, in the group of the
    child's latest booking or else the group with the most occasional places. The
    coordinator planned it on purpose, so the overbooking rule does not refuse it.
    """
    today = timezone.localdate()
    site = child.family.site
    wanted = {(s.date, s.start, s.end) for s in sessions if s.date >= today}
    existing = list(
        Booking.objects.filter(
            child=child, settling_in=True, outcome=rules.PLANNED, date__gte=today
        )
    )
    for booking in existing:
        if (booking.date, booking.start, booking.end) not in wanted:
            services.booking_cancel(booking=booking, version=None, user=None)
    booked_days = set(
        Booking.objects.filter(child=child, date__in={day for day, _s, _e in wanted})
        .exclude(outcome=rules.CANCELLED)
        .values_list("date", flat=True)
    )
    recent = (
        Booking.objects.filter(child=child, group__site=site)
        .select_related("group")
        .order_by("-date", "-pk")
        .first()
    )
    group = (
        recent.group
        if recent
        else (Group.objects.filter(site=site).order_by("-occasional_places", "name", "pk").first())
    )
    if group is None:
        return []
    return [
        services.booking_create(
            child=child,
            group=group,
            day=day,
            start=start,
            end=end,
            place_type=rules.OCCASIONAL,
            settling_in=True,
            user=None,
            check_acceptance=False,
        )
        for day, start, end in sorted(wanted)
        if day not in booked_days
    ]
