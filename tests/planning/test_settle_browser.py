"""In a real browser: a wrong check-out undone on the tablet, a time corrected by the
coordinator in the booking's history, and yesterday's forgotten child settled from the home
page, with the board's report following."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from elief.models import Role
from planning.models import Booking
from subsidies import services as subsidy_services
from tests.factories import ChildFactory, FamilyFactory, GroupFactory, SiteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"


@pytest.fixture
def group():
    # Open every day of the week, so the test is the same whatever day it runs.
    site = SiteFactory(name="Elief", opening_weekdays="1234567")
    return GroupFactory(site=site, name="Vlinders")


def _book(group, first_name, day, **fields) -> Booking:
    child = ChildFactory(
        family=FamilyFactory(site=group.site), first_name=first_name, last_name="Peeters"
    )
    return Booking.objects.create(
        child=child,
        group=group,
        date=day,
        start=dt.time(8, 30),
        end=dt.time(16, 30),
        place_type="occasional",
        **fields,
    )


def _login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_a_wrong_check_out_is_undone_on_the_tablet(live_server, page, group):
    UserFactory(username="fatima", role=Role.STAFF, sites=[group.site])
    booking = _book(
        group, "Yasmine", timezone.localdate(), outcome="present", arrived=dt.time(0, 0)
    )
    _login(page, live_server, "fatima")
    page.goto(f"{live_server.url}{reverse('planning:today')}")
    page.evaluate("window.todayMarker = 'still here'")
    row = page.locator(f"#booking-{booking.pk}")
    row.locator("[data-action=check-out]").click()
    expect(row).to_have_attribute("data-status", "left")
    row.locator("[data-action=undo]").click()
    expect(row).to_have_attribute("data-status", "present")
    expect(row.locator("[data-action=check-out]")).to_be_visible()
    assert page.evaluate("window.todayMarker") == "still here"  # no reload
    booking.refresh_from_db()
    assert booking.left is None


def test_a_time_corrected_by_the_coordinator_shows_in_the_history(live_server, page, group):
    UserFactory(username="coord", role=Role.COORDINATOR, sites=[group.site])
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    booking = _book(
        group, "Adam", yesterday, outcome="present", arrived=dt.time(8), left=dt.time(8, 1)
    )
    _login(page, live_server, "coord")
    page.goto(f"{live_server.url}{reverse('planning:booking_detail', args=[booking.pk])}")
    page.locator("[data-attendance-correct] summary").click()
    page.fill(f"#left-{booking.pk}", "16:15")
    page.fill(f"#reason-{booking.pk}", "Vergeten uit te checken")
    page.click("[data-action=correct]")
    expect(page.locator(".changes li").first).to_contain_text(
        "Tijden verbeterd van 08:00–08:01 naar 08:00–16:15 (reden: Vergeten uit te checken)"
    )
    expect(page.locator(".pairs")).to_contain_text("16:15")
    change = booking.changes.first()
    assert (change.before["left"], change.after["left"]) == ("08:01", "16:15")
    assert change.after["reason"] == "Vergeten uit te checken"


def test_yesterdays_forgotten_child_is_settled_from_the_home_page(
    live_server, page, browser, group
):
    site = group.site
    UserFactory(username="coord", role=Role.COORDINATOR, sites=[site])
    UserFactory(username="bestuur", role=Role.BOARD)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    _book(group, "Noor", yesterday, outcome="present", arrived=dt.time(8), left=dt.time(16))
    forgotten = _book(group, "Lina", yesterday)
    subsidy_services.nightly_run(day=yesterday)

    board = browser.new_page()
    _login(board, live_server, "bestuur")
    report = (
        f"{live_server.url}{reverse('subsidies:report_site', args=[site.pk])}"
        f"?maand={yesterday:%Y-%m}"
    )
    board.goto(report)
    expect(board.locator("[data-unsettled-days]")).to_have_attribute("data-unsettled-days", "1")
    expect(board.locator("[data-metric=prestaties]")).to_have_text("1,0")

    _login(page, live_server, "coord")
    link = page.locator(f"[data-unsettled-day='{yesterday:%Y-%m-%d}']")
    expect(link).to_be_visible()
    link.click()
    row = page.locator(f"#settle-{forgotten.pk}")
    row.locator("[data-action=settle-present]").click()
    expect(row.locator("[data-settled-as]")).to_have_attribute("data-settled-as", "present")

    page.goto(f"{live_server.url}/")
    expect(page.locator("[data-unsettled-day]")).to_have_count(0)
    board.goto(report)
    expect(board.locator("[data-unsettled-days]")).to_have_count(0)
    expect(board.locator("[data-metric=prestaties]")).to_have_text("2,0")
    board.close()
