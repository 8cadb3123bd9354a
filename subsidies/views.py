"""The board's monthly report, the coordinator's money view and ledger, and the files for
Kind en Gezin.

The board reads aggregates only: no page here shows a child's or a family's name. Every
view checks the role and fetches the site through elief.scoping, so a coordinator of
another site gets 404.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from elief import dates, spreadsheets
from elief.models import Role, Site
from elief.scoping import role_required, site_for_user, sites_for
from elief.spreadsheets import Sheet
from subsidies import charts, exports, rules, selectors, services
from subsidies.forms import LedgerEntryForm, parse_year
from subsidies.models import KIND_EN_GEZIN, LedgerEntryKind

readers = role_required(Role.BOARD, Role.COORDINATOR, Role.ADMIN)
bookkeepers = role_required(Role.COORDINATOR, Role.ADMIN)


def _last_month(today: dt.date) -> dt.date:
    return selectors.add_months(today.replace(day=1), -1)


def _month(request: HttpRequest, default: dt.date) -> dt.date:
    return dates.parse_month(request.GET.get("maand"), default, request)


def _download(content: str | bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _sheets_response(sheets: list[Sheet], filename: str, file_format: str) -> HttpResponse:
    """The sheets as an Excel workbook, or as CSV in the form Belgian Excel opens."""
    if file_format == "xlsx":
        return _download(
            spreadsheets.xlsx_bytes(sheets), f"{filename}.xlsx", spreadsheets.XLSX_CONTENT_TYPE
        )
    if len(sheets) == 1:
        content = spreadsheets.table_csv(sheets[0])
    else:
        content = spreadsheets.belgian_csv(sheets, headers=exports.part_headers())
    return _download(content, f"{filename}.csv", spreadsheets.CSV_CONTENT_TYPE)


def _slug(site: Site | None) -> str:
    if site is None:
        return "elief"
    return "".join(c if c.isalnum() else "-" for c in site.name.lower()).strip("-") or "site"


# The monthly report


def _report(request: HttpRequest, site_id: int | None):
    site = site_for_user(request.user, site_id) if site_id is not None else None
    today = timezone.localdate()
    month = _month(request, _last_month(today))
    report = selectors.monthly_report(
        sites=sites_for(request.user), site=site, month=month, today=today
    )
    return site, month, report


@require_GET
@readers
def report(request: HttpRequest, site_id: int | None = None) -> HttpResponse:
    site, month, monthly = _report(request, site_id)
    mark = None
    conditions = [
        c for block in monthly.compliance for c in block["conditions"] if c["kind"] == "occupancy"
    ]
    if conditions:
        mark = max(c["minimum"] for c in conditions)
    chart = charts.trend_chart(
        monthly.trend,
        series=[
            ("planned_pct", _("planned"), "planned"),
            ("occupancy_pct", _("realised"), "realised"),
        ],
        mark=mark,
    )
    query = f"?maand={month:%Y-%m}"
    if site:
        csv_url = reverse("subsidies:report_site_csv", args=[site.pk])
        xlsx_url = reverse("subsidies:report_site_xlsx", args=[site.pk])
    else:
        csv_url = reverse("subsidies:report_csv")
        xlsx_url = reverse("subsidies:report_xlsx")
    return render(
        request,
        "subsidies/report.html",
        {
            "site": site,
            "sites": sites_for(request.user).order_by("name"),
            "month": month,
            "report": monthly,
            "chart": chart,
            "previous_month": selectors.add_months(month, -1),
            "next_month": selectors.add_months(month, 1),
            "csv_url": csv_url + query,
            "xlsx_url": xlsx_url + query,
        },
    )


@require_GET
@readers
def report_file(request: HttpRequest, file_format: str, site_id: int | None = None) -> HttpResponse:
    site, month, monthly = _report(request, site_id)
    return _sheets_response(
        exports.board_sheets(monthly), f"maandrapport-{_slug(site)}-{month:%Y-%m}", file_format
    )


# The coordinator's money view


def _first_site_or_none(request: HttpRequest) -> Site | None:
    return sites_for(request.user).order_by("name").first()


@require_GET
@readers
def money(request: HttpRequest, site_id: int | None = None) -> HttpResponse:
    if site_id is None:
        site = _first_site_or_none(request)
        if site is None:
            return render(request, "planning/no_site.html")
        return redirect("subsidies:money_site", site.pk)
    site = site_for_user(request.user, site_id)
    today = timezone.localdate()
    view = selectors.money_view(site=site, today=today)
    return render(
        request,
        "subsidies/money.html",
        {
            "site": site,
            "sites": sites_for(request.user).order_by("name"),
            "view": view,
            "today": today,
            "can_book": request.user.role in (Role.COORDINATOR, Role.ADMIN)
            or request.user.is_superuser,
        },
    )


# The ledger


@require_http_methods(["GET", "POST"])
@bookkeepers
def ledger(request: HttpRequest, site_id: int) -> HttpResponse:
    site = site_for_user(request.user, site_id)
    today = timezone.localdate()
    year = parse_year(request.GET.get("jaar")) or today.year
    form = LedgerEntryForm(
        request.POST or None,
        site=site,
        initial={"date": today, "period_start": today, "kind": LedgerEntryKind.ADVANCE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.ledger_entry_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Entry recorded: € %(amount)s for %(scheme)s.")
                % {"amount": exports.two(entry.amount_eur), "scheme": entry.scheme.name},
            )
            return redirect(f"{reverse('subsidies:ledger', args=[site.pk])}?jaar={year}")
    return render(
        request,
        "subsidies/ledger.html",
        {
            "site": site,
            "overview": selectors.ledger_overview(site=site, year=year, today=today),
            "form": form,
            "year": year,
            "kind_en_gezin": KIND_EN_GEZIN,
        },
        status=422 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@bookkeepers
def ledger_correct(request: HttpRequest, site_id: int, entry_id: int) -> HttpResponse:
    site = site_for_user(request.user, site_id)
    entry = selectors.ledger_entry_for_site(site=site, entry_id=entry_id)
    form = LedgerEntryForm(
        request.POST or None,
        site=site,
        initial={
            "scheme": entry.scheme,
            "kind": entry.kind,
            "period_start": entry.period_start,
            "date": entry.date,
            "amount_eur": entry.amount_eur,
            "note": entry.note,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.ledger_entry_create(user=request.user, corrects=entry, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Correction recorded; the earlier entry is kept."))
            return redirect(
                f"{reverse('subsidies:ledger', args=[site.pk])}?jaar={entry.period_start.year}"
            )
    return render(
        request,
        "subsidies/ledger_correct.html",
        {"site": site, "entry": entry, "form": form},
        status=422 if form.is_bound else 200,
    )


# Kind en Gezin's attendance list


@require_GET
@bookkeepers
def attendance_file(request: HttpRequest, site_id: int, file_format: str) -> HttpResponse:
    site = site_for_user(request.user, site_id)
    month = _month(request, _last_month(timezone.localdate()))
    start, end = rules.month_bounds(month)
    rows = selectors.attendance_list(site=site, start=start, end=end)
    return _sheets_response(
        [exports.attendance_sheet(rows)],
        f"aanwezigheden-{_slug(site)}-{month:%Y-%m}",
        file_format,
    )
