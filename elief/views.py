from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from elief.models import Role
from elief.selectors import site_list_for_user, site_status_on, site_totals_for_user


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    context: dict = {"today": today}
    if user.role == Role.BOARD:
        context["totals"] = site_totals_for_user(user=user)
    elif user.role == Role.REFERRER:
        context["organisation"] = user.organisation
    else:
        context["sites"] = [
            {
                "site": site,
                "status": site_status_on(site=site, day=today),
            }
            for site in site_list_for_user(user=user)
        ]
    return render(request, "elief/home.html", context)


@login_not_required
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and docker-compose: the process answers."""
    return HttpResponse("ok", content_type="text/plain")
