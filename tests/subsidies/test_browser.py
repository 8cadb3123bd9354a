"""In a real browser: a board member reads last month's report, sees the chart and no
child's name, and downloads the CSV and the Excel file."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from elief.models import Role
from subsidies import selectors, services
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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = ("Zebulon", "Quixote-Vanderwaal", "Ophelia", "Brightwater")


@pytest.fixture
def last_month():
    site = SiteFactory(name="Elief")
    group = GroupFactory(site=site, name="Vlinders", regular_places=8, occasional_places=6)
    scheme = SchemeFactory(site=site, name="Trap 3", category="trap3", min_occupancy_pct=70)
    SchemeRateFactory(scheme=scheme, valid_from=dt.date(2020, 1, 1), rate_eur=Decimal("30.50"))
    PlaceAssignmentFactory(scheme=scheme, group=group, valid_from=dt.date(2020, 1, 1), places=6)
    family = FamilyFactory(site=site, low_income=True, single_parent=True)
    children = [
        ChildFactory(family=family, first_name=NAMES[0], last_name=NAMES[1]),
        ChildFactory(family=family, first_name=NAMES[2], last_name=NAMES[3]),
    ]
    month = selectors.add_months(timezone.localdate().replace(day=1), -1)
    end = selectors.add_months(month, 1) - dt.timedelta(days=1)
    for day in site.open_days(month, end)[:6]:
        for child, outcome in zip(children, ("present", "no_show"), strict=True):
            BookingFactory(group=group, child=child, date=day, outcome=outcome)
    services.snapshots_store(site=site, start=month, end=end)
    UserFactory(role=Role.BOARD, username="bestuur", password="secret-pass-123")
    return month


def test_a_board_member_reads_last_months_report_and_downloads_it(live_server, page, last_month):
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", "bestuur")
    page.fill("#id_password", "secret-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{reverse('subsidies:report')}")
    key = last_month.strftime("%Y-%m")
    chart = page.locator("svg.trend-chart")
    assert chart.is_visible()
    points = chart.locator("circle.point")
    assert points.count() == 2  # planned and realised of last month
    assert points.first.get_attribute("data-month") == key
    assert page.locator("#maand").input_value() == key
    content = page.content()
    for name in NAMES:
        assert name not in content
    # "Print / PDF": hidden without JavaScript, shown and wired by static/js/elief.js.
    print_button = page.locator("button[data-print]")
    assert print_button.is_visible()
    page.evaluate("window.print = () => { window.printed = true; }")
    print_button.click()
    assert page.evaluate("window.printed") is True

    with page.expect_download() as download_info:
        page.locator("a[data-testid=csv]").click()
    download = download_info.value
    assert download.suggested_filename == f"maandrapport-elief-{key}.csv"
    text = open(download.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Onderdeel", "Rij", "Kengetal", "Waarde"]
    values = {figure: value for part, row, figure, value in rows[1:] if part == "Kerncijfers"}
    assert values["Prestaties"] == "6,00"
    assert values["Kinderen"] == "1"
    for name in NAMES:
        assert name not in text

    with page.expect_download() as download_info:
        page.locator("a[data-testid=xlsx]").click()
    assert download_info.value.suggested_filename == f"maandrapport-elief-{key}.xlsx"
    page.screenshot(path="test-results/board-report.png", full_page=True)
