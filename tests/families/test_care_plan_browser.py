"""In a real browser: a care-plan change shows its bookings first, then moves them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from elief.models import Role
from families import services as family_services
from planning.models import BookingChange
from planning.regular import REGULAR_HORIZON, regular_bookings_sync
from tests.factories import ChildFactory, FamilyFactory, GroupFactory, SiteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"
FULL_DAY = (dt.time(8, 30), dt.time(16))


@pytest.fixture
def plan():
    site = SiteFactory(name="Elief")
    GroupFactory(site=site, name="Vlinders")
    child = ChildFactory(
        family=FamilyFactory(site=site, reference="G-012"), first_name="Nour", last_name="Aerts"
    )
    today = timezone.localdate()
    plan = family_services.care_plan_create(
        child=child, kind="regular", start=today, end=None, pattern={1: FULL_DAY, 5: FULL_DAY}
    )
    regular_bookings_sync(plan=plan, until=today + REGULAR_HORIZON, today=today)
    UserFactory(role=Role.COORDINATOR, sites=[site], username="sara", password=PASSWORD)
    return plan


def test_friday_removed_is_previewed_then_leaves_the_plan(live_server, page, plan):
    child = plan.child
    fridays = list(
        child.bookings.filter(date__week_day=6, outcome="planned").values_list("date", flat=True)
    )
    assert len(fridays) >= 3  # four weeks ahead, less a public holiday on a Friday
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", "sara")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{reverse('families:care_plan_change', args=[plan.pk])}")
    page.uncheck("#id_day_5")
    page.fill("#id_requested_by", "mama")
    page.click("#care-plan-form .actions button[type=submit]")

    preview = page.locator("#booking-preview")
    expect(preview).to_be_visible()
    removed = preview.locator("ul.preview-remove li")
    expect(removed).to_have_count(len(fridays))
    expect(removed.first).to_contain_text(f"{fridays[0]:%d-%m-%Y}")
    # Nothing happened before the coordinator applies it.
    assert child.bookings.filter(date__in=fridays, outcome="planned").count() == len(fridays)

    page.click("button[name=confirm]")
    page.wait_for_url(f"{live_server.url}{child.family.get_absolute_url()}")
    expect(page.locator("ul.messages")).to_contain_text("Vrijdag verwijderd")
    assert not child.bookings.filter(date__week_day=6, outcome="planned").exists()
    assert BookingChange.objects.filter(action="plan_removed").count() == len(fridays)
    # The Mondays stay.
    assert child.bookings.filter(date__week_day=2, outcome="planned").exists()
