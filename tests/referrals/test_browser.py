"""In a real browser: a referrer sends a family, the coordinator starts it, the referrer
sees "started" and nothing else; other organisations and sites see nothing of it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from elief.models import Role
from families.models import CarePlan, Child, Family
from planning.models import Booking
from referrals.models import Referral
from tests.factories import (
    ContactPersonFactory,
    GroupFactory,
    OrganisationFactory,
    ReferralFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"


def _sign_in(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def world():
    site = SiteFactory(name="Elief")
    group = GroupFactory(site=site, name="Vlinders")
    vdab = OrganisationFactory(name="VDAB")
    ContactPersonFactory(organisation=vdab, name="Nadia Vermeulen")
    UserFactory(role=Role.REFERRER, organisation=vdab, username="nadia", password=PASSWORD)
    UserFactory(role=Role.COORDINATOR, sites=[site], username="sara", password=PASSWORD)
    UserFactory(
        role=Role.REFERRER,
        organisation=OrganisationFactory(name="CAW Antwerpen"),
        username="caw",
        password=PASSWORD,
    )
    UserFactory(
        role=Role.COORDINATOR,
        sites=[SiteFactory(name="Elief Noord")],
        username="noord",
        password=PASSWORD,
    )
    # An older referral waits on the list already.
    ReferralFactory(site=site, received_date=timezone.localdate() - dt.timedelta(days=5))
    return {"site": site, "group": group}


def test_a_referral_from_the_portal_to_the_first_care_day(live_server, page, world):
    site = world["site"]
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 - today.weekday())

    # The referrer sends a family.
    _sign_in(page, live_server, "nadia")
    page.goto(f"{live_server.url}{reverse('referrals:portal')}")
    page.click("#portal-create")
    page.select_option("#id_site", str(site.pk))
    page.select_option("#id_reason", "job_start")
    page.check("#id_urgent")
    page.fill("#id_consent_date", today.isoformat())
    page.fill("#id_consent_scope", "intake en opvolging van de opvang")
    page.fill("#id_wished_start", monday.isoformat())
    page.check("#id_weekdays_0")  # Monday
    page.check("#id_weekdays_2")  # Wednesday
    page.fill("#id_wished_from", "08:30")
    page.fill("#id_wished_until", "16:00")
    page.fill("#id_parent_first_name", "Samira")
    page.fill("#id_parent_last_name", "Benali")
    page.fill("#id_parent_phone", "0470 12 34 56")
    page.fill("#id_postcode", "2060")
    page.fill("#id_child_first_name", "Yasmine")
    page.fill("#id_child_last_name", "Benali")
    page.fill("#id_child_birth_date", "2025-06-01")
    page.click("#referral-form button[type=submit]")
    page.wait_for_selector('#referral-status [data-status="received"]')
    # The newest: the world's referral has a random first name, which may be Yasmine too.
    referral = Referral.objects.latest("pk")
    assert referral.child_first_name == "Yasmine"
    assert referral.urgent and referral.organisation.name == "VDAB"

    # The coordinator finds it on top of her list, plans the intake and starts the family.
    _sign_in(page, live_server, "sara")
    page.goto(f"{live_server.url}{reverse('referrals:referral_list')}")
    first_row = page.locator("#referral-table tbody tr").first
    assert first_row.get_attribute("data-referral") == str(referral.pk)
    first_row.locator("a").first.click()
    page.fill("#id_intake_planned-intake_date", (today + dt.timedelta(days=1)).isoformat())
    page.click("#step-intake_planned button[type=submit]")
    page.wait_for_selector('#referral-status [data-status="intake_planned"]')
    page.click("#start-link")
    # Everything comes pre-filled from the referral: saving once is enough.
    assert page.input_value("#id_family-child_first_name") == "Yasmine"
    assert page.is_checked("#id_plan-day_1") and page.is_checked("#id_plan-day_3")
    assert page.input_value("#id_booking-day") == monday.isoformat()
    page.click("#start-submit")
    page.wait_for_selector('#referral-status [data-status="started"]')
    page.screenshot(path="test-results/referral-started.png", full_page=True)

    family = Family.objects.get(referrer__name="VDAB")
    child = Child.objects.get(family=family)
    assert CarePlan.objects.get(child=child).kind == "occasional"
    booking = Booking.objects.get(child=child, date=monday)
    assert (booking.group, booking.place_type) == (world["group"], "urgent")
    # Every Monday and Wednesday of the pattern is booked, four weeks on (public holidays
    # are listed as not booked); the later days as occasional places.
    four_weeks = (monday + dt.timedelta(days=n) for n in range(29))
    pattern_days = [day for day in four_weeks if day.isoweekday() in (1, 3)]
    booked = child.bookings.order_by("date")
    assert list(booked.values_list("date", flat=True)) == [
        day for day in pattern_days if site.is_open_on(day)
    ]
    assert set(booked.exclude(pk=booking.pk).values_list("place_type", "origin")) == {
        ("occasional", "referral_start")
    }
    booked_days = f"{booked.count()} dagen van het patroon zijn geboekt"
    assert booked_days in page.locator("ul.messages").inner_text()
    referral.refresh_from_db()
    assert (referral.status, referral.first_care_day) == ("started", monday)

    # The referrer sees "started", and nothing of the family or the day plan.
    _sign_in(page, live_server, "nadia")
    page.goto(f"{live_server.url}{reverse('referrals:portal')}")
    row = page.locator(f"#referral-{referral.pk}")
    assert row.locator("[data-status]").get_attribute("data-status") == "started"
    row.locator("a").first.click()
    assert page.get_attribute("#referral-status [data-status]", "data-status") == "started"
    assert page.locator("a[href^='/planning/'], a[href^='/gezinnen/']").count() == 0
    response = page.goto(f"{live_server.url}{family.get_absolute_url()}")
    assert response.status == 403
    response = page.goto(f"{live_server.url}{reverse('planning:dayplan')}")
    assert response.status == 403

    # Another organisation's referrer and another site's coordinator get 404.
    _sign_in(page, live_server, "caw")
    response = page.goto(
        f"{live_server.url}{reverse('referrals:portal_detail', args=[referral.pk])}"
    )
    assert response.status == 404
    _sign_in(page, live_server, "noord")
    response = page.goto(
        f"{live_server.url}{reverse('referrals:referral_detail', args=[referral.pk])}"
    )
    assert response.status == 404


def test_bad_input_in_the_portal_is_shown_on_the_field(live_server, page, world):
    # Counted, not looked up by name: the world's referral has a random first name, which
    # may be Yasmine too.
    referrals = Referral.objects.count()
    _sign_in(page, live_server, "nadia")
    page.goto(f"{live_server.url}{reverse('referrals:portal_create')}")
    page.select_option("#id_site", str(world["site"].pk))
    page.select_option("#id_reason", "training")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    page.fill("#id_wished_start", yesterday.isoformat())
    page.check("#id_weekdays_0")
    page.fill("#id_parent_first_name", "Samira")
    page.fill("#id_parent_last_name", "Benali")
    page.fill("#id_child_first_name", "Yasmine")
    page.fill("#id_child_last_name", "Benali")
    page.fill("#id_child_birth_date", "2025-06-01")
    page.click("#referral-form button[type=submit]")
    page.wait_for_selector("#id_consent_date_error")
    assert page.locator("#id_consent_scope_error").count() == 1
    assert Referral.objects.count() == referrals
    # The consent given, the start date in the past is still refused.
    page.fill("#id_consent_date", timezone.localdate().isoformat())
    page.fill("#id_consent_scope", "intake")
    page.click("#referral-form button[type=submit]")
    page.wait_for_selector("#id_wished_start_error")
    assert Referral.objects.count() == referrals
