"""In a real browser: a coordinator records a family, its criteria and a changing care plan."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from elief.models import Role
from families.models import CarePlan, Family
from tests.factories import SiteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(live_server, page):
    site = SiteFactory(name="Elief")
    UserFactory(role=Role.COORDINATOR, sites=[site], username="sara", password="secret-pass-123")
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", "sara")
    page.fill("#id_password", "secret-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def _save(page) -> None:
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()


def test_a_family_with_two_children_criteria_and_a_care_plan_changed_twice(live_server, signed_in):
    page = signed_in
    page.get_by_role("link", name="Gezinnen").first.click()
    page.get_by_role("link", name="Nieuw gezin").click()
    page.fill("#id_reference", "G-2026-041")
    page.fill("#id_postcode", "2060")
    page.fill("#id_guardian-first_name", "Samira")
    page.fill("#id_guardian-last_name", "Benali")
    page.fill("#id_guardian-home_languages", "Arabisch; Nederlands")
    _save(page)
    assert page.locator("h1").inner_text() == "Gezin G-2026-041"

    for first_name, birth_date in (("Yasmine", "2025-02-11"), ("Adam", "2023-09-30")):
        page.get_by_role("link", name="Kind toevoegen").click()
        page.fill("#id_first_name", first_name)
        page.fill("#id_last_name", "Benali")
        page.fill("#id_birth_date", birth_date)
        _save(page)
    assert page.locator("article.child h3").count() == 2

    assert page.locator("#criteria .badge").first.inner_text() == "Niet kwetsbaar"
    page.get_by_role("link", name="Criteria invullen").click()
    page.check("#id_single_parent")
    page.check("#id_low_income")
    page.fill("#id_criteria_date", "2026-11-20")
    _save(page)
    assert page.locator("#criteria .badge").first.inner_text() == "Kwetsbaar gezin"

    yasmine = page.locator("article.child", has_text="Yasmine")
    yasmine.get_by_role("link", name="Nieuw opvangplan").click()
    page.check("#id_kind_0")  # occasional
    page.fill("#id_start", "2026-12-01")
    page.check("#id_day_1")
    page.fill("#id_from_1", "08:30")
    page.fill("#id_until_1", "12:00")
    _save(page)

    for asked_by, weekday, start, end in (
        ("mama", 3, "08:00", "16:30"),
        ("maatschappelijk werker OCMW", 5, "09:00", "12:00"),
    ):
        page.locator("article.child", has_text="Yasmine").get_by_role(
            "link", name="Wijzigingsaanvraag"
        ).click()
        page.fill("#id_requested_by", asked_by)
        page.check(f"#id_day_{weekday}")
        page.fill(f"#id_from_{weekday}", start)
        page.fill(f"#id_until_{weekday}", end)
        _save(page)
        # An occasional plan: the preview says its days are booked by hand; then apply.
        expect(page.locator("#booking-preview")).to_contain_text("met de hand")
        page.click("button[name=confirm]")
        page.wait_for_load_state()

    yasmine = page.locator("article.child", has_text="Yasmine")
    yasmine.locator("details.history summary").click()
    history = yasmine.locator("ol.changes").inner_text()
    assert "Woensdag toegevoegd (08:00–16:30)" in history
    assert "Vrijdag toegevoegd (09:00–12:00)" in history
    assert "gevraagd door mama" in history

    family = Family.objects.get(reference="G-2026-041")
    plan = CarePlan.objects.get(child__family=family)
    assert family.vulnerable and family.children.count() == 2
    assert sorted(plan.pattern) == [1, 3, 5] and plan.kind == "occasional"
    assert plan.changes.count() == 2
    page.screenshot(path="test-results/family-page.png", full_page=True)
