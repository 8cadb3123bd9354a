"""The coordinator's family pages: scoping, forms, care plans, privacy, query counts."""

import datetime as dt
import json
from http import HTTPStatus

import pytest
from django.urls import reverse

from elief.models import Role
from families.models import CarePlan, CarePlanChange, Family, FamilyAccess
from tests.factories import (
    CarePlanFactory,
    ChildFactory,
    FamilyFactory,
    GuardianFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(site):
    return UserFactory(role=Role.COORDINATOR, sites=[site], first_name="Sara")


@pytest.fixture
def family(site):
    family = FamilyFactory(site=site, reference="G-001")
    GuardianFactory(family=family, first_name="Samira", last_name="Benali")
    child = ChildFactory(
        family=family, first_name="Yasmine", last_name="Benali", allergies="pinda's"
    )
    CarePlanFactory(child=child)
    return family


def _family_urls(family) -> list[str]:
    child = family.children.get()
    plan = child.care_plans.get()
    guardian = family.guardians.get()
    return [
        reverse("families:family_detail", args=[family.pk]),
        reverse("families:family_edit", args=[family.pk]),
        reverse("families:criteria_edit", args=[family.pk]),
        reverse("families:guardian_create", args=[family.pk]),
        reverse("families:guardian_edit", args=[family.pk, guardian.pk]),
        reverse("families:child_create", args=[family.pk]),
        reverse("families:family_export", args=[family.pk]),
        reverse("families:family_erase", args=[family.pk]),
        reverse("families:child_edit", args=[child.pk]),
        reverse("families:care_plan_create", args=[child.pk]),
        reverse("families:settling_in", args=[child.pk]),
        reverse("families:care_plan_change", args=[plan.pk]),
    ]


def test_it_rejects_other_sites_coordinators_on_every_family_url(client, family):
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[SiteFactory(name="Elief Noord")]))
    for url in _family_urls(family):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url
    assert (
        client.post(reverse("families:family_erase", args=[family.pk])).status_code
        == HTTPStatus.NOT_FOUND
    )
    assert Family.objects.get(pk=family.pk).erased_at is None


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD, Role.REFERRER, Role.ADMIN])
def test_other_roles_get_no_family_record(client, family, site, role):
    client.force_login(UserFactory(role=role, sites=[site] if role == Role.STAFF else []))
    for url in [
        reverse("families:family_list"),
        reverse("families:social_mix"),
        *_family_urls(family),
    ]:
        assert client.get(url).status_code == HTTPStatus.FORBIDDEN, url


def test_the_list_filters_and_searches(client, coordinator, family, site):
    other = FamilyFactory(site=site, reference="G-002", low_income=True, single_parent=True)
    ChildFactory(family=other, first_name="Noah")
    client.force_login(coordinator)
    url = reverse("families:family_list")
    assert "G-002" in client.get(url, {"vulnerable": "yes"}).content.decode()
    assert "G-001" not in client.get(url, {"vulnerable": "yes"}).content.decode()
    assert "G-001" in client.get(url, {"q": "benali"}).content.decode()
    assert "G-002" not in client.get(url, {"q": "benali"}).content.decode()
    assert "G-001" in client.get(url, {"kind": "occasional"}).content.decode()
    assert "G-002" not in client.get(url, {"active": "yes"}).content.decode()


def test_the_list_answers_htmx_with_the_results_only(client, coordinator, family):
    client.force_login(coordinator)
    full = client.get(reverse("families:family_list")).content.decode()
    partial = client.get(
        reverse("families:family_list"), {"q": "G-001"}, headers={"hx-request": "true"}
    ).content.decode()
    assert "<html" in full and 'id="results"' in full
    assert "<html" not in partial and partial.strip().startswith('<div id="results">')
    assert "G-001" in partial


def test_a_coordinator_creates_a_family_with_its_first_guardian(client, coordinator, site):
    client.force_login(coordinator)
    response = client.post(
        reverse("families:family_create"),
        {
            "site": site.pk,
            "reference": "G-100",
            "postcode": "2140",
            "guardian-first_name": "Amina",
            "guardian-last_name": "Diallo",
            "guardian-home_languages": "Frans; Fula",
        },
    )
    family = Family.objects.get(reference="G-100")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("families:family_detail", args=[family.pk])
    assert family.guardians.get().languages == ["Frans", "Fula"]


def test_bad_input_keeps_what_was_typed_and_explains_in_dutch(client, coordinator, site):
    client.force_login(coordinator)
    response = client.post(
        reverse("families:family_create"),
        {
            "site": site.pk,
            "reference": "G-101",
            "postcode": "206",
            "guardian-first_name": "Amina",
        },
    )
    body = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Een Belgische postcode heeft vier cijfers." in body
    assert 'value="G-101"' in body and 'value="Amina"' in body
    assert not Family.objects.filter(reference="G-101").exists()


def test_criteria_make_the_family_vulnerable_and_are_kept_in_history(client, coordinator, family):
    client.force_login(coordinator)
    url = reverse("families:criteria_edit", args=[family.pk])
    response = client.post(
        url, {"single_parent": "on", "low_income": "on", "criteria_date": "2026-11-20"}, follow=True
    )
    family.refresh_from_db()
    assert family.vulnerable
    assert (
        "de familie is kwetsbaar" in response.content.decode().lower()
        or "kwetsbaar" in response.content.decode()
    )
    client.post(
        url, {"single_parent": "on", "work_or_training": "on", "criteria_date": "2026-11-25"}
    )
    family.refresh_from_db()
    assert not family.vulnerable  # single parent and work: none of the three disadvantages
    assert [r.vulnerable for r in family.criteria_records.all()] == [False, True]


def test_criteria_need_an_evidence_date(client, coordinator, family):
    client.force_login(coordinator)
    response = client.post(
        reverse("families:criteria_edit", args=[family.pk]), {"low_income": "on"}
    )
    assert "Geef de datum van het bewijs" in response.content.decode()
    family.refresh_from_db()
    assert not family.low_income


def _plan_post(**extra) -> dict:
    data = {
        "kind": "occasional",
        "start": "2026-12-01",
        "end": "",
        "day_1": "on",
        "from_1": "08:30",
        "until_1": "12:00",
        "day_3": "on",
        "from_3": "08:00",
        "until_3": "16:30",
    }
    data.update(extra)
    return data


def test_a_care_plan_with_its_own_times_per_day(client, coordinator, family):
    child = ChildFactory(family=family, first_name="Adam")
    client.force_login(coordinator)
    response = client.post(reverse("families:care_plan_create", args=[child.pk]), _plan_post())
    assert response.status_code == HTTPStatus.FOUND
    plan = child.care_plans.get()
    assert plan.pattern == {1: (dt.time(8, 30), dt.time(12)), 3: (dt.time(8), dt.time(16, 30))}


def test_a_care_plan_outside_opening_hours_is_refused(client, coordinator, family):
    child = ChildFactory(family=family)
    client.force_login(coordinator)
    response = client.post(
        reverse("families:care_plan_create", args=[child.pk]), _plan_post(from_1="06:30")
    )
    assert "openingsuren (07:30–18:00)" in response.content.decode()
    assert not child.care_plans.exists()


def _accept(client, url: str, data: dict):
    """Accept a change as the coordinator does: see the preview, then apply it."""
    preview = client.post(url, data)
    assert preview.status_code == HTTPStatus.OK
    if not preview.context["previewed"]:  # refused on the form: no preview to apply
        return preview
    return client.post(url, dict(data, confirm="1", previewed=preview.context["previewed"]))


def test_change_requests_are_kept_with_who_asked_and_who_decided(client, coordinator, family):
    plan = CarePlan.objects.get(child__family=family)
    client.force_login(coordinator)
    url = reverse("families:care_plan_change", args=[plan.pk])
    first = _plan_post(
        start="2026-01-05",
        requested_by="mama",
        requested_on="2026-11-20",
        decision="accept",
        version=1,
    )
    first.update(
        {
            "from_1": "08:30",
            "until_1": "16:00",
            "from_3": "08:30",
            "until_3": "16:00",
            "day_5": "on",
            "from_5": "08:30",
            "until_5": "12:00",
        }
    )
    assert _accept(client, url, first).status_code == HTTPStatus.FOUND
    second = dict(first, day_1="", requested_by="OCMW-maatschappelijk werker", version=2)
    assert _accept(client, url, second).status_code == HTTPStatus.FOUND
    plan.refresh_from_db()
    assert sorted(plan.pattern) == [3, 5]
    changes = list(plan.changes.order_by("decided_at", "pk"))
    assert [c.requested_by for c in changes] == ["mama", "OCMW-maatschappelijk werker"]
    assert changes[0].summary == "Vrijdag toegevoegd (08:30–12:00)"
    assert changes[1].summary == "Maandag verwijderd"
    assert all(c.decided_by == coordinator for c in changes)
    page = client.get(reverse("families:family_detail", args=[family.pk])).content.decode()
    assert "Vrijdag toegevoegd (08:30–12:00)" in page and "Maandag verwijderd" in page


def test_a_change_on_a_stale_page_is_refused(client, coordinator, family):
    plan = CarePlan.objects.get(child__family=family)
    client.force_login(coordinator)
    url = reverse("families:care_plan_change", args=[plan.pk])
    stale = _plan_post(
        start="2026-01-05",
        requested_by="papa",
        requested_on="2026-11-20",
        decision="accept",
        version=1,
    )
    _accept(client, url, dict(stale, day_5="on", from_5="08:30", until_5="12:00"))
    response = _accept(client, url, dict(stale, day_2="on", from_2="08:30", until_2="12:00"))
    assert (
        "iemand anders" in response.content.decode().lower()
        or "ondertussen" in response.content.decode()
    )
    plan.refresh_from_db()
    assert 2 not in plan.pattern
    assert plan.changes.count() == 1


def test_a_refused_request_is_kept_but_changes_nothing(client, coordinator, family):
    plan = CarePlan.objects.get(child__family=family)
    before = plan.pattern
    client.force_login(coordinator)
    data = _plan_post(
        start="2026-01-05",
        requested_by="mama",
        requested_on="2026-11-20",
        decision="refuse",
        version=1,
    )
    data.update(
        {
            "from_1": "08:30",
            "until_1": "16:00",
            "from_3": "08:30",
            "until_3": "16:00",
            "day_4": "on",
            "from_4": "08:30",
            "until_4": "16:00",
        }
    )
    client.post(reverse("families:care_plan_change", args=[plan.pk]), data)
    plan.refresh_from_db()
    assert plan.pattern == before
    assert plan.changes.get().decision == CarePlanChange.Decision.REFUSED


def test_viewing_criteria_and_notes_is_recorded(client, coordinator, family):
    client.force_login(coordinator)
    client.get(reverse("families:family_detail", args=[family.pk]))
    access = FamilyAccess.objects.get()
    assert (access.family, access.user, access.what) == (family, coordinator, "view")


def test_the_export_holds_everything_about_the_family(client, coordinator, family):
    client.force_login(coordinator)
    response = client.get(reverse("families:family_export", args=[family.pk]))
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["family"]["reference"] == "G-001"
    assert data["guardians"][0]["first_name"] == "Samira"
    assert data["children"][0]["allergies"] == "pinda's"
    assert data["children"][0]["care_plans"][0]["pattern"] == {
        "1": ["08:30", "16:00"],
        "3": ["08:30", "16:00"],
    }
    assert FamilyAccess.objects.filter(what="export").count() == 1


def test_only_a_family_that_left_can_be_erased(client, coordinator, family):
    client.force_login(coordinator)
    url = reverse("families:family_erase", args=[family.pk])
    response = client.post(url)
    assert "Alleen een gezin dat vertrokken is" in response.content.decode()
    assert Family.objects.get(pk=family.pk).guardians.exists()


def test_erasing_removes_personal_data_and_keeps_the_figures(client, coordinator, family):
    family.low_income = family.single_parent = True
    family.left_on = dt.date(2026, 6, 30)
    family.save()
    client.force_login(coordinator)
    response = client.post(reverse("families:family_erase", args=[family.pk]))
    assert response.status_code == HTTPStatus.FOUND
    family.refresh_from_db()
    child = family.children.get()
    assert family.erased_at is not None and family.reference == f"gewist-{family.pk}"
    assert not family.guardians.exists()
    assert (child.first_name, child.last_name, child.allergies) == ("Gewist", "", "")
    assert child.birth_date == dt.date(2025, 3, 1)
    assert family.vulnerable and child.care_plans.count() == 1  # what past reports count
    assert client.get(reverse("families:family_list")).content.decode().count("gewist-") == 0


def test_social_mix_counts_children_with_a_care_plan(client, coordinator, site, family):
    vulnerable = FamilyFactory(site=site, low_income=True, no_secondary_diploma=True)
    CarePlanFactory(child=ChildFactory(family=vulnerable))
    CarePlanFactory(
        child=ChildFactory(family=vulnerable), start=dt.date(2027, 1, 4)
    )  # not yet in care
    client.force_login(coordinator)
    response = client.get(reverse("families:social_mix"), {"month": "2026-11"})
    rows = response.context["rows"]
    assert (rows[0]["month"].vulnerable, rows[0]["month"].total) == (1, 2)
    assert str(rows[0]["month"].pct) == "50.00"
    assert rows[0]["month"].status == "trap3"


def _populate(site, families: int) -> None:
    for index in range(families):
        family = FamilyFactory(site=site, low_income=index % 2 == 0, single_parent=True)
        GuardianFactory(family=family)
        for _child in range(2):
            CarePlanFactory(child=ChildFactory(family=family))


@pytest.mark.parametrize("families", [3, 12])
def test_the_family_list_needs_a_fixed_number_of_queries(
    client, coordinator, site, families, django_assert_num_queries
):
    _populate(site, families)
    client.force_login(coordinator)
    with django_assert_num_queries(9):
        response = client.get(reverse("families:family_list"))
    assert len(response.context["page"]) == families


@pytest.mark.parametrize("children", [1, 6])
def test_the_family_page_needs_a_fixed_number_of_queries(
    client, coordinator, site, children, django_assert_num_queries
):
    family = FamilyFactory(site=site)
    GuardianFactory(family=family)
    for _ in range(children):
        plan = CarePlanFactory(child=ChildFactory(family=family))
        CarePlanChange.objects.create(
            plan=plan,
            requested_on=dt.date(2026, 11, 1),
            requested_by="mama",
            before={},
            after={},
            summary="x",
            decision="accepted",
            decided_by=coordinator,
        )
    client.force_login(coordinator)
    with django_assert_num_queries(15):
        client.get(reverse("families:family_detail", args=[family.pk]))
