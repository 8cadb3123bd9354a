"""The planning's sections of the coordinator's home page.

The home page belongs to the core, which uses none of the apps' code, so it loads this tag
library instead of asking planning's selectors itself.
"""

from django import template
from django.utils import timezone

from elief.models import Site
from planning import rules
from planning.freed import freed_places_ahead
from planning.selectors import unsettled_days

register = template.Library()


@register.inclusion_tag("planning/_unsettled.html")
def days_to_settle(site: Site) -> dict:
    """The site's past days (and today once it has closed) with bookings still to settle:
    forgetting to record attendance is visible, never silent. One query."""
    now = timezone.localtime()
    days = [
        day
        for day in unsettled_days(site=site, until=now.date())
        if rules.day_to_settle(day=day.date, now=now, closes=site.closes)
    ]
    return {"unsettled": days}


@register.inclusion_tag("planning/_freed_places.html", takes_context=True)
def freed_places(context: template.Context, site: Site) -> dict:
    """The places given back on today and the coming open days, each with its first
    candidate to book in one tap. A fixed number of queries (planning.freed)."""
    today = timezone.localdate()
    return {
        "site": site,
        "freed_places": freed_places_ahead(user=context["user"], site=site, today=today),
        "today": today,
        "csrf_token": context.get("csrf_token"),
    }
