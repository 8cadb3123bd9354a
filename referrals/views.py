"""Referral intake: the coordinator's pages, and the partner portal for referrers."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from elief import dates
from elief.models import Organisation, Role, Site, User
from elief.scoping import may_add_organisations, role_required, sites_for
from families.access import record_access
from families.forms import CarePlanForm, MonthForm
from families.models import CareKind, Family
from planning.models import PlaceType
from planning.services import BookingRefused
from referrals import rules, selectors, services
from referrals.forms import (
    NEW,
    STEP_STATUSES,
    ContactPersonForm,
    MatchForm,
    OrganisationForm,
    ReferralForm,
    ShowForm,
    StartBookingForm,
    StartFamilyForm,
    StartSettlingInForm,
    StepForm,
)
from referrals.models import ContactPerson, Referral, Status

# Intake is the coordinator's; the partner portal is the referrers'. Other roles: 403.
coordinator_only = role_required(Role.COORDINATOR)
referrer_only = role_required(Role.REFERRER)


def _put_errors(error: ValidationError, forms: list[Form]) -> list[str]:
    """Put a service's errors on the form fields they name; return the other messages."""
    rest: list[str] = []
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    for name, errors in error.error_dict.items():
        form = next((form for form in forms if name in form.fields), None)
        if form is None:
            rest += [message for e in errors for message in e.messages]
        else:
            form.add_error(name, errors)
    return rest


def _form_page(
    request: HttpRequest,
    *,
    title: str,
    form: Form,
    cancel_url: str,
    submit: str = "",
    intro: str = "",
) -> HttpResponse:
    return render(
        request,
        "referrals/form.html",
        {
            "title": title,
            "form": form,
            "cancel_url": cancel_url,
            "submit": submit or _("Save"),
            "intro": intro,
        },
    )


def _family_ids(referral: Referral, matches: list) -> list[int | None]:
    """The families a referral page shows: the referred one (None when not known yet)
    and the known families that may be it."""
    others = [match.family.pk for match in matches if match.family.pk != referral.family_id]
    return [referral.family_id, *others]


# The coordinator's list and detail


@require_GET
@coordinator_only
def referral_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filters = ShowForm(request.GET or None)
    show = (filters.cleaned_data["show"] if filters.is_valid() else "") or selectors.OPEN
    referrals = selectors.referral_list(user=request.user, show=show)
    page = Paginator(referrals, 50).get_page(request.GET.get("page"))
    rows = [
        {"referral": referral, "deadline": selectors.deadline_info(referral, today)}
        for referral in page
    ]
    return render(
        request,
        "referrals/referral_list.html",
        {"page": page, "rows": rows, "show": show, "today": today},
    )


@require_GET
@coordinator_only
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = selectors.referral_detail(user=request.user, referral_id=referral_id)
    today = timezone.localdate()
    matches = [] if referral.is_final else selectors.family_matches(referral=referral)
    # The referral names a family (maybe not known yet); the matches show other ones.
    record_access(request, *_family_ids(referral, matches))
    steps = [status for status in STEP_STATUSES if rules.can_move(referral.status, status)]
    context = {
        "referral": referral,
        "today": today,
        "deadline": selectors.deadline_info(referral, today),
        "matches": matches,
        "step_forms": [
            (Status(status), StepForm(prefix=status, initial={"intake_date": referral.intake_date}))
            for status in steps
        ],
        "can_start": rules.can_move(referral.status, rules.STARTED),
    }
    return render(request, "referrals/referral_detail.html", context)


@require_http_methods(["GET", "POST"])
@coordinator_only
def referral_create(request: HttpRequest) -> HttpResponse:
    """A referral phoned or mailed in, noted down by the coordinator."""
    today = timezone.localdate()
    form = ReferralForm(request.POST or None, sites=sites_for(request.user), today=today)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                submitted_by=request.user, today=today, **form.cleaned_data
            )
        except ValidationError as error:
            for message in _put_errors(error, [form]):
                form.add_error(None, message)
        else:
            messages.success(request, _("Referral recorded."))
            return redirect(referral)
    return render(
        request,
        "referrals/referral_form.html",
        {
            "form": form,
            "title": _("New referral"),
            "cancel_url": reverse("referrals:referral_list"),
        },
    )


@require_POST
@coordinator_only
def referral_step(request: HttpRequest, referral_id: int, status: str) -> HttpResponse:
    if status not in STEP_STATUSES:
        raise Http404("No such step.")
    referral = selectors.referral_for_user(user=request.user, referral_id=referral_id)
    form = StepForm(request.POST, prefix=status)
    if not form.is_valid():
        messages.error(request, _("Please give a valid date."))
        return redirect(referral)
    try:
        referral = services.referral_step(
            referral=referral,
            user=request.user,
            status=status,
            intake_date=form.cleaned_data["intake_date"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The referral is now %(status)s.") % {"status": referral.get_status_display()},
        )
    return redirect(referral)


@require_POST
@coordinator_only
def referral_match(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Confirm that the referred family is a family already known (or that it is not)."""
    referral = selectors.referral_for_user(user=request.user, referral_id=referral_id)
    form = MatchForm(request.POST)
    family_id = form.cleaned_data["family"] if form.is_valid() else None
    family = None
    if family_id:
        family = Family.objects.filter(
            pk=family_id, site_id=referral.site_id, erased_at__isnull=True
        ).first()
        if family is None:
            raise Http404("No such family.")
    try:
        services.referral_match(referral=referral, family=family)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Linked to family %(reference)s.") % {"reference": family.reference}
            if family
            else _("The referral is for a new family."),
        )
    return redirect(referral)


# Starting a family from a referral


def _first_care_day(site: Site, start: dt.date, weekdays: list[int]) -> dt.date:
    """The first open day on or after `start` on one of the wished weekdays."""
    for day in site.open_days(start, start + dt.timedelta(days=42)):
        if day.isoweekday() in weekdays:
            return day
    return start


def _start_forms(referral: Referral, matches: list, data, today: dt.date) -> dict:
    site = referral.site
    family_choice = str(referral.family_id) if referral.family_id else (None if matches else NEW)
    # A wished start stored before dates were held to the range must not break the page.
    plan_start = min(max(referral.wished_start, today), dates.LATEST)
    plan_initial: dict = {"kind": CareKind.OCCASIONAL, "start": plan_start}
    for weekday in referral.weekdays:
        plan_initial.update(
            {
                f"day_{weekday}": True,
                f"from_{weekday}": referral.wished_from,
                f"until_{weekday}": referral.wished_until,
            }
        )
    first_day = _first_care_day(site, plan_start, referral.weekdays)
    groups = selectors.groups_for_referral(referral=referral)
    return {
        "family": StartFamilyForm(
            data,
            prefix="family",
            matches=matches,
            initial={
                "family": family_choice,
                "reference": selectors.suggested_reference(referral),
                "postcode": referral.postcode,
                "parent_first_name": referral.parent_first_name,
                "parent_last_name": referral.parent_last_name,
                "parent_phone": referral.parent_phone,
                "parent_email": referral.parent_email,
                "home_languages": referral.home_languages,
                "child_first_name": referral.child_first_name,
                "child_last_name": referral.child_last_name,
                "child_birth_date": referral.child_birth_date,
            },
        ),
        "plan": CarePlanForm(data, prefix="plan", site=site, initial=plan_initial),
        "settling_in": StartSettlingInForm(
            data, prefix="settling", initial={"first_day": plan_start}
        ),
        "booking": StartBookingForm(
            data,
            prefix="booking",
            site=site,
            groups=groups,
            initial={
                "group": groups.first(),
                "day": first_day,
                "start": referral.wished_from,
                "end": referral.wished_until,
                "place_type": PlaceType.URGENT if referral.urgent else PlaceType.OCCASIONAL,
            },
        ),
    }


def _start(request: HttpRequest, referral: Referral, forms: dict, today: dt.date):
    family_data = forms["family"].cleaned_data
    plan_data = forms["plan"].cleaned_data
    settling_data = forms["settling_in"].cleaned_data
    booking_data = forms["booking"].cleaned_data
    family = None
    if family_data["family"] != NEW:
        family = Family.objects.get(
            pk=int(family_data["family"]), site_id=referral.site_id, erased_at__isnull=True
        )
    return services.referral_start(
        referral=referral,
        user=request.user,
        family=family,
        new_family=services.NewFamily(
            reference=family_data["reference"].strip(), postcode=family_data["postcode"]
        )
        if family is None
        else None,
        guardian=services.GuardianDetails(
            first_name=family_data["parent_first_name"],
            last_name=family_data["parent_last_name"],
            phone=family_data["parent_phone"],
            email=family_data["parent_email"],
            home_languages=family_data["home_languages"],
        ),
        child=services.ChildDetails(
            first_name=family_data["child_first_name"],
            last_name=family_data["child_last_name"],
            birth_date=family_data["child_birth_date"],
        ),
        plan=services.PlanDetails(
            kind=plan_data["kind"],
            start=plan_data["start"],
            end=plan_data["end"],
            pattern=plan_data["pattern"],
        ),
        settling_in=services.SettlingIn(
            first_day=settling_data["first_day"], start=settling_data["start"]
        )
        if settling_data["plan"]
        else None,
        booking=services.FirstBooking(
            group=booking_data["group"],
            day=booking_data["day"],
            start=booking_data["start"],
            end=booking_data["end"],
            place_type=booking_data["place_type"],
            override_reason=booking_data["override_reason"],
        ),
        today=today,
    )


@require_http_methods(["GET", "POST"])
@coordinator_only
def referral_start(request: HttpRequest, referral_id: int) -> HttpResponse:
    """One page from an accepted referral to a child in the day plan, pre-filled from
    the referral: family, child, care plan, settling-in sessions and the first booking."""
    referral = selectors.referral_detail(user=request.user, referral_id=referral_id)
    if not rules.can_move(referral.status, rules.STARTED):
        messages.error(
            request,
            _("This referral is %(status)s already.") % {"status": referral.get_status_display()},
        )
        return redirect(referral)
    today = timezone.localdate()
    matches = selectors.family_matches(referral=referral)
    if referral.family_id and all(m.family.pk != referral.family_id for m in matches):
        matches.insert(0, selectors.Match(family=referral.family, reasons=["linked"]))
    record_access(request, *_family_ids(referral, matches))
    forms = _start_forms(referral, matches, request.POST or None, today)
    problems: list[str] = []
    if request.method == "POST" and all(form.is_valid() for form in forms.values()):
        try:
            started = _start(request, referral, forms, today)
        except BookingRefused as refusal:
            forms["booking"].refusal = refusal
            forms["booking"].add_error("override_reason", refusal.messages[0])
        except ValidationError as error:
            problems = _put_errors(error, list(forms.values()))
        else:
            text = _("%(name)s starts on %(day)s; the referral is started.") % {
                "name": started.child.first_name,
                "day": started.booking.date.strftime("%d-%m-%Y"),
            }
            if started.booking.override_reason:
                text += " " + _("Booked beyond the overbooking limit; the reason is recorded.")
            text += " " + ngettext(
                "%(count)d day of the pattern is booked.",
                "%(count)d days of the pattern are booked.",
                len(started.bookings),
            ) % {"count": len(started.bookings)}
            messages.success(request, text)
            if started.skipped:
                messages.warning(
                    request,
                    _("Not booked, book these days by hand: %(days)s")
                    % {
                        "days": "; ".join(
                            f"{skip.day:%d-%m-%Y} ({skip.reason})" for skip in started.skipped
                        )
                    },
                )
            return redirect(referral)
    return render(
        request,
        "referrals/referral_start.html",
        {
            "referral": referral,
            "matches": matches,
            "problems": problems,
            **{f"{name}_form": form for name, form in forms.items()},
        },
    )


# Organisations and their contact persons


# Who may read and edit them is elief.scoping's: coordinators and administrators all of
# them, a referrer their own organisation, other roles 403.


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisation_list(user=request.user)
    return render(
        request,
        "referrals/organisation_list.html",
        {
            "organisations": organisations,
            # A referrer reads their own organisation here, not Elief's referral counts.
            "for_elief": may_add_organisations(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not may_add_organisations(request.user):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(name=form.cleaned_data["name"])
        except ValidationError as error:
            for message in _put_errors(error, [form]):
                form.add_error(None, message)
        else:
            messages.success(request, _("%(name)s added.") % {"name": organisation.name})
            return redirect(f"{reverse('referrals:organisation_list')}#org-{organisation.pk}")
    return _form_page(
        request,
        title=_("New partner organisation"),
        form=form,
        cancel_url=reverse("referrals:organisation_list"),
    )


def _contact_page(
    request: HttpRequest, organisation: Organisation, contact: ContactPerson
) -> HttpResponse:
    form = ContactPersonForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        contact = services.contact_save(contact=form.save(commit=False))
        messages.success(request, _("%(name)s saved.") % {"name": contact.name})
        return redirect(f"{reverse('referrals:organisation_list')}#org-{organisation.pk}")
    title = (
        _("Contact person at %(organisation)s")
        if contact.pk
        else _("New contact person at %(organisation)s")
    ) % {"organisation": organisation.name}
    return _form_page(
        request, title=title, form=form, cancel_url=reverse("referrals:organisation_list")
    )


@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.organisation_get(user=request.user, organisation_id=organisation_id)
    return _contact_page(request, organisation, ContactPerson(organisation=organisation))


@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, contact_id=contact_id)
    return _contact_page(request, contact.organisation, contact)


# Figures


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


@require_GET
@coordinator_only
def referral_figures(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = MonthForm(request.GET or None)
    month = form.cleaned_data.get("month") if form.is_valid() else None
    month = (month or today).replace(day=1)
    sites = sites_for(request.user)
    figures = selectors.referral_figures(
        sites=sites, start=month, end=_month_end(month), today=today
    )
    return render(
        request,
        "referrals/figures.html",
        {
            "form": form,
            "month": month,
            "previous_month": (month - dt.timedelta(days=1)).replace(day=1),
            "next_month": _month_end(month) + dt.timedelta(days=1),
            "figures": figures,
            "sites": sites,
            "deadline_days": sorted(
                {site.settings_on(month).referral_deadline_days for site in sites}
            ),
        },
    )


# The partner portal


def _organisation_of(user: User) -> Organisation:
    if user.organisation_id is None:
        raise PermissionDenied
    return user.organisation


@require_GET
@referrer_only
def portal(request: HttpRequest) -> HttpResponse:
    organisation = _organisation_of(request.user)
    referrals = selectors.portal_referral_list(user=request.user)
    page = Paginator(referrals, 50).get_page(request.GET.get("page"))
    return render(
        request, "referrals/portal_list.html", {"organisation": organisation, "page": page}
    )


@require_http_methods(["GET", "POST"])
@referrer_only
def portal_create(request: HttpRequest) -> HttpResponse:
    organisation = _organisation_of(request.user)
    today = timezone.localdate()
    form = ReferralForm(
        request.POST or None, sites=Site.objects.all(), organisation=organisation, today=today
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                organisation=organisation,
                submitted_by=request.user,
                today=today,
                **form.cleaned_data,
            )
        except ValidationError as error:
            for message in _put_errors(error, [form]):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Thank you. Elief received the referral and will let you know here."),
            )
            return redirect("referrals:portal_detail", referral.pk)
    return render(
        request,
        "referrals/referral_form.html",
        {
            "form": form,
            "title": _("Refer a family"),
            "cancel_url": reverse("referrals:portal"),
            "portal": True,
            "organisation": organisation,
        },
    )


@require_GET
@referrer_only
def portal_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    _organisation_of(request.user)
    referral = selectors.portal_referral(user=request.user, referral_id=referral_id)
    record_access(request, referral.family_id)
    return render(request, "referrals/portal_detail.html", {"referral": referral})
