"""Reads of the planning app, scoped to what the user may see.

The day plan is built from a fixed number of queries whatever the number of children:
groups, the day's bookings with their children, the show history in two aggregates,
the shifts; the figures are then computed by planning.rules.
"""

import datetime as dt
import math
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings as django_settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from elief.models import Site, SiteSettings, User
from elief.scoping import scope_to_sites, sites_for
from planning import rules
from planning.models import Booking, Group, Shift

SETTLED = (rules.PRESENT, rules.EXCUSED, rules.NO_SHOW)


def group_list_for_site(*, user: User, site: Site) -> QuerySet[Group]:
    return scope_to_sites(Group.objects.filter(site=site), user)


def site_list_with_groups(*, user: User) -> QuerySet[Site]:
    return sites_for(user).prefetch_related("groups")


def booking_for_user(*, user: User, booking_id: int) -> Booking:
    bookings = scope_to_sites(
        Booking.objects.select_related("child__family", "group__site", "absence_code"),
        user,
        site_field="group__site",
    )
    try:
        return bookings.get(pk=booking_id)
    except Booking.DoesNotExist:
        raise Http404("No such booking.") from None


def group_for_user(*, user: User, group_id: int) -> Group:
    try:
        return scope_to_sites(Group.objects.select_related("site"), user).get(pk=group_id)
    except Group.DoesNotExist:
        raise Http404("No such group.") from None


# Show probabilities


def show_probabilities(
    *, site: Site, day: dt.date, child_ids: set[int], site_settings: SiteSettings
) -> dict[int, float]:
    """p of each child on `day` from the settled bookings of the days before it."""
    since = day - dt.timedelta(days=site_settings.show_history_days)
    history = Booking.objects.filter(
        group__site=site, date__gte=since, date__lt=day, outcome__in=SETTLED
    )
    totals = history.aggregate(
        total=Count("pk"), present=Count("pk", filter=Q(outcome=rules.PRESENT))
    )
    site_rate = rules.site_show_rate(
        present=totals["present"],
        total=totals["total"],
        default=float(site_settings.default_show_rate),
    )
    per_child = {
        row["child_id"]: row
        for row in history.filter(child_id__in=child_ids)
        .values("child_id")
        .annotate(total=Count("pk"), present=Count("pk", filter=Q(outcome=rules.PRESENT)))
    }
    strength = site_settings.show_prior_strength
    return {
        child_id: rules.show_probability(
            child_present=per_child.get(child_id, {}).get("present", 0),
            child_total=per_child.get(child_id, {}).get("total", 0),
            site_rate=site_rate,
            prior_strength=strength,
        )
        for child_id in child_ids
    }


def booking_probability(booking: Booking, child_p: float) -> float:
    """A checked-in child is there; a no-show is not; otherwise the child's p."""
    if booking.outcome == rules.PRESENT:
        return 1.0
    if booking.outcome == rules.NO_SHOW:
        return 0.0
    return child_p


# The day plan


@dataclass
class GroupDay:
    group: Group
    bookings: list[Booking]
    booked: int = 0
    expected: float = 0.0
    overflow_risk_pct: float = 0.0
    free: int = 0
    reserve_left: int = 0
    present: int = 0
    prestaties: Decimal = Decimal(0)
    hours: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def capacity(self) -> int:
        return self.group.capacity

    @property
    def live(self) -> list[Booking]:
        return [booking for booking in self.bookings if booking.is_live]


@dataclass
class DayPlan:
    site: Site
    day: dt.date
    is_open: bool
    closed_reason: str
    settings: SiteSettings
    release_at: dt.datetime
    groups: list[GroupDay]
    staff_short_hours: list[dt.time]

    @property
    def totals(self) -> dict:
        return {
            "capacity": sum(g.capacity for g in self.groups),
            "booked": sum(g.booked for g in self.groups),
            "expected": sum(g.expected for g in self.groups),
            "free": sum(g.free for g in self.groups),
            "reserve_left": sum(g.reserve_left for g in self.groups),
        }


def site_settings_on(site: Site, day: dt.date) -> SiteSettings:
    try:
        return site.settings_on(day)
    except SiteSettings.DoesNotExist:
        return SiteSettings(site=site, valid_from=day)  # the defaults of the domain rules


def planned_booking(booking: Booking, p: float) -> rules.PlannedBooking:
    return rules.PlannedBooking(start=booking.start, end=booking.end, p=p)


def group_figures(
    *,
    group: Group,
    bookings: list[Booking],
    probabilities: dict[int, float],
    site: Site,
    site_settings: SiteSettings,
    day: dt.date,
    now: dt.datetime,
) -> GroupDay:
    """The figures of one group and day (DESIGN.md, "Overbooking" and "Day plan")."""
    tz = zoneinfo.ZoneInfo(django_settings.TIME_ZONE)
    for booking in bookings:
        booking.p = booking_probability(booking, probabilities.get(booking.child_id, 0.9))
        booking.prestatie = rules.prestatie(
            outcome=booking.outcome,
            place_type=booking.place_type,
            absence_counts=booking.absence_code.counts_for_regular
            if booking.absence_code
            else None,
            planned_start=booking.start,
            planned_end=booking.end,
            arrived=booking.arrived,
            left=booking.left,
            half_day_under_hours=site_settings.half_day_under_hours,
        )
    figures = GroupDay(group=group, bookings=bookings)
    live = figures.live
    planned = [planned_booking(b, b.p) for b in live]
    figures.booked = len(live)
    figures.expected = rules.expected_children(planned)
    figures.overflow_risk_pct = 100 * rules.overflow_risk(
        planned, capacity=group.capacity, opens=site.opens, closes=site.closes
    )
    figures.free = group.capacity - figures.booked
    figures.reserve_left = rules.reserve_left(
        reserve=group.urgent_reserve,
        urgent_bookings=sum(1 for b in live if b.place_type == rules.URGENT),
        day=day,
        now=now,
        release_days=site_settings.urgent_release_days,
        release_time=site_settings.urgent_release_time,
        tz=tz,
    )
    figures.present = sum(1 for b in bookings if b.outcome == rules.PRESENT)
    figures.prestaties = sum((b.prestatie for b in bookings), Decimal(0))
    return figures


def _hour_strip(
    *, site: Site, groups: list[GroupDay], shifts: list[Shift], ratio: int
) -> tuple[list[dict], list[dt.time]]:
    """Per hour: expected children per group and site, staff needed and on shift."""
    hours = []
    short = []
    for hour in range(site.opens.hour, site.closes.hour + (1 if site.closes.minute else 0)):
        start = dt.time(hour, 0) if hour > site.opens.hour else site.opens
        end = dt.time(hour + 1, 0) if hour + 1 < 24 else dt.time(23, 59)
        per_group = []
        for group_day in groups:
            children = [b for b in group_day.live if b.start < end and b.end > start]
            expected = math.fsum(b.p for b in children)
            per_group.append({"booked": len(children), "expected": expected})
            group_day.hours.append(
                {
                    "hour": start,
                    "booked": len(children),
                    "expected": expected,
                    "over": len(children) > group_day.capacity,
                }
            )
        expected_site = sum(entry["expected"] for entry in per_group)
        needed = rules.staff_needed(math.ceil(expected_site - 1e-9), ratio)
        on_shift = sum(
            1 for s in shifts if s.start < end and s.end > start and s.staff_member.counts_in_ratio
        )
        hours.append(
            {
                "hour": start,
                "expected": expected_site,
                "needed": needed,
                "on_shift": on_shift,
                "short": on_shift < needed,
            }
        )
        if on_shift < needed:
            short.append(start)
    return hours, short


def day_plan(*, user: User, site: Site, day: dt.date, now: dt.datetime) -> DayPlan:
    site_settings = site_settings_on(site, day)
    groups = list(group_list_for_site(user=user, site=site).order_by("name"))
    bookings = list(
        Booking.objects.filter(group__site=site, date=day)
        .select_related("child__family", "absence_code")
        .order_by("start", "child__first_name", "pk")
    )
    probabilities = show_probabilities(
        site=site, day=day, child_ids={b.child_id for b in bookings}, site_settings=site_settings
    )
    by_group: dict[int, list[Booking]] = {group.pk: [] for group in groups}
    for booking in bookings:
        by_group.setdefault(booking.group_id, []).append(booking)
    group_days = [
        group_figures(
            group=group,
            bookings=by_group[group.pk],
            probabilities=probabilities,
            site=site,
            site_settings=site_settings,
            day=day,
            now=now,
        )
        for group in groups
    ]
    shifts = list(
        Shift.objects.filter(staff_member__site=site, date=day).select_related("staff_member")
    )
    hours, short = _hour_strip(
        site=site, groups=group_days, shifts=shifts, ratio=site_settings.ratio
    )
    closed = site.closing_dates(day, day)
    tz = zoneinfo.ZoneInfo(django_settings.TIME_ZONE)
    plan = DayPlan(
        site=site,
        day=day,
        is_open=day.isoweekday() in site.weekdays and day not in closed,
        closed_reason=closed.get(day, ""),
        settings=site_settings,
        release_at=rules.release_moment(
            day, site_settings.urgent_release_days, site_settings.urgent_release_time, tz
        ),
        groups=group_days,
        staff_short_hours=short,
    )
    plan.hours = hours
    plan.shifts = shifts
    return plan


def week_figures(*, user: User, site: Site, days: list[dt.date], now: dt.datetime) -> list[dict]:
    """Per group, the day plan's figures for each day: the week view.

    One query for the week's bookings and two per day for the show history: a fixed
    number whatever the number of children.
    """
    groups = list(group_list_for_site(user=user, site=site).order_by("name"))
    if not days:
        return [{"group": group, "days": []} for group in groups]
    bookings = list(
        Booking.objects.filter(group__site=site, date__range=(days[0], days[-1])).select_related(
            "absence_code"
        )
    )
    by_key: dict[tuple[int, dt.date], list[Booking]] = {}
    for booking in bookings:
        by_key.setdefault((booking.group_id, booking.date), []).append(booking)
    site_settings = {day: site_settings_on(site, day) for day in days}
    probabilities = {
        day: show_probabilities(
            site=site,
            day=day,
            child_ids={b.child_id for b in bookings if b.date == day},
            site_settings=site_settings[day],
        )
        for day in days
    }
    return [
        {
            "group": group,
            "days": [
                group_figures(
                    group=group,
                    bookings=by_key.get((group.pk, day), []),
                    probabilities=probabilities[day],
                    site=site,
                    site_settings=site_settings[day],
                    day=day,
                    now=now,
                )
                for day in days
            ],
        }
        for group in groups
    ]


def day_list(*, user: User, site: Site, day: dt.date) -> list[Booking]:
    """The day's live bookings with the children's door information, in one query."""
    bookings = scope_to_sites(Booking.objects.all(), user, site_field="group__site")
    return list(
        bookings.filter(group__site=site, date=day)
        .exclude(outcome__in=(rules.CANCELLED, rules.EXCUSED))
        .select_related("group", "child")
        .order_by("group__name", "start", "child__first_name")
    )
