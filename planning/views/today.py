"""Today's list: the staff's tablet page to check children in and out, group by group.

One page (`today.html`) with its partials: a tap on a child's row posts to a small view that
answers with that row and, out of band, the fresh counts of its group and site (or with the
whole group when the row moves between the expected and the absent children). A row's
reasons of absence, a row's correction of its times and a group's urgent form come when
opened. Without JavaScript the same forms post normally and redirect back to the page, and
the forms that come when opened have a page of their own. What the page reads is
planning.today_list.
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import retarget

from elief.models import Role, Site
from elief.scoping import role_required, site_for_user, sites_for
from families.models import Child
from planning import attendance, rules, selectors, services
from planning.models import AbsenceCode, Booking, Group, Origin
from planning.today_list import (
    SiteToday,
    absence_codes,
    is_absent,
    page_url,
    site_today,
    urgent_candidates,
)
from planning.today_rows import draw_group_rows, row_html

staff_or_coordinator = role_required(Role.STAFF, Role.COORDINATOR)

TEMPLATE = "planning/today.html"
CORRECT_FORM = "planning/_attendance_correct_form.html"
NO_SHOW = "no_show"


# Forms: small, private to this page, so they live with its views.


class VersionForm(forms.Form):
    # The version the tablet saw: a tap on a row that changed since is refused, not applied.
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class AbsenceForm(VersionForm):
    code = forms.ChoiceField(label=gettext_lazy("Reason of absence"))

    def __init__(self, *args, absence_codes: list[AbsenceCode], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [
            ("", _("Choose…")),
            *((code.code, code.label) for code in absence_codes),
            (NO_SHOW, _("Did not let us know (no-show)")),
        ]


class UrgentForm(forms.Form):
    child = forms.TypedChoiceField(label=gettext_lazy("Child"), coerce=int)
    end = forms.TimeField(
        label=gettext_lazy("Expected departure"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason to book anyway"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, group: Group, candidates: list[Child], **kwargs) -> None:
        super().__init__(*args, prefix=f"urgent-{group.pk}", **kwargs)
        self.fields["child"].choices = [
            ("", _("Choose a child…")),
            *((child.pk, f"{child.first_name} {child.last_name}") for child in candidates),
        ]
        # Set when the acceptance rule refused: the form then asks for a reason.
        self.refusal: services.BookingRefused | None = None


# Views


def _now_time(now: dt.datetime) -> dt.time:
    # To the second: a check-out right after a check-in must still come after it.
    return now.time().replace(microsecond=0)


def _with_refused_form(data: SiteToday, form: UrgentForm) -> SiteToday:
    """The page again with the urgent form that was refused open in its group."""
    for group_day in data.groups:
        if form.prefix == f"urgent-{group_day.group.pk}":
            group_day.urgent_form = form
    return data


def _child_options(candidates: list[Child]) -> str:
    # Drawn at once rather than through the select widget's templates, option by option.
    return format_html_join(
        "",
        '<option value="{}">{}</option>',
        [("", _("Choose a child…"))]
        + [(child.pk, f"{child.first_name} {child.last_name}") for child in candidates],
    )


# The group a tablet shows: `?groep=<id>` or `?groep=alle`, remembered in a cookie per
# site so a tablet that stands in one group opens on it every morning.
GROUP_PARAM = "groep"
ALL_GROUPS = "alle"
GROUP_COOKIE_AGE = 365 * 24 * 3600


def _group_cookie(site: Site) -> str:
    return f"today_group_{site.pk}"


def _shown_group(request: HttpRequest, data: SiteToday) -> int | None:
    """The id of the group to show, None for all: the link's choice, else the tablet's."""
    choice = request.GET.get(GROUP_PARAM, request.COOKIES.get(_group_cookie(data.site), ""))
    return next((g.group.pk for g in data.groups if str(g.group.pk) == choice), None)


def _render_page(
    request: HttpRequest, data: SiteToday | None, *, sites: list[Site] | None = None
) -> HttpResponse:
    shown = _shown_group(request, data) if data is not None else None
    if data is not None:
        token = csrf_input(request)
        for group in data.groups:
            if not shown or group.group.pk == shown:
                draw_group_rows(group, labels=data.labels, csrf_input=token)
    if request.htmx and data is not None:
        context = {"today": data, "site": data.site, "shown_group": shown}
        return render(request, f"{TEMPLATE}#board", context)
    if sites is None:
        sites = list(sites_for(request.user))
    context = {
        "today": data,
        "site": data.site if data else None,
        "sites": sites,
        "shown_group": shown,
        "all_groups": ALL_GROUPS,
    }
    response = render(request, TEMPLATE, context)
    if data is not None and GROUP_PARAM in request.GET:
        response.set_cookie(
            _group_cookie(data.site),
            str(shown) if shown else ALL_GROUPS,
            max_age=GROUP_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


@require_GET
@staff_or_coordinator
def today(request: HttpRequest, site_id: int | None = None) -> HttpResponse:
    sites = list(sites_for(request.user))
    if site_id is not None:
        # The user's sites are read anyway for the tabs: the one asked for is among them.
        site = next((site for site in sites if site.pk == site_id), None)
        if site is None:
            raise Http404("No such site.")
    elif sites:
        site = sites[0]
    else:
        return _render_page(request, None, sites=sites)
    data = site_today(user=request.user, site=site, now=timezone.localtime())
    return _render_page(request, data, sites=sites)


def _booking_of_today(request: HttpRequest, booking_id: int) -> Booking:
    booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
    if booking.date != timezone.localdate():
        raise Http404("This booking is not on today's list.")
    return booking


def _row_response(
    request: HttpRequest,
    *,
    booking: Booking,
    version: int,
    error: ValidationError | None,
    done: str,
) -> HttpResponse:
    """The row again, fresh from the database, with the group's and site's counts.

    A refused change shows its reason in the row; a stale version (someone else changed the
    booking since this tablet loaded it) says so, and the row shows how it stands now.
    """
    message = ""
    if error is not None:
        if booking.version != version:
            message = _(
                "%(name)s was changed in the meantime, on another device or by a colleague. "
                "This is how it stands now: tap again if it is still needed."
            ) % {"name": booking.child.first_name}
        else:
            message = " ".join(error.messages)
    site = booking.group.site
    if not request.htmx:
        if message:
            messages.error(request, message)
        else:
            messages.success(request, done)
        return redirect(page_url(site, f"booking-{booking.pk}"))
    data = site_today(user=request.user, site=site, now=timezone.localtime())
    fresh = data.bookings.get(booking.pk)
    if fresh is not None:
        fresh.error = message
    group = next(g for g in data.groups if g.group.pk == (fresh or booking).group_id)
    context = {"today": data, "group": group}
    token = csrf_input(request)
    if fresh is not None and is_absent(fresh) != is_absent(booking):
        # Absent children sit dimmed at the bottom of their group: the row moves there (or
        # back up), so the whole group is drawn again in place of the row.
        draw_group_rows(group, labels=data.labels, csrf_input=token)
        response = render(request, f"{TEMPLATE}#group-update", context)
        return retarget(response, f"#group-{group.group.pk}")
    # A booking cancelled in the meantime renders no row: htmx then removes it.
    if fresh is not None:
        context["row"] = row_html(fresh, labels=data.labels, csrf_input=token)
    return render(request, f"{TEMPLATE}#row-update", context)


def _tap(request: HttpRequest, booking_id: int, service, done: str) -> HttpResponse:
    """Check in or out now: `service` is the booking service, `done` the message."""
    booking = _booking_of_today(request, booking_id)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("This form is missing the booking's version."))
    at = _now_time(timezone.localtime())
    version = form.cleaned_data["version"]
    error = None
    try:
        service(booking=booking, version=version, user=request.user, at=at)
    except ValidationError as exc:
        error = exc
    text = done % {"name": booking.child.first_name, "time": f"{at:%H:%M}"}
    return _row_response(request, booking=booking, version=version, error=error, done=text)


@require_POST
@staff_or_coordinator
def check_in(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _tap(
        request, booking_id, services.booking_check_in, _("%(name)s checked in at %(time)s.")
    )


@require_POST
@staff_or_coordinator
def check_out(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _tap(
        request, booking_id, services.booking_check_out, _("%(name)s checked out at %(time)s.")
    )


@require_POST
@staff_or_coordinator
def undo(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Undo a check-in or check-out tapped by mistake, within a few minutes."""
    booking = _booking_of_today(request, booking_id)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("This form is missing the booking's version."))
    version = form.cleaned_data["version"]
    error = None
    try:
        attendance.booking_undo_attendance(booking=booking, version=version, user=request.user)
    except ValidationError as exc:
        error = exc
    return _row_response(
        request,
        booking=booking,
        version=version,
        error=error,
        done=_("Undone for %(name)s.") % {"name": booking.child.first_name},
    )


@require_POST
@staff_or_coordinator
def record_absence(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _booking_of_today(request, booking_id)
    site = booking.group.site
    # The options are the codes' slugs, so the defaults the list offered a site without
    # codes are the ones created here.
    codes = list(site.absence_codes.all()) or services.absence_codes_ensure(site=site)
    form = AbsenceForm(request.POST, absence_codes=codes)
    valid = form.is_valid()
    if "version" in form.errors:
        return HttpResponseBadRequest(_("This form is missing the booking's version."))
    version = form.cleaned_data["version"]
    error = None
    if not valid:
        error = ValidationError(_("Choose a reason of absence."))
    else:
        chosen = form.cleaned_data["code"]
        code = None if chosen == NO_SHOW else next(c for c in codes if c.code == chosen)
        try:
            services.booking_record_absence(
                booking=booking, version=version, user=request.user, absence_code=code
            )
        except ValidationError as exc:
            error = exc
    return _row_response(
        request,
        booking=booking,
        version=version,
        error=error,
        done=_("Absence of %(name)s recorded.") % {"name": booking.child.first_name},
    )


def _form_page(
    request: HttpRequest, *, site: Site, title: str, fragment: str, context: dict
) -> HttpResponse:
    """A form of the list on a page of its own, for a tablet without JavaScript."""
    context = {**context, "site": site, "title": title, "fragment": fragment}
    context["back_url"] = page_url(site)
    return render(request, "planning/today_form.html", context)


@require_GET
@staff_or_coordinator
def absence_form(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The reasons of absence of a row, loaded when its "Absent…" is opened (a list of many
    rows draws no form per row); without JavaScript, on a page of its own."""
    booking = _booking_of_today(request, booking_id)
    site = booking.group.site
    booking.absence_url = reverse("planning:today_absence", args=[booking.pk])
    context = {
        "booking": booking,
        "absence_codes": absence_codes(site),
        "in_list": bool(request.htmx),
    }
    if request.htmx:
        return render(request, f"{TEMPLATE}#absence-form", context)
    title = _("Absence of %(name)s") % {"name": booking.child.first_name}
    return _form_page(
        request, site=site, title=title, fragment=f"{TEMPLATE}#absence-form", context=context
    )


@require_GET
@staff_or_coordinator
def correct_form(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The form that corrects a row's times, loaded when its "Correct the times" is opened
    (a list of many rows draws no form per row); without JavaScript, on a page of its own.
    It posts to the correction of the booking's page and comes back to the list."""
    booking = _booking_of_today(request, booking_id)
    site = booking.group.site
    context = {"booking": booking, "next": page_url(site)}
    if request.htmx:
        return render(request, CORRECT_FORM, context)
    title = _("Correct the times of %(name)s") % {"name": booking.child.first_name}
    return _form_page(request, site=site, title=title, fragment=CORRECT_FORM, context=context)


@require_http_methods(["GET", "POST"])
@staff_or_coordinator
def add_urgent(request: HttpRequest, site_id: int, group_id: int) -> HttpResponse:
    """Book a child who turns up unplanned as urgent, today, from now on.

    An urgent booking is checked against the full capacity; when the overflow risk is still
    too high the form shows it and asks for a reason, which is recorded with the booking.
    A GET gives the form, loaded into the group when opened, or on a page of its own.
    """
    site = site_for_user(request.user, site_id)
    group = selectors.group_list_for_site(user=request.user, site=site).filter(pk=group_id).first()
    if group is None:
        raise Http404("No such group.")
    now = timezone.localtime()
    candidates = urgent_candidates(site, now.date())
    if request.method == "GET":
        context = {
            "form": UrgentForm(group=group, candidates=[], initial={"end": site.closes}),
            "child_options": _child_options(candidates),
            "urgent_url": reverse("planning:today_urgent", args=[site.pk, group.pk]),
            "in_list": bool(request.htmx),
        }
        if request.htmx:
            return render(request, f"{TEMPLATE}#urgent-form", context)
        title = _("An unplanned urgent child in %(group)s") % {"group": group.name}
        return _form_page(
            request, site=site, title=title, fragment=f"{TEMPLATE}#urgent-form", context=context
        )
    form = UrgentForm(request.POST, group=group, candidates=candidates)
    if form.is_valid():
        child = next(c for c in candidates if c.pk == form.cleaned_data["child"])
        start = max(now.time().replace(second=0, microsecond=0), site.opens)
        end = form.cleaned_data["end"]
        if end <= start:
            form.add_error(
                "end",
                _("The expected departure must come after %(time)s.") % {"time": f"{start:%H:%M}"},
            )
        else:
            try:
                booking = services.booking_create(
                    origin=Origin.MANUAL,
                    child=child,
                    group=group,
                    day=now.date(),
                    start=start,
                    end=end,
                    place_type=rules.URGENT,
                    user=request.user,
                    override_reason=form.cleaned_data["reason"],
                    now=now,
                )
            except services.BookingRefused as refusal:
                form.refusal = refusal
                form.add_error(None, refusal)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if not request.htmx:
                    messages.success(
                        request,
                        _("%(name)s was added as urgent.") % {"name": child.first_name},
                    )
                    return redirect(page_url(site, f"booking-{booking.pk}"))
                return _render_page(request, site_today(user=request.user, site=site, now=now))
    data = site_today(user=request.user, site=site, now=now)
    return _render_page(request, _with_refused_form(data, form))
