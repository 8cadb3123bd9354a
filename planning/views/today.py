"""Today's list: the staff's tablet page to check children in and out, group by group.

One page (`today.html`) with its partials: a tap on a child's row posts to a small view that
answers with that row and, out of band, the fresh counts of its group and site (or with the
whole group when the row moves between the expected and the absent children). Without
JavaScript the same forms post normally and redirect back to the page.
"""

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import retarget

from elief.links import url_for_each
from elief.models import Role, Site, User
from elief.scoping import role_required, site_for_user, sites_for
from families.models import Child
from planning import attendance, rules, selectors, services
from planning.models import (
    DEFAULT_ABSENCE_CODES,
    AbsenceCode,
    Booking,
    BookingChange,
    Group,
    Origin,
    Shift,
)

staff_or_coordinator = role_required(Role.STAFF, Role.COORDINATOR)

TEMPLATE = "planning/today.html"
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


# Reading the day


@dataclass
class GroupToday:
    group: Group
    live: list[Booking]
    absent: list[Booking]
    present_now: int
    to_come: int
    staff_needed: int
    staff_on_shift: int
    urgent_form: UrgentForm | None = None

    @property
    def capacity(self) -> int:
        return self.group.capacity

    @property
    def over_capacity(self) -> bool:
        return self.present_now > self.group.capacity

    @property
    def expected(self) -> int:
        return self.present_now + self.to_come

    @property
    def over_capacity_expected(self) -> bool:
        """More children here and still to come than places: an urgent child added beyond
        the capacity (with a reason) shows at once, not only when the last one is in."""
        return not self.over_capacity and self.expected > self.group.capacity

    @property
    def staff_short(self) -> bool:
        return self.staff_on_shift < self.staff_needed


@dataclass
class SiteToday:
    site: Site
    day: dt.date
    now: dt.datetime
    is_open: bool
    closed_reason: str
    ratio: int
    groups: list[GroupToday]
    absence_codes: list[AbsenceCode]
    candidates: list[Child]
    present_now: int = 0
    staff_needed: int = 0
    staff_on_shift: int = 0
    interns_on_shift: int = 0
    bookings: dict[int, Booking] = field(default_factory=dict)
    page_url: str = ""
    # The <option>s of the urgent forms' child field, the same in every group.
    child_options: str = ""
    # Bookings still planned, or present without a departure, once the site has closed.
    to_settle: int = 0

    @property
    def staff_short(self) -> bool:
        return self.staff_on_shift < self.staff_needed

    def group_of(self, booking: Booking) -> GroupToday:
        return next(g for g in self.groups if g.group.pk == booking.group_id)


def _is_here(booking: Booking) -> bool:
    return booking.outcome == rules.PRESENT and booking.left is None


def _is_absent(booking: Booking) -> bool:
    return booking.outcome in (rules.EXCUSED, rules.NO_SHOW)


def _status(booking: Booking) -> str:
    if booking.outcome == rules.PRESENT:
        return "present" if booking.left is None else "left"
    return booking.outcome


def _absence_codes(site: Site) -> list[AbsenceCode]:
    """The codes the list offers: the site's, or the defaults a site without codes gets
    at its first absence (unsaved here: reading the list writes nothing)."""
    return list(site.absence_codes.all()) or [
        AbsenceCode(site=site, code=code, label=label, counts_for_regular=counts)
        for code, label, counts in DEFAULT_ABSENCE_CODES
    ]


def site_today(*, user: User, site: Site, now: dt.datetime) -> SiteToday:
    """Everything today's list shows, in a fixed number of queries whatever the children.

    It is this page's own read model (with the page's forms attached later), so it lives
    here rather than in planning.selectors.
    """
    day = now.date()
    site_settings = site.settings_on(day)
    closed_reason = site.closed_reason(day)
    groups = list(selectors.group_list_for_site(user=user, site=site).order_by("name"))
    bookings = list(
        Booking.objects.filter(group__site=site, date=day)
        .exclude(outcome=rules.CANCELLED)
        .select_related("child", "absence_code")
        .order_by("start", "child__first_name", "child__last_name", "pk")
    )
    shifts = [
        shift
        for shift in Shift.objects.filter(staff_member__site=site, date=day).select_related(
            "staff_member"
        )
        if shift.start <= now.time() < shift.end
    ]
    booked_today = {booking.child_id for booking in bookings}
    candidates = [
        child
        for child in Child.objects.filter(family__site=site, family__erased_at__isnull=True)
        .filter(Q(family__left_on__isnull=True) | Q(family__left_on__gte=day))
        .only("first_name", "last_name", "family_id")
        .order_by("first_name", "last_name", "pk")
        if child.pk not in booked_today
    ]
    ratio = site_settings.ratio
    counted = [shift for shift in shifts if shift.staff_member.counts_in_ratio]
    # Staff on a shift without a group work for the whole site: every group may count on them.
    floating = sum(1 for shift in counted if shift.group_id is None)

    undoable = _undoable(bookings, now)
    settling = rules.day_to_settle(day=day, now=now, closes=site.closes)
    by_group: dict[int, list[Booking]] = {group.pk: [] for group in groups}
    urls = {
        name: url_for_each(f"planning:{name}")
        for name in ("today_check_in", "today_check_out", "today_undo", "today_absence")
    }
    correct_url = url_for_each("planning:attendance_correct")
    for booking in bookings:
        booking.check_in_url = urls["today_check_in"](booking.pk)
        booking.check_out_url = urls["today_check_out"](booking.pk)
        booking.undo_url = urls["today_undo"](booking.pk)
        booking.absence_url = urls["today_absence"](booking.pk)
        booking.correct_url = correct_url(booking.pk)
        booking.status = _status(booking)
        booking.can_undo = booking.pk in undoable
        booking.to_settle = settling and rules.is_unsettled(
            outcome=booking.outcome, left=booking.left
        )
        # A tap after closing time is kept as it was tapped, and shown so it gets corrected.
        booking.after_closing = booking.left is not None and booking.left > site.closes
        by_group.setdefault(booking.group_id, []).append(booking)
    group_days = []
    for group in groups:
        mine = by_group[group.pk]
        present_now = sum(1 for b in mine if _is_here(b))
        group_days.append(
            GroupToday(
                group=group,
                live=[b for b in mine if b.outcome in (rules.PLANNED, rules.PRESENT)],
                # Excused and no-show: dimmed at the bottom, a tap on check-in undoes them.
                absent=[b for b in mine if _is_absent(b)],
                present_now=present_now,
                to_come=sum(1 for b in mine if b.outcome == rules.PLANNED),
                staff_needed=rules.staff_needed(present_now, ratio),
                staff_on_shift=floating + sum(1 for shift in counted if shift.group_id == group.pk),
            )
        )
    present_now = sum(g.present_now for g in group_days)
    return SiteToday(
        site=site,
        day=day,
        now=now,
        is_open=closed_reason is None,
        closed_reason=closed_reason or "",
        ratio=ratio,
        groups=group_days,
        absence_codes=_absence_codes(site),
        candidates=candidates,
        present_now=present_now,
        staff_needed=rules.staff_needed(present_now, ratio),
        staff_on_shift=len(counted),
        interns_on_shift=len(shifts) - len(counted),
        bookings={booking.pk: booking for booking in bookings},
        page_url=_page_url(site),
        to_settle=sum(1 for booking in bookings if booking.to_settle),
    )


def _undoable(bookings: list[Booking], now: dt.datetime) -> set[int]:
    """The bookings whose last change is a check-in or out that may still be undone."""
    recent = BookingChange.objects.filter(
        booking__in=[booking.pk for booking in bookings], at__gte=now - rules.UNDO_WINDOW
    ).order_by("booking_id", "-at", "-pk")
    last: dict[int, BookingChange] = {}
    for change in recent.only("booking_id", "action", "at"):
        last.setdefault(change.booking_id, change)
    return {
        booking_id
        for booking_id, change in last.items()
        if rules.can_undo(action=change.action, at=change.at, now=now)
    }


# Views


def _page_url(site: Site, anchor: str = "") -> str:
    url = reverse("planning:today_site", args=[site.pk])
    return f"{url}#{anchor}" if anchor else url


def _now_time(now: dt.datetime) -> dt.time:
    # To the second: a check-out right after a check-in must still come after it.
    return now.time().replace(microsecond=0)


def _with_urgent_forms(data: SiteToday, bound: UrgentForm | None = None) -> SiteToday:
    # Rendering a select's options through the widget templates, once per group, cost more
    # than the rest of the page: they are the same for every group, so they are drawn once.
    data.child_options = format_html_join(
        "",
        '<option value="{}">{}</option>',
        [("", _("Choose a child…"))]
        + [(child.pk, f"{child.first_name} {child.last_name}") for child in data.candidates],
    )
    for group_day in data.groups:
        if bound is not None and bound.prefix == f"urgent-{group_day.group.pk}":
            group_day.urgent_form = bound
        else:
            group_day.urgent_form = UrgentForm(
                group=group_day.group,
                candidates=data.candidates,
                initial={"end": data.site.closes},
            )
    return data


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
    return _render_page(request, _with_urgent_forms(data), sites=sites)


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
        return redirect(_page_url(site, f"booking-{booking.pk}"))
    data = _with_urgent_forms(site_today(user=request.user, site=site, now=timezone.localtime()))
    fresh = data.bookings.get(booking.pk)
    if fresh is not None:
        fresh.error = message
    group = next(g for g in data.groups if g.group.pk == (fresh or booking).group_id)
    context = {"today": data, "booking": fresh, "group": group}
    if fresh is not None and _is_absent(fresh) != _is_absent(booking):
        # Absent children sit dimmed at the bottom of their group: the row moves there (or
        # back up), so the whole group is drawn again in place of the row.
        response = render(request, f"{TEMPLATE}#group-update", context)
        return retarget(response, f"#group-{group.group.pk}")
    # A booking cancelled in the meantime renders no row: htmx then removes it.
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


@require_POST
@staff_or_coordinator
def add_urgent(request: HttpRequest, site_id: int, group_id: int) -> HttpResponse:
    """Book a child who turns up unplanned as urgent, today, from now on.

    An urgent booking is checked against the full capacity; when the overflow risk is still
    too high the form shows it and asks for a reason, which is recorded with the booking.
    """
    site = site_for_user(request.user, site_id)
    group = selectors.group_list_for_site(user=request.user, site=site).filter(pk=group_id).first()
    if group is None:
        raise Http404("No such group.")
    now = timezone.localtime()
    data = site_today(user=request.user, site=site, now=now)
    form = UrgentForm(request.POST, group=group, candidates=data.candidates)
    if form.is_valid():
        child = next(c for c in data.candidates if c.pk == form.cleaned_data["child"])
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
                    return redirect(_page_url(site, f"booking-{booking.pk}"))
                data = site_today(user=request.user, site=site, now=now)
                return _render_page(request, _with_urgent_forms(data))
    return _render_page(request, _with_urgent_forms(data, bound=form))
