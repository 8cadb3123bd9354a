"""In a real browser: the administrator makes a begeleider and closes a day."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from elief.models import ClosingDay, Organisation, Role, User
from planning.models import Booking
from tests.factories import ChildFactory, FamilyFactory, GroupFactory, SiteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_sites():
    # Open every day, so the test behaves the same whenever it runs.
    elief = SiteFactory(name="Elief", opening_weekdays="1234567")
    noord = SiteFactory(name="Noord", opening_weekdays="1234567")
    today = timezone.localdate()
    if not elief.is_open_on(today):
        pytest.skip(f"{today} is a Belgian public holiday: no site shows a list of children")
    for site, first_name in ((elief, "Adam"), (noord, "Zoë")):
        child = ChildFactory(family=FamilyFactory(site=site), first_name=first_name)
        Booking.objects.create(
            child=child,
            group=GroupFactory(site=site, name="Vlinders"),
            date=today,
            start=dt.time(8),
            end=dt.time(16),
            place_type="occasional",
        )
    UserFactory(role=Role.ADMIN, username="beheer", password="beheer-pass-123")
    UserFactory(role=Role.COORDINATOR, sites=[elief], username="sara", password="sara-pass-123")
    return elief, noord, today


def _sign_in(page, url: str, username: str, password: str) -> None:
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("[type=submit]")


def _next_open_day(site, after: dt.date) -> dt.date:
    day = after + dt.timedelta(days=1)
    while not site.is_open_on(day):
        day += dt.timedelta(days=1)
    return day


def test_the_administrator_makes_a_begeleider_who_sees_her_site_only(
    live_server, browser, two_sites
):
    elief, noord, today = two_sites
    admin_page = browser.new_page()
    _sign_in(admin_page, f"{live_server.url}{reverse('admin:login')}", "beheer", "beheer-pass-123")
    admin_page.goto(f"{live_server.url}{reverse('admin:elief_user_add')}")
    admin_page.fill("#id_username", "lotte")
    admin_page.fill("#id_password1", "tablet-pass-2026")
    admin_page.fill("#id_password2", "tablet-pass-2026")
    admin_page.fill("#id_first_name", "Lotte")
    admin_page.select_option("#id_role", Role.STAFF.value)
    admin_page.check(f"#id_sites input[value='{elief.pk}']")
    admin_page.click("input[name=_save]")
    expect(admin_page.locator(".messagelist")).to_contain_text("lotte")
    assert list(User.objects.get(username="lotte").sites.all()) == [elief]

    tablet = browser.new_page()
    _sign_in(tablet, f"{live_server.url}{reverse('login')}", "lotte", "tablet-pass-2026")
    tablet.wait_for_url(f"{live_server.url}/")
    tablet.goto(f"{live_server.url}{reverse('planning:today')}")
    expect(tablet.locator("body")).to_contain_text("Adam")
    expect(tablet.locator("body")).not_to_contain_text("Zoë")
    other = tablet.goto(f"{live_server.url}{reverse('planning:today_site', args=[noord.pk])}")
    assert other.status == 404

    # The administrator adds a partner organisation and closes a day of the site.
    admin_page.goto(f"{live_server.url}{reverse('admin:elief_organisation_add')}")
    admin_page.fill("#id_name", "Kind en Gezin")
    admin_page.fill("#id_contact_persons-0-name", "An Janssens")
    admin_page.click("input[name=_save]")
    expect(admin_page.locator(".messagelist")).to_contain_text("Kind en Gezin")
    assert Organisation.objects.get(name="Kind en Gezin").contact_persons.count() == 1

    day = _next_open_day(elief, today)
    admin_page.goto(f"{live_server.url}{reverse('admin:elief_closingday_add')}")
    admin_page.select_option("#id_site", label="Elief")
    admin_page.fill("#id_date", day.isoformat())
    admin_page.fill("#id_reason", "Teamdag")
    admin_page.click("input[name=_save]")
    expect(admin_page.locator(".messagelist")).to_contain_text("Elief")
    assert ClosingDay.objects.get(site=elief).date == day

    planner = browser.new_page()
    _sign_in(planner, f"{live_server.url}{reverse('login')}", "sara", "sara-pass-123")
    planner.wait_for_url(f"{live_server.url}/")
    planner.goto(f"{live_server.url}{reverse('planning:dayplan_site', args=[elief.pk])}?dag={day}")
    expect(planner.locator("body")).to_contain_text(
        "De vestiging is gesloten op deze dag: Teamdag."
    )
