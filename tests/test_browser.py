"""In a real browser: the demo coordinator signs in and sees the home page in Dutch."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    call_command("seed_demo", "--force", stdout=StringIO())


def test_the_demo_coordinator_signs_in_and_sees_dutch(live_server, page, demo):
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Aanmelden"
    page.get_by_label("Gebruikersnaam").fill("coordinator")
    page.get_by_label("Wachtwoord").fill("elief-demo")
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Goedendag, Sara"
    assert page.locator("html").get_attribute("lang") == "nl-be"
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    assert nav.get_by_role("link", name="Vestigingen").is_visible()
    assert not nav.get_by_role("link", name="Beheer").count()
    page.get_by_role("link", name="Elief", exact=True).last.click()
    assert page.get_by_role("heading", name="Leefgroepen").is_visible()
    assert page.get_by_role("cell", name="Vlinders").is_visible()
