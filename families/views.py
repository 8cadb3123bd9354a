import datetime as dt
import hashlib
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from elief.models import Role
from elief.scoping import role_required, sites_for
from families import selectors, services
from families.access import record_access
from families.forms import (
    CarePlanChangeForm,
    CarePlanForm,
    ChildForm,
    CriteriaForm,
    FamilyFilterForm,
    FamilyForm,
    GuardianForm,
    MonthForm,
    SettlingInForm,
)
from families.models import Child, FamilyAccess, Guardian

# Family records are the coordinator's: staff see the children of the day, the board
# and referrers see none of it.
coordinator_only = role_required(Role.COORDINATOR)


def _form_page(
    request: HttpRequest, *, title: str, forms: list, cancel_url: str, submit: str = ""
) -> HttpResponse:
    return render(
        request,
        "families/form.html",
        {"title": title, "forms": forms, "cancel_url": cancel_url, "submit": submit or _("Save")},
    )


@require_GET
@coordinator_only
def family_list(request: HttpRequest) -> HttpResponse:
    filters = FamilyFilterForm(request.GET or None)
    chosen = filters.filters()
    families = selectors.family_list(user=request.user, today=timezone.localdate(), **chosen)
    page = Paginator(families, 50).get_page(request.GET.get("page"))
    if chosen.get("vulnerable") is not None:
        # A list filtered on vulnerability tells who is vulnerable: log it per family.
        record_access(request, *(family.pk for family in page))
    template = "families/family_list.html#results" if request.htmx else "families/family_list.html"
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, template, {"filters": filters, "page": page, "query": query.urlencode()})


@require_http_methods(["GET", "POST"])
@coordinator_only
def family_create(request: HttpRequest) -> HttpResponse:
    sites = sites_for(request.user)
    form = FamilyForm(request.POST or None, sites=sites)
    guardian_form = GuardianForm(request.POST or None, prefix="guardian")
    if request.method == "POST" and form.is_valid() and guardian_form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "left_on"}
        family = services.family_create(**data)
        guardian = guardian_form.save(commit=False)
        guardian.family = family
        services.guardian_save(guardian=guardian)
        messages.success(
            request, _("Family %(reference)s created.") % {"reference": family.reference}
        )
        return redirect("families:family_detail", family.pk)
    return _form_page(
        request,
        title=_("New family"),
        forms=[(None, form), (_("First guardian"), guardian_form)],
        cancel_url="families:family_list",
    )


@require_GET
@coordinator_only
def family_detail(request: HttpRequest, family_id: int) -> HttpResponse:
    family = selectors.family_detail(user=request.user, family_id=family_id)
    record_access(request, family.pk)
    today = timezone.localdate()
    settings = family.site.settings_on(today)
    children = []
    for child in family.children.all():
        plans = list(child.care_plans.all())
        # The plan in force today, else the next one to start: a new child's first plan.
        upcoming = sorted(
            (plan for plan in plans if plan.start > today), key=lambda plan: plan.start
        )
        current = next((plan for plan in plans if plan.is_active_on(today)), None) or next(
            iter(upcoming), None
        )
        children.append(
            {
                "child": child,
                "plans": plans,
                "current": current,
                "respite": selectors.respite_days(
                    plan=current, year=today.year, per_year=settings.respite_days_per_year
                )
                if current
                else None,
            }
        )
    context = {
        "family": family,
        "children": children,
        "today": today,
        "criteria": [
            (family._meta.get_field(name).verbose_name, getattr(family, name))
            for name in family.criteria.__dataclass_fields__
        ],
        "accesses": selectors.family_access_list(family=family),
        "erasable": family.left_on is not None and family.left_on <= today and not family.is_erased,
    }
    return render(request, "families/family_detail.html", context)


@require_http_methods(["GET", "POST"])
@coordinator_only
def family_edit(request: HttpRequest, family_id: int) -> HttpResponse:
    """The family's details; when the day it leaves changes, what that does to the
    children's future bookings is shown first, then applied with the details."""
    family = selectors.family_for_user(user=request.user, family_id=family_id)
    record_access(request, family.pk)
    left_on = family.left_on
    form = FamilyForm(request.POST or None, instance=family)
    previews, previewed = [], ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        include = None
        if data.get("left_on") != left_on:
            key = f"{data.get('left_on') or ''}"
            if request.POST.get("confirm") and request.POST.get("previewed") == key:
                include = {int(pk) for pk in request.POST.getlist("include") if pk.isdigit()}
            else:
                previews = [
                    (plan, preview)
                    for plan in selectors.care_plans_of_family(family=family)
                    if (
                        preview := selectors.care_plan_bookings_preview(
                            plan=plan,
                            proposal={
                                "kind": plan.kind,
                                "start": plan.start,
                                "end": plan.end,
                                "pattern": plan.pattern,
                                "left_on": data.get("left_on"),
                            },
                        )
                    )
                    is not None
                ]
                previewed = key if previews else ""
        if not previewed:
            services.family_update(
                family=family, user=request.user, include_bookings=include, **data
            )
            messages.success(request, _("The family's details were saved."))
            return redirect("families:family_detail", family.pk)
    return render(
        request,
        "families/form.html",
        {
            "title": _("Family %(reference)s") % {"reference": family.reference},
            "forms": [(None, form)],
            "cancel_url": family.get_absolute_url(),
            "submit": _("Save"),
            "previews": previews,
            "previewed": previewed,
        },
    )


@require_http_methods(["GET", "POST"])
@coordinator_only
def criteria_edit(request: HttpRequest, family_id: int) -> HttpResponse:
    family = selectors.family_for_user(user=request.user, family_id=family_id)
    record_access(request, family.pk)
    form = CriteriaForm(request.POST or None, instance=family)
    if request.method == "POST" and form.is_valid():
        family = services.criteria_record(
            family=family,
            user=request.user,
            criteria=form.criteria(),
            criteria_date=form.cleaned_data["criteria_date"],
        )
        status = _("vulnerable") if family.vulnerable else _("not vulnerable")
        messages.success(
            request, _("Criteria saved: the family is %(status)s.") % {"status": status}
        )
        return redirect("families:family_detail", family.pk)
    return _form_page(
        request,
        title=_("Priority and vulnerability criteria"),
        forms=[(None, form)],
        cancel_url=family.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
@coordinator_only
def guardian_edit(
    request: HttpRequest, family_id: int, guardian_id: int | None = None
) -> HttpResponse:
    family = selectors.family_for_user(user=request.user, family_id=family_id)
    guardian = (
        family.guardians.filter(pk=guardian_id).first() if guardian_id else Guardian(family=family)
    )
    if guardian is None:
        return render(request, "404.html", status=404)
    record_access(request, family.pk)
    form = GuardianForm(request.POST or None, instance=guardian)
    if request.method == "POST" and form.is_valid():
        services.guardian_save(guardian=form.save(commit=False))
        messages.success(request, _("Guardian saved."))
        return redirect("families:family_detail", family.pk)
    title = _("Guardian") if guardian.pk else _("New guardian")
    return _form_page(
        request, title=title, forms=[(None, form)], cancel_url=family.get_absolute_url()
    )


@require_http_methods(["GET", "POST"])
@coordinator_only
def child_create(request: HttpRequest, family_id: int) -> HttpResponse:
    family = selectors.family_for_user(user=request.user, family_id=family_id)
    record_access(request, family.pk)
    form = ChildForm(request.POST or None, instance=Child(family=family))
    if request.method == "POST" and form.is_valid():
        child = services.child_save(child=form.save(commit=False))
        messages.success(request, _("%(name)s added to the family.") % {"name": child.first_name})
        return redirect("families:family_detail", family.pk)
    return _form_page(
        request, title=_("New child"), forms=[(None, form)], cancel_url=family.get_absolute_url()
    )


@require_http_methods(["GET", "POST"])
@coordinator_only
def child_edit(request: HttpRequest, child_id: int) -> HttpResponse:
    child = selectors.child_for_user(user=request.user, child_id=child_id)
    record_access(request, child.family_id)
    form = ChildForm(request.POST or None, instance=child)
    if request.method == "POST" and form.is_valid():
        services.child_save(child=form.save(commit=False))
        messages.success(request, _("Saved."))
        return redirect("families:family_detail", child.family_id)
    return _form_page(
        request, title=str(child), forms=[(None, form)], cancel_url=child.family.get_absolute_url()
    )


def _care_plan_page(
    request: HttpRequest, *, form, child: Child, title: str, save, plan=None
) -> HttpResponse:
    """The care-plan form of a new plan or a change: on a valid POST `save(cleaned_data)`
    writes and returns the message of success; a refusal of the service shows on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            message = save(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, message)
            return redirect("families:family_detail", child.family_id)
    return render(
        request,
        "families/care_plan_form.html",
        {"form": form, "child": child, "plan": plan, "title": title},
    )


@require_http_methods(["GET", "POST"])
@coordinator_only
def care_plan_create(request: HttpRequest, child_id: int) -> HttpResponse:
    child = selectors.child_for_user(user=request.user, child_id=child_id)
    record_access(request, child.family_id)
    form = CarePlanForm(
        request.POST or None,
        site=child.family.site,
        initial={"kind": "occasional", "start": timezone.localdate()},
    )

    def save(data: dict) -> str:
        services.care_plan_create(
            child=child,
            kind=data["kind"],
            start=data["start"],
            end=data["end"],
            pattern=data["pattern"],
        )
        return _("Care plan of %(name)s saved.") % {"name": child.first_name}

    return _care_plan_page(
        request,
        form=form,
        child=child,
        title=_("Care plan for %(name)s") % {"name": child.first_name},
        save=save,
    )


def _proposal_key(data: dict) -> str:
    """A fingerprint of the change the coordinator saw previewed: applying a change the
    preview did not show sends them back to the preview."""
    proposal = services.pattern_snapshot(
        kind=data["kind"], start=data["start"], end=data["end"], pattern=data["pattern"]
    )
    proposal["group"] = data.get("group") or ""
    return hashlib.sha256(json.dumps(proposal, sort_keys=True).encode()).hexdigest()[:16]


@require_http_methods(["GET", "POST"])
@coordinator_only
def care_plan_change(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A family's change request: accepting it shows first what it does to the plan's
    future bookings (added, changed, removed; bookings of another origin are kept unless
    ticked), then applies plan and bookings in one transaction."""
    plan = selectors.care_plan_for_user(user=request.user, plan_id=plan_id)
    child = plan.child
    record_access(request, child.family_id)
    if request.method == "GET":
        form = CarePlanChangeForm(site=child.family.site, plan=plan)
        form.initial.update(
            {"version": plan.version, "requested_on": timezone.localdate(), "decision": "accept"}
        )
    else:
        form = CarePlanChangeForm(request.POST, site=child.family.site)
    preview, previewed = None, ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        accept = data["decision"] == "accept"
        group_id = int(data["group"]) if accept and data["group"] else None
        key = _proposal_key(data)
        confirmed = request.POST.get("confirm") and request.POST.get("previewed") == key
        try:
            if accept and not confirmed:
                preview = selectors.care_plan_bookings_preview(
                    plan=plan,
                    proposal={
                        "kind": data["kind"],
                        "start": data["start"],
                        "end": data["end"],
                        "pattern": data["pattern"],
                        "group_id": group_id,
                    },
                )
                previewed = key
            else:
                ticked = {int(pk) for pk in request.POST.getlist("include") if pk.isdigit()}
                change = services.care_plan_change(
                    plan=plan,
                    version=data["version"],
                    user=request.user,
                    requested_by=data["requested_by"],
                    requested_on=data["requested_on"],
                    kind=data["kind"],
                    start=data["start"],
                    end=data["end"],
                    pattern=data["pattern"],
                    note=data["note"],
                    accept=accept,
                    include_bookings=ticked if accept else None,
                    group_id=group_id,
                )
                messages.success(
                    request,
                    _("Change request recorded: %(summary)s") % {"summary": change.summary},
                )
                return redirect("families:family_detail", child.family_id)
        except ValidationError as error:
            form.add_error(None, error)
            preview, previewed = None, ""
    return render(
        request,
        "families/care_plan_form.html",
        {
            "form": form,
            "child": child,
            "plan": plan,
            "title": _("Change the care plan of %(name)s") % {"name": child.first_name},
            "preview": preview,
            "previewed": previewed,
        },
    )


@require_http_methods(["GET", "POST"])
@coordinator_only
def settling_in(request: HttpRequest, child_id: int) -> HttpResponse:
    child = selectors.child_for_user(user=request.user, child_id=child_id)
    record_access(request, child.family_id)
    form = SettlingInForm(
        request.POST or None, initial={"first_day": timezone.localdate() + dt.timedelta(days=1)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            sessions = services.settling_in_plan(
                child=child,
                first_day=form.cleaned_data["first_day"],
                start=form.cleaned_data["start"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("%(count)d settling-in sessions planned.") % {"count": len(sessions)}
            )
            return redirect("families:family_detail", child.family_id)
    steps = services.settling_in_steps(child.family.site)
    return render(
        request, "families/settling_in.html", {"form": form, "child": child, "steps": steps}
    )


@require_GET
@coordinator_only
def family_export(request: HttpRequest, family_id: int) -> HttpResponse:
    family = selectors.family_for_user(user=request.user, family_id=family_id)
    data = selectors.family_export(family=family)
    record_access(request, family.pk, what=FamilyAccess.What.EXPORT)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="gezin-{family.pk}.json"'
    return response


@require_http_methods(["GET", "POST"])
@coordinator_only
def family_erase(request: HttpRequest, family_id: int) -> HttpResponse:
    family = selectors.family_for_user(user=request.user, family_id=family_id)
    error = None
    if request.method == "POST":
        try:
            services.family_erase(family=family, user=request.user, today=timezone.localdate())
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("The family's personal data were erased."))
            return redirect("families:family_list")
    return render(request, "families/family_erase.html", {"family": family, "error": error})


@require_GET
@coordinator_only
def privacy(request: HttpRequest) -> HttpResponse:
    """What the nightly retention erases in the coming month, and each site's period."""
    today = timezone.localdate()
    sites = sites_for(request.user).prefetch_related("settings")
    return render(
        request,
        "families/privacy.html",
        {
            "due": selectors.erasure_schedule_for(user=request.user, today=today),
            "sites": [(site, site.settings_on(today).retention_months) for site in sites],
            "today": today,
        },
    )


@require_GET
@coordinator_only
def social_mix(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = MonthForm(request.GET or None)
    month = form.cleaned_data.get("month") if form.is_valid() else None
    month = month or today.replace(day=1)
    month_end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    rows = [
        {
            "site": site,
            "now": selectors.social_mix_of_care_plans(
                user=request.user, site=site, start=today, end=today
            ),
            "month": selectors.social_mix_of_care_plans(
                user=request.user, site=site, start=month, end=month_end
            ),
        }
        for site in sites_for(request.user).prefetch_related("settings")
    ]
    return render(request, "families/social_mix.html", {"rows": rows, "form": form, "month": month})


@require_POST
@coordinator_only
def settling_in_clear(request: HttpRequest, child_id: int) -> HttpResponse:
    child = selectors.child_for_user(user=request.user, child_id=child_id)
    record_access(request, child.family_id)
    services.settling_in_clear(child=child)
    return redirect("families:family_detail", child.family_id)
