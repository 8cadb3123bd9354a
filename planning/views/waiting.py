"""The waiting list of a site: requests that could not be placed yet, first to serve first."""

from dataclasses import astuple

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from elief import dates
from elief.calendar import weekday_name
from elief.forms import OpeningHoursMixin
from elief.models import Role, Site
from elief.scoping import role_required, site_for_user
from families.forms import DATE_INPUT, TIME_INPUT
from planning.models import WaitingListEntry
from planning.waiting import (
    waiting_children,
    waiting_entry_create,
    waiting_entry_for_user,
    waiting_entry_set_status,
    waiting_entry_update,
    waiting_list_closed,
    waiting_list_ordered,
)

coordinator_only = role_required(Role.COORDINATOR)

CLOSING_STATUSES = (WaitingListEntry.Status.PLACED, WaitingListEntry.Status.WITHDRAWN)


class WaitingEntryForm(OpeningHoursMixin, forms.ModelForm):
    wished_weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Wished weekdays"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: any day."),
    )

    class Meta:
        model = WaitingListEntry
        fields = ["child", "wished_start", "start", "end", "urgent", "note"]
        widgets = {
            "wished_start": DATE_INPUT,
            "start": TIME_INPUT,
            "end": TIME_INPUT,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"wished_start": dates.DateField}

    def __init__(self, *args, site: Site, children, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.site = site
        self.fields["wished_weekdays"].choices = [
            (day, weekday_name(day)) for day in sorted(site.weekdays)
        ]
        if self.instance.pk:
            del self.fields["child"]  # a request stays the request of its child
            self.initial["wished_weekdays"] = [int(d) for d in self.instance.wished_weekdays]
        else:
            self.fields["child"].queryset = children
            self.fields["child"].label = _("Child")
            self.fields["child"].empty_label = _("— choose a child —")
            self.fields["child"].label_from_instance = lambda child: (
                f"{child.first_name} {child.last_name} ({child.family.reference})"
            )
            self.initial.setdefault("wished_start", timezone.localdate())
        self.order_fields(["child", "wished_weekdays"])

    def entry_values(self) -> dict:
        data = self.cleaned_data
        return {
            "wished_weekdays": data["wished_weekdays"],
            "wished_start": data["wished_start"],
            "start": data["start"],
            "end": data["end"],
            "urgent": data["urgent"],
            "note": data["note"],
        }


def _weekday_names(entry: WaitingListEntry) -> list[str]:
    return [weekday_name(int(day)) for day in entry.wished_weekdays]


@require_GET
@coordinator_only
def waiting_list(request: HttpRequest, site_id: int) -> HttpResponse:
    site = site_for_user(request.user, site_id)
    entries = waiting_list_ordered(user=request.user, site=site)
    rows = [
        {
            "entry": entry,
            "weekdays": _weekday_names(entry),
            "criteria": sum(astuple(entry.child.family.criteria)),
        }
        for entry in entries
    ]
    confirm = None
    if "bevestig" in request.GET:
        status = request.GET.get("status", "")
        entry = next((e for e in entries if str(e.pk) == request.GET["bevestig"]), None)
        if entry is None or status not in CLOSING_STATUSES:
            raise Http404("Nothing to confirm.")
        confirm = {"entry": entry, "status": status}
    context = {
        "site": site,
        "rows": rows,
        "closed": waiting_list_closed(user=request.user, site=site),
        "confirm": confirm,
    }
    return render(request, "planning/waiting_list.html", context)


def _form_page(
    request: HttpRequest, *, site: Site, form: WaitingEntryForm, entry=None
) -> HttpResponse:
    title = (
        _("Waiting list: %(name)s") % {"name": entry.child.first_name}
        if entry
        else _("Add to the waiting list")
    )
    return render(
        request,
        "planning/waiting_form.html",
        {"site": site, "form": form, "entry": entry, "title": title},
    )


@require_http_methods(["GET", "POST"])
@coordinator_only
def waiting_create(request: HttpRequest, site_id: int) -> HttpResponse:
    site = site_for_user(request.user, site_id)
    children = waiting_children(user=request.user, site=site)
    form = WaitingEntryForm(request.POST or None, site=site, children=children)
    if request.method == "POST" and form.is_valid():
        try:
            entry = waiting_entry_create(
                site=site, child=form.cleaned_data["child"], **form.entry_values()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s is on the waiting list.") % {"name": entry.child.first_name},
            )
            return redirect("planning:waiting_list", site.pk)
    return _form_page(request, site=site, form=form)


@require_http_methods(["GET", "POST"])
@coordinator_only
def waiting_update(request: HttpRequest, site_id: int, entry_id: int) -> HttpResponse:
    site = site_for_user(request.user, site_id)
    entry = waiting_entry_for_user(user=request.user, site=site, entry_id=entry_id)
    form = WaitingEntryForm(request.POST or None, site=site, children=None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            waiting_entry_update(entry=entry, **form.entry_values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("planning:waiting_list", site.pk)
    return _form_page(request, site=site, form=form, entry=entry)


@require_POST
@coordinator_only
def waiting_status(request: HttpRequest, site_id: int, entry_id: int) -> HttpResponse:
    """Mark an entry placed or withdrawn: the confirmation step of the list page posts here."""
    site = site_for_user(request.user, site_id)
    entry = waiting_entry_for_user(user=request.user, site=site, entry_id=entry_id)
    status = request.POST.get("status", "")
    try:
        entry = waiting_entry_set_status(entry=entry, status=status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        text = (
            _("%(name)s is marked as placed.")
            if entry.status == WaitingListEntry.Status.PLACED
            else _("The request for %(name)s is withdrawn.")
        )
        messages.success(request, text % {"name": entry.child.first_name})
    return redirect("planning:waiting_list", site.pk)
