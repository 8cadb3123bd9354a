"""Transitions to a regular place (doorstroom)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from elief.models import Site, User
from elief.scoping import scope_to_sites
from families import rules as family_rules
from families import services as family_services
from families.models import CareKind, CarePlan, CarePlanChange, Child
from planning import rules, services
from planning.models import Booking
from planning.shifts import week_monday

# Who asked for a transition, as the care plan's history shows it (stored data, like the
# "mama" a coordinator types in a change request).
TRANSITION_REQUESTED_BY = "coördinator (doorstroom)"


# Transitions to a regular place (doorstroom)


def weeks_in_a_row(attended: Iterable[dt.date], *, days_per_week: int) -> tuple[int, int]:
    """The longest run of consecutive ISO weeks with at least `days_per_week` days attended,
    and the days attended in that run (the latest run when two are as long)."""
    per_week: dict[dt.date, int] = defaultdict(int)
    for day in set(attended):
        per_week[week_monday(day)] += 1
    full = sorted(monday for monday, count in per_week.items() if count >= days_per_week)
    best = (0, 0)
    run_weeks = run_days = 0
    previous = None
    for monday in full:
        if previous is not None and monday - previous == dt.timedelta(weeks=1):
            run_weeks, run_days = run_weeks + 1, run_days + per_week[monday]
        else:
            run_weeks, run_days = 1, per_week[monday]
        if run_weeks >= best[0]:  # on a tie the later run wins: it is the one that matters now
            best = (run_weeks, run_days)
        previous = monday
    return best


def full_months(start: dt.date, today: dt.date) -> int:
    """Whole calendar months from start to today (clamped like families.rules.add_months)."""
    months = (today.year - start.year) * 12 + today.month - start.month
    if months > 0 and family_rules.add_months(start, months) > today:
        months -= 1
    return max(months, 0)


@dataclass(frozen=True)
class TransitionCandidate:
    plan: CarePlan
    reason: str  # families.rules.FREQUENT or families.rules.LONG
    weeks_in_a_row: int
    days_in_run: int
    days_attended: int
    months: int
    days_per_week: int
    weeks: int
    max_months: int

    @property
    def child(self) -> Child:
        return self.plan.child


def transition_candidates(*, user: User, site: Site, today: dt.date) -> list[TransitionCandidate]:
    """The children on an occasional plan in force today who should get a regular place.

    Four queries whatever the number of children: the site's settings, the plans, their
    days, and the present days of all their children at once.
    """
    settings = site.settings_on(today)
    plans = list(
        scope_to_sites(
            CarePlan.objects.filter(
                kind=CareKind.OCCASIONAL,
                start__lte=today,
                child__family__site=site,
                child__family__erased_at__isnull=True,
            ).filter(Q(end__isnull=True) | Q(end__gte=today)),
            user,
            site_field="child__family__site",
        )
        .select_related("child__family")
        .prefetch_related("days")
        .order_by("start", "pk")
    )
    if not plans:
        return []
    attended: dict[int, set[dt.date]] = defaultdict(set)
    present = Booking.objects.filter(
        child_id__in={plan.child_id for plan in plans},
        outcome=rules.PRESENT,
        date__gte=min(plan.start for plan in plans),
        date__lte=today,
    ).values_list("child_id", "date")
    for child_id, day in present:
        attended[child_id].add(day)
    thresholds = {
        "days_per_week": settings.transition_days_per_week,
        "weeks": settings.transition_weeks,
        "max_months": settings.transition_max_occasional_months,
    }
    candidates = []
    for plan in plans:
        days = {day for day in attended[plan.child_id] if plan.start <= day <= today}
        reason = family_rules.transition_reason(
            care_kind=plan.kind,
            plan_start=plan.start,
            today=today,
            attended_days=days,
            **thresholds,
        )
        if reason is None:
            continue
        run_weeks, run_days = weeks_in_a_row(days, days_per_week=thresholds["days_per_week"])
        candidates.append(
            TransitionCandidate(
                plan=plan,
                reason=reason,
                weeks_in_a_row=run_weeks,
                days_in_run=run_days,
                days_attended=len(days),
                months=full_months(plan.start, today),
                **thresholds,
            )
        )
    candidates.sort(key=lambda c: (c.reason != family_rules.FREQUENT, c.plan.start, c.plan.pk))
    return candidates


def transition_plan_for_user(*, user: User, site: Site, plan_id: int) -> CarePlan:
    plans = scope_to_sites(
        CarePlan.objects.select_related("child__family").prefetch_related("days"),
        user,
        site_field="child__family__site",
    )
    try:
        return plans.get(
            pk=plan_id, child__family__site=site, child__family__erased_at__isnull=True
        )
    except CarePlan.DoesNotExist:
        raise Http404("No such care plan.") from None


def _occasional_bookings_ahead(plan: CarePlan, today: dt.date) -> QuerySet[Booking]:
    bookings = Booking.objects.filter(
        child_id=plan.child_id,
        date__gte=today,
        outcome=rules.PLANNED,
        place_type=rules.OCCASIONAL,
    )
    return bookings.filter(date__lte=plan.end) if plan.end else bookings


def transition_bookings_ahead(*, plan: CarePlan, today: dt.date) -> int:
    """How many planned occasional bookings the transition turns into regular ones."""
    return _occasional_bookings_ahead(plan, today).count()


@dataclass
class TransitionResult:
    change: CarePlanChange
    bookings: list[Booking] = field(default_factory=list)


@transaction.atomic
def transition_to_regular(
    *, plan: CarePlan, version: int, user: User, today: dt.date | None = None, note: str = ""
) -> TransitionResult:
    """Move a child from occasional care to a regular place (doorstroom).

    The plan becomes regular through families.services.care_plan_change, so the change
    is in its history like a family's request; the child's planned occasional bookings
    from today on become regular ones, so their occasional places come free. The regular
    bookings of the pattern follow once the change is committed (planning.signals).
    """
    today = today or timezone.localdate()
    locked = CarePlan.objects.select_for_update().get(pk=plan.pk)
    if locked.version == version and locked.kind != CareKind.OCCASIONAL:
        raise ValidationError(_("Only an occasional care plan moves to a regular place."))
    change = family_services.care_plan_change(
        plan=locked,
        version=version,
        user=user,
        requested_by=TRANSITION_REQUESTED_BY,
        requested_on=today,
        kind=CareKind.REGULAR,
        start=locked.start,
        end=locked.end,
        pattern=locked.pattern,
        note=note,
        accept=True,
    )
    bookings = [
        services.booking_set_place_type(
            booking=booking, version=booking.version, user=user, place_type=rules.REGULAR
        )
        for booking in _occasional_bookings_ahead(locked, today).order_by("date", "pk")
    ]
    return TransitionResult(change=change, bookings=bookings)
