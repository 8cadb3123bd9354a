"""On a phone: a parent opens the family's link in Arabic and reports tomorrow as sick;
the coordinator's day plan shows the booking excused."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from elief.models import Role
from parents import services
from planning import services as planning_services
from planning.models import Booking
from tests.factories import (
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    GuardianFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tomorrow_booking():
    # Open every day, so tomorrow is a day of care whatever day the test runs.
    site = SiteFactory(name="Elief", opening_weekdays="1234567")
    planning_services.absence_codes_ensure(site=site)
    group = GroupFactory(site=site, name="Vlinders")
    family = FamilyFactory(site=site)
    GuardianFactory(family=family, home_languages="Arabisch; Nederlands", email="a@example.org")
    child = ChildFactory(family=family, first_name="Amal", last_name="Bouzid")
    return Booking.objects.create(
        child=child,
        group=group,
        date=timezone.localdate() + dt.timedelta(days=1),
        start=dt.time(8, 30),
        end=dt.time(16),
        place_type="occasional",
    )


def test_a_parent_reports_tomorrow_as_sick_in_arabic(live_server, page, tomorrow_booking):
    family = tomorrow_booking.child.family
    token = services.parent_link_create(family=family, user=None).token
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{reverse('parents:home', args=[token])}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.get_by_text("Amal")).to_be_visible()
    page.screenshot(path="/tmp/parents-ar.png", full_page=True)
    page.get_by_role("button", name="لن يأتي: مريض").click()
    expect(page.get_by_role("status")).to_contain_text("شكرًا")
    page.screenshot(path="/tmp/parents-ar-done.png", full_page=True)

    coordinator = UserFactory(role=Role.COORDINATOR, sites=[tomorrow_booking.group.site])
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", coordinator.username)
    page.fill("#id_password", "secret-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    dayplan = reverse("planning:dayplan_site", args=[tomorrow_booking.group.site_id])
    page.goto(f"{live_server.url}{dayplan}?dag={tomorrow_booking.date.isoformat()}")
    tomorrow_booking.refresh_from_db()
    assert (tomorrow_booking.outcome, tomorrow_booking.absence_code.code) == ("excused", "ziek")
    expect(page.locator(f"#booking-{tomorrow_booking.pk}")).to_contain_text("Ziek")


def test_the_reminder_mail_confirms_the_booking_in_one_tap(live_server, page, tomorrow_booking):
    services.reminders_send(day=tomorrow_booking.date, base_url=live_server.url)
    (message,) = mail.outbox
    url = next(word for word in message.body.split() if word.startswith(live_server.url))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    page.get_by_role("button", name="نعم، سنأتي").click()
    expect(page.get_by_role("status")).to_be_visible()
    assert tomorrow_booking.changes.filter(action="confirmed").exists()
