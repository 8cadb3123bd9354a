"""Regular care plans generate planned bookings; the nightly task moves the horizon on."""

import datetime as dt
import logging
from collections.abc import Collection
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from elief.models import Site, User
from families.models import CareKind, CarePlan, Child
from planning import rules, services
from planning.models import Booking, BookingChange, Group, Origin

logger = logging.getLogger(__name__)

# Regular bookings are generated this far ahead; the nightly task moves the horizon on.
REGULAR_HORIZON = dt.timedelta(weeks=4)
GENERATED = "generated"


# Regular care plans generate planned bookings

# A booking a coordinator handled by hand keeps what they chose: moved, its day and
# times; any other change by hand (place type, restored, imported), its times.
PLAN_ACTIONS = ("created", GENERATED, services.PLAN_CHANGED, services.PLAN_REMOVED)


@dataclass(frozen=True)
class PlanProposal:
    """A care plan as it is or as a change would make it."""

    kind: str
    start: dt.date
    end: dt.date | None
    pattern: dict[int, tuple[dt.time, dt.time]]
    left_on: dt.date | None = None

    @classmethod
    def of(cls, plan: CarePlan) -> "PlanProposal":
        return cls(
            kind=plan.kind,
            start=plan.start,
            end=plan.end,
            pattern=plan.pattern,
            left_on=plan.child.family.left_on,
        )

    @property
    def last_day(self) -> dt.date | None:
        """The plan's last day of care: its end, or the day the family left if earlier."""
        ends = [day for day in (self.end, self.left_on) if day is not None]
        return min(ends) if ends else None


@dataclass(frozen=True)
class NewDay:
    day: dt.date
    group: Group
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class BookingUpdate:
    booking: Booking
    group: Group
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class SkippedDay:
    day: dt.date
    reason: str


@dataclass
class PlanPreview:
    """What a care plan (change) does to the future planned bookings, before it is done.

    `add`, `change` and `remove` are the plan's own bookings (origin care_plan);
    `other_changes` and `other_removals` are bookings linked to the plan but of another
    origin (a referral start, an import, a booking by hand): kept unless ticked.
    """

    regular: bool
    add: list[NewDay] = field(default_factory=list)
    change: list[BookingUpdate] = field(default_factory=list)
    remove: list[Booking] = field(default_factory=list)
    other_changes: list[BookingUpdate] = field(default_factory=list)
    other_removals: list[Booking] = field(default_factory=list)

    @property
    def others(self) -> list[tuple[Booking, BookingUpdate | None]]:
        rows = [(update.booking, update) for update in self.other_changes]
        rows += [(booking, None) for booking in self.other_removals]
        return sorted(rows, key=lambda row: (row[0].date, row[0].pk))

    @property
    def is_empty(self) -> bool:
        return not (
            self.add or self.change or self.remove or self.other_changes or self.other_removals
        )


@dataclass
class RegularSyncResult:
    created: list[Booking] = field(default_factory=list)
    changed: list[Booking] = field(default_factory=list)
    removed: list[Booking] = field(default_factory=list)
    skipped: list[SkippedDay] = field(default_factory=list)


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


def care_plan_preview(
    *,
    plan: CarePlan,
    proposal: PlanProposal | None = None,
    until: dt.date | None = None,
    group: Group | None = None,
    today: dt.date | None = None,
) -> PlanPreview:
    """The bookings a plan in the state `proposal` (default: as it is) adds, changes and
    removes from today up to `until` (default: the horizon of four weeks).

    Only a regular plan books; an occasional plan's days are booked by hand, so making a
    plan occasional removes its future generated bookings. `group` moves the plan's
    bookings to another group; without it they stay where they are. A booking a
    coordinator moved keeps its day and times, one changed by hand its times.
    """
    today = today or timezone.localdate()
    until = until or today + REGULAR_HORIZON
    proposal = proposal or PlanProposal.of(plan)
    site = plan.child.family.site
    regular = proposal.kind == CareKind.REGULAR and plan.child.family.erased_at is None
    pattern = proposal.pattern if regular else {}
    last_day = proposal.last_day
    preview = PlanPreview(regular=regular)
    if group is not None and group.site_id != site.pk:
        raise ValidationError(_("The group belongs to another site."))

    by_hand = BookingChange.objects.filter(booking=OuterRef("pk")).exclude(action__in=PLAN_ACTIONS)
    linked = list(
        Booking.objects.filter(care_plan=plan, date__gte=today, outcome=rules.PLANNED)
        .select_related("group", "child")
        .annotate(
            moved=Exists(by_hand.filter(action="moved")),
            by_hand=Exists(by_hand),
        )
        .order_by("date", "pk")
    )
    first = max(today, proposal.start)
    last = min(day for day in (until, last_day) if day is not None)
    horizon = max([last, *(booking.date for booking in linked)])
    open_days = set(site.open_days(today, horizon)) if horizon >= today else set()

    def in_plan(day: dt.date) -> bool:
        return bool(pattern) and proposal.start <= day and (last_day is None or day <= last_day)

    def times_on(day: dt.date) -> tuple[dt.time, dt.time] | None:
        if not in_plan(day) or day not in open_days:
            return None
        return pattern.get(day.isoweekday())

    for booking in linked:
        own = booking.origin == Origin.CARE_PLAN
        new_group = group or booking.group
        if own and booking.moved:  # a coordinator moved it: its day and times are theirs
            times = (booking.start, booking.end) if in_plan(booking.date) else None
        elif not own and not regular:
            # An occasional plan's days are booked by hand: only its period matters.
            within = proposal.start <= booking.date and (
                last_day is None or booking.date <= last_day
            )
            times = (booking.start, booking.end) if within else None
        else:
            times = times_on(booking.date)
            if times is not None and own and booking.by_hand:
                times = (booking.start, booking.end)
        if times is None:
            (preview.remove if own else preview.other_removals).append(booking)
        elif (new_group.pk, *times) != (booking.group_id, booking.start, booking.end):
            update = BookingUpdate(booking=booking, group=new_group, start=times[0], end=times[1])
            (preview.change if own else preview.other_changes).append(update)

    wanted = {
        day: pattern[day.isoweekday()]
        for day in sorted(open_days)
        if first <= day <= last and times_on(day) is not None
    }
    if not wanted:
        return preview
    # Whatever its outcome, a booking of the day means someone decided about that day (a
    # cancelled day stays cancelled), unless the plan itself dropped it earlier.
    dropped = BookingChange.objects.filter(booking=OuterRef("pk"), action=services.PLAN_REMOVED)
    taken = {
        booking.date
        for booking in Booking.objects.filter(child_id=plan.child_id, date__in=wanted).annotate(
            dropped=Exists(dropped)
        )
        if booking.outcome != rules.CANCELLED or not booking.dropped
    }
    # A booking of the plan a coordinator moved to another day keeps its first day taken.
    for before in BookingChange.objects.filter(booking__care_plan=plan, action="moved").values_list(
        "before", flat=True
    ):
        if isinstance(before, dict) and before.get("date"):
            taken.add(dt.date.fromisoformat(before["date"]))
    missing = [day for day in wanted if day not in taken]
    if not missing:
        return preview
    target = group or _group_for(plan, site)
    if target is None:
        logger.warning("Site %s has no groups: no regular bookings for plan %s.", site, plan.pk)
        return preview
    preview.add = [
        NewDay(day=day, group=target, start=wanted[day][0], end=wanted[day][1]) for day in missing
    ]
    return preview


@transaction.atomic
def care_plan_preview_apply(
    *,
    plan: CarePlan,
    preview: PlanPreview,
    user: User | None,
    include: Collection[int] = (),
    now: dt.datetime | None = None,
) -> RegularSyncResult:
    """Apply a preview: the plan's own bookings, and the others whose pk is in `include`.

    Each booking's history records the change ("plan_changed", "plan_removed",
    "created"). A new day the invariants refuse (a closed day, outside the opening hours)
    is skipped and listed; a regular place is contracted, so a day the acceptance rule
    refuses is booked with that reason recorded.
    """
    result = RegularSyncResult()
    updates = [*preview.change, *(u for u in preview.other_changes if u.booking.pk in include)]
    for update in updates:
        result.changed.append(
            services.booking_follow_plan(
                booking=update.booking,
                user=user,
                group=update.group,
                start=update.start,
                end=update.end,
            )
        )
    removals = [*preview.remove, *(b for b in preview.other_removals if b.pk in include)]
    for booking in removals:
        result.removed.append(services.booking_drop_from_plan(booking=booking, user=user))
    for new in preview.add:
        try:
            result.created.append(
                services.booking_create(
                    child=plan.child,
                    group=new.group,
                    day=new.day,
                    start=new.start,
                    end=new.end,
                    place_type=rules.REGULAR,
                    user=user,
                    override_reason=_("Regular place of the care plan."),
                    origin=Origin.CARE_PLAN,
                    care_plan=plan,
                    now=now,
                )
            )
        except ValidationError as error:
            result.skipped.append(SkippedDay(day=new.day, reason=" ".join(error.messages)))
    return result


@transaction.atomic
def regular_bookings_sync(
    *,
    plan: CarePlan,
    until: dt.date,
    group: Group | None = None,
    today: dt.date | None = None,
    user: User | None = None,
    include: Collection[int] = (),
) -> RegularSyncResult:
    """Make the planned bookings of a regular care plan follow the plan, up to `until`.

    Books the pattern on every open day from max(today, start) to min(end, until) that
    the child has no booking on yet; gives the plan's own bookings (origin care_plan)
    new times or group; cancels those no longer in the plan (other weekday, outside the
    plan, closed day), from today on and only while still planned. The past, and the
    bookings of another origin unless `include`d, stay. Running it twice changes nothing.
    """
    today = today or timezone.localdate()
    # The nightly extension and a coordinator's change of the same plan: the second waits
    # for the first, then sees its bookings instead of creating the same days again.
    plan = (
        CarePlan.objects.select_for_update(of=("self",))
        .select_related("child__family__site")
        .get(pk=plan.pk)
    )
    preview = care_plan_preview(plan=plan, until=until, group=group, today=today)
    return care_plan_preview_apply(plan=plan, preview=preview, user=user, include=include)


@transaction.atomic
def regular_bookings_drop(*, plan: CarePlan, today: dt.date | None = None) -> int:
    """Cancel the plan's own planned bookings from today on, for a plan that goes away."""
    today = today or timezone.localdate()
    own = Booking.objects.filter(
        care_plan=plan, origin=Origin.CARE_PLAN, date__gte=today, outcome=rules.PLANNED
    )
    for booking in own:
        services.booking_drop_from_plan(booking=booking, user=None)
    return len(own)


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
            origin=Origin.MANUAL,
            check_acceptance=False,
        )
        for day, start, end in sorted(wanted)
        if day not in booked_days
    ]
