"""In a real browser: htmx works under the Content-Security-Policy, and nothing is blocked."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from elief.models import Role
from planning.models import Booking
from tests.factories import ChildFactory, FamilyFactory, GroupFactory, SiteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects what the browser refuses; an init script is not itself subject to the page's CSP.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = event.target.outerHTML ? event.target.outerHTML.slice(0, 120) : "";
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""


@pytest.fixture
def open_site():
    site = SiteFactory(
        name="Elief", opening_weekdays="1234567", opens=dt.time(6), closes=dt.time(20)
    )
    today = timezone.localdate()
    if not site.is_open_on(today):
        pytest.skip(f"{today} is a Belgian public holiday: the day plan shows no groups today")
    group = GroupFactory(
        site=site, name="Vlinders", capacity=6, regular_places=0, occasional_places=6
    )
    child = ChildFactory(family=FamilyFactory(site=site), first_name="Adam", last_name="Peeters")
    ChildFactory(
        family=FamilyFactory(site=site, reference="G-077"), first_name="Yasmine", last_name="Benali"
    )
    Booking.objects.create(
        child=child,
        group=group,
        date=today,
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
    )
    UserFactory(role=Role.COORDINATOR, sites=[site], username="sara", password="secret-pass-123")
    return site, today


def test_the_day_plan_works_under_the_policy(live_server, page, open_site):
    site, today = open_site
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.add_init_script(LISTEN)

    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", "sara")
    page.fill("#id_password", "secret-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{reverse('planning:dayplan')}")
    group = page.locator("section.group:has(h2:text-is('Vlinders'))")
    group.locator("details.add-booking > summary").click()
    # The picker searches as the coordinator types.
    group.locator("input[type=search]").press_sequentially("yas")
    group.locator("[data-child] input[type=radio]").check()
    group.locator("input[name$=-start]").fill("08:30")
    # An arrow key typed in a field stays in the field.
    group.locator("input[name$=-end]").press("ArrowLeft")
    group.locator("input[name$=-end]").fill("15:30")
    group.locator(".add-form button.book").click()
    expect(
        page.locator("section.group:has(h2:text-is('Vlinders'))").locator(
            "tr", has_text="Yasmine Benali"
        )
    ).to_be_visible()
    assert Booking.objects.filter(child__first_name="Yasmine", date=today).exists()
    # The move form of a row comes when the row's "Move" is opened.
    row = page.locator("section.group:has(h2:text-is('Vlinders'))").locator(
        "tr", has_text="Yasmine Benali"
    )
    row.locator("details.move > summary").click()
    expect(row.locator(".move-form select[name=group]")).to_be_visible()
    yesterday = today - dt.timedelta(days=1)
    assert f"dag={yesterday:%Y-%m-%d}" not in page.url

    # The arrow keys page through the days, through htmx.
    page.locator("h1").click()
    page.keyboard.press("ArrowRight")
    tomorrow = today + dt.timedelta(days=1)
    page.wait_for_url(f"**?dag={tomorrow:%Y-%m-%d}")
    # Tomorrow nobody is booked yet; today two children were.
    expect(page.locator("#plan [data-figure=free]")).to_have_text("6")
    violations = page.evaluate("window.__violations")

    # Picking a date shows that day.
    later = today + dt.timedelta(days=3)
    page.fill("#dag", f"{later:%Y-%m-%d}")
    page.wait_for_url(f"**?dag={later:%Y-%m-%d}")
    violations += page.evaluate("window.__violations")

    page.goto(f"{live_server.url}{reverse('families:family_list')}")
    page.fill("input[type=search]", "Benali")
    expect(page.locator("#results")).to_contain_text("G-077")
    expect(page.locator("#results")).not_to_contain_text("Adam")

    violations += page.evaluate("window.__violations")
    assert violations == [], violations
    assert not [line for line in console if "Content Security Policy" in line], console
    assert not [line for line in console if line.startswith("error")], console
