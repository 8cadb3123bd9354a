"""The day plan's child picker: children of the site who may still be booked on a day,
found as the coordinator types."""

import datetime as dt

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    Subquery,
)

from elief.models import Site, User
from elief.scoping import scope_to_sites
from families.models import Child
from planning import rules
from planning.models import Booking

# The child picker of the day plan

PICKER_LIMIT = 20


def child_picks(
    *, user: User, site: Site, day: dt.date, query: str, limit: int = PICKER_LIMIT
) -> tuple[list[Child], bool]:
    """The site's children matching every word of `query` (first or last name, family or
    child reference), not yet booked on `day`: at most `limit`, and whether there are more.

    One query. Each child carries `last_group`, the group of its latest booking, so
    namesakes are told apart by family, birth date and group.
    """
    words = query.split()
    if not words:
        return [], False
    children = scope_to_sites(
        Child.objects.filter(family__site=site, family__erased_at__isnull=True),
        user,
        site_field="family__site",
    )
    for word in words:
        children = children.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(family__reference__icontains=word)
            | Q(reference__icontains=word)
        )
    booked = Booking.objects.filter(child=OuterRef("pk"), date=day).exclude(outcome=rules.CANCELLED)
    latest = Booking.objects.filter(child=OuterRef("pk"), group__site=site).order_by("-date", "-pk")
    found = list(
        children.exclude(Exists(booked))
        .annotate(last_group=Subquery(latest.values("group__name")[:1]))
        .select_related("family")
        .order_by("first_name", "last_name", "birth_date", "pk")[: limit + 1]
    )
    return found[:limit], len(found) > limit
