"""The parents' open requests as candidates for a freed place (planning.freed).

A request for a day on which a place came free is offered next to the waiting list, in
the same acceptance order; booking it goes through parents.services.parent_request_accept
(the acceptance rule), which marks the request accepted and the booking's origin request.
"""

import datetime as dt

from django.db.models import Exists, OuterRef

from elief.links import url_for_each
from elief.models import Site, User
from elief.scoping import scope_to_sites
from parents.models import ParentRequest
from planning import rules as planning_rules
from planning.freed import FreedPlaceCandidate
from planning.models import Booking, Origin


def freed_place_requests(
    *, site: Site, days: list[dt.date], user: User | None, limit: int
) -> dict[dt.date, list[FreedPlaceCandidate]]:
    """Per day, the site's open requests for that day whose times lie within the opening
    hours and whose child has no booking that day yet: one query for all the days."""
    booked = Booking.objects.filter(child=OuterRef("child"), date=OuterRef("day")).exclude(
        outcome=planning_rules.CANCELLED
    )
    requests = (
        ParentRequest.objects.filter(
            family__site=site,
            family__erased_at__isnull=True,
            status=ParentRequest.Status.OPEN,
            day__in=days,
            start__gte=site.opens,
            end__lte=site.closes,
        )
        .filter(~Exists(booked))
        .select_related("child__family")
    )
    if user is not None:
        requests = scope_to_sites(requests, user, site_field="family__site")
    accept = url_for_each("parents:request_accept")
    by_day: dict[dt.date, list[FreedPlaceCandidate]] = {}
    for request in requests:
        by_day.setdefault(request.day, []).append(
            FreedPlaceCandidate(
                child=request.child,
                start=request.start,
                end=request.end,
                urgent=request.urgent,
                origin=Origin.REQUEST,
                source=request,
                since=request.created_at,
                book_url=accept(request.pk),
            )
        )
    return {
        day: sorted(candidates, key=lambda c: c.sort_key)[:limit]
        for day, candidates in by_day.items()
    }
