"""The parent link's section of the family page.

The family page belongs to `families`, which uses none of this app's code: it loads this
tag library, as the home page does with the apps' sections.
"""

from django import template

from families.models import Family
from parents import selectors
from parents.forms import LinkForm

register = template.Library()


@register.inclusion_tag("parents/_link_section.html", takes_context=True)
def parent_link_section(context, family: Family) -> dict:
    return {
        "csrf_token": context.get("csrf_token"),
        "family": family,
        "link": selectors.parent_link_current(family=family),
        "form": LinkForm(),
    }
