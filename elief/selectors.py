"""Reads of the core, scoped to what the user may see."""

import datetime as dt

from django.db.models import Count, QuerySet, Sum

from elief.models import Site, User
from elief.scoping import sites_for


def site_list_for_user(*, user: User) -> QuerySet[Site]:
    return sites_for(user).prefetch_related("settings", "closing_days")


def site_totals_for_user(*, user: User) -> dict:
    """Aggregates of the sites a user may see: what the board reads on its home page."""
    return sites_for(user).aggregate(sites=Count("pk"), licensed_places=Sum("licensed_places"))


def site_status_on(*, site: Site, day: dt.date) -> dict:
    """Whether the site is open on `day`, and why not."""
    reason = site.closed_reason(day)
    return {"open": reason is None, "reason": reason}
