"""In a real browser at a laptop's 1366 and a tablet's 1024 pixels: the ledger and today's
list fit the screen; a wide table scrolls inside its own box, never the whole page."""

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from elief.models import Role
from planning.models import Booking
from subsidies.models import SchemeKind
from tests.factories import (
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    SchemeFactory,
    SchemeRateFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set to a folder to keep the screenshots for a person to look at.
SHOTS = os.environ.get("ELIEF_SCREENSHOTS")


@pytest.fixture
def site():
    site = SiteFactory(name="Kinderdagverblijf Elief Antwerpen-Noord", opening_weekdays="1234567")
    for index, name in enumerate(("Vlinders", "Rupsen", "Bijen", "Lieveheersbeestjes")):
        group = GroupFactory(site=site, name=name, capacity=14)
        for number in range(6):
            child = ChildFactory(
                family=FamilyFactory(site=site),
                first_name=f"Kind{index}{number}",
                last_name="Vanderwaal-Oosterlinck",
                allergies="noten, lactose",
            )
            Booking.objects.create(
                child=child,
                group=group,
                date=timezone.localdate(),
                start=dt.time(7, 30),
                end=dt.time(17, 30),
                place_type="occasional",
            )
    for name in ("Trap 3 occasionele opvang", "Voorfinanciering stad Antwerpen", "Stadsfonds"):
        scheme = SchemeFactory(site=site, name=name, kind=SchemeKind.PER_PLACE_DAY)
        SchemeRateFactory(scheme=scheme, valid_from=dt.date(2020, 1, 1), rate_eur=Decimal("30.5"))
    UserFactory(role=Role.COORDINATOR, username="coord", password="secret-pass-123", sites=[site])
    return site


@pytest.mark.parametrize("width", [1366, 1024])
def test_the_ledger_and_todays_list_fit_the_screen(live_server, page, site, width):
    page.set_viewport_size({"width": width, "height": 768})
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", "coord")
    page.fill("#id_password", "secret-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    for name, url in (
        ("ledger", reverse("subsidies:ledger", args=[site.pk])),
        ("today", reverse("planning:today_site", args=[site.pk])),
    ):
        page.goto(f"{live_server.url}{url}")
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"{name}-{width}.png"), full_page=False)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (name, width, overflow)
