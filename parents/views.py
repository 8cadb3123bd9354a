"""The parent pages (no account: the family's link is the key) and the coordinator's
pages for links and requests."""

import base64
import datetime as dt
from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from elief import throttle
from elief.models import Role
from elief.scoping import parent_link_for_token, role_required
from families import selectors as family_selectors
from families.access import record_access
from parents import rules, selectors, services
from parents.forms import AbsenceForm, AcceptForm, LinkForm, RequestForm
from parents.models import ParentLink
from planning.services import BookingRefused

coordinator_only = role_required(Role.COORDINATOR)
PARENT_LANGUAGE_CODES = [code for code, _name in settings.PARENT_LANGUAGES]
RTL = {"ar"}


def _private(response: HttpResponse) -> HttpResponse:
    # The link is the key: no other site may learn it from a Referer, and no cache keeps
    # a family's page.
    response["Referrer-Policy"] = "no-referrer"
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


def _too_many() -> HttpResponse:
    return _private(
        HttpResponse(
            "Too many tries. Please wait a while.",
            status=HTTPStatus.TOO_MANY_REQUESTS,
            content_type="text/plain; charset=utf-8",
        )
    )


def _language(request: HttpRequest, family) -> str:
    chosen = request.GET.get("lang", "")
    return chosen if chosen in PARENT_LANGUAGE_CODES else services.family_language(family)


def parent_page(view: Callable) -> Callable:
    """Open the page of the family whose link is `token`, in the family's language, with
    the headers a key in the address needs; 404 for any other token, 429 when rate limited."""

    # No CSRF check: the unguessable token in the address is the proof a forged form
    # lacks, and under Referrer-Policy no-referrer browsers send "Origin: null" on the
    # page's own forms, which Django's check would refuse.
    @csrf_exempt
    @login_not_required
    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
        address = throttle.client_address(request)
        if throttle.parent_link_locked(address=address):
            return _too_many()
        try:
            link = parent_link_for_token(token, address=address)
        except Http404:
            # The same 404 page for every wrong token, with the private headers.
            response = render(request, "parents/404.html", status=HTTPStatus.NOT_FOUND)
            return _private(response)
        family = link.family
        lang = _language(request, family)
        with translation.override(lang):
            request.LANGUAGE_CODE = lang
            response = view(request, link, family, lang, *args, **kwargs)
            response.headers["Content-Language"] = lang
        services.parent_link_used(link=link)
        return _private(response)

    return wrapper


def _context(lang: str, token: str, **more) -> dict:
    return {
        "lang": lang,
        "rtl": lang in RTL,
        "token": token,
        "languages": settings.PARENT_LANGUAGES,
        "home_url": reverse("parents:home", args=[token]) + "?" + urlencode({"lang": lang}),
        **more,
    }


def _back(token: str, lang: str, done: str) -> HttpResponse:
    query = urlencode({"lang": lang, "done": done})
    return redirect(reverse("parents:home", args=[token]) + "?" + query)


@require_http_methods(["GET"])
@parent_page
def home(request: HttpRequest, link: ParentLink, family, lang: str) -> HttpResponse:
    record_access(request, family.pk)
    now = timezone.localtime()
    children = selectors.parent_children(family=family, today=now.date())
    days = []
    for child in children:
        for booking in child.coming:
            days.append(
                {
                    "booking": booking,
                    "child": child,
                    "may_report": booking.outcome == "planned"
                    and rules.may_report_absence(
                        day=booking.date, opens=family.site.opens, now=now
                    ),
                    "may_confirm": booking.outcome == "planned"
                    and rules.may_confirm(day=booking.date, today=now.date()),
                }
            )
    days.sort(key=lambda day: (day["booking"].date, day["booking"].start))
    done = {
        "absent": _("Thank you. We know your child will not come."),
        "confirmed": _("Thank you. See you then!"),
        "asked": _("Thank you. We will let you know."),
    }.get(request.GET.get("done", ""), "")
    context = _context(
        lang, request.resolver_match.kwargs["token"], children=children, days=days, done=done
    )
    return render(request, "parents/home.html", context)


def _booking_action(request, family, booking_id: int, act: Callable) -> str | None:
    """Run `act` on the family's booking; returns an error to show, or None."""
    booking = selectors.parent_booking(family=family, booking_id=booking_id)
    record_access(request, family.pk)
    try:
        act(booking)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


@require_POST
@parent_page
def absence(request: HttpRequest, link, family, lang: str, booking_id: int) -> HttpResponse:
    form = AbsenceForm(request.POST)
    token = request.resolver_match.kwargs["token"]
    if not form.is_valid():
        return _back(token, lang, "")
    error = _booking_action(
        request,
        family,
        booking_id,
        lambda booking: services.parent_absence_report(
            booking=booking, code=form.cleaned_data["code"]
        ),
    )
    if error:
        context = _context(lang, token, error=error)
        return render(request, "parents/error.html", context, status=HTTPStatus.CONFLICT)
    return _back(token, lang, "absent")


@require_POST
@parent_page
def confirm(request: HttpRequest, link, family, lang: str, booking_id: int) -> HttpResponse:
    token = request.resolver_match.kwargs["token"]
    error = _booking_action(
        request,
        family,
        booking_id,
        lambda booking: services.parent_booking_confirm(booking=booking),
    )
    if error:
        context = _context(lang, token, error=error)
        return render(request, "parents/error.html", context, status=HTTPStatus.CONFLICT)
    return _back(token, lang, "confirmed")


@require_http_methods(["GET", "POST"])
@parent_page
def ask(request: HttpRequest, link, family, lang: str) -> HttpResponse:
    token = request.resolver_match.kwargs["token"]
    children = list(family.children.all())
    form = RequestForm(request.POST or None, family=family, children=children)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = next(child for child in children if child.pk == data["child"])
        try:
            services.parent_request_create(
                family=family,
                child=child,
                day=data["day"],
                start=data["start"],
                end=data["end"],
                urgent=data["urgent"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            record_access(request, family.pk)
            return _back(token, lang, "asked")
    status = HTTPStatus.UNPROCESSABLE_ENTITY if form.errors else HTTPStatus.OK
    return render(request, "parents/ask.html", _context(lang, token, form=form), status=status)


@csrf_exempt  # the signed key in the address stands in for the token (see parent_page)
@login_not_required
@require_http_methods(["GET", "POST"])
def reminder(request: HttpRequest, key: str) -> HttpResponse:
    """One booking from its evening reminder: confirm it, or say the child will not come."""
    address = throttle.client_address(request)
    if throttle.parent_link_locked(address=address):
        return _too_many()
    try:
        booking = services.reminder_booking(key)
    except Http404:
        throttle.parent_link_failure_record(address=address)
        return _private(render(request, "parents/404.html", status=HTTPStatus.NOT_FOUND))
    family = booking.child.family
    lang = _language(request, family)
    done = ""
    error = ""
    with translation.override(lang):
        if request.method == "POST":
            record_access(request, family.pk)
            action = request.POST.get("action", "")
            try:
                if action == "confirm":
                    services.parent_booking_confirm(booking=booking)
                    done = _("Thank you. See you then!")
                elif action in rules.PARENT_ABSENCE_CODES:
                    services.parent_absence_report(booking=booking, code=action)
                    done = _("Thank you. We know your child will not come.")
            except ValidationError as problem:
                error = " ".join(problem.messages)
        else:
            record_access(request, family.pk)
        booking.refresh_from_db()
        context = {
            "lang": lang,
            "rtl": lang in RTL,
            "booking": booking,
            "done": done,
            "error": error,
            "languages": settings.PARENT_LANGUAGES,
            "may_act": booking.outcome == "planned",
        }
        response = render(request, "parents/reminder.html", context)
        response.headers["Content-Language"] = lang
    return _private(response)


# The coordinator's pages


def _qr_svg(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=5, omitsize=False)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@require_POST
@coordinator_only
def link_create(request: HttpRequest, family_id: int) -> HttpResponse:
    """Make (or renew) the family's link and show it once, with its QR code."""
    family = family_selectors.family_for_user(user=request.user, family_id=family_id)
    form = LinkForm(request.POST)
    send = form.cleaned_data["send"] if form.is_valid() else ""
    new = services.parent_link_create(family=family, user=request.user)
    record_access(request, family.pk)
    url = request.build_absolute_uri(reverse("parents:home", args=[new.token]))
    sent = services.parent_link_send(
        family=family, url=url, email=send == "email", sms=send == "sms"
    )
    if send and not sent:
        messages.warning(request, _("The family has no address for this: the link was not sent."))
    context = {"family": family, "link": new.link, "url": url, "qr": _qr_svg(url), "sent": sent}
    return _private(render(request, "parents/link_created.html", context))


@require_http_methods(["GET", "POST"])
@coordinator_only
def link_revoke(request: HttpRequest, family_id: int) -> HttpResponse:
    family = family_selectors.family_for_user(user=request.user, family_id=family_id)
    if request.method == "POST":
        services.parent_link_revoke(family=family)
        record_access(request, family.pk)
        messages.success(request, _("The parent link no longer works."))
        return redirect(family.get_absolute_url())
    return render(request, "parents/link_revoke.html", {"family": family})


@require_http_methods(["GET"])
@coordinator_only
def request_list(request: HttpRequest, site_id: int) -> HttpResponse:
    site, queued = selectors.request_queue(user=request.user, site_id=site_id, now=timezone.now())
    record_access(request, *{item.request.family_id for item in queued})
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    to_phone = selectors.families_without_channel(site=site, day=tomorrow)
    context = {
        "site": site,
        "queued": queued,
        "groups": site.groups.order_by("name"),
        "to_phone": to_phone,
        "tomorrow": tomorrow,
    }
    return render(request, "parents/requests.html", context)


@require_POST
@coordinator_only
def request_accept(request: HttpRequest, request_id: int) -> HttpResponse:
    wish = selectors.request_for_user(user=request.user, request_id=request_id)
    site = wish.family.site
    form = AcceptForm(request.POST, site=site)
    # Booked from the queue, or from a freed place on the day plan or the home page.
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("parents:request_list", args=[site.pk])
    back = redirect(target)
    if not form.is_valid():
        messages.error(request, _("Choose a group."))
        return back
    try:
        services.parent_request_accept(
            request=wish,
            group=form.cleaned_data["group"],
            user=request.user,
            override_reason=form.cleaned_data["reason"],
        )
    except BookingRefused as refused:
        messages.error(
            request,
            _("%(refusal)s Give a reason to book anyway.") % {"refusal": refused.messages[0]},
        )
        return back
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    record_access(request, wish.family_id)
    messages.success(request, _("Booked."))
    return back


@require_POST
@coordinator_only
def request_refuse(request: HttpRequest, request_id: int) -> HttpResponse:
    wish = selectors.request_for_user(user=request.user, request_id=request_id)
    try:
        services.parent_request_refuse(request=wish, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    record_access(request, wish.family_id)
    return redirect("parents:request_list", wish.family.site_id)
