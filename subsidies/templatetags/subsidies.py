"""Fragments of the subsidies app that other pages (the home page) include.

The home page belongs to the core, which uses none of the apps' models: it loads this
tag library instead, so the dependency points from the template to this app.
"""

from django import template
from django.utils import timezone

from elief.scoping import sites_for
from subsidies import selectors

register = template.Library()


@register.inclusion_tag("subsidies/_board_home.html", takes_context=True)
def board_home(context: template.Context) -> dict:
    """Last month's key figures per site against the month before, as the monthly report
    opens by default."""
    user = context["request"].user
    month = selectors.add_months(timezone.localdate().replace(day=1), -1)
    return {
        "month": month,
        "previous_month": selectors.add_months(month, -1),
        "rows": selectors.board_home_figures(sites=sites_for(user), month=month),
    }
