"""In a real browser on a tablet: a childcare worker checks a child in and out in one tap each."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from elief.models import Role
from planning import services
from planning.models import Booking, Shift, StaffMember
from tests.factories import ChildFactory, FamilyFactory, GroupFactory, SiteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _book(group, first_name, last_name, day, *, start, end, **fields):
    child_fields = {
        key: fields.pop(key)
        for key in ("allergies", "pickup_persons", "staff_notes")
        if key in fields
    }
    child = ChildFactory(
        family=FamilyFactory(site=group.site),
        first_name=first_name,
        last_name=last_name,
        **child_fields,
    )
    return Booking.objects.create(
        child=child,
        group=group,
        date=day,
        start=start,
        end=end,
        place_type=fields.pop("place_type", "regular"),
        **fields,
    )


@pytest.fixture
def day_with_children():
    # Open every day of the week, so the list is the same whatever day the test runs.
    site = SiteFactory(name="Elief", opening_weekdays="1234567")
    today = timezone.localdate()
    vlinders = GroupFactory(
        site=site, name="Vlinders", capacity=6, regular_places=4, occasional_places=2
    )
    rupsjes = GroupFactory(
        site=site, name="Rupsjes", capacity=4, regular_places=2, occasional_places=2
    )
    sick = next(c for c in services.absence_codes_ensure(site=site) if c.code == "ziek")
    yasmine = _book(
        vlinders,
        "Yasmine",
        "Benali",
        today,
        start=dt.time(8, 30),
        end=dt.time(16),
        allergies="Pinda's en noten",
        pickup_persons="Samira Benali (mama)\nOma Fatiha",
        staff_notes="Slaapt met haar knuffelkonijn.",
    )
    _book(
        vlinders,
        "Adam",
        "Claes",
        today,
        start=dt.time(7, 45),
        end=dt.time(12, 30),
        outcome="present",
        arrived=dt.time(7, 50),
    )
    _book(
        vlinders,
        "Noor",
        "Aerts",
        today,
        start=dt.time(9),
        end=dt.time(15),
        place_type="urgent",
        settling_in=False,
    )
    _book(
        vlinders,
        "Lucas",
        "Janssens",
        today,
        start=dt.time(9, 30),
        end=dt.time(11),
        place_type="occasional",
        settling_in=True,
    )
    _book(
        vlinders,
        "Sami",
        "El Idrissi",
        today,
        start=dt.time(8),
        end=dt.time(17),
        outcome="excused",
        absence_code=sick,
    )
    _book(
        rupsjes,
        "Elise",
        "Wouters",
        today,
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
    )
    member = StaffMember.objects.create(site=site, name="Sofie")
    Shift.objects.create(
        staff_member=member, group=vlinders, date=today, start=dt.time(0), end=dt.time(23, 59, 59)
    )
    UserFactory(role=Role.STAFF, sites=[site], username="fatima", password="secret-pass-123")
    return yasmine


def test_a_childcare_worker_checks_a_child_in_and_out(live_server, page, day_with_children):
    yasmine = day_with_children
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", "fatima")
    page.fill("#id_password", "secret-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{reverse('planning:today')}")
    row = page.locator(f"#booking-{yasmine.pk}")
    counts = page.locator(f"#counts-{yasmine.group_id} [data-count=present]")
    expect(row).to_have_attribute("data-status", "planned")
    expect(counts).to_have_text("1 / 6")
    # Gone after a full page load: its survival proves the tap swapped the row in place.
    page.evaluate("window.todayMarker = 'still here'")

    button = row.get_by_role("button").and_(row.locator("[data-action=check-in]"))
    box = button.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 48  # a comfortable touch target
    button.click()
    expect(row).to_have_attribute("data-status", "present")
    expect(counts).to_have_text("2 / 6")  # the group's counts follow, out of band
    assert page.evaluate("window.todayMarker") == "still here"
    booking = Booking.objects.get(pk=yasmine.pk)
    assert booking.outcome == "present" and booking.arrived is not None
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path="test-results/today.png")  # what the tablet shows: 1024×768

    # The departure is recorded to the second: a tap in the same second would come
    # before the arrival it follows.
    page.wait_for_timeout(1100)
    row.locator("[data-action=check-out]").click()
    expect(row).to_have_attribute("data-status", "left")
    expect(counts).to_have_text("1 / 6")
    assert page.evaluate("window.todayMarker") == "still here"
    booking.refresh_from_db()
    assert booking.left is not None and booking.left > booking.arrived


def test_the_reasons_of_absence_and_the_urgent_form_come_when_opened(
    live_server, page, day_with_children
):
    site = day_with_children.group.site
    lucas = Booking.objects.get(child__first_name="Lucas")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", "fatima")
    page.fill("#id_password", "secret-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{reverse('planning:today_site', args=[site.pk])}")
    page.evaluate("window.todayMarker = 'still here'")
    row = page.locator(f"#booking-{lucas.pk}")
    expect(row.locator("select")).to_have_count(0)  # not drawn before it is opened
    row.locator("details.absence > summary").click()
    reason = row.locator("select[name=code]")
    expect(reason).to_be_visible()
    page.screenshot(path="test-results/today-absence.png")
    reason.select_option(label="Ziek")
    row.locator("[data-action=absence]").click()
    expect(row).to_have_attribute("data-status", "excused")
    assert page.evaluate("window.todayMarker") == "still here"
    assert Booking.objects.get(pk=lucas.pk).absence_code.code == "ziek"

    group = page.locator(f"#group-{lucas.group_id}")
    group.locator("details.urgent-add > summary").click()
    picker = group.locator("[data-urgent-form] select")
    expect(picker).to_be_visible()
    # The site's children not booked today: none here, so only the prompt.
    expect(picker.locator("option")).to_have_count(1)
    assert page.evaluate("window.todayMarker") == "still here"


def test_the_correction_of_a_childs_times_comes_when_opened(live_server, page, day_with_children):
    site = day_with_children.group.site
    adam = Booking.objects.get(child__first_name="Adam")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", "fatima")
    page.fill("#id_password", "secret-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{reverse('planning:today_site', args=[site.pk])}")
    page.screenshot(path="test-results/today-list.png", full_page=True)
    row = page.locator(f"#booking-{adam.pk}")
    expect(row.locator("input[name=reason]")).to_have_count(0)  # not drawn before it is opened
    row.locator("[data-attendance-correct] > summary").click()
    arrived = row.locator(f"#arrived-{adam.pk}")
    expect(arrived).to_have_value("07:50")
    arrived.fill("07:40")
    row.locator(f"#reason-{adam.pk}").fill("Te laat getikt")
    page.screenshot(path="test-results/today-correct.png")
    row.locator("[data-action=correct]").click()
    # Back on the list, the row with its corrected time.
    expect(page.locator(f"#booking-{adam.pk} .state")).to_contain_text("Hier sinds 07:40")
    assert Booking.objects.get(pk=adam.pk).arrived == dt.time(7, 40)
