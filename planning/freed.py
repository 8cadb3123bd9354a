"""The freed place (vrijgekomen plaats): who to offer a place that a cancelled or excused
booking gave back, first to be served first.

The waiting list is planning's own source of candidates. Apps on top of planning add
theirs (the parents' open requests for the day) through freed_place_source_register,
called from their AppConfig.ready(): planning never imports them. A source answers for
all the days asked in one query, so a page lists the candidates in a fixed number of
queries whatever the number of days, groups or children.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, prefetch_related_objects

from elief.models import Site, User
from elief.scoping import scope_to_sites
from families import rules as family_rules
from families.models import Child
from planning import rules
from planning.models import Booking, Origin
from planning.waiting import candidates_by_day

# Outcomes that give a booked place back on the day.
FREEING = (rules.CANCELLED, rules.EXCUSED)


@dataclass(frozen=True)
class FreedPlaceCandidate:
    """Someone who could take a place that came free, with the times and the origin the
    booking would get, `since`: when they asked, and `source`: the waiting-list entry or
    request it comes from. `book_url` is where the one-tap booking posts (with the group)
    when it is not the group's booking form, as for a request: its acceptance."""

    child: Child
    start: dt.time
    end: dt.time
    urgent: bool
    origin: str
    source: object
    since: dt.datetime
    book_url: str = ""

    @property
    def place_type(self) -> str:
        return rules.URGENT if self.urgent else rules.OCCASIONAL

    @property
    def sort_key(self) -> tuple:
        """The acceptance order of the waiting list (DESIGN.md): urgent first, then the
        priority criteria, then the date of the request."""
        score = family_rules.priority_score(self.child.family.criteria, urgent=self.urgent)
        return (score, self.since, self.origin, self.child.pk)


# A source: (site, days, user, limit) -> the fitting candidates per day, in one query.
CandidateSource = Callable[..., dict[dt.date, list[FreedPlaceCandidate]]]
_sources: list[CandidateSource] = []


def freed_place_source_register(source: CandidateSource) -> None:
    """Add a source of candidates: called as source(site=, days=, user=, limit=), it
    answers with at most `limit` fitting candidates per day, first to be served first (a
    day without any may be left out), in one query, scoped to what `user` may see (no
    user: the whole site). Registering the same source twice adds it once."""
    if source not in _sources:
        _sources.append(source)


def _waiting_list(
    *, site: Site, days: list[dt.date], user: User | None, limit: int
) -> dict[dt.date, list[FreedPlaceCandidate]]:
    return {
        day: [
            FreedPlaceCandidate(
                child=entry.child,
                start=entry.start,
                end=entry.end,
                urgent=entry.urgent,
                origin=Origin.WAITING_LIST,
                source=entry,
                since=entry.created_at,
            )
            for entry in entries
        ]
        for day, entries in candidates_by_day(site=site, days=days, user=user, limit=limit).items()
    }


def freed_place_candidates_by_day(
    *, user: User | None, site: Site, days: list[dt.date], limit: int = 3
) -> dict[dt.date, list[FreedPlaceCandidate]]:
    """Per day, the first `limit` candidates of every source merged in the acceptance
    order: one query per source for all the days."""
    if not days:
        return {}
    merged: dict[dt.date, list[FreedPlaceCandidate]] = {day: [] for day in days}
    for source in [_waiting_list, *_sources]:
        found = source(site=site, days=days, user=user, limit=limit)
        for day in days:
            merged[day].extend(found.get(day, []))
    return {
        day: sorted(candidates, key=lambda c: c.sort_key)[:limit]
        for day, candidates in merged.items()
    }


def freed_place_candidates(
    *, user: User | None, site: Site, day: dt.date, limit: int = 3
) -> list[FreedPlaceCandidate]:
    """Who to offer a place that came free on `day`, first to be served first."""
    return freed_place_candidates_by_day(user=user, site=site, days=[day], limit=limit)[day]


def offers_freed_place(*, day: dt.date, today: dt.date, freed: int, free: int) -> bool:
    """A group offers a freed place on a day to come (or today) when a booking gave one
    back and a place is still free: a place already taken again is not offered twice."""
    return day >= today and freed > 0 and free > 0


# The freed places of the coming days, for the coordinator's home page

FREED_DAYS_AHEAD = 7  # today and the next open days


@dataclass
class FreedPlace:
    """A group and day with places given back and still free, and who comes first."""

    group_id: int
    group_name: str
    day: dt.date
    freed: int
    candidate: FreedPlaceCandidate | None


def freed_places_ahead(
    *, user: User, site: Site, today: dt.date, days: int = FREED_DAYS_AHEAD
) -> list[FreedPlace]:
    """The site's freed places on today and its next open days, by day then group, each
    with its first candidate. A fixed number of queries: the closing days (shared with the
    look-ahead), one aggregate of the bookings with their groups, and one per source of
    candidates when a place is offered."""
    prefetch_related_objects([site], "closing_days")
    open_days = site.open_days(today, today + dt.timedelta(days=7 * days))[:days]
    if not open_days:
        return []
    bookings = scope_to_sites(
        Booking.objects.filter(group__site=site, date__in=open_days), user, site_field="group__site"
    )
    counts = (
        bookings.values("group_id", "group__name", "group__capacity", "date")
        .annotate(
            freed=Count("pk", filter=Q(outcome__in=FREEING)),
            booked=Count("pk", filter=~Q(outcome__in=FREEING)),
        )
        .filter(freed__gt=0)
        .order_by("date", "group__name", "group_id")
    )
    offered = [
        row
        for row in counts
        if offers_freed_place(
            day=row["date"],
            today=today,
            freed=row["freed"],
            free=rules.free_places(capacity=row["group__capacity"], booked=row["booked"]),
        )
    ]
    if not offered:
        return []
    candidates = freed_place_candidates_by_day(
        user=user, site=site, days=sorted({row["date"] for row in offered}), limit=1
    )
    return [
        FreedPlace(
            group_id=row["group_id"],
            group_name=row["group__name"],
            day=row["date"],
            freed=row["freed"],
            candidate=next(iter(candidates[row["date"]]), None),
        )
        for row in offered
    ]
