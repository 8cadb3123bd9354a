"""Each group's open days computed from the bookings, the source of truth: the `report`
command, the nightly snapshots, the money view and Kind en Gezin's attendance list.

A fixed number of queries per call, whatever the number of bookings; the figures
themselves come from subsidies.rules.
"""

import bisect
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncMonth

from elief import calendar
from elief.models import Site, SiteSettings
from planning import rules as planning_rules
from planning.models import Booking, Group
from subsidies import rules
from subsidies.models import (
    PlaceAssignment,
    Scheme,
    SchemeKind,
    SchemeRate,
)
from subsidies.referral_figures import referral_figures

ZERO = rules.ZERO


# Calendar helpers that use prefetched closing days instead of a query per site


def open_days_of(site: Site, start: dt.date, end: dt.date) -> list[dt.date]:
    """Site.open_days from the site's prefetched closing days (no query when prefetched)."""
    if end < start:
        return []
    closed = set(calendar.public_holidays(start, end))
    closed.update(day.date for day in site.closing_days.all() if start <= day.date <= end)
    return calendar.open_days(start, end, weekdays=site.weekdays, closed=closed)


def settings_in_force(entries: Sequence[SiteSettings], site: Site, day: dt.date) -> SiteSettings:
    """The settings of `day` among a site's entries; the defaults when it has none."""
    entries = sorted(entries, key=lambda entry: entry.valid_from)
    if not entries:
        return SiteSettings(site=site, valid_from=day)
    return rules.in_force(entries, day) or entries[0]


# The schemes of a site, as a day's computation needs them


@dataclass
class _Dated:
    dates: list[dt.date]
    values: list

    def on(self, day: dt.date):
        index = bisect.bisect_right(self.dates, day) - 1
        return self.values[index] if index >= 0 else None


def _dated(pairs: Iterable[tuple[dt.date, object]]) -> _Dated:
    ordered = sorted(pairs, key=lambda pair: pair[0])
    return _Dated(dates=[d for d, _ in ordered], values=[v for _, v in ordered])


@dataclass
class SchemeSetup:
    """The per-place-day schemes of some sites: places per group and type, rates by date."""

    schemes: dict[int, Scheme] = field(default_factory=dict)
    rates: dict[int, _Dated] = field(default_factory=dict)
    # group id -> [(scheme id, place type, dated places)]
    places: dict[int, list[tuple[int, str, _Dated]]] = field(default_factory=dict)

    def on(self, group_id: int, day: dt.date) -> list[rules.SchemePlaces]:
        found = []
        for scheme_id, place_type, dated in self.places.get(group_id, []):
            places = dated.on(day)
            rate = self.rates[scheme_id].on(day) if scheme_id in self.rates else None
            if not places or rate is None:
                continue
            found.append(
                rules.SchemePlaces(
                    scheme_id=scheme_id,
                    name=self.schemes[scheme_id].name,
                    place_type=place_type,
                    places=places,
                    rate_eur=rate,
                )
            )
        return found


def scheme_setup(*, sites: Iterable[Site], until: dt.date) -> SchemeSetup:
    """Two queries: the places of the per-place-day schemes and their rates."""
    site_ids = [site.pk for site in sites]
    setup = SchemeSetup()
    assignments = PlaceAssignment.objects.filter(
        scheme__site__in=site_ids, scheme__kind=SchemeKind.PER_PLACE_DAY, valid_from__lte=until
    ).select_related("scheme")
    grouped: dict[tuple[int, int, str], list[tuple[dt.date, int]]] = defaultdict(list)
    for assignment in assignments:
        setup.schemes[assignment.scheme_id] = assignment.scheme
        key = (assignment.group_id, assignment.scheme_id, assignment.place_type)
        grouped[key].append((assignment.valid_from, assignment.places))
    for (group_id, scheme_id, place_type), entries in grouped.items():
        setup.places.setdefault(group_id, []).append((scheme_id, place_type, _dated(entries)))
    rates: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for scheme_id, valid_from, rate in SchemeRate.objects.filter(
        scheme_id__in=setup.schemes, valid_from__lte=until
    ).values_list("scheme_id", "valid_from", "rate_eur"):
        rates[scheme_id].append((valid_from, rate))
    setup.rates = {scheme_id: _dated(entries) for scheme_id, entries in rates.items()}
    return setup


# One group and day from the bookings


def _of_loss(name: str) -> property:
    return property(lambda self: getattr(self.loss, name))


@dataclass
class GroupDay:
    """The figures of one group on one open day (DESIGN.md, "Occupancy" and "Subsidies")."""

    site: Site
    group: Group
    date: dt.date
    capacity: int
    loss: rules.DayLoss
    booked: int = 0
    present: int = 0
    planned_prestaties: Decimal = ZERO
    prestaties: Decimal = ZERO
    gap_no_show: Decimal = ZERO
    gap_excused: Decimal = ZERO
    gap_unrecorded: Decimal = ZERO

    @property
    def occupancy_pct(self) -> Decimal:
        return planning_rules.occupancy_pct(self.prestaties, self.capacity)

    def _type(self, place_type: str) -> rules.PlaceTypeLoss:
        return self.loss.place_types[place_type]

    @property
    def regular_places(self) -> int:
        return self._type(rules.REGULAR).places

    @property
    def regular_prestaties(self) -> Decimal:
        return self._type(rules.REGULAR).prestaties

    @property
    def occasional_places(self) -> int:
        return self._type(rules.OCCASIONAL).places

    @property
    def occasional_prestaties(self) -> Decimal:
        return self._type(rules.OCCASIONAL).prestaties

    # The day's loss figures, read through.
    no_show_days = _of_loss("no_show_days")
    excused_days = _of_loss("excused_days")
    vacancy_days = _of_loss("vacancy_days")
    lost_eur = _of_loss("lost_eur")
    expected_eur = _of_loss("expected_eur")


# What a booking's day fraction and its outcome's cause take (rules.booking_day).
_BOOKING_FACTS = (
    "place_type",
    "outcome",
    "start",
    "end",
    "arrived",
    "left",
    "absence_code__counts_for_regular",
)
_BOOKING_FIELDS = ("group_id", "date", *_BOOKING_FACTS)


def _bookings_by_group_day(
    *, groups: Sequence[Group], start: dt.date, end: dt.date
) -> dict[tuple[int, dt.date], list[tuple]]:
    rows = (
        Booking.objects.filter(group__in=[g.pk for g in groups], date__range=(start, end))
        .exclude(outcome=planning_rules.CANCELLED)
        .values_list(*_BOOKING_FIELDS)
        # The rows are grouped by group and day below: Booking's default order would join
        # the group and the site only to sort by their names.
        .order_by()
    )
    by_key: dict[tuple[int, dt.date], list[tuple]] = defaultdict(list)
    for row in rows:
        by_key[(row[0], row[1])].append(row)
    return by_key


def _booking_of(
    facts: tuple, *, half_day_under_hours: Decimal, planned_view: bool
) -> rules.BookingDay:
    place_type, outcome, start, end, arrived, left, absence_counts = facts
    booking = rules.booking_day(
        place_type=place_type,
        outcome=outcome,
        absence_counts=absence_counts,
        planned_start=start,
        planned_end=end,
        arrived=arrived,
        left=left,
        half_day_under_hours=half_day_under_hours,
    )
    if planned_view and outcome in (planning_rules.PLANNED, planning_rules.PRESENT):
        booking = rules.BookingDay(
            place_type=place_type,
            outcome=outcome,
            prestatie=booking.planned_fraction,
            planned_fraction=booking.planned_fraction,
        )
    return booking


def group_day(
    *,
    site: Site,
    group: Group,
    day: dt.date,
    rows: Sequence[tuple],
    schemes: Sequence[rules.SchemePlaces],
    half_day_under_hours: Decimal,
    planned_view: bool = False,
    known: dict | None = None,
) -> GroupDay:
    """One group and day from its bookings (rows of _BOOKING_FIELDS, none cancelled).

    With `planned_view`, a booking counts with its planned fraction as if everyone came
    (the plan ahead): what the day would bring if the plan held.

    Bookings with the same facts count the same, and a group's days hold only a few kinds
    of them: each kind is worked out once (in `known`, shared over the days of a range)
    and counted as many times as it occurs.
    """
    figures = GroupDay(site=site, group=group, date=day, capacity=group.capacity, loss=None)
    known = {} if known is None else known
    counted = []
    for facts, count in Counter(row[2:] for row in rows).items():
        key = (facts, half_day_under_hours, planned_view)
        booking = known.get(key)
        if booking is None:
            booking = known[key] = _booking_of(
                facts, half_day_under_hours=half_day_under_hours, planned_view=planned_view
            )
        counted.append((booking, count))
        figures.booked += count
        if booking.outcome == planning_rules.PRESENT:
            figures.present += count
        elif booking.outcome == planning_rules.PLANNED:
            figures.gap_unrecorded += booking.planned_fraction * count
        figures.planned_prestaties += booking.planned_fraction * count
        figures.prestaties += booking.prestatie * count
    sums = rules.place_type_days_counted(counted)
    # The gaps of the no-shows and of the excused days that do not count are the place
    # types' own sums, added up.
    figures.gap_no_show = sum((kind.no_show for kind in sums.values()), ZERO)
    figures.gap_excused = sum((kind.excused for kind in sums.values()), ZERO)
    figures.loss = rules.day_loss_from_sums(schemes=schemes, days=sums)
    return figures


def group_days(
    *,
    site: Site,
    start: dt.date,
    end: dt.date,
    groups: Sequence[Group] | None = None,
    setup: SchemeSetup | None = None,
    planned_view: bool = False,
) -> list[GroupDay]:
    """Every group of the site on every open day from start to end, by date then group name.

    A fixed number of queries: groups, closing days, settings, schemes (2) and bookings.
    """
    groups = list(groups if groups is not None else site.groups.order_by("name"))
    days = site.open_days(start, end)
    if not days or not groups:
        return []
    settings_entries = list(site.settings.all())
    setup = setup or scheme_setup(sites=[site], until=end)
    bookings = _bookings_by_group_day(groups=groups, start=start, end=end)
    figures = []
    known: dict = {}
    for day in days:
        half_day = settings_in_force(settings_entries, site, day).half_day_under_hours
        for group in groups:
            figures.append(
                group_day(
                    site=site,
                    group=group,
                    day=day,
                    rows=bookings.get((group.pk, day), []),
                    schemes=setup.on(group.pk, day),
                    half_day_under_hours=half_day,
                    planned_view=planned_view,
                    known=known,
                )
            )
    return figures


@dataclass(frozen=True)
class AtStake:
    """What the plan of a group and day leaves empty in the occasional places' schemes."""

    places: Decimal
    eur: Decimal


def occasional_at_stake(
    *, site: Site, start: dt.date, end: dt.date, groups: Sequence[Group]
) -> dict[tuple[int, dt.date], AtStake]:
    """Per (group id, open day): the occasional subsidised places the plan leaves empty if
    everyone booked comes, and the subsidy they cost (DESIGN.md, "Subsidy loss").

    For pages of the planning app (the look-ahead), which may not compute money. A fixed
    number of queries, as group_days.
    """
    found = {}
    for figures in group_days(site=site, start=start, end=end, groups=groups, planned_view=True):
        occasional = figures.loss.place_types[rules.OCCASIONAL]
        found[(figures.group.pk, figures.date)] = AtStake(
            places=occasional.shortfall, eur=occasional.lost_eur
        )
    return found


# Monthly summary (the `report --summary` metrics)

SUMMARY_METRICS = (
    "open_days",
    "capacity_days",
    "prestaties",
    "occupancy_pct",
    "children",
    "vulnerable_children",
    "vulnerable_pct",
    "no_show_days",
    "excused_days",
    "vacancy_days",
    "subsidy_lost_eur",
    "referrals_received",
    "referrals_started",
    "median_days_to_start",
)


def children_present(*, sites: Iterable[Site], start: dt.date, end: dt.date) -> dict[int, dict]:
    """Per site: distinct children present at least once, and how many of them are from a
    vulnerable family. One query."""
    rows = (
        Booking.objects.filter(
            group__site__in=[s.pk for s in sites],
            date__range=(start, end),
            outcome=planning_rules.PRESENT,
        )
        .values("group__site")
        .annotate(
            children=Count("child", distinct=True),
            vulnerable=Count("child", distinct=True, filter=Q(child__family__vulnerable=True)),
        )
    )
    return {row["group__site"]: row for row in rows}


def children_counted(*, site: Site, throughs: Sequence[dt.date]) -> list[dict[str, int]]:
    """For each date of `throughs` (each in its own month), the counts of the site's month
    snapshot (SiteMonthSnapshot) through it: distinct children present, and of them from a
    vulnerable family, since the first of the month, of the year and of the pace
    (rules.counting_starts). One query: each child's first and last present day a month.

    Those two days suffice: a month before the counted one lies wholly in the counting
    unless the count starts in it, and then the child counts when its last day there is
    on or after the start; in the counted month it counts when its first day is on or
    before `through`.
    """
    if not throughs:
        return []
    rows = [
        (_month_of(row), row["child"], row["child__family__vulnerable"], row["first"], row["last"])
        for row in Booking.objects.filter(
            group__site=site,
            date__range=(rules.counting_starts(min(throughs))["year"], max(throughs)),
            outcome=planning_rules.PRESENT,
        )
        .annotate(month=TruncMonth("date"))
        .values("child", "month", "child__family__vulnerable")
        .annotate(first=Min("date"), last=Max("date"))
        .order_by()
    ]
    found = []
    for through in throughs:
        starts = rules.counting_starts(through)
        # The months of the counting, once for the three periods.
        counted = [row for row in rows if starts["year"] <= row[0] <= starts["month"]]
        counts = {}
        for period, suffix in (("month", ""), ("year", "_year"), ("pace", "_pace")):
            since = starts[period]
            kids = {
                (child, vulnerable)
                for _month, child, vulnerable, first, last in counted
                if last >= since and first <= through
            }
            counts[f"children{suffix}"] = len(kids)
            counts[f"vulnerable{suffix}"] = sum(1 for _child, vulnerable in kids if vulnerable)
        found.append(counts)
    return found


def _month_of(row: dict) -> dt.date:
    month = row["month"]
    return month.date() if isinstance(month, dt.datetime) else month


def summary_of(
    *,
    open_days: int,
    capacity_days: int,
    prestaties: Decimal,
    children: int,
    vulnerable: int,
    no_show_days: Decimal,
    excused_days: Decimal,
    vacancy_days: Decimal,
    lost_eur: Decimal,
    referrals: dict,
) -> dict:
    return {
        "open_days": open_days,
        "capacity_days": capacity_days,
        "prestaties": prestaties,
        "occupancy_pct": planning_rules.occupancy_pct(prestaties, capacity_days),
        "children": children,
        "vulnerable_children": vulnerable,
        "vulnerable_pct": rules.pct(vulnerable, children),
        "no_show_days": no_show_days,
        "excused_days": excused_days,
        "vacancy_days": vacancy_days,
        "subsidy_lost_eur": lost_eur,
        **referrals,
    }


def monthly_summary(*, site: Site, start: dt.date, end: dt.date) -> dict:
    """The monthly summary of a site from its bookings (the `report --summary` command)."""
    days = group_days(site=site, start=start, end=end)
    present = children_present(sites=[site], start=start, end=end).get(site.pk, {})
    return summary_of(
        open_days=len(site.open_days(start, end)),
        capacity_days=sum(d.capacity for d in days),
        prestaties=sum((d.prestaties for d in days), ZERO),
        children=present.get("children", 0),
        vulnerable=present.get("vulnerable", 0),
        no_show_days=sum((d.no_show_days for d in days), ZERO),
        excused_days=sum((d.excused_days for d in days), ZERO),
        vacancy_days=sum((d.vacancy_days for d in days), ZERO),
        lost_eur=sum((d.lost_eur for d in days), ZERO),
        referrals=referral_figures(sites=[site], start=start, end=end),
    )


# Kind en Gezin's attendance list

ATTENDANCE_COLUMNS = ("kindcode", "date", "arrived", "left", "fraction")


def attendance_list(*, site: Site, start: dt.date, end: dt.date) -> list[dict]:
    """Every counted care day of the site's children between start and end, per kindcode:
    present days with their times, and the absences that count for a regular place."""
    settings_entries = list(site.settings.all())
    rows = (
        Booking.objects.filter(group__site=site, date__range=(start, end))
        .filter(
            Q(outcome=planning_rules.PRESENT)
            | Q(
                outcome=planning_rules.EXCUSED,
                place_type=planning_rules.REGULAR,
                absence_code__counts_for_regular=True,
            )
        )
        .values_list("child__kindcode", "date", *_BOOKING_FACTS)
        .order_by()  # sorted below, by kindcode
    )
    found = []
    for kindcode, day, place_type, outcome, start_, end_, arrived, left, counts in rows:
        half_day = settings_in_force(settings_entries, site, day).half_day_under_hours
        fraction = planning_rules.prestatie(
            outcome=outcome,
            place_type=place_type,
            absence_counts=counts,
            planned_start=start_,
            planned_end=end_,
            arrived=arrived,
            left=left,
            half_day_under_hours=half_day,
        )
        if fraction <= 0:
            continue
        found.append(
            {
                "kindcode": kindcode,
                "date": day,
                "arrived": arrived if outcome == planning_rules.PRESENT else None,
                "left": left if outcome == planning_rules.PRESENT else None,
                "fraction": fraction,
            }
        )
    # Children without a kindcode last, so they stand out in the file.
    found.sort(key=lambda row: (row["kindcode"] == "", row["kindcode"], row["date"]))
    return found
