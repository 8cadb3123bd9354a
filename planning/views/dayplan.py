"""The coordinator's day plan (planbord): one site, one day, all groups; and the week."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from elief import dates
from elief.links import url_for_each
from elief.models import Role, Site
from elief.scoping import role_required, site_for_user, sites_for
from families.access import record_access
from families.models import Child
from planning import picker, rules, selectors, services
from planning.forms import BookingForm, BookingMoveForm, VersionForm
from planning.history import change_sentence
from planning.models import AbsenceCode, Booking, Origin, PlaceType
from planning.views import hour_strips
from planning.views.booking_rows import BookingRows, row_labels
from planning.views.week_cells import week_cell, week_cell_labels
from planning.waiting import candidates_for

coordinator_only = role_required(Role.COORDINATOR)


def _day(request: HttpRequest) -> dt.date:
    return dates.parse_day(request.GET.get("dag"), timezone.localdate(), request)


def _children(site: Site):
    return (
        Child.objects.filter(family__site=site, family__erased_at__isnull=True)
        .select_related("family")
        .order_by("first_name", "last_name")
    )


def _plan_url(site: Site, day: dt.date) -> str:
    return f"{reverse('planning:dayplan_site', args=[site.pk])}?dag={day.isoformat()}"


def _links(site: Site, day: dt.date) -> dict:
    """The URLs of a plan's rows, each pattern reversed once (elief.links), and the
    labels of the rows' choices, translated once."""
    dag = f"?dag={day.isoformat()}"
    detail = url_for_each("planning:booking_detail")
    cancel = url_for_each("planning:booking_cancel")
    urgent = url_for_each("planning:booking_urgent")
    move_form = url_for_each("planning:booking_move_form")
    add = url_for_each("planning:booking_add")
    add_form = url_for_each("planning:booking_add_form")
    return {
        "dag": dag,
        "detail": detail,
        "cancel": lambda pk: cancel(pk) + dag,
        "urgent": lambda pk: urgent(pk) + dag,
        "move_form": move_form,
        "add": lambda pk: add(pk) + dag,
        "add_form": lambda pk: add_form(pk) + dag,
        "restore": lambda pk: reverse("planning:booking_restore", args=[pk]) + dag,
        "picker": reverse("planning:child_picker", args=[site.pk]),
        "labels": row_labels(),
    }


def _booking_form(*, site: Site, group_pk: int, children) -> BookingForm:
    """A group's empty booking form, with the times most bookings have."""
    return BookingForm(
        children=children,
        site=site,
        prefix=f"g{group_pk}",
        initial={
            "start": dt.time(8, 30),
            "end": dt.time(16, 30),
            "place_type": PlaceType.OCCASIONAL,
        },
    )


def _prepare_group(
    group_day,
    *,
    site: Site,
    links: dict,
    flash: dict | None,
    picks: dict | None,
    children,
    rows: BookingRows,
    open_form: bool = False,
) -> None:
    """Attach what a group's card shows besides its figures: the rows, the URLs, and the
    booking form when it must show at once (searched for without JavaScript, or asked
    for); otherwise the form comes when opened (booking_add_form)."""
    group_day.rows = rows.rows(group_day.bookings)
    group_day.strip = hour_strips.group_strip(group_day)
    group_day.add_url = links["add"](group_day.group.pk)
    group_day.add_form_url = links["add_form"](group_day.group.pk)
    if flash and flash.get("undo"):
        flash["undo_url"] = links["restore"](flash["undo"].pk)
    group_day.flash = flash
    group_day.form = group_day.picks = None
    if picks is None and not open_form:
        return
    group_day.form = _booking_form(site=site, group_pk=group_day.group.pk, children=children)
    # The picker lists no child until the coordinator searches.
    group_day.picks = picks


def _render_plan(
    request: HttpRequest,
    *,
    site: Site,
    day: dt.date,
    flash: dict | None = None,
    picks: dict | None = None,
    changed: list[int] | None = None,
    open_form: int | None = None,
    status: int = 200,
    figures: selectors.DayFigures | None = None,
    now: dt.datetime | None = None,
) -> HttpResponse:
    """The whole page; for htmx the plan, or after an action on a group only the cards of
    the groups it `changed` (the first in place, the others out of band) and the totals.
    `figures`: the day's figures of the user's groups with names, when the action that
    answers computed them already (at `now`)."""
    plan = selectors.day_plan(
        user=request.user, site=site, day=day, now=now or timezone.now(), figures=figures
    )
    children = _children(site)
    flash, picks = flash or {}, picks or {}
    links = _links(site, day)
    # One CSRF field for every form of the rows.
    rows = BookingRows(links=links, labels=links["labels"], csrf_input=csrf_input(request))
    shown = plan.groups
    if request.htmx and changed is not None:
        shown = sorted(
            (g for g in plan.groups if g.group.pk in changed),
            key=lambda g: changed.index(g.group.pk),
        )
    for index, group_day in enumerate(shown):
        pk = group_day.group.pk
        _prepare_group(
            group_day,
            site=site,
            links=links,
            flash=flash.get(pk),
            picks=picks.get(pk),
            children=children,
            rows=rows,
            open_form=pk == open_form,
        )
        group_day.oob = index > 0
    context = {
        "plan": plan,
        "site": site,
        "day": day,
        "day_iso": day.isoformat(),
        "urls": links,
        "today": timezone.localdate(),
        "strip": hour_strips.site_strip(plan.hours),
    }
    if request.htmx and changed is not None:
        context["changed"] = shown
        return render(request, "planning/dayplan.html#changed", context, status=status)
    if request.htmx:
        return render(request, "planning/dayplan.html#plan", context, status=status)
    context.update(previous_day=day - dt.timedelta(days=1), next_day=day + dt.timedelta(days=1))
    return render(request, "planning/dayplan.html", context, status=status)


def _age(months: int) -> str:
    """A young child's age as a coordinator says it: months, then years and months."""
    if months < 24:
        return ngettext("%(months)s month", "%(months)s months", months) % {"months": months}
    return _("%(years)s y %(months)s m") % {"years": months // 12, "months": months % 12}


def _picked(form: BookingForm, day: dt.date) -> dict | None:
    if not form.is_bound:
        return None
    child = form.cleaned_data.get("child") if hasattr(form, "cleaned_data") else None
    if child is None:
        return None
    child.age_text = _age(child.age_in_months(day))
    return {"children": [child], "chosen": child.pk, "query": "", "more": False}


def _picks(request: HttpRequest, *, site: Site, day: dt.date) -> dict:
    query = request.GET.get("q", "").strip()[:100]
    children, more = picker.child_picks(user=request.user, site=site, day=day, query=query)
    for child in children:
        child.age_text = _age(child.age_in_months(day))
    return {"children": children, "chosen": None, "query": query, "more": more, "searched": True}


@require_GET
@coordinator_only
def child_picker(request: HttpRequest, site_id: int) -> HttpResponse:
    """Search as you type in a group's booking form: the matching children not yet booked
    that day. Without JavaScript, the day plan itself with the matches in that group."""
    site = site_for_user(request.user, site_id)
    day = _day(request)
    try:
        group = selectors.group_for_user(user=request.user, group_id=int(request.GET["groep"]))
    except (KeyError, ValueError):
        return HttpResponseBadRequest(_("Choose a group."))
    if group.site_id != site.pk:
        raise Http404("No such group at this site.")
    picks = _picks(request, site=site, day=day)
    if request.htmx:
        context = {"picks": picks, "group": group, "prefix": f"g{group.pk}"}
        return render(request, "planning/dayplan.html#child-picks", context)
    return _render_plan(request, site=site, day=day, picks={group.pk: picks})


@require_GET
@coordinator_only
def dayplan(request: HttpRequest, site_id: int | None = None) -> HttpResponse:
    if site_id is None:
        site = sites_for(request.user).first()
        if site is None:
            return render(request, "planning/no_site.html")
        return redirect(_plan_url(site, _day(request)))
    site = site_for_user(request.user, site_id)
    # ?boeken=<group>: that group's booking form open, for a browser without JavaScript.
    open_form = request.GET.get("boeken", "")
    return _render_plan(
        request,
        site=site,
        day=_day(request),
        open_form=int(open_form) if open_form.isdigit() else None,
    )


@require_GET
@coordinator_only
def booking_add_form(request: HttpRequest, group_id: int) -> HttpResponse:
    """A group's booking form, loaded into its card when "Add a booking" is opened; without
    JavaScript, the day plan with that form open."""
    group = selectors.group_for_user(user=request.user, group_id=group_id)
    site, day = group.site, _day(request)
    if not request.htmx:
        return redirect(f"{_plan_url(site, day)}&boeken={group.pk}#group-{group.pk}")
    form = _booking_form(site=site, group_pk=group.pk, children=_children(site))
    return _render_add_form(request, group=group, form=form, day=day)


def _render_add_form(request: HttpRequest, *, group, form: BookingForm, day: dt.date):
    """A group's booking form alone: loaded into its card, or sent back with its errors."""
    context = {
        "g": {
            "group": group,
            "form": form,
            "picks": _picked(form, day),
            "add_url": reverse("planning:booking_add", args=[group.pk]) + f"?dag={day.isoformat()}",
        },
        "day_iso": day.isoformat(),
        "urls": {"picker": reverse("planning:child_picker", args=[group.site_id])},
    }
    return render(request, "planning/dayplan.html#add-form", context)


def _after_action(
    request: HttpRequest,
    *,
    site: Site,
    day: dt.date,
    group_id: int,
    level: str,
    text: str,
    undo: Booking | None = None,
    candidates: list | None = None,
    also: int | None = None,
    figures: selectors.DayFigures | None = None,
    now: dt.datetime | None = None,
) -> HttpResponse:
    """The message in the group's card, or back to the page without JavaScript. `also` is
    another group the action changed (a move to another group that day); `figures` are
    the day's figures after the action when it computed them (at `now`)."""
    if request.htmx:
        flash = {"level": level, "text": text, "undo": undo, "candidates": candidates}
        changed = [group_id] if also in (None, group_id) else [group_id, also]
        return _render_plan(
            request,
            site=site,
            day=day,
            flash={group_id: flash},
            changed=changed,
            figures=figures,
            now=now,
        )
    getattr(messages, level)(request, text)
    return redirect(_plan_url(site, day))


@require_POST
@coordinator_only
def booking_add(request: HttpRequest, group_id: int) -> HttpResponse:
    group, plan_groups = selectors.group_with_site_groups(user=request.user, group_id=group_id)
    site = group.site
    day = _day(request)
    form = BookingForm(request.POST, children=_children(site), site=site, prefix=f"g{group.pk}")
    if form.is_valid():
        data = form.cleaned_data
        now = timezone.now()
        try:
            # The figures the booking is judged on are the plan's answer, brought up to date.
            booking, figures = services.booking_create_on_plan(
                plan_groups=plan_groups,
                origin=Origin.WAITING_LIST if data["from_waiting_list"] else Origin.MANUAL,
                child=data["child"],
                group=group,
                day=day,
                start=data["start"],
                end=data["end"],
                place_type=data["place_type"],
                settling_in=data["settling_in"],
                override_reason=data["override_reason"],
                user=request.user,
                now=now,
            )
        except services.BookingRefused as refusal:
            form.refusal = refusal
            form.add_error("override_reason", refusal.messages[0])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            text = _("%(name)s booked %(start)s–%(end)s.") % {
                "name": booking.child.first_name,
                "start": f"{booking.start:%H:%M}",
                "end": f"{booking.end:%H:%M}",
            }
            if booking.override_reason:
                text += " " + _("Booked beyond the overbooking limit; the reason is recorded.")
            return _after_action(
                request,
                site=site,
                day=day,
                group_id=group.pk,
                level="success",
                text=text,
                figures=figures,
                now=now,
            )
    if not request.htmx:
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_plan_url(site, day))
    # Nothing on the plan changed: only the form answers, with the refusal or the errors,
    # in place of the one sent (the card stays the target of a booking that is made).
    # 200, not 422: htmx swaps only successful responses.
    response = _render_add_form(request, group=group, form=form, day=day)
    return reswap(retarget(response, f"#add-form-{group.pk}"), "outerHTML")


def _booking_action(request: HttpRequest, booking_id: int):
    booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
    form = VersionForm(request.POST)
    # Without the version it saw, an action would skip the check for a stale page.
    version = form.cleaned_data["version"] if form.is_valid() else None
    return booking, version


def _apply(request: HttpRequest, booking_id: int, change, describe) -> HttpResponse:
    """Apply `change(booking, version)` and answer with the plan and a message.

    `describe(booking)` gives the success message and extras for the message area.
    """
    booking, version = _booking_action(request, booking_id)
    if version is None:
        return HttpResponseBadRequest(_("This form is missing the booking's version."))
    where = {"site": booking.group.site, "day": booking.date, "group_id": booking.group_id}
    try:
        booking = change(booking, version)
    except ValidationError as error:
        return _after_action(request, **where, level="error", text=error.messages[0])
    text, extras = describe(booking)
    return _after_action(request, **where, level="success", text=text, **extras)


@require_POST
@coordinator_only
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    def describe(booking: Booking) -> tuple[str, dict]:
        text = _("Booking of %(name)s cancelled.") % {"name": booking.child.first_name}
        # A place came free: propose the first fitting requests of the waiting list.
        candidates = candidates_for(site=booking.group.site, day=booking.date, group=booking.group)
        return text, {"undo": booking, "candidates": candidates}

    return _apply(
        request,
        booking_id,
        lambda booking, version: services.booking_cancel(
            booking=booking, version=version, user=request.user
        ),
        describe,
    )


@require_POST
@coordinator_only
def booking_restore(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _apply(
        request,
        booking_id,
        lambda booking, version: services.booking_restore(
            booking=booking, version=version, user=request.user
        ),
        lambda booking: (
            _("Booking of %(name)s restored.") % {"name": booking.child.first_name},
            {},
        ),
    )


@require_POST
@coordinator_only
def booking_urgent(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Mark a booking urgent, or back to occasional: urgent bookings use the reserve."""

    def toggle(booking: Booking, version: int | None) -> Booking:
        place_type = rules.OCCASIONAL if booking.place_type == rules.URGENT else rules.URGENT
        return services.booking_set_place_type(
            booking=booking, version=version, user=request.user, place_type=place_type
        )

    def describe(booking: Booking) -> tuple[str, dict]:
        if booking.place_type == rules.URGENT:
            text = _("%(name)s now has an urgent place.")
        else:
            text = _("%(name)s now has an occasional place.")
        return text % {"name": booking.child.first_name}, {}

    return _apply(request, booking_id, toggle, describe)


@require_POST
@coordinator_only
def booking_move(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
    site = booking.group.site
    origin_day, origin_group = booking.date, booking.group_id
    form = BookingMoveForm(
        request.POST, groups=selectors.group_list_for_site(user=request.user, site=site)
    )
    if "version" in form.errors:
        return HttpResponseBadRequest(_("This form is missing the booking's version."))
    if not form.is_valid():
        errors = "; ".join(e for errors in form.errors.values() for e in errors)
        return _after_action(
            request, site=site, day=origin_day, group_id=origin_group, level="error", text=errors
        )
    data = form.cleaned_data
    try:
        booking = services.booking_move(
            booking=booking,
            version=data["version"],
            user=request.user,
            group=data["group"],
            day=data["day"],
            start=data["start"],
            end=data["end"],
            override_reason=data["override_reason"],
        )
    except services.BookingRefused as refusal:
        text = refusal.messages[0] + " " + _("Give a reason to move it anyway.")
        return _after_action(
            request, site=site, day=origin_day, group_id=origin_group, level="error", text=text
        )
    except ValidationError as error:
        return _after_action(
            request,
            site=site,
            day=origin_day,
            group_id=origin_group,
            level="error",
            text=error.messages[0],
        )
    text = _("%(name)s moved to %(group)s on %(day)s.") % {
        "name": booking.child.first_name,
        "group": booking.group.name,
        "day": formats.date_format(booking.date, "SHORT_DAY_FORMAT"),
    }
    # The message stays in the card the form was in; the group the booking moved to that
    # day comes along out of band.
    if booking.date == origin_day and booking.group_id != origin_group:
        return _after_action(
            request,
            site=site,
            day=origin_day,
            group_id=origin_group,
            level="success",
            text=text,
            also=booking.group_id,
        )
    return _after_action(
        request, site=site, day=origin_day, group_id=origin_group, level="success", text=text
    )


def _move_form(request: HttpRequest, booking: Booking) -> BookingMoveForm:
    groups = list(
        selectors.group_list_for_site(user=request.user, site=booking.group.site).order_by("name")
    )
    return BookingMoveForm.for_booking(booking, groups=groups)


@require_GET
@coordinator_only
def booking_move_form(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The move form of a row of the day plan, loaded when the row's "Move" is opened;
    without JavaScript the booking's page has the same form."""
    booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
    if not request.htmx:
        return redirect(reverse("planning:booking_detail", args=[booking.pk]) + "#move")
    if booking.outcome != rules.PLANNED:
        return HttpResponse(_("Only a planned booking can be moved."))
    context = {
        "booking": booking,
        "form": _move_form(request, booking),
        "move_url": reverse("planning:booking_move", args=[booking.pk])
        + f"?dag={booking.date.isoformat()}",
        "in_plan": True,
    }
    return render(request, "planning/_booking_move.html", context)


@require_GET
@coordinator_only
def booking_detail(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = selectors.booking_for_user(user=request.user, booking_id=booking_id)
    record_access(request, booking.child.family_id)
    absence_labels = dict(
        AbsenceCode.objects.filter(site=booking.group.site).values_list("code", "label")
    )
    today = timezone.localdate()
    changes = [
        {
            "at": change.at,
            "sentence": change_sentence(change, today=today, absence_labels=absence_labels),
        }
        for change in booking.changes.select_related("user")
    ]
    return render(
        request,
        "planning/booking_detail.html",
        {
            "booking": booking,
            "changes": changes,
            "plan_url": _plan_url(booking.group.site, booking.date),
            "move_form": _move_form(request, booking) if booking.outcome == rules.PLANNED else None,
            "move_url": reverse("planning:booking_move", args=[booking.pk]),
        },
    )


@require_GET
@coordinator_only
def week(request: HttpRequest, site_id: int) -> HttpResponse:
    site = site_for_user(request.user, site_id)
    day = _day(request)
    monday = day - dt.timedelta(days=day.weekday())
    weekdays = [
        monday + dt.timedelta(days=offset) for offset in range(7) if offset + 1 in site.weekdays
    ]
    rows = selectors.week_figures(user=request.user, site=site, days=weekdays, now=timezone.now())
    labels = week_cell_labels()
    for row in rows:
        row["cells"] = mark_safe("\n      ".join(week_cell(g, labels) for g in row["days"]))
    context = {
        "site": site,
        "rows": rows,
        "days": weekdays,
        "monday": monday,
        "previous_week": monday - dt.timedelta(days=7),
        "next_week": monday + dt.timedelta(days=7),
        "closed": site.closing_dates(weekdays[0], weekdays[-1]) if weekdays else {},
    }
    return render(request, "planning/week.html", context)


@require_GET
@role_required(Role.COORDINATOR, Role.STAFF)
def day_list(request: HttpRequest, site_id: int) -> HttpResponse:
    """The printable list for the door: children per group with what the day needs."""
    site = site_for_user(request.user, site_id)
    day = _day(request)
    bookings = selectors.day_list(user=request.user, site=site, day=day)
    groups: dict = {}
    for booking in bookings:
        groups.setdefault(booking.group, []).append(booking)
    return render(request, "planning/day_list.html", {"site": site, "day": day, "groups": groups})
