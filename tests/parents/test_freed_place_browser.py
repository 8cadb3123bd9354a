"""The freed place end to end: on a phone, a parent opens the family's link in Arabic and
reports tomorrow as sick; the coordinator's day plan shows the booking excused and the
freed place offered, and books the first waiting child in one tap; the parent's page and
the booking history show it."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from elief.models import Role
from parents import services
from parents.models import ParentRequest
from planning import services as planning_services
from planning.models import Booking, Origin, WaitingListEntry
from tests.factories import (
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    GuardianFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("test-results")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def full_tomorrow():
    """Tomorrow the Vlinders are full (Amal and Noor); Yasmine waits, and another family
    asked for tomorrow after her."""
    # Open every day, so tomorrow is a day of care whatever day the test runs.
    site = SiteFactory(name="Elief", opening_weekdays="1234567")
    planning_services.absence_codes_ensure(site=site)
    group = GroupFactory(
        site=site,
        name="Vlinders",
        capacity=2,
        regular_places=0,
        occasional_places=2,
        urgent_reserve=0,
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    family = FamilyFactory(site=site)
    GuardianFactory(family=family, home_languages="Arabisch; Nederlands", email="a@example.org")
    bookings = [
        Booking.objects.create(
            child=ChildFactory(family=family_, first_name=name, last_name=last),
            group=group,
            date=tomorrow,
            start=dt.time(8, 30),
            end=dt.time(16),
            place_type="occasional",
        )
        for family_, name, last in [
            (family, "Amal", "Bouzid"),
            (FamilyFactory(site=site), "Noor", "Peeters"),
        ]
    ]
    waiting = WaitingListEntry.objects.create(
        site=site,
        child=ChildFactory(
            family=FamilyFactory(site=site), first_name="Yasmine", last_name="Benali"
        ),
        wished_weekdays="",
        wished_start=tomorrow - dt.timedelta(days=30),
        start=dt.time(9),
        end=dt.time(15),
        created_at=timezone.now() - dt.timedelta(days=10),
    )
    asking = ChildFactory(family=FamilyFactory(site=site), first_name="Lina", last_name="Claes")
    ParentRequest.objects.create(
        family=asking.family, child=asking, day=tomorrow, start=dt.time(9), end=dt.time(12)
    )
    UserFactory(role=Role.COORDINATOR, sites=[site], username="sara", password="secret-pass-123")
    return bookings[0], waiting


def _sign_in(page, base: str) -> None:
    page.goto(f"{base}{reverse('login')}")
    page.fill("#id_username", "sara")
    page.fill("#id_password", "secret-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_a_sick_day_frees_a_place_that_the_coordinator_books_in_one_tap(
    live_server, page, full_tomorrow
):
    amal, waiting = full_tomorrow
    site = amal.group.site
    token = services.parent_link_create(family=amal.child.family, user=None).token
    parent_page = f"{live_server.url}{reverse('parents:home', args=[token])}"

    # The parent, on a phone, in Arabic.
    page.set_viewport_size(PHONE)
    page.goto(parent_page)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.get_by_text("Amal")).to_be_visible()
    page.screenshot(path=SHOTS / "freed-parent-ar.png", full_page=True)
    page.get_by_role("button", name="لن يأتي: مريض").click()
    expect(page.get_by_role("status")).to_contain_text("شكرًا")
    amal.refresh_from_db()
    assert (amal.outcome, amal.absence_code.code) == ("excused", "ziek")

    # The coordinator, at a desk: the home page and the day plan offer the freed place.
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    _sign_in(page, live_server.url)
    freed = page.locator(f'[data-freed-place="{amal.group_id}-{amal.date.isoformat()}"]')
    expect(freed).to_contain_text("Vlinders")
    expect(freed).to_contain_text("Yasmine Benali")
    page.screenshot(path=SHOTS / "freed-home.png", full_page=True)
    plan = reverse("planning:dayplan_site", args=[site.pk])
    page.goto(f"{live_server.url}{plan}?dag={amal.date.isoformat()}")
    expect(page.locator(f"#booking-{amal.pk}")).to_contain_text("Ziek")
    offer = page.get_by_role("region", name="Vrijgekomen plaats")
    candidates = offer.locator("li[data-candidate]")
    expect(candidates).to_have_count(2)
    expect(candidates.first).to_contain_text("Yasmine Benali")
    expect(candidates.first).to_contain_text("wachtlijst")
    expect(candidates.nth(1)).to_contain_text("Lina Claes")
    expect(candidates.nth(1)).to_contain_text("vraag van een ouder")
    page.screenshot(path=SHOTS / "freed-dayplan.png", full_page=True)

    candidates.first.get_by_role("button", name="Boeken 09:00–15:00").click()
    card = page.locator(f"#group-{amal.group_id}")
    expect(card).to_contain_text("Yasmine geboekt: 09:00–15:00.")
    expect(card.locator("tbody")).to_contain_text("Yasmine Benali")
    # Full again: the place is no longer offered.
    expect(page.get_by_role("region", name="Vrijgekomen plaats")).to_have_count(0)
    page.screenshot(path=SHOTS / "freed-dayplan-booked.png", full_page=True)
    booked = Booking.objects.get(child=waiting.child, date=amal.date)
    assert (booked.group_id, booked.origin, booked.start) == (
        amal.group_id,
        Origin.WAITING_LIST,
        dt.time(9),
    )

    # The booking history: the absence the parent reported, and the new booking.
    page.goto(f"{live_server.url}{reverse('planning:booking_detail', args=[amal.pk])}")
    expect(page.locator(".changes")).to_contain_text("Afwezig gemeld: Ziek door ouder via link")
    page.goto(f"{live_server.url}{reverse('planning:booking_detail', args=[booked.pk])}")
    expect(page.locator(".changes")).to_contain_text("Geboekt in Vlinders")
    expect(page.locator(".changes")).to_contain_text("09:00–15:00")

    # The parent's page still shows the day reported sick, and nothing to change on it.
    page.set_viewport_size(PHONE)
    page.goto(parent_page)
    expect(page.locator(".p-state")).to_contain_text("لن يأتي: مريض")
    expect(page.get_by_role("button", name="لن يأتي: مريض")).to_have_count(0)
    page.screenshot(path=SHOTS / "freed-parent-ar-after.png", full_page=True)
