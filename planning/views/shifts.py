"""The week grid of staff shifts: one form for the whole week, a small form to add staff."""

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from elief import dates
from elief.models import Role, Site
from elief.scoping import role_required, site_for_user
from families.forms import TIME_INPUT
from planning import shifts as shift_services
from planning.models import StaffMember

coordinator_only = role_required(Role.COORDINATOR)


def monday_from(query, *, today: dt.date, request: HttpRequest | None = None) -> dt.date:
    """The Monday of ?week=YYYY-Www or ?van=YYYY-MM-DD; this week when neither reads."""
    this_week = shift_services.week_monday(today)
    if query.get("week", "").strip():
        return dates.parse_week(query["week"], this_week, request)
    return shift_services.week_monday(dates.parse_day(query.get("van"), this_week, request))


def week_param(monday: dt.date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _cell_key(member_id: int, day: dt.date) -> str:
    return f"{member_id}-{day:%Y%m%d}"


class StaffMemberForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = ["name", "counts_in_ratio", "in_training"]


class ShiftWeekForm(forms.Form):
    """Three fields per staff member and open day: from, until and the group."""

    def __init__(self, *args, week: shift_services.ShiftWeek, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.week = week
        group_choices = [("", gettext_lazy("whole site")), *((g.pk, g.name) for g in week.groups)]
        for member in week.staff:
            for day in week.days:
                key = _cell_key(member.pk, day)
                shift = week.shifts.get((member.pk, day))
                when = f"{member.name}, {formats.date_format(day, 'SHORT_DAY_FORMAT')}"
                self.fields[f"from-{key}"] = forms.TimeField(
                    label=_("%(cell)s: from") % {"cell": when},
                    required=False,
                    widget=TIME_INPUT,
                    initial=shift.start if shift else None,
                )
                self.fields[f"until-{key}"] = forms.TimeField(
                    label=_("%(cell)s: until") % {"cell": when},
                    required=False,
                    widget=TIME_INPUT,
                    initial=shift.end if shift else None,
                )
                self.fields[f"group-{key}"] = forms.TypedChoiceField(
                    label=_("%(cell)s: group") % {"cell": when},
                    choices=group_choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    initial=shift.group_id if shift else None,
                )

    def _submitted(self, key: str) -> bool:
        # A staff member added after the page was loaded has no fields in the post:
        # their shifts stay as they are instead of being read as empty cells.
        return f"from-{key}" in self.data or f"until-{key}" in self.data

    def clean(self) -> dict:
        cleaned = super().clean()
        site = self.week.site
        for member in self.week.staff:
            for day in self.week.days:
                key = _cell_key(member.pk, day)
                unreadable = f"from-{key}" in self.errors or f"until-{key}" in self.errors
                if unreadable or not self._submitted(key):
                    continue
                for message in shift_services.shift_cell_errors(
                    start=cleaned.get(f"from-{key}"),
                    end=cleaned.get(f"until-{key}"),
                    opens=site.opens,
                    closes=site.closes,
                ):
                    self.add_error(f"from-{key}", message)
        return cleaned

    def cells(self) -> dict[tuple[int, dt.date], shift_services.ShiftCell]:
        cells = {}
        for member in self.week.staff:
            for day in self.week.days:
                key = _cell_key(member.pk, day)
                if self._submitted(key):
                    cells[(member.pk, day)] = shift_services.ShiftCell(
                        start=self.cleaned_data.get(f"from-{key}"),
                        end=self.cleaned_data.get(f"until-{key}"),
                        group_id=self.cleaned_data.get(f"group-{key}"),
                    )
        return cells

    def add_cell_errors(self, cells: dict[tuple[int, dt.date], list[str]]) -> None:
        for (member_id, day), messages_ in cells.items():
            name = f"from-{_cell_key(member_id, day)}"
            for message in messages_:
                self.add_error(name if name in self.fields else None, message)

    @property
    def rows(self) -> list[dict]:
        """Row by row, so the tab order runs along a staff member's week."""
        rows = []
        for member in self.week.staff:
            cells = []
            for day in self.week.days:
                key = _cell_key(member.pk, day)
                start, end = self[f"from-{key}"], self[f"until-{key}"]
                cells.append(
                    {
                        "day": day,
                        "start": start,
                        "end": end,
                        "group": self[f"group-{key}"],
                        "errors": [*start.errors, *end.errors],
                    }
                )
            rows.append({"member": member, "cells": cells})
        return rows


def _shifts_url(site: Site, monday: dt.date) -> str:
    return f"{reverse('planning:shifts', args=[site.pk])}?{urlencode({'week': week_param(monday)})}"


def _page(
    request: HttpRequest,
    *,
    week: shift_services.ShiftWeek,
    form: ShiftWeekForm,
    staff_form: StaffMemberForm,
) -> HttpResponse:
    monday = week.monday
    return render(
        request,
        "planning/shifts.html",
        {
            "site": week.site,
            "week": week,
            "form": form,
            "staff_form": staff_form,
            "week_param": week_param(monday),
            "week_number": monday.isocalendar()[1],
            "previous_week": week_param(monday - dt.timedelta(weeks=1)),
            "next_week": week_param(monday + dt.timedelta(weeks=1)),
            "this_week": week_param(shift_services.week_monday(timezone.localdate())),
        },
    )


@require_http_methods(["GET", "POST"])
@coordinator_only
def shifts(request: HttpRequest, site_id: int) -> HttpResponse:
    site = site_for_user(request.user, site_id)
    monday = monday_from(request.GET, today=timezone.localdate(), request=request)
    week = shift_services.shift_week(user=request.user, site=site, monday=monday)
    form = ShiftWeekForm(request.POST or None, week=week)
    if request.method == "POST" and form.is_valid():
        try:
            result = shift_services.shift_week_save(site=site, monday=monday, cells=form.cells())
        except shift_services.ShiftWeekInvalid as error:
            form.add_cell_errors(error.cells)
        else:
            messages.success(
                request,
                _("Shifts saved: %(created)d added, %(updated)d changed, %(deleted)d removed.")
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "deleted": result.deleted,
                },
            )
            return redirect(_shifts_url(site, monday))
    return _page(request, week=week, form=form, staff_form=StaffMemberForm(prefix="staff"))


@require_POST
@coordinator_only
def staff_member_create(request: HttpRequest, site_id: int) -> HttpResponse:
    site = site_for_user(request.user, site_id)
    monday = monday_from(request.GET, today=timezone.localdate(), request=request)
    staff_form = StaffMemberForm(request.POST, prefix="staff")
    if staff_form.is_valid():
        member = shift_services.staff_member_create(site=site, **staff_form.cleaned_data)
        messages.success(request, _("%(name)s added to the staff.") % {"name": member.name})
        return redirect(_shifts_url(site, monday))
    week = shift_services.shift_week(user=request.user, site=site, monday=monday)
    return _page(request, week=week, form=ShiftWeekForm(week=week), staff_form=staff_form)
