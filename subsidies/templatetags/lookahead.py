"""The look-ahead on the coordinator's home page.

The home page belongs to the core, which uses none of the apps' models, so it loads this
tag library. The tag lives here and not in planning because it adds money to the plan's
figures, and only subsidies may use both (planning never imports subsidies).
"""

from django import template
from django.utils import timezone

from elief.models import Site
from planning.lookahead import lookahead as planning_lookahead
from subsidies.selectors import occasional_at_stake

register = template.Library()


@register.inclusion_tag("planning/_lookahead.html", takes_context=True)
def lookahead(context: template.Context, site: Site) -> dict:
    """The next open days of `site`: per group, overbooking, slots short of staff and the
    empty occasional places that will cost subsidy."""
    user = context["request"].user
    days = planning_lookahead(user=user, site=site, start=timezone.localdate(), now=timezone.now())
    if days:
        groups = [cell.group for cell in days[0].cells]
        at_stake = occasional_at_stake(
            site=site, start=days[0].day, end=days[-1].day, groups=groups
        )
        for day in days:
            for cell in day.cells:
                cell.at_stake = at_stake.get((cell.group.pk, day.day))
    return {"site": site, "days": days, "user": user}
