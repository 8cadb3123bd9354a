"""The board's monthly report, the coordinator's money view, ledger and attendance list:
who may open them, what they show, and that the board never sees a name."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from http import HTTPStatus

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from elief.models import Role
from subsidies import services
from subsidies.models import LedgerEntry
from tests.factories import (
    BookingFactory,
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    PlaceAssignmentFactory,
    SchemeFactory,
    SchemeRateFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND, FOUND = (
    HTTPStatus.OK,
    HTTPStatus.FORBIDDEN,
    HTTPStatus.NOT_FOUND,
    HTTPStatus.FOUND,
)
MONTH = dt.date(2026, 3, 1)
NAMES = ("Zebulon", "Quixote-Vanderwaal", "Ophelia", "Brightwater")


def _setup_site(name: str, children: int = 3, days: int = 5):
    site = SiteFactory(name=name)
    group = GroupFactory(site=site, name="Vlinders", regular_places=8, occasional_places=6)
    trap3 = SchemeFactory(site=site, name="Trap 3", category="trap3", min_occupancy_pct=70)
    SchemeRateFactory(scheme=trap3, valid_from=dt.date(2026, 1, 1), rate_eur=Decimal("30.50"))
    PlaceAssignmentFactory(scheme=trap3, group=group, places=6)
    trap2b = SchemeFactory(site=site, name="Trap 2B", category="trap2b", min_open_days=220)
    SchemeRateFactory(scheme=trap2b, valid_from=dt.date(2026, 1, 1), rate_eur=Decimal("25"))
    PlaceAssignmentFactory(scheme=trap2b, group=group, place_type="regular", places=8)
    family = FamilyFactory(site=site, low_income=True, single_parent=True)
    kids = [
        ChildFactory(family=family, first_name=NAMES[i % 2 * 2], last_name=NAMES[i % 2 * 2 + 1])
        for i in range(children)
    ]
    for day in site.open_days(MONTH, MONTH + dt.timedelta(days=30))[:days]:
        for index, child in enumerate(kids):
            BookingFactory(
                group=group,
                child=child,
                date=day,
                place_type=("occasional", "regular", "urgent")[index % 3],
                outcome=("present", "present", "no_show", "present")[index % 4],
            )
    services.snapshots_store(site=site, start=MONTH, end=dt.date(2026, 3, 31))
    return site, group, trap3


@pytest.fixture
def sites():
    own = _setup_site("Elief")
    other = _setup_site("Elief Noord")
    return own, other


def _user(role, site):
    return UserFactory(role=role, sites=[site] if role in (Role.COORDINATOR, Role.STAFF) else [])


def _urls(own, other) -> dict[str, str]:
    month = "?maand=2026-03"
    return {
        "report": reverse("subsidies:report") + month,
        "report_csv": reverse("subsidies:report_csv") + month,
        "report_own": reverse("subsidies:report_site", args=[own.pk]) + month,
        "report_other": reverse("subsidies:report_site", args=[other.pk]) + month,
        "report_csv_other": reverse("subsidies:report_site_csv", args=[other.pk]) + month,
        "money": reverse("subsidies:money"),
        "money_own": reverse("subsidies:money_site", args=[own.pk]),
        "money_other": reverse("subsidies:money_site", args=[other.pk]),
        "ledger_own": reverse("subsidies:ledger", args=[own.pk]),
        "ledger_other": reverse("subsidies:ledger", args=[other.pk]),
        "attendance_own": reverse("subsidies:attendance_csv", args=[own.pk]) + month,
        "attendance_other": reverse("subsidies:attendance_csv", args=[other.pk]) + month,
        "report_xlsx": reverse("subsidies:report_xlsx") + month,
        "report_xlsx_other": reverse("subsidies:report_site_xlsx", args=[other.pk]) + month,
        "attendance_xlsx_other": reverse("subsidies:attendance_xlsx", args=[other.pk]) + month,
    }


ROLES = [Role.COORDINATOR, Role.STAFF, Role.BOARD, Role.REFERRER, Role.ADMIN]
MATRIX = {
    "report": [OK, FORBIDDEN, OK, FORBIDDEN, OK],
    "report_csv": [OK, FORBIDDEN, OK, FORBIDDEN, OK],
    "report_own": [OK, FORBIDDEN, OK, FORBIDDEN, OK],
    "report_other": [NOT_FOUND, FORBIDDEN, OK, FORBIDDEN, OK],
    "report_csv_other": [NOT_FOUND, FORBIDDEN, OK, FORBIDDEN, OK],
    "money": [FOUND, FORBIDDEN, FOUND, FORBIDDEN, FOUND],
    "money_own": [OK, FORBIDDEN, OK, FORBIDDEN, OK],
    "money_other": [NOT_FOUND, FORBIDDEN, OK, FORBIDDEN, OK],
    "ledger_own": [OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
    "ledger_other": [NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
    "attendance_own": [OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
    "attendance_other": [NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
    "report_xlsx": [OK, FORBIDDEN, OK, FORBIDDEN, OK],
    "report_xlsx_other": [NOT_FOUND, FORBIDDEN, OK, FORBIDDEN, OK],
    "attendance_xlsx_other": [NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
}


@pytest.mark.parametrize("page", MATRIX)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=[r.value for r in ROLES])
def test_each_role_gets_what_the_matrix_says(client, sites, page, role_index):
    (own, *_), (other, *_) = sites
    client.force_login(_user(ROLES[role_index], own))
    response = client.get(_urls(own, other)[page])
    assert response.status_code == MATRIX[page][role_index]


def test_anonymous_visitors_sign_in_first(client, sites):
    (own, *_), (other, *_) = sites
    for url in _urls(own, other).values():
        response = client.get(url)
        assert response.status_code == FOUND
        assert response.url.startswith(reverse("login"))


def test_the_board_sees_no_names_anywhere(client, sites):
    (own, *_), (other, *_) = sites
    client.force_login(_user(Role.BOARD, own))
    for page in ("report", "report_csv", "report_own", "report_other", "money_own"):
        content = client.get(_urls(own, other)[page]).content.decode()
        for name in NAMES:
            assert name not in content, (page, name)


def test_the_report_shows_the_months_figures_and_a_chart(client, sites):
    (own, *_), _other = sites
    client.force_login(_user(Role.BOARD, own))
    response = client.get(reverse("subsidies:report_site", args=[own.pk]) + "?maand=2026-03")
    report = response.context["report"]
    # 5 days of 3 children: 2 present a day (one no-show); March has 22 open days.
    assert report.summary["prestaties"] == 10
    assert report.summary["children"] == 2  # the no-show never came
    assert report.summary["vulnerable_children"] == 2
    # The board's social mix counts the children present, not those booked.
    mix = report.per_site[0]["mix"]
    assert (mix.vulnerable, mix.total, mix.pct) == (2, 2, 100)
    assert report.summary["open_days"] == 22
    content = response.content.decode()
    assert content.count('<circle class="point"') == 2  # planned and realised, March only
    assert 'data-month="2026-03"' in content
    assert "data-print" in content  # the print button, shown by static/js/elief.js
    conditions = {(c["kind"], c["minimum"]): c for c in report.compliance[0]["conditions"]}
    # Trap 2B and 3 ask the shares of vulnerable families of the site's settings.
    assert sorted(conditions) == [
        ("occupancy", 70),
        ("open_days", 220),
        ("vulnerable", 20),
        ("vulnerable", 30),
    ]
    assert conditions[("occupancy", 70)]["status"] == "at_risk"  # 3 %, but still reachable
    assert conditions[("vulnerable", 30)]["status"] == "met"  # 2 of 2 children
    assert conditions[("vulnerable", 30)]["schemes"] == ["Trap 3"]


def _belgian_csv(response) -> list[list[str]]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")  # Excel reads UTF-8 accents only with the mark
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def _comma_decimal(text: str) -> Decimal:
    assert "." not in text, text
    return Decimal(text.replace(",", "."))


def test_the_report_csv_opens_in_belgian_excel(client, sites):
    (own, *_), _other = sites
    client.force_login(_user(Role.COORDINATOR, own))
    response = client.get(reverse("subsidies:report_csv") + "?maand=2026-03")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="maandrapport-elief-2026-03.csv"'
    )
    rows = _belgian_csv(response)
    assert rows[0] == ["Onderdeel", "Rij", "Kengetal", "Waarde"]
    values = {(part, row, figure): value for part, row, figure, value in rows[1:]}
    # A coordinator's "all sites" are her own.
    assert values[("Kerncijfers", "vzw (alle vestigingen)", "Openingsdagen")] == "22"
    assert _comma_decimal(values[("Kerncijfers", "Elief", "Prestaties")]) == 10
    assert values[("Kerncijfers", "Elief", "Prestaties")] == "10,00"
    assert ("Kerncijfers", "Elief Noord", "Prestaties") not in values
    assert (
        values[("Trend", "03/2026", "Subsidieverlies (€)")]
        == values[("Kerncijfers", "Elief", "Subsidieverlies (€)")]
    )
    assert values[("Voorwaarden", "Elief · Bezetting minstens 70 %", "Status")] == "in gevaar"
    assert not any(key[2].isascii() and "_" in key[2] for key in values)  # no machine keys


def test_the_report_xlsx_holds_the_figures_of_the_page(client, sites):
    (own, *_), _other = sites
    client.force_login(_user(Role.BOARD, own))
    page = client.get(reverse("subsidies:report") + "?maand=2026-03").context["report"]
    response = client.get(reverse("subsidies:report_xlsx") + "?maand=2026-03")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('maandrapport-elief-2026-03.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:4] == ["Kerncijfers", "Trend", "Gepland en gerealiseerd", "Sociale mix"]
    assert "Voorwaarden" in book.sheetnames and "Verlies per regeling" in book.sheetnames
    key = book["Kerncijfers"]
    headers = [cell.value for cell in key[1]]
    rows = {
        row[0]: dict(zip(headers, row, strict=True)) for row in key.iter_rows(2, values_only=True)
    }
    assert list(rows) == ["Elief", "Elief Noord", "vzw (alle vestigingen)"]
    whole = rows["vzw (alle vestigingen)"]
    assert whole["Prestaties"] == float(page.summary["prestaties"]) == 20
    assert whole["Plaatsdagen"] == page.summary["capacity_days"]
    assert whole["Subsidieverlies (€)"] == float(page.summary["subsidy_lost_eur"])
    assert whole["Bezetting gerealiseerd (%)"] == pytest.approx(
        float(page.summary["occupancy_pct"]), abs=0.005
    )
    assert rows["Elief"]["Kinderen"] == page.per_site[0]["children"]
    # Numbers are numbers and months are dates, with a format for the eye.
    number = key.cell(row=2, column=headers.index("Prestaties") + 1)
    assert number.data_type == "n" and number.number_format == "0.00"
    month = book["Trend"].cell(row=2, column=1)
    assert month.is_date and month.value == dt.datetime(2026, 3, 1)
    statuses = [row[-1] for row in book["Voorwaarden"].iter_rows(2, values_only=True)]
    assert "in gevaar" in statuses


def test_the_board_files_name_no_one(client, sites):
    (own, *_), _other = sites
    client.force_login(_user(Role.BOARD, own))
    response = client.get(reverse("subsidies:report_xlsx") + "?maand=2026-03")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = " ".join(
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row
    )
    for name in NAMES:
        assert name not in cells


def test_a_name_that_looks_like_a_formula_stays_text(client, sites):
    (own, *_), _other = sites
    own.name = '=HYPERLINK("http://example.org")'
    own.save()
    client.force_login(_user(Role.BOARD, own))
    csv_rows = _belgian_csv(client.get(reverse("subsidies:report_csv") + "?maand=2026-03"))
    assert any(row[1] == '\'=HYPERLINK("http://example.org")' for row in csv_rows)
    response = client.get(reverse("subsidies:report_xlsx") + "?maand=2026-03")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in sheet for sheet in sheets)  # no formula is ever written
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    names = [row[0] for row in book["Kerncijfers"].iter_rows(2, values_only=True)]
    assert own.name in names


def test_all_sites_add_up_for_the_board(client, sites):
    (own, *_), _other = sites
    client.force_login(_user(Role.BOARD, own))
    response = client.get(reverse("subsidies:report") + "?maand=2026-03")
    report = response.context["report"]
    assert report.summary["prestaties"] == 20
    assert report.summary["capacity_days"] == 2 * 22 * 14
    assert [row["site"].name for row in report.per_site] == ["Elief", "Elief Noord"]


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == OK
    return len(queries)


def test_the_board_page_takes_a_fixed_number_of_queries(client, django_assert_num_queries):
    small = _setup_site("Elief", children=2, days=2)[0]
    client.force_login(_user(Role.BOARD, small))
    url = reverse("subsidies:report") + "?maand=2026-03"
    site_url = reverse("subsidies:report_site", args=[small.pk]) + "?maand=2026-03"
    queries, site_queries = _count_queries(client, url), _count_queries(client, site_url)
    # Ten times the children, four times the days, and two more sites.
    _setup_site("Elief Noord", children=20, days=8)
    _setup_site("Elief Zuid", children=20, days=8)
    with django_assert_num_queries(queries):
        client.get(url)
    with django_assert_num_queries(site_queries):
        client.get(site_url)


def test_the_money_view_shows_where_the_loss_comes_from(client, sites, monkeypatch):
    (own, group, _scheme), _other = sites
    from subsidies import views

    monkeypatch.setattr(views.timezone, "localdate", lambda: dt.date(2026, 3, 9))
    client.force_login(_user(Role.COORDINATOR, own))
    response = client.get(reverse("subsidies:money_site", args=[own.pk]))
    view = response.context["view"]
    # 2–6 March: 2 children present of 14 places a day (one occasional, one regular), one
    # urgent no-show: occasional 5 of 6 empty, regular 7 of 8 empty.
    assert len(view["days"]) == 5
    assert view["lost_eur"] == 5 * (5 * Decimal("30.50") + 7 * 25)
    assert view["by_cause"]["no_show"] == 5 * Decimal("30.50")
    assert view["by_group"]["Vlinders"] == view["lost_eur"]
    assert [day["date"] for day in view["ahead"]][0] == dt.date(2026, 3, 9)
    assert view["ahead"][-1]["date"] == dt.date(2026, 3, 31)
    assert b"planning/dagplan" in response.content  # a coordinator jumps to the day plan


def test_the_attendance_list_per_kindcode(client, sites):
    (own, group, _scheme), _other = sites
    child = ChildFactory(family=FamilyFactory(site=own), kindcode="KG-123")
    BookingFactory(
        group=group,
        child=child,
        date=dt.date(2026, 3, 20),
        outcome="present",
        arrived=dt.time(8, 5),
        left=dt.time(12, 10),
    )
    client.force_login(_user(Role.COORDINATOR, own))
    response = client.get(reverse("subsidies:attendance_csv", args=[own.pk]) + "?maand=2026-03")
    rows = _belgian_csv(response)
    assert rows[0] == ["Kindcode", "Datum", "Aangekomen", "Vertrokken", "Dagdeel"]
    assert rows[1] == ["KG-123", "20/03/2026", "08:05", "12:10", "0,50"]
    assert len(rows) == 2 + 5 * 2  # children without a kindcode come last
    response = client.get(reverse("subsidies:attendance_xlsx", args=[own.pk]) + "?maand=2026-03")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    first = [cell.value for cell in sheet[2]]
    assert first == ["KG-123", dt.datetime(2026, 3, 20), dt.time(8, 5), dt.time(12, 10), 0.5]


def test_a_payment_and_its_correction_are_both_kept(client, sites):
    (own, _group, trap3), _other = sites
    coordinator = _user(Role.COORDINATOR, own)
    client.force_login(coordinator)
    url = reverse("subsidies:ledger", args=[own.pk]) + "?jaar=2026"
    data = {
        "scheme": trap3.pk,
        "kind": "advance",
        "period_start": "2026-02-14",  # any day of the quarter
        "date": "2026-01-20",
        "amount_eur": "5000.00",
        "note": "Voorschot Q1",
    }
    assert client.post(url, data).status_code == FOUND
    entry = LedgerEntry.objects.get()
    assert (entry.period_start, entry.created_by) == (dt.date(2026, 1, 1), coordinator)

    correct = reverse("subsidies:ledger_correct", args=[own.pk, entry.pk])
    assert client.get(correct).status_code == OK
    assert client.post(correct, {**data, "amount_eur": "5200.00"}).status_code == FOUND
    assert LedgerEntry.objects.count() == 2
    fixed = LedgerEntry.objects.get(corrects=entry)
    assert fixed.amount_eur == Decimal("5200.00")
    overview = client.get(url).context["overview"]
    trap3_row = next(row for row in overview["schemes"] if row["scheme"] == trap3)
    assert trap3_row["received_eur"] == Decimal("5200.00")
    # March's care days × rates so far are expected in the first quarter.
    assert trap3_row["quarters"][0].expected_eur > 0
    # The corrected entry cannot be corrected a second time.
    response = client.post(correct, {**data, "amount_eur": "1.00"})
    assert response.status_code == 422
    assert LedgerEntry.objects.count() == 2


def test_another_sites_entry_is_not_found(client, sites):
    (own, *_), (other, _g, other_scheme) = sites
    entry = services.ledger_entry_create(
        scheme=other_scheme,
        kind="advance",
        period_start=dt.date(2026, 1, 1),
        date=dt.date(2026, 1, 5),
        amount_eur=Decimal(100),
        user=None,
    )
    client.force_login(_user(Role.COORDINATOR, own))
    url = reverse("subsidies:ledger_correct", args=[own.pk, entry.pk])
    assert client.get(url).status_code == NOT_FOUND


def test_ledger_entries_are_never_changed_or_deleted(sites):
    (_own, _group, trap3), _other = sites
    entry = services.ledger_entry_create(
        scheme=trap3,
        kind="advance",
        period_start=dt.date(2026, 1, 1),
        date=dt.date(2026, 1, 5),
        amount_eur=Decimal(100),
        user=None,
    )
    entry.amount_eur = Decimal(200)
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        LedgerEntry.objects.update(amount_eur=1)
    with pytest.raises(ValidationError):
        LedgerEntry.objects.all().delete()
    assert LedgerEntry.objects.get().amount_eur == Decimal(100)


def test_prefinancing_is_paid_back_once_kind_en_gezin_pays(client, sites):
    (own, _group, trap3), _other = sites
    city = SchemeFactory(
        site=own,
        name="Voorfinanciering",
        kind="lump_sum",
        category="prefinancing",
        prefinanced_scheme=trap3,
    )
    SchemeRateFactory(scheme=city, rate_eur=Decimal(24000))
    for kind, scheme, amount in (
        ("prefinancing", city, 6000),
        ("advance", trap3, 4000),
        ("repayment", city, 1000),
    ):
        services.ledger_entry_create(
            scheme=scheme,
            kind=kind,
            period_start=dt.date(2026, 1, 1),
            date=dt.date(2026, 2, 1),
            amount_eur=Decimal(amount),
            user=None,
        )
    client.force_login(_user(Role.ADMIN, own))
    overview = client.get(reverse("subsidies:ledger", args=[own.pk]) + "?jaar=2026").context[
        "overview"
    ]
    (row,) = overview["prefinancing"]
    assert (row["advanced_eur"], row["repaid_eur"], row["outstanding_eur"]) == (6000, 1000, 5000)
    assert row["to_pay_back_eur"] == 3000  # Kind en Gezin paid 4000, 1000 went back already


@pytest.mark.parametrize(
    "query", ["?maand=0001-01", "?maand=maart", "?maand=2026-13", "?jaar=0", "?jaar=twee"]
)
def test_bad_months_and_years_fall_back_to_the_default(client, sites, query):
    (own, *_), _other = sites
    client.force_login(_user(Role.COORDINATOR, own))
    for name in ("subsidies:report", "subsidies:ledger"):
        url = reverse(name, args=[own.pk] if name == "subsidies:ledger" else [])
        assert client.get(url + query).status_code == OK


def test_the_attendance_list_from_the_command(sites):
    from django.core.management import call_command

    (own, group, _scheme), _other = sites
    out = io.StringIO()
    call_command("report", "--site", str(own.pk), "--month", "2026-03", "--attendance", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "kindcode,date,arrived,left,fraction"
    assert lines[1] == ",2026-03-02,08:30,16:30,1.00"
