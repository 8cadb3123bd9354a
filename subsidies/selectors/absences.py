"""The absences of a site's months as the board sees them: who announced them and when,
the no-shows, and the places that parents' reports freed and someone else took.

The moment an absence was announced is the first change of its booking that made it
excused (planning.models.BookingChange); a parent's report through the family's link is
the change marked as the parent's. Counted by the nightly work into the month snapshots
(SiteMonthSnapshot), so the board's pages read them with the children, in no query more.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Min, Q

from elief.models import Site
from planning import rules as planning_rules
from planning.models import Booking
from subsidies import rules

# The marker a parent's change carries in its `after` (parents.rules.BY_PARENT; the
# subsidies app does not depend on the parents app, and a test holds the two equal).
BY_PARENT = "parent"


def absences_counted(*, site: Site, throughs: Sequence[dt.date]) -> list[rules.AbsenceFigures]:
    """For each date of `throughs` (each in its own month), the absences of the site's
    bookings from the first of that month through it. Two queries at most: the absences
    with the moment each was announced, and the bookings made on the groups and days of
    parents' reports after the first of them (none without a parent's report)."""
    if not throughs:
        return []
    start = min(throughs).replace(day=1)
    end = max(throughs)
    absences = list(
        Booking.objects.filter(
            group__site=site,
            date__range=(start, end),
            outcome__in=(planning_rules.EXCUSED, planning_rules.NO_SHOW),
        )
        .values("pk", "group_id", "date", "outcome")
        .annotate(
            reported_at=Min(
                "changes__at", filter=Q(changes__after__outcome=planning_rules.EXCUSED)
            ),
            parent_at=Min(
                "changes__at",
                filter=Q(
                    changes__after__outcome=planning_rules.EXCUSED,
                    changes__after__by=BY_PARENT,
                ),
            ),
        )
        .order_by()
    )
    # A parent's report frees a place while the booking stays excused.
    freed: dict[tuple[int, dt.date], list[dt.datetime]] = defaultdict(list)
    reported = set()
    for row in absences:
        if row["outcome"] == planning_rules.EXCUSED and row["parent_at"] is not None:
            freed[(row["group_id"], row["date"])].append(row["parent_at"])
            reported.add(row["pk"])
    booked: dict[tuple[int, dt.date], list[dt.datetime]] = defaultdict(list)
    if freed:
        # Only the groups and days a parent freed a place on, booked after the first report.
        taken = (
            Booking.objects.filter(
                group__in={group for group, _day in freed},
                date__in={day for _group, day in freed},
                created_at__gt=min(moment for moments in freed.values() for moment in moments),
            )
            .exclude(outcome=planning_rules.CANCELLED)
            .values_list("pk", "group_id", "date", "created_at")
            .order_by()
        )
        for pk, group_id, day, created_at in taken:
            if (group_id, day) in freed and pk not in reported:
                booked[(group_id, day)].append(created_at)
    refilled = {
        key: rules.places_refilled(freed_at=moments, booked_at=booked.get(key, []))
        for key, moments in freed.items()
    }

    found = []
    for through in throughs:
        first = through.replace(day=1)
        in_time = by_parent = late = no_shows = 0
        for row in absences:
            if not first <= row["date"] <= through:
                continue
            if row["outcome"] == planning_rules.NO_SHOW:
                no_shows += 1
            elif rules.reported_in_time(day=row["date"], reported_at=row["reported_at"]):
                in_time += 1
                by_parent += rules.reported_in_time(day=row["date"], reported_at=row["parent_at"])
            else:
                late += 1
        found.append(
            rules.AbsenceFigures(
                in_time=in_time,
                in_time_by_parent=by_parent,
                late=late,
                no_shows=no_shows,
                refilled=sum(
                    count for (_group, day), count in refilled.items() if first <= day <= through
                ),
            )
        )
    return found
