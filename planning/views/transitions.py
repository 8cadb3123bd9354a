"""Transitions to a regular place (doorstroom): who should move, and the move itself."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from elief.models import Role
from elief.scoping import role_required, site_for_user
from families import rules as family_rules
from planning.transitions import (
    TransitionCandidate,
    transition_bookings_ahead,
    transition_candidates,
    transition_plan_for_user,
    transition_to_regular,
)

coordinator_only = role_required(Role.COORDINATOR)


class TransitionForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


def reason_text(candidate: TransitionCandidate) -> str:
    if candidate.reason == family_rules.FREQUENT:
        return _("came at least %(days)d days a week for %(weeks)d weeks in a row") % {
            "days": candidate.days_per_week,
            "weeks": candidate.weeks,
        }
    return _("occasional care for longer than %(months)d months") % {"months": candidate.max_months}


@require_GET
@coordinator_only
def transitions(request: HttpRequest, site_id: int) -> HttpResponse:
    site = site_for_user(request.user, site_id)
    today = timezone.localdate()
    candidates = transition_candidates(user=request.user, site=site, today=today)
    rows = [{"candidate": c, "reason": reason_text(c)} for c in candidates]
    confirm = None
    if "bevestig" in request.GET:
        row = next(
            (r for r in rows if str(r["candidate"].plan.pk) == request.GET["bevestig"]), None
        )
        if row is None:
            raise Http404("Nothing to confirm.")
        plan = row["candidate"].plan
        confirm = {
            **row,
            "form": TransitionForm(initial={"version": plan.version}),
            "bookings": transition_bookings_ahead(plan=plan, today=today),
        }
    return render(
        request,
        "planning/transitions.html",
        {"site": site, "rows": rows, "confirm": confirm, "today": today},
    )


@require_POST
@coordinator_only
def transition_move(request: HttpRequest, site_id: int, plan_id: int) -> HttpResponse:
    """Move the child to a regular place: the confirmation step of the page posts here."""
    site = site_for_user(request.user, site_id)
    plan = transition_plan_for_user(user=request.user, site=site, plan_id=plan_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return redirect("planning:transitions", site.pk)
    try:
        result = transition_to_regular(
            plan=plan,
            version=form.cleaned_data["version"],
            user=request.user,
            today=timezone.localdate(),
            note=_("Transition to a regular place."),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "%(name)s moves to a regular place; %(count)d planned occasional bookings "
                "became regular."
            )
            % {"name": plan.child.first_name, "count": len(result.bookings)},
        )
    return redirect("planning:transitions", site.pk)
