"""Settling a day and correcting attendance.

A day to settle (a past day, or today once the site has closed) lists its bookings still
planned or present without a departure; each is settled with one tap: present with its
times (the planned ones by default), a no-show, or excused with a code. The correction of
a present child's times, with a reason, posts here from the booking's page and from
today's list.
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from elief import dates
from elief.models import Role
from elief.scoping import role_required, site_for_user
from planning import attendance, rules, selectors
from planning.models import Booking

staff_or_coordinator = role_required(Role.STAFF, Role.COORDINATOR)

TEMPLATE = "planning/settle.html"
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class SettleForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        choices=[(rules.PRESENT, ""), (rules.NO_SHOW, ""), (rules.EXCUSED, "")]
    )
    arrived = forms.TimeField(label=gettext_lazy("Arrived"), required=False, widget=TIME_WIDGET)
    left = forms.TimeField(label=gettext_lazy("Left"), required=False, widget=TIME_WIDGET)
    code = forms.CharField(required=False)


class CorrectForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    arrived = forms.TimeField(label=gettext_lazy("Arrived"), widget=TIME_WIDGET)
    left = forms.TimeField(label=gettext_lazy("Left"), required=False, widget=TIME_WIDGET)
    reason = forms.CharField(label=gettext_lazy("Reason of the correction"), max_length=500)


def _is_coordinator(request: HttpRequest) -> bool:
    return request.user.is_superuser or request.user.role == Role.COORDINATOR


def _day(value: str) -> dt.date:
    # Held to the application's range: a year 1 would otherwise read as a settled day.
    try:
        return dates.to_day(value)
    except ValidationError:
        raise Http404("No such day.") from None


def _settle_url(booking: Booking) -> str:
    return reverse("planning:settle_day", args=[booking.group.site_id, booking.date.isoformat()])


@require_GET
@staff_or_coordinator
def settle_day(request: HttpRequest, site_id: int, day: str) -> HttpResponse:
    site = site_for_user(request.user, site_id)
    date = _day(day)
    now = timezone.localtime()
    # Staff settle their own day; days gone by are the coordinator's.
    if date != now.date() and not _is_coordinator(request):
        raise PermissionDenied
    bookings = list(selectors.unsettled_bookings_of_day(user=request.user, site=site, day=date))
    context = {
        "site": site,
        "day": date,
        "bookings": bookings,
        "absence_codes": list(site.absence_codes.all()),
        "ready": rules.day_to_settle(day=date, now=now, closes=site.closes),
    }
    return render(request, TEMPLATE, context)


@require_POST
@staff_or_coordinator
def settle_booking(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
    form = SettleForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("This form is incomplete."))
    data = form.cleaned_data
    codes = list(booking.group.site.absence_codes.all())
    code = next((c for c in codes if str(c.pk) == data["code"]), None)
    error = ""
    try:
        booking = attendance.booking_settle(
            booking=booking,
            version=data["version"],
            user=request.user,
            outcome=data["outcome"],
            arrived=data["arrived"],
            left=data["left"],
            absence_code=code,
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
        booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request, _("%(name)s: the day is recorded.") % {"name": booking.child.first_name}
            )
        return redirect(_settle_url(booking))
    booking.error = error
    booking.settled = not rules.is_unsettled(outcome=booking.outcome, left=booking.left)
    context = {"booking": booking, "absence_codes": codes, "ready": True}
    return render(request, f"{TEMPLATE}#settle-row", context)


def _back(request: HttpRequest, booking: Booking) -> str:
    target = request.POST.get("next", "")
    # A path of this site only: redirect() would take any other word for a view's name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    if _is_coordinator(request):
        return reverse("planning:booking_detail", args=[booking.pk])
    return reverse("planning:today_site", args=[booking.group.site_id])


@require_POST
@staff_or_coordinator
def attendance_correct(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Correct a present child's arrival and departure, with a reason kept in the history."""
    booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
    form = CorrectForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            attendance.booking_correct_attendance(
                booking=booking,
                version=data["version"],
                user=request.user,
                arrived=data["arrived"],
                left=data["left"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The times of %(name)s are corrected.") % {"name": booking.child.first_name},
            )
    else:
        problems = [error for errors in form.errors.values() for error in errors]
        messages.error(request, " ".join(problems))
    return redirect(_back(request, booking))
