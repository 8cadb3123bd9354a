"""Fragments of the referrals app that other pages (the home page) include.

The home page belongs to the core, which uses none of the apps' models: it loads this
tag library instead, so the dependency points from the template to this app.
"""

from django import template
from django.utils import timezone

from referrals.selectors import referral_deadline_summary

register = template.Library()


@register.inclusion_tag("referrals/_deadlines.html", takes_context=True)
def referral_deadlines(context: template.Context) -> dict:
    user = context["request"].user
    return {"deadlines": referral_deadline_summary(user=user, today=timezone.localdate())}
