import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from elief.models import Role
from elief.scoping import role_required, site_for_user
from planning.selectors import group_list_for_site, site_list_with_groups

SITE_ROLES = (Role.COORDINATOR, Role.STAFF, Role.BOARD, Role.ADMIN)


@require_GET
@role_required(*SITE_ROLES)
def site_list(request: HttpRequest) -> HttpResponse:
    sites = site_list_with_groups(user=request.user)
    return render(request, "planning/site_list.html", {"sites": sites})


@require_GET
@role_required(*SITE_ROLES)
def site_detail(request: HttpRequest, site_id: int) -> HttpResponse:
    site = site_for_user(request.user, site_id)
    today = timezone.localdate()
    groups = list(group_list_for_site(user=request.user, site=site))
    context = {
        "site": site,
        "groups": groups,
        "totals": {
            key: sum(getattr(group, key) for group in groups)
            for key in ("capacity", "regular_places", "occasional_places", "urgent_reserve")
        },
        "settings": site.settings_on(today) if site.settings.exists() else None,
        # Only the days the site would otherwise open: a holiday on a Sunday closes nothing.
        "closing_days": sorted(
            (day, reason)
            for day, reason in site.closing_dates(today, today + dt.timedelta(days=365)).items()
            if day.isoweekday() in site.weekdays
        ),
    }
    return render(request, "planning/site_detail.html", context)
