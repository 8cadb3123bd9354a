"""The look-ahead on the coordinator's home page: the next open days of a site at a glance,
fetched for all of them in a fixed number of queries."""

import bisect
import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import (
    prefetch_related_objects,
)

from elief.models import Site, SiteSettings, User
from planning import rules
from planning.models import Booking, Group, Shift
from planning.selectors import (
    GroupDay,
    group_day_of,
    group_list_for_site,
    probabilities_from_history,
    show_history_rows,
)

# The look-ahead: the next open days of a site at a glance

LOOKAHEAD_DAYS = 10


@dataclass
class LookaheadCell:
    """One group on one coming day: what needs the coordinator's attention."""

    figures: GroupDay
    day: dt.date
    max_risk_pct: Decimal
    new_child_p: float
    short_slots: int = 0

    @property
    def group(self) -> Group:
        return self.figures.group

    @property
    def free(self) -> int:
        return self.figures.free

    @property
    def risk_pct(self) -> float:
        return self.figures.overflow_risk_pct

    @property
    def overbooked(self) -> bool:
        return self.risk_pct > float(self.max_risk_pct)

    @cached_property
    def bookable(self) -> int:
        """What the acceptance rule still takes: full days of a child of the site's show rate."""
        return rules.bookable_places(
            existing=self.figures.planned(),
            capacity=self.figures.capacity,
            reserve_left=self.figures.reserve_left,
            p=self.new_child_p,
            max_risk_pct=self.max_risk_pct,
            opens=self.figures.opens,
            closes=self.figures.closes,
        )


@dataclass
class LookaheadDay:
    day: dt.date
    settings: SiteSettings
    cells: list[LookaheadCell]


def _micros(moment: dt.time) -> int:
    return (
        (moment.hour * 60 + moment.minute) * 60 + moment.second
    ) * 1_000_000 + moment.microsecond


_SLOT_MICROS = rules.SLOT_MINUTES * 60 * 1_000_000


def _slot_counts(stays: Iterable[Booking | Shift], slot_starts: list[int]) -> list[int]:
    """How many of the stays (bookings or shifts) fill each slot, as rules.fills_slot
    decides: a stay fills the slots that start before it ends and end after it starts.

    `slot_starts` in microseconds since midnight, ascending. Each stay marks where its run
    of slots begins and ends; one sum over the slots then counts them, instead of testing
    every stay against every slot.
    """
    changes = [0] * (len(slot_starts) + 1)
    for stay in stays:
        first = bisect.bisect_right(slot_starts, _micros(stay.start) - _SLOT_MICROS)
        after = bisect.bisect_left(slot_starts, _micros(stay.end))
        if first < after:
            changes[first] += 1
            changes[after] -= 1
    return list(itertools.accumulate(changes[:-1]))


def lookahead(
    *, user: User, site: Site, start: dt.date, now: dt.datetime, days: int = LOOKAHEAD_DAYS
) -> list[LookaheadDay]:
    """The next `days` open days from `start` on, per group the user may see: the figures
    of day_figures, the 15-minute slots short of staff, and what may still be booked.

    A fixed number of queries whatever the number of days, groups or children: the
    settings and closing days, the groups, the bookings, the show history of the whole
    range and the shifts, each once.
    """
    prefetch_related_objects([site], "settings", "closing_days")
    # Enough calendar days for `days` open days, however many holidays lie between.
    open_days = site.open_days(start, start + dt.timedelta(days=7 * days))[:days]
    groups = list(group_list_for_site(user=user, site=site).order_by("name"))
    return days_ahead(site=site, days=open_days, groups=groups, now=now)


def days_ahead(
    *, site: Site, days: list[dt.date], groups: list[Group], now: dt.datetime
) -> list[LookaheadDay]:
    """The look-ahead's figures of `groups` on the open `days` (the subsidies page asks
    what may still be booked on the rest of the month). Four queries at most: the
    settings unless prefetched, the bookings, the show history and the shifts."""
    open_days = days
    prefetch_related_objects([site], "settings")
    if not open_days or not groups:
        return []
    # Figures only, no names: the bookings without their child and family, lighter to
    # load than the day plan's bookings_by_group_day.
    bookings = list(
        Booking.objects.filter(group__in=groups, date__in=open_days)
        .select_related("absence_code")
        .order_by("start", "pk")
    )
    by_key: dict[tuple[int, dt.date], list[Booking]] = {}
    for booking in bookings:
        by_key.setdefault((booking.group_id, booking.date), []).append(booking)
    settings_of = {day: site.settings_on(day) for day in open_days}
    first = min(day - dt.timedelta(days=settings_of[day].show_history_days) for day in open_days)
    history = show_history_rows(site=site, first=first, last=open_days[-1])
    shifts = list(
        # Trainees don't count in the ratio (DESIGN.md, "Staff and ratio").
        Shift.objects.filter(
            staff_member__site=site, date__in=open_days, staff_member__counts_in_ratio=True
        ).only("date", "start", "end", "group_id")
    )
    slot_starts = [_micros(start) for start in rules.slots(site.opens, site.closes)]
    # One pass over the bookings and shifts sorts them by day.
    children_of: dict[dt.date, set[int]] = {day: set() for day in open_days}
    for booking in bookings:
        children_of[booking.date].add(booking.child_id)
    shifts_of: dict[dt.date, list[Shift]] = {day: [] for day in open_days}
    for shift in shifts:
        shifts_of[shift.date].append(shift)
    found = []
    for day in open_days:
        site_settings = settings_of[day]
        probabilities, site_rate = probabilities_from_history(
            history, day=day, child_ids=children_of[day], site_settings=site_settings
        )
        cells = []
        children: dict[int, list[int]] = {}
        staff: dict[int, list[int]] = {}
        day_shifts = shifts_of[day]
        for group in groups:
            figures = group_day_of(
                group=group,
                bookings=by_key.get((group.pk, day), []),
                probabilities=probabilities,
                site=site,
                site_settings=site_settings,
                day=day,
                now=now,
            )
            cells.append(
                LookaheadCell(
                    figures=figures,
                    day=day,
                    max_risk_pct=site_settings.max_overflow_risk_pct,
                    new_child_p=site_rate,
                )
            )
            coming = [b for b in figures.live if b.outcome != rules.NO_SHOW]
            children[group.pk] = _slot_counts(coming, slot_starts)
            staff[group.pk] = _slot_counts(
                [s for s in day_shifts if s.group_id == group.pk], slot_starts
            )
        short = rules.short_staff_slots(
            children=children,
            staff=staff,
            floating=_slot_counts([s for s in day_shifts if s.group_id is None], slot_starts),
            ratio=site_settings.ratio,
        )
        for cell in cells:
            cell.short_slots = short[cell.group.pk]
        found.append(LookaheadDay(day=day, settings=site_settings, cells=cells))
    return found
