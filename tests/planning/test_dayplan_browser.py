"""In a real browser: a full day, a refusal, a booking anyway, a move, a check-in."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from elief.models import Role
from planning.models import Booking, WaitingListEntry
from tests.factories import ChildFactory, FamilyFactory, GroupFactory, SiteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def full_day():
    # Open every day from early to late, so the test behaves the same whenever it runs.
    site = SiteFactory(
        name="Elief", opening_weekdays="1234567", opens=dt.time(6), closes=dt.time(20)
    )
    today = timezone.localdate()
    if not site.is_open_on(today):
        pytest.skip(
            f"{today} is a Belgian public holiday: nobody can be booked or checked in today"
        )
    vlinders = GroupFactory(
        site=site,
        name="Vlinders",
        capacity=2,
        regular_places=0,
        occasional_places=2,
        urgent_reserve=0,
    )
    GroupFactory(
        site=site,
        name="Egeltjes",
        capacity=10,
        regular_places=6,
        occasional_places=4,
        urgent_reserve=1,
    )
    for name in ("Adam", "Noor"):
        child = ChildFactory(family=FamilyFactory(site=site), first_name=name, last_name="Peeters")
        Booking.objects.create(
            child=child,
            group=vlinders,
            date=today,
            start=dt.time(8),
            end=dt.time(16),
            place_type="occasional",
        )
    ChildFactory(
        family=FamilyFactory(site=site, reference="G-077"), first_name="Yasmine", last_name="Benali"
    )
    UserFactory(role=Role.COORDINATOR, sites=[site], username="sara", password="secret-pass-123")
    return site, today


def test_book_on_a_full_day_anyway_move_it_and_check_in(live_server, page, full_day):
    site, today = full_day
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", "sara")
    page.fill("#id_password", "secret-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    # The home page looks ahead: Vlinders is full today, with too few staff.
    lookahead = page.locator(f"#lookahead-{site.pk}")
    expect(lookahead.locator("[data-flag=short-staff]").first).to_be_visible()
    page.screenshot(path="var/screenshots/home.png", full_page=True)
    page.locator(f"nav a[href='{reverse('planning:dayplan')}']").click()

    vlinders = page.locator("section.group:has(h2:text-is('Vlinders'))")
    vlinders.locator("details.add-booking > summary").click()
    # The picker lists nobody until a few letters are typed, then the matches.
    expect(vlinders.locator("[data-child]")).to_have_count(0)
    vlinders.locator("input[type=search]").press_sequentially("yas")
    expect(vlinders.locator("[data-child]")).to_have_count(1)
    expect(vlinders.locator("[data-child]")).to_contain_text("G-077")
    page.screenshot(path="var/screenshots/picker.png", full_page=True)
    vlinders.locator("[data-child] input[type=radio]").check()
    vlinders.locator("input[name$=-start]").fill("08:30")
    vlinders.locator("input[name$=-end]").fill("15:30")
    vlinders.locator(".add-form button.book").click()
    # Two children with p = 0.9 already fill both places: P(X > 2) = 0.9³ = 72.9 %.
    refusal = page.locator("section.group:has(h2:text-is('Vlinders'))").locator(".refusal")
    expect(refusal).to_contain_text("72,9 %")
    expect(refusal).to_contain_text("Met deze boeking zou het overboekingsrisico 72,9 % zijn")
    expect(refusal).not_to_contain_text("overflow risk")
    assert not Booking.objects.filter(child__first_name="Yasmine").exists()

    vlinders = page.locator("section.group:has(h2:text-is('Vlinders'))")
    vlinders.locator("textarea[name$=override_reason]").fill(
        "Moeder start maandag een opleiding bij VDAB"
    )
    vlinders.locator(".add-form button.book").click()
    row = page.locator("section.group:has(h2:text-is('Vlinders'))").locator(
        "tr", has_text="Yasmine Benali"
    )
    expect(row).to_be_visible()
    expect(
        page.locator("section.group:has(h2:text-is('Vlinders'))").locator("[data-figure=free]")
    ).to_have_text("-1")
    booking = Booking.objects.get(child__first_name="Yasmine")
    assert booking.override_reason == "Moeder start maandag een opleiding bij VDAB"

    row.locator("details.move > summary").click()
    row.locator("select[name=group]").select_option(label="Egeltjes")
    row.locator(".move-form button[type=submit]").click()
    expect(
        page.locator("section.group:has(h2:text-is('Egeltjes'))").locator(
            "tr", has_text="Yasmine Benali"
        )
    ).to_be_visible()
    booking.refresh_from_db()
    assert booking.group.name == "Egeltjes"

    page.goto(f"{live_server.url}{reverse('planning:today_site', args=[site.pk])}")
    child_row = page.locator(f"#booking-{booking.pk}")
    child_row.locator("[data-action=check-in]").click()
    expect(page.locator(f"#booking-{booking.pk}")).to_have_attribute("data-status", "present")
    booking.refresh_from_db()
    assert booking.outcome == "present" and booking.arrived is not None
    page.screenshot(path="test-results/today-after-check-in.png", full_page=True)


def test_a_freed_place_is_offered_and_booked_in_one_tap(live_server, page, full_day):
    site, today = full_day
    cancelled = Booking.objects.get(child__first_name="Noor", date=today)
    cancelled.outcome = "cancelled"
    cancelled.save()
    yasmine = ChildFactory._meta.model.objects.get(first_name="Yasmine")
    WaitingListEntry.objects.create(
        site=site,
        child=yasmine,
        wished_weekdays="",
        wished_start=today,
        start=dt.time(9),
        end=dt.time(15),
    )
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", "sara")
    page.fill("#id_password", "secret-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{reverse('planning:dayplan_site', args=[site.pk])}?dag={today}")

    vlinders = page.locator("section.group:has(h2:text-is('Vlinders'))")
    freed = vlinders.locator(".freed")
    expect(freed).to_contain_text("Vrijgekomen plaats")
    expect(freed.locator(f"[data-candidate='{yasmine.pk}']")).to_contain_text("Yasmine Benali")
    page.screenshot(path="var/screenshots/freed-place.png", full_page=True)
    freed.locator("button[type=submit]").click()

    vlinders = page.locator("section.group:has(h2:text-is('Vlinders'))")
    expect(vlinders.locator("tr", has_text="Yasmine Benali")).to_be_visible()
    expect(vlinders.locator(".freed")).to_have_count(0)  # the place is taken
    page.screenshot(path="var/screenshots/freed-place-booked.png", full_page=True)
    booking = Booking.objects.get(child=yasmine, date=today)
    assert (booking.origin, booking.start) == ("waiting_list", dt.time(9))
