"""The show history: how often each child, and the site, came when booked.

The show probability of DESIGN.md (planning.rules.show_probability) is computed from the
settled bookings of the days before a day; these reads fetch them for one day
(show_probabilities), for a range of days in one query of rows per child and date
(show_history_rows, the look-ahead), or for a few days in one aggregate of one row per
child (show_history_of_days, the week).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, F, Q, Value, When

from elief.models import Site, SiteSettings
from planning import rules
from planning.models import Booking

SETTLED = (rules.PRESENT, rules.EXCUSED, rules.NO_SHOW)


def show_probabilities(
    *, site: Site, day: dt.date, child_ids: set[int], site_settings: SiteSettings
) -> dict[int, float]:
    """p of each child on `day` from the settled bookings of the days before it.

    One aggregate of one row per child over the site's window: the site's rate is the sum
    of the rows, the children asked about read their own (a second aggregate for the
    site's totals would read the same rows again)."""
    since = day - dt.timedelta(days=site_settings.show_history_days)
    rows = (
        Booking.objects.filter(group__site=site, date__gte=since, date__lt=day, outcome__in=SETTLED)
        .values("child_id")
        .annotate(total=Count("pk"), present=Count("pk", filter=Q(outcome=rules.PRESENT)))
        .order_by()
        .values_list("child_id", "present", "total")
    )
    per_child = {child_id: (present, total) for child_id, present, total in rows}
    return ShowHistory(
        present=sum(present for present, _ in per_child.values()),
        total=sum(total for _, total in per_child.values()),
        per_child=per_child,
    ).probabilities(child_ids, site_settings=site_settings)


def show_history_rows(*, site: Site, first: dt.date, last: dt.date) -> list[dict]:
    """The settled bookings per child and date before `last`, back to `first`: one query
    that serves the show probabilities of every day of a range."""
    return list(
        Booking.objects.filter(
            group__site=site, date__gte=first, date__lt=last, outcome__in=SETTLED
        )
        .values("child_id", "date")
        .annotate(total=Count("pk"), present=Count("pk", filter=Q(outcome=rules.PRESENT)))
    )


@dataclass(frozen=True)
class ShowHistory:
    """The settled bookings of the days before one day: the site's, and each child's, as
    (present, total)."""

    present: int
    total: int
    per_child: dict[int, tuple[int, int]]

    def probabilities(
        self, child_ids: Iterable[int], *, site_settings: SiteSettings
    ) -> dict[int, float]:
        """show_probabilities of these children, from this history."""
        site_rate = rules.site_show_rate(
            present=self.present, total=self.total, default=float(site_settings.default_show_rate)
        )
        return {
            child_id: rules.show_probability(
                child_present=self.per_child.get(child_id, (0, 0))[0],
                child_total=self.per_child.get(child_id, (0, 0))[1],
                site_rate=site_rate,
                prior_strength=site_settings.show_prior_strength,
            )
            for child_id in child_ids
        }


def show_history_of_days(
    *, site: Site, since: dict[dt.date, dt.date]
) -> dict[dt.date, ShowHistory]:
    """For each day, the settled bookings from `since[day]` up to the day before, in one
    query of few rows whatever the history.

    The days' windows share their middle (from the latest `since` up to the first day):
    there the counts come per child; only the edges, where the windows differ, come per
    child and date. A week of 12-week windows reads some 60 + 300 rows, not 2 000.
    """
    if not since:
        return {}
    shared = Q(date__gte=max(since.values()), date__lt=min(since))
    rows = (
        Booking.objects.filter(
            group__site=site,
            date__gte=min(since.values()),
            date__lt=max(since),
            outcome__in=SETTLED,
        )
        .annotate(edge=Case(When(shared, then=Value(None)), default=F("date")))
        .values("child_id", "edge")
        .annotate(total=Count("pk"), present=Count("pk", filter=Q(outcome=rules.PRESENT)))
        .order_by()
        .values_list("child_id", "edge", "present", "total")
    )
    # The shared middle lies in every window: counted once; each day adds its edge rows.
    middle: dict[int, tuple[int, int]] = {}
    edges = []
    for child_id, edge, present, total in rows:
        if edge is None:
            middle[child_id] = (present, total)
        else:
            edges.append((edge, child_id, present, total))
    history = {}
    for day, first in since.items():
        per_child = dict(middle)
        for edge, child_id, present, total in edges:
            if first <= edge < day:
                before_present, before_total = per_child.get(child_id, (0, 0))
                per_child[child_id] = (before_present + present, before_total + total)
        history[day] = ShowHistory(
            present=sum(present for present, _ in per_child.values()),
            total=sum(total for _, total in per_child.values()),
            per_child=per_child,
        )
    return history


def probabilities_from_history(
    rows: list[dict], *, day: dt.date, child_ids: set[int], site_settings: SiteSettings
) -> tuple[dict[int, float], float]:
    """show_probabilities of `day` from show_history_rows, and the site's rate r."""
    since = day - dt.timedelta(days=site_settings.show_history_days)
    site_total = site_present = 0
    per_child: dict[int, list[int]] = {}
    for row in rows:
        if not since <= row["date"] < day:
            continue
        site_total += row["total"]
        site_present += row["present"]
        if row["child_id"] in child_ids:
            counts = per_child.setdefault(row["child_id"], [0, 0])
            counts[0] += row["present"]
            counts[1] += row["total"]
    site_rate = rules.site_show_rate(
        present=site_present, total=site_total, default=float(site_settings.default_show_rate)
    )
    probabilities = {
        child_id: rules.show_probability(
            child_present=per_child.get(child_id, [0, 0])[0],
            child_total=per_child.get(child_id, [0, 0])[1],
            site_rate=site_rate,
            prior_strength=site_settings.show_prior_strength,
        )
        for child_id in child_ids
    }
    return probabilities, site_rate
