"""Every page that shows or changes a family's personal data writes an access row."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse

from elief.models import Role
from families.models import FamilyAccess
from tests.factories import (
    BookingFactory,
    CarePlanFactory,
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    GuardianFactory,
    ReferralFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return SiteFactory(name="Elief")


@pytest.fixture
def coordinator(site):
    return UserFactory(role=Role.COORDINATOR, sites=[site])


@pytest.fixture
def family(site):
    family = FamilyFactory(site=site, reference="G-001", low_income=True, single_parent=True)
    GuardianFactory(family=family, first_name="Samira", last_name="Benali")
    child = ChildFactory(family=family, first_name="Yasmine", allergies="pinda's")
    CarePlanFactory(child=child)
    return family


@pytest.fixture
def referral(site, family):
    return ReferralFactory(site=site, family=family, parent_first_name="Samira")


def _urls(family, referral) -> dict[str, str]:
    child = family.children.get()
    booking = BookingFactory(group=GroupFactory(site=family.site), child=child)
    return {
        "family_detail": reverse("families:family_detail", args=[family.pk]),
        "family_edit": reverse("families:family_edit", args=[family.pk]),
        "criteria_edit": reverse("families:criteria_edit", args=[family.pk]),
        "guardian_create": reverse("families:guardian_create", args=[family.pk]),
        "guardian_edit": reverse(
            "families:guardian_edit", args=[family.pk, family.guardians.get().pk]
        ),
        "child_create": reverse("families:child_create", args=[family.pk]),
        "child_edit": reverse("families:child_edit", args=[child.pk]),
        "care_plan_create": reverse("families:care_plan_create", args=[child.pk]),
        "care_plan_change": reverse("families:care_plan_change", args=[child.care_plans.get().pk]),
        "settling_in": reverse("families:settling_in", args=[child.pk]),
        "referral_detail": reverse("referrals:referral_detail", args=[referral.pk]),
        "referral_start": reverse("referrals:referral_start", args=[referral.pk]),
        "booking_detail": reverse("planning:booking_detail", args=[booking.pk]),
    }


@pytest.mark.parametrize(
    "page",
    [
        "family_detail",
        "family_edit",
        "criteria_edit",
        "guardian_create",
        "guardian_edit",
        "child_create",
        "child_edit",
        "care_plan_create",
        "care_plan_change",
        "settling_in",
        "referral_detail",
        "referral_start",
        "booking_detail",
    ],
)
def test_showing_a_familys_data_writes_an_access_row(client, coordinator, family, referral, page):
    url = _urls(family, referral)[page]
    client.force_login(coordinator)
    assert client.get(url).status_code == HTTPStatus.OK
    access = FamilyAccess.objects.get()
    assert (access.family, access.user, access.what, access.page) == (
        family,
        coordinator,
        "view",
        url,
    )


def test_changing_a_familys_data_writes_an_edit_row(client, coordinator, family):
    child = family.children.get()
    client.force_login(coordinator)
    client.post(
        reverse("families:child_edit", args=[child.pk]),
        {"first_name": "Yasmine", "last_name": "Benali", "birth_date": "2025-03-14"},
    )
    access = FamilyAccess.objects.get()
    assert (access.family, access.what) == (family, "edit")


def test_clearing_settling_in_writes_an_edit_row(client, coordinator, family):
    child = family.children.get()
    client.force_login(coordinator)
    client.post(reverse("families:settling_in_clear", args=[child.pk]))
    assert FamilyAccess.objects.get().what == "edit"


def test_the_export_writes_an_export_row(client, coordinator, family):
    client.force_login(coordinator)
    client.get(reverse("families:family_export", args=[family.pk]))
    assert FamilyAccess.objects.get().what == "export"


def test_the_list_filtered_on_vulnerability_logs_each_family_it_shows(
    client, coordinator, site, family
):
    FamilyFactory(site=site)  # not vulnerable: not shown, not logged
    client.force_login(coordinator)
    url = reverse("families:family_list")
    client.get(url)
    assert not FamilyAccess.objects.exists()  # the plain list is a directory
    client.get(url, {"vulnerable": "yes"})
    access = FamilyAccess.objects.get()
    assert (access.family, access.page) == (family, url)


def test_a_referral_without_family_is_logged_by_its_page(client, coordinator, site):
    referral = ReferralFactory(site=site)
    client.force_login(coordinator)
    url = reverse("referrals:referral_detail", args=[referral.pk])
    client.get(url)
    access = FamilyAccess.objects.get()
    assert (access.family, access.page, access.what) == (None, url, "view")


def test_families_that_may_be_the_referred_one_are_logged_too(client, coordinator, site, family):
    referral = ReferralFactory(
        site=site,
        parent_first_name="Samira",
        parent_last_name="Benali",
        parent_phone="",
        child_first_name="Yasmine",
        child_last_name=family.children.get().last_name,
        child_birth_date=dt.date(2025, 3, 14),
    )
    client.force_login(coordinator)
    client.get(reverse("referrals:referral_detail", args=[referral.pk]))
    assert set(FamilyAccess.objects.values_list("family", flat=True)) == {None, family.pk}


def test_the_partner_portal_logs_what_it_shows(client, referral, family):
    referrer = UserFactory(role=Role.REFERRER, organisation=referral.organisation)
    client.force_login(referrer)
    url = reverse("referrals:portal_detail", args=[referral.pk])
    assert client.get(url).status_code == HTTPStatus.OK
    access = FamilyAccess.objects.get()
    assert (access.family, access.user, access.page) == (family, referrer, url)


def test_the_log_never_keeps_the_search(client, coordinator, family):
    client.force_login(coordinator)
    client.get(reverse("families:family_list"), {"q": "Benali", "vulnerable": "yes"})
    assert "Benali" not in FamilyAccess.objects.get().page
