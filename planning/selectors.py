"""Reads of the planning app, scoped to what the user may see.

A site's day figures are built in one place (day_figures), from a fixed number of queries
whatever the number of children: groups, the day's bookings with their children, the
settings, the show history in one aggregate; the figures are then computed by
planning.rules. The day plan, the week, the acceptance rule and the dayplan command use it.
"""

import bisect
import datetime as dt
import math
import unicodedata
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from functools import cached_property

from django.conf import settings as django_settings
from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.http import Http404

from elief.models import ClosingDay, Site, SiteSettings, User
from elief.scoping import scope_to_sites, sites_for
from planning import rules
from planning.freed import (
    FREEING,
    FreedPlaceCandidate,
    freed_place_candidates,
    offers_freed_place,
)
from planning.models import Booking, Group, Shift
from planning.show_history import (  # noqa: F401 (read from here by the look-ahead)
    probabilities_from_history,
    show_history_of_days,
    show_history_rows,
    show_probabilities,
)


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


def group_with_site_groups(*, user: User, group_id: int) -> tuple[Group, list[Group]]:
    """A group the user may see, and the groups of its site the user may see, by name:
    a booking made on the day plan and the plan it answers with, in one query."""
    groups = list(
        scope_to_sites(Group.objects.filter(site__groups=group_id), user)
        .select_related("site")
        .order_by("name")
    )
    group = next((group for group in groups if group.pk == group_id), None)
    if group is None:
        raise Http404("No such group.")
    for other in groups:
        other.site = group.site
    return group, groups


def booking_probability(booking: Booking, child_p: float) -> float:
    """A checked-in child is there; a no-show is not; otherwise the child's p."""
    if booking.outcome == rules.PRESENT:
        return 1.0
    if booking.outcome == rules.NO_SHOW:
        return 0.0
    return child_p


# The figures of a site's groups on a day


@dataclass
class GroupDay:
    """The figures of one group and day (DESIGN.md, "Overbooking" and "Day plan")."""

    group: Group
    bookings: list[Booking]
    opens: dt.time
    closes: dt.time
    booked: int = 0
    expected: float = 0.0
    free: int = 0
    reserve_left: int = 0
    present: int = 0
    prestaties: Decimal = Decimal(0)
    hours: list[dict] = field(default_factory=list)
    # Places given back by cancelled or excused bookings; whether the day plan offers one.
    freed: int = 0
    offers_freed: bool = False

    @property
    def capacity(self) -> int:
        return self.group.capacity

    @property
    def live(self) -> list[Booking]:
        return [booking for booking in self.bookings if booking.is_live]

    def planned(self, *, exclude_pk: int | None = None) -> list[rules.PlannedBooking]:
        """The live bookings as the overflow risk sees them; without one being moved."""
        return [planned_booking(b) for b in self.live if b.pk != exclude_pk]

    @cached_property
    def overflow_risk_pct(self) -> float:
        # Computed when read: the acceptance check needs the other figures only, and
        # computes the risk with the new booking itself.
        return 100 * rules.overflow_risk(
            self.planned(), capacity=self.capacity, opens=self.opens, closes=self.closes
        )


@dataclass
class DayFigures:
    """Every figure of a site's groups on one day, and the show probability of the
    children the caller asked about (`children` of day_figures)."""

    site: Site
    day: dt.date
    settings: SiteSettings
    groups: list[GroupDay]
    probabilities: dict[int, float]

    @property
    def totals(self) -> dict:
        return {
            "capacity": sum(g.capacity for g in self.groups),
            "booked": sum(g.booked for g in self.groups),
            "expected": sum(g.expected for g in self.groups),
            "free": sum(g.free for g in self.groups),
            "reserve_left": sum(g.reserve_left for g in self.groups),
        }


def planned_booking(booking: Booking) -> rules.PlannedBooking:
    """A booking whose show probability `p` day_figures has set."""
    return rules.PlannedBooking(start=booking.start, end=booking.end, p=booking.p)


def group_day_of(
    *,
    group: Group,
    bookings: list[Booking],
    probabilities: dict[int, float],
    site: Site,
    site_settings: SiteSettings,
    day: dt.date,
    now: dt.datetime,
) -> GroupDay:
    tz = zoneinfo.ZoneInfo(django_settings.TIME_ZONE)
    for booking in bookings:
        booking.p = booking_probability(booking, probabilities[booking.child_id])
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
    figures = GroupDay(group=group, bookings=bookings, opens=site.opens, closes=site.closes)
    live = figures.live
    figures.booked = len(live)
    figures.expected = rules.expected_children(planned_booking(b) for b in live)
    figures.free = rules.free_places(capacity=group.capacity, booked=figures.booked)
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


# What the figures of a group's day read of a booking (group_day_of, GroupDay).
FIGURE_FIELDS = (
    "pk",
    "child_id",
    "group_id",
    "date",
    "start",
    "end",
    "place_type",
    "outcome",
    "arrived",
    "left",
    "absence_code__counts_for_regular",
)


class FigureBooking:
    """A booking as the figures read it, without the model: the week reads a few hundred
    bookings per page, and building model instances cost more than the figures."""

    __slots__ = (*FIGURE_FIELDS[:-1], "absence_code", "p", "prestatie")

    def __init__(self, row: tuple) -> None:
        *fields, counts_for_regular = row
        for name, value in zip(FIGURE_FIELDS[:-1], fields, strict=True):
            setattr(self, name, value)
        # The absence code as group_day_of reads it: its counts_for_regular, or None.
        self.absence_code = None if counts_for_regular is None else _AbsenceCode(counts_for_regular)

    @property
    def is_live(self) -> bool:
        return self.outcome not in (rules.CANCELLED, rules.EXCUSED)


@dataclass(frozen=True, slots=True)
class _AbsenceCode:
    counts_for_regular: bool
    label: str = ""


# What a day plan's row shows of a booking besides its figures (planning.views.booking_rows).
ROW_FIELDS = (
    "version",
    "settling_in",
    "override_reason",
    "child__first_name",
    "child__last_name",
    "absence_code__label",
)


class PlanBooking(FigureBooking):
    """A booking as the day plan shows it: its figures, and what its row says. Without
    the model, as for the week: a booking and its child as model instances cost more than
    the plan's figures and rows together."""

    __slots__ = ("version", "settling_in", "override_reason", "first_name", "last_name")

    def __init__(self, row: tuple) -> None:
        split = len(FIGURE_FIELDS)
        super().__init__(row[:split])
        (
            self.version,
            self.settling_in,
            self.override_reason,
            self.first_name,
            self.last_name,
            absence_label,
        ) = row[split:]
        if self.absence_code is not None:
            self.absence_code = _AbsenceCode(self.absence_code.counts_for_regular, absence_label)

    @classmethod
    def of(cls, booking: Booking) -> "PlanBooking":
        """A booking just made, as the plan reads it (a new booking has no absence code)."""
        code = booking.absence_code
        return cls(
            (
                *(getattr(booking, name) for name in FIGURE_FIELDS[:-1]),
                code.counts_for_regular if code else None,
                *(getattr(booking, name) for name in ROW_FIELDS[:3]),
                booking.child.first_name,
                booking.child.last_name,
                code.label if code else None,
            )
        )


def _reading_key(name: str) -> str:
    """A name as a reader compares it: case and accents aside (Émile next to Emma)."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def plan_order(booking: PlanBooking) -> tuple:
    """The order of a group's bookings on the day plan: by start, then first name as a
    reader compares them, then made first. Sorted here rather than by the database, so a
    booking added to a card sits where the reloaded plan shows it, whatever the database's
    collation."""
    return (booking.start, _reading_key(booking.first_name), booking.first_name, booking.pk)


def bookings_by_group_day(
    *, groups: Iterable[Group], days: Iterable[dt.date], names: bool = True
) -> tuple[list[FigureBooking], dict[tuple[int, dt.date], list[FigureBooking]]]:
    """The bookings of the groups on the days, grouped by (group id, day): one query.
    With `names`, PlanBookings in the day plan's order (plan_order);
    without, only what the figures read, as FigureBookings in no particular order: for a
    page or a check that shows no names (the week, the acceptance rule)."""
    bookings = Booking.objects.filter(group__in=groups, date__in=days)
    if names:
        rows = bookings.order_by().values_list(*FIGURE_FIELDS, *ROW_FIELDS)
        bookings = sorted((PlanBooking(row) for row in rows), key=plan_order)
    else:
        rows = bookings.order_by().values_list(*FIGURE_FIELDS)
        bookings = [FigureBooking(row) for row in rows]
    by_key: dict[tuple[int, dt.date], list[FigureBooking]] = {}
    for booking in bookings:
        by_key.setdefault((booking.group_id, booking.date), []).append(booking)
    return bookings, by_key


def _days_figures(
    *,
    site: Site,
    days: list[dt.date],
    now: dt.datetime,
    groups: list[Group] | None,
    children: Iterable[int] = (),
    names: bool = False,
) -> dict[dt.date, DayFigures]:
    """The one computation of a site's day figures: bookings → show probabilities →
    figures per group. One query for the bookings of all the days, the settings, and one
    aggregate for the show history: a fixed number whatever the number of children.
    With `names` the bookings carry what the day plan's rows show (PlanBooking)."""
    if groups is None:
        groups = list(site.groups.order_by("name"))
    bookings, by_key = bookings_by_group_day(groups=groups, days=days, names=names)
    # The settings once for all the days; settings_on orders them itself, so without the
    # default ordering's join to the site.
    prefetch_related_objects([site], Prefetch("settings", SiteSettings.objects.order_by()))
    history = None
    if len(days) > 1:
        # Several days (the week): the show history once for all of them, rather than an
        # aggregate per day.
        history = show_history_of_days(
            site=site,
            since={
                day: day - dt.timedelta(days=site.settings_on(day).show_history_days)
                for day in days
            },
        )
    figures = {}
    for day in days:
        site_settings = site.settings_on(day)
        child_ids = {*children, *(b.child_id for b in bookings if b.date == day)}
        if history is None:
            probabilities = show_probabilities(
                site=site, day=day, child_ids=child_ids, site_settings=site_settings
            )
        else:
            probabilities = history[day].probabilities(child_ids, site_settings=site_settings)
        figures[day] = DayFigures(
            site=site,
            day=day,
            settings=site_settings,
            groups=[
                group_day_of(
                    group=group,
                    bookings=by_key.get((group.pk, day), []),
                    probabilities=probabilities,
                    site=site,
                    site_settings=site_settings,
                    day=day,
                    now=now,
                )
                for group in groups
            ],
            probabilities=probabilities,
        )
    return figures


def day_figures(
    *,
    site: Site,
    day: dt.date,
    now: dt.datetime,
    groups: list[Group] | None = None,
    children: Iterable[int] = (),
    names: bool = False,
) -> DayFigures:
    """The figures of a site's groups on `day`, as judged at `now` (the urgent reserve).

    What the day plan, the week, the acceptance rule and the dayplan command all show:
    one computation, so they never disagree. `groups` defaults to all the site's groups
    by name (callers with a user pass the groups the user may see); `children` are more
    children whose show probability the caller needs, such as a child about to be booked.
    The bookings are FigureBookings, or with `names` PlanBookings (what the plan shows).
    """
    return _days_figures(
        site=site, days=[day], now=now, groups=groups, children=children, names=names
    )[day]


def day_figures_with_booking(
    figures: DayFigures, booking: Booking, *, now: dt.datetime
) -> DayFigures:
    """`figures` (with names) with a booking made since in its group: the figures a
    booking was judged on, brought up to date without reading the day again. The
    booking's child must be among `figures.probabilities`."""
    new = PlanBooking.of(booking)
    groups = []
    for group_day in figures.groups:
        if group_day.group.pk == booking.group_id:
            # Where the reloaded plan shows it: the card's bookings are in plan_order.
            bookings = list(group_day.bookings)
            bisect.insort(bookings, new, key=plan_order)
            group_day = group_day_of(
                group=group_day.group,
                bookings=bookings,
                probabilities=figures.probabilities,
                site=figures.site,
                site_settings=figures.settings,
                day=figures.day,
                now=now,
            )
        groups.append(group_day)
    return replace(figures, groups=groups)


def days_figures(
    *,
    site: Site,
    days: list[dt.date],
    now: dt.datetime,
    groups: list[Group] | None = None,
    children: Iterable[int] = (),
) -> dict[dt.date, DayFigures]:
    """day_figures of several days at once, in a fixed number of queries: for a page
    that judges many bookings or requests spread over a few days."""
    return _days_figures(site=site, days=days, now=now, groups=groups, children=children)


# The day plan


def _offer_freed_places(
    *, user: User, site: Site, day: dt.date, groups: list[GroupDay], today: dt.date
) -> list[FreedPlaceCandidate]:
    """Mark the groups whose booked places came free (cancelled or excused) and still
    have one free, and fetch the candidates once for all of them (one query per source of
    candidates, or none)."""
    for group_day in groups:
        group_day.freed = sum(1 for b in group_day.bookings if b.outcome in FREEING)
        group_day.offers_freed = offers_freed_place(
            day=day, today=today, freed=group_day.freed, free=group_day.free
        )
    if not any(group_day.offers_freed for group_day in groups):
        return []
    return freed_place_candidates(user=user, site=site, day=day)


@dataclass
class DayPlan(DayFigures):
    freed_candidates: list[FreedPlaceCandidate] = field(default_factory=list)
    closed_reason: str = ""
    release_at: dt.datetime | None = None
    hours: list[dict] = field(default_factory=list)
    staff_short_hours: list[dt.time] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return not self.closed_reason


def _hour_strip(
    *, site: Site, groups: list[GroupDay], shifts: list[tuple[dt.time, dt.time]], ratio: int
) -> tuple[list[dict], list[dt.time]]:
    """Per hour: expected children per group and site, staff needed and on shift.
    `shifts` are the (start, end) of the shifts of the staff who count in the ratio."""
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
            1 for shift_start, shift_end in shifts if shift_start < end and shift_end > start
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


def prefetch_closing_days(site: Site) -> None:
    """Read the site's closing days once for closed_reason and is_open_on. In any order:
    they look days up, and the default ordering would join the site for its name."""
    prefetch_related_objects([site], Prefetch("closing_days", ClosingDay.objects.order_by()))


def day_plan(
    *,
    user: User,
    site: Site,
    day: dt.date,
    now: dt.datetime,
    figures: DayFigures | None = None,
) -> DayPlan:
    """The day plan of the groups the user may see. `figures` are the day's figures of
    those groups with names when the caller has them already (booking_create_on_plan);
    their site may have read its closing days already."""
    if figures is None:
        groups = list(group_list_for_site(user=user, site=site).order_by("name"))
        figures = day_figures(site=site, day=day, now=now, groups=groups, names=True)
    site = figures.site
    prefetch_closing_days(site)
    # The hour strip counts the shifts of the staff who count in the ratio, by their times.
    shifts = list(
        Shift.objects.filter(staff_member__site=site, staff_member__counts_in_ratio=True, date=day)
        .order_by()
        .values_list("start", "end")
    )
    hours, short = _hour_strip(
        site=site, groups=figures.groups, shifts=shifts, ratio=figures.settings.ratio
    )
    tz = zoneinfo.ZoneInfo(django_settings.TIME_ZONE)
    closed_reason = site.closed_reason(day) or ""
    freed_candidates = []
    if not closed_reason:
        freed_candidates = _offer_freed_places(
            user=user, site=site, day=day, groups=figures.groups, today=now.astimezone(tz).date()
        )
    return DayPlan(
        **{f.name: getattr(figures, f.name) for f in fields(DayFigures)},
        freed_candidates=freed_candidates,
        closed_reason=closed_reason,
        release_at=rules.release_moment(
            day, figures.settings.urgent_release_days, figures.settings.urgent_release_time, tz
        ),
        hours=hours,
        staff_short_hours=short,
    )


def week_figures(*, user: User, site: Site, days: list[dt.date], now: dt.datetime) -> list[dict]:
    """Per group, the day plan's figures for each day: the week view."""
    groups = list(group_list_for_site(user=user, site=site).order_by("name"))
    figures = _days_figures(site=site, days=days, now=now, groups=groups, names=False)
    return [
        {"group": group, "days": [figures[day].groups[index] for day in days]}
        for index, group in enumerate(groups)
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


# Days to settle


def _unsettled(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    return bookings.filter(Q(outcome=rules.PLANNED) | Q(outcome=rules.PRESENT, left__isnull=True))


@dataclass(frozen=True)
class UnsettledDay:
    site_id: int
    date: dt.date
    bookings: int


def unsettled_days(*, site: Site, until: dt.date) -> list[UnsettledDay]:
    """The days up to and including `until` that still have a booking planned, or present
    without a departure time, with their number of such bookings: one query."""
    rows = (
        _unsettled(Booking.objects.filter(group__site=site, date__lte=until))
        .values("date")
        .annotate(bookings=Count("pk"))
        .order_by("date")
    )
    return [
        UnsettledDay(site_id=site.pk, date=row["date"], bookings=row["bookings"]) for row in rows
    ]


def unsettled_bookings_of_day(*, user: User, site: Site, day: dt.date) -> QuerySet[Booking]:
    return (
        _unsettled(
            scope_to_sites(Booking.objects.all(), user, site_field="group__site").filter(
                group__site=site, date=day
            )
        )
        .select_related("child", "group", "absence_code")
        .order_by("group__name", "start", "child__first_name", "pk")
    )
