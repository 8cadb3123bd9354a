"""The board's table of absences in a real browser: it fits a tablet's screen (a wide
table scrolls inside its own box, never the whole page) and reads in Dutch."""

import datetime as dt
import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from elief.models import Role
from subsidies import services
from tests.factories import GroupFactory, SiteFactory, UserFactory
from tests.subsidies.absence_data import MARCH, march_absences

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set to a folder to keep the screenshots for a person to look at.
SHOTS = os.environ.get("ELIEF_SCREENSHOTS")


@pytest.mark.parametrize("width", [1366, 1024])
def test_the_absences_table_fits_the_screen(live_server, page, width):
    coordinator = UserFactory(role=Role.COORDINATOR)
    sites = []
    for name in ("Kinderdagverblijf Elief Antwerpen-Noord", "Kinderdagverblijf Elief Zuid"):
        site = SiteFactory(name=name)
        march_absences(site, GroupFactory(site=site, name="Vlinders"), coordinator)
        services.snapshots_store(site=site, start=MARCH, end=dt.date(2026, 3, 31))
        sites.append(site)
    UserFactory(role=Role.BOARD, username="board", password="secret-pass-123")
    page.set_viewport_size({"width": width, "height": 768})
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", "board")
    page.fill("#id_password", "secret-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{reverse('subsidies:report')}?maand=2026-03")
    table = page.locator("[data-absences]")
    expect(table).to_contain_text("Afwezigheden en de ouderlink")
    expect(
        table.locator(f"[data-absences-of='{sites[0].pk}'] [data-figure='in_time_pct']")
    ).to_have_text("50,0 %")
    if SHOTS:
        table.screenshot(path=os.path.join(SHOTS, f"board-absences-{width}.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, (width, overflow)
