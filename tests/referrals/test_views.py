"""The coordinator's referral pages and the partner portal: roles, scoping, steps, lists."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from elief.models import Role
from referrals.models import ContactPerson, Referral, ReferralStep
from tests.factories import (
    ChildFactory,
    ContactPersonFactory,
    FamilyFactory,
    GuardianFactory,
    OrganisationFactory,
    ReferralFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_site():
    return SiteFactory(name="Elief Noord")


@pytest.fixture
def vdab():
    return OrganisationFactory(name="VDAB")


@pytest.fixture
def referrer(vdab):
    return UserFactory(role=Role.REFERRER, organisation=vdab)


@pytest.fixture
def referral(site, vdab):
    return ReferralFactory(
        site=site,
        organisation=vdab,
        received_date=timezone.localdate() - dt.timedelta(days=3),
        parent_first_name="Samira",
        parent_last_name="Benali",
        child_first_name="Yasmine",
        child_last_name="Benali",
    )


def _coordinator_urls(referral) -> list[str]:
    return [
        reverse("referrals:referral_detail", args=[referral.pk]),
        reverse("referrals:referral_start", args=[referral.pk]),
    ]


def _coordinator_pages() -> list[str]:
    return [
        reverse("referrals:referral_list"),
        reverse("referrals:referral_create"),
        reverse("referrals:referral_figures"),
    ]


# Roles and scoping


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD, Role.REFERRER, Role.ADMIN])
def test_other_roles_get_403_on_the_coordinators_pages(client, site, referral, role):
    client.force_login(UserFactory(role=role, sites=[site] if role == Role.STAFF else []))
    for url in [*_coordinator_pages(), *_coordinator_urls(referral)]:
        assert client.get(url).status_code == HTTPStatus.FORBIDDEN, url
    step = reverse("referrals:referral_step", args=[referral.pk, "withdrawn"])
    assert client.post(step).status_code == HTTPStatus.FORBIDDEN
    assert Referral.objects.get().status == "received"


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.STAFF, Role.BOARD, Role.ADMIN])
def test_only_referrers_use_the_portal(client, site, referral, role):
    client.force_login(UserFactory(role=role, sites=[site]))
    for url in (
        reverse("referrals:portal"),
        reverse("referrals:portal_create"),
        reverse("referrals:portal_detail", args=[referral.pk]),
    ):
        assert client.get(url).status_code == HTTPStatus.FORBIDDEN, url


def test_it_sends_anonymous_visitors_to_sign_in(client, referral):
    for url in [reverse("referrals:portal"), *_coordinator_pages()]:
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response.url.startswith(reverse("login"))


def test_it_rejects_other_sites_coordinators_on_every_referral_url(client, referral, other_site):
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
    for url in _coordinator_urls(referral):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url
    for url in (
        reverse("referrals:referral_step", args=[referral.pk, "withdrawn"]),
        reverse("referrals:referral_match", args=[referral.pk]),
        reverse("referrals:referral_start", args=[referral.pk]),
    ):
        assert client.post(url).status_code == HTTPStatus.NOT_FOUND, url
    body = client.get(reverse("referrals:referral_list") + "?show=all").content.decode()
    assert "Yasmine" not in body
    assert Referral.objects.get().status == "received"


def test_a_referrer_of_another_organisation_gets_404(client, referral):
    client.force_login(
        UserFactory(role=Role.REFERRER, organisation=OrganisationFactory(name="CAW"))
    )
    response = client.get(reverse("referrals:portal_detail", args=[referral.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Yasmine" not in client.get(reverse("referrals:portal")).content.decode()


def test_a_referrer_without_organisation_gets_403(client):
    # A superuser passes the role check but has no organisation to speak for.
    client.force_login(UserFactory(role=Role.ADMIN, is_superuser=True))
    assert client.get(reverse("referrals:portal")).status_code == HTTPStatus.FORBIDDEN


# The coordinator's list


def test_urgent_referrals_are_on_top_of_the_list_then_the_oldest(client, coordinator, site):
    old = ReferralFactory(site=site, received_date=timezone.localdate() - dt.timedelta(days=10))
    new = ReferralFactory(site=site, received_date=timezone.localdate())
    urgent = ReferralFactory(site=site, received_date=timezone.localdate(), urgent=True)
    done = ReferralFactory(
        site=site,
        received_date=timezone.localdate() - dt.timedelta(days=20),
        status="declined",
        closed_on=timezone.localdate(),
    )
    client.force_login(coordinator)
    response = client.get(reverse("referrals:referral_list"))
    assert [row["referral"].pk for row in response.context["rows"]] == [urgent.pk, old.pk, new.pk]
    response = client.get(reverse("referrals:referral_list") + "?show=all")
    assert [row["referral"].pk for row in response.context["rows"]] == [
        urgent.pk,
        old.pk,
        new.pk,
        done.pk,
    ]
    response = client.get(reverse("referrals:referral_list") + "?show=closed")
    assert [row["referral"].pk for row in response.context["rows"]] == [done.pk]


def test_the_list_flags_overdue_and_soon_due_referrals(client, coordinator, site):
    overdue = ReferralFactory(site=site, received_date=timezone.localdate() - dt.timedelta(days=22))
    soon = ReferralFactory(
        site=site, received_date=timezone.localdate() - dt.timedelta(days=16), status="waiting"
    )
    fresh = ReferralFactory(site=site, received_date=timezone.localdate())
    client.force_login(coordinator)
    response = client.get(reverse("referrals:referral_list"))
    states = {row["referral"].pk: row["deadline"]["state"] for row in response.context["rows"]}
    assert states == {overdue.pk: "overdue", soon.pk: "due_soon", fresh.pk: "open"}
    body = response.content.decode()
    assert 'data-deadline="overdue"' in body and 'data-deadline="due_soon"' in body


def test_the_deadline_follows_the_sites_settings_on_the_received_date(client, coordinator, site):
    settings = site.settings.get()
    settings.referral_deadline_days = 10
    settings.save()
    referral = ReferralFactory(
        site=site, received_date=timezone.localdate() - dt.timedelta(days=11)
    )
    client.force_login(coordinator)
    response = client.get(reverse("referrals:referral_detail", args=[referral.pk]))
    assert response.context["deadline"]["due"] == timezone.localdate() - dt.timedelta(days=1)
    assert response.context["deadline"]["state"] == "overdue"


def _populate(site, count: int) -> None:
    for index in range(count):
        organisation = OrganisationFactory(name=f"Partner {index}")
        ReferralFactory(
            site=site,
            organisation=organisation,
            contact=ContactPersonFactory(organisation=organisation),
            received_date=timezone.localdate() - dt.timedelta(days=index),
            urgent=index % 3 == 0,
        )


@pytest.mark.parametrize("count", [3, 12])
def test_the_list_needs_a_fixed_number_of_queries(
    client, coordinator, site, count, django_assert_num_queries
):
    _populate(site, count)
    client.force_login(coordinator)
    # Session, user, count, the referrals with site, organisation and contact, site settings.
    with django_assert_num_queries(5):
        response = client.get(reverse("referrals:referral_list"))
    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [1, 8])
def test_the_portal_list_needs_a_fixed_number_of_queries(
    client, referrer, site, count, django_assert_num_queries
):
    for _ in range(count):
        ReferralFactory(site=site, organisation=referrer.organisation)
    client.force_login(referrer)
    with django_assert_num_queries(6):
        response = client.get(reverse("referrals:portal"))
    assert len(response.context["page"]) == count


# Detail, steps and matching


def test_the_detail_shows_the_referral_and_its_history(client, coordinator, referral):
    client.force_login(coordinator)
    response = client.get(reverse("referrals:referral_detail", args=[referral.pk]))
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert 'data-status="received"' in body
    assert "Samira Benali" in body
    assert [status.value for status, _form in response.context["step_forms"]] == [
        "intake_planned",
        "waiting",
        "declined",
        "withdrawn",
    ]
    assert response.context["can_start"]


def test_the_coordinator_plans_the_intake_then_declines_with_a_reason(
    client, coordinator, referral
):
    client.force_login(coordinator)
    intake = timezone.localdate() + dt.timedelta(days=2)
    client.post(
        reverse("referrals:referral_step", args=[referral.pk, "intake_planned"]),
        {"intake_planned-intake_date": intake.isoformat()},
    )
    referral.refresh_from_db()
    assert (referral.status, referral.intake_date, referral.closed_on) == (
        "intake_planned",
        intake,
        None,
    )
    # Declining needs a reason.
    url = reverse("referrals:referral_step", args=[referral.pk, "declined"])
    client.post(url, {"declined-note": " "})
    referral.refresh_from_db()
    assert referral.status == "intake_planned"
    client.post(url, {"declined-note": "Gezin verhuist naar Gent"})
    referral.refresh_from_db()
    assert (referral.status, referral.closed_on) == ("declined", timezone.localdate())
    assert referral.decline_reason == "Gezin verhuist naar Gent"
    steps = list(referral.steps.values_list("status", "date", "by"))
    assert steps == [
        ("received", referral.received_date, None),
        ("intake_planned", timezone.localdate(), coordinator.pk),
        ("declined", timezone.localdate(), coordinator.pk),
    ]
    # Final is final.
    client.post(reverse("referrals:referral_step", args=[referral.pk, "waiting"]))
    referral.refresh_from_db()
    assert referral.status == "declined"
    assert referral.steps.count() == 3


def test_an_intake_needs_its_date_and_unknown_steps_are_404(client, coordinator, referral):
    client.force_login(coordinator)
    client.post(reverse("referrals:referral_step", args=[referral.pk, "intake_planned"]))
    assert Referral.objects.get().status == "received"
    response = client.post(reverse("referrals:referral_step", args=[referral.pk, "started"]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert ReferralStep.objects.count() == 1


def test_waiting_is_a_step_that_does_not_close_the_referral(client, coordinator, referral):
    client.force_login(coordinator)
    client.post(
        reverse("referrals:referral_step", args=[referral.pk, "waiting"]),
        {"waiting-note": "Geen plaats op woensdag"},
    )
    referral.refresh_from_db()
    assert (referral.status, referral.closed_on) == ("waiting", None)


def test_known_families_are_proposed_and_the_coordinator_confirms_the_match(
    client, coordinator, referral, site, other_site
):
    by_guardian = FamilyFactory(site=site, reference="G-010")
    GuardianFactory(
        family=by_guardian, first_name="samira", last_name="BENALI", phone="+32 470 12 34 56"
    )
    by_child = FamilyFactory(site=site, reference="G-011")
    ChildFactory(
        family=by_child,
        first_name="Yasmine",
        last_name="Benali",
        birth_date=referral.child_birth_date,
    )
    # Same name but another phone, another birth date, or another site: no match.
    namesake = FamilyFactory(site=site, reference="G-012")
    GuardianFactory(family=namesake, first_name="Samira", last_name="Benali", phone="0499 99 99 99")
    ChildFactory(
        family=namesake, first_name="Yasmine", last_name="Benali", birth_date=timezone.localdate()
    )
    elsewhere = FamilyFactory(site=other_site, reference="G-013")
    GuardianFactory(family=elsewhere, first_name="Samira", last_name="Benali", phone="0470123456")

    client.force_login(coordinator)
    response = client.get(reverse("referrals:referral_detail", args=[referral.pk]))
    matches = {m.family.reference: m.reasons for m in response.context["matches"]}
    assert matches == {"G-010": ["guardian"], "G-011": ["child"]}

    client.post(reverse("referrals:referral_match", args=[referral.pk]), {"family": by_child.pk})
    assert Referral.objects.get().family == by_child
    # A family of another site cannot be linked.
    response = client.post(
        reverse("referrals:referral_match", args=[referral.pk]), {"family": elsewhere.pk}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    client.post(reverse("referrals:referral_match", args=[referral.pk]), {"family": ""})
    assert Referral.objects.get().family is None


# Organisations and contact persons


def test_the_coordinator_adds_an_organisation_and_its_contacts(client, coordinator, vdab):
    client.force_login(coordinator)
    response = client.post(reverse("referrals:organisation_create"), {"name": " Atlas "})
    assert response.status_code == HTTPStatus.FOUND
    atlas = vdab.__class__.objects.get(name="Atlas")
    # The same name again is refused.
    response = client.post(reverse("referrals:organisation_create"), {"name": "VDAB"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["name"]

    client.post(
        reverse("referrals:contact_create", args=[atlas.pk]),
        {
            "name": "Ilse Peeters",
            "function": "trajectbegeleider",
            "email": "ilse@atlas.test",
            "active": "on",
        },
    )
    contact = ContactPerson.objects.get()
    assert (contact.organisation, contact.active) == (atlas, True)
    client.post(
        reverse("referrals:contact_edit", args=[contact.pk]),
        {"name": "Ilse Peeters", "phone": "03 338 70 11", "email": "ilse@atlas.test"},
    )
    contact.refresh_from_db()
    assert (contact.phone, contact.active) == ("03 338 70 11", False)

    response = client.get(reverse("referrals:organisation_list"))
    assert [o.name for o in response.context["organisations"]] == ["Atlas", "VDAB"]
    assert f'data-contact="{contact.pk}"' in response.content.decode()


def test_organisation_pages_count_only_the_coordinators_own_referrals(
    client, coordinator, site, other_site, vdab
):
    ReferralFactory(site=site, organisation=vdab)
    ReferralFactory(site=other_site, organisation=vdab)
    ReferralFactory(
        site=site, organisation=vdab, status="withdrawn", closed_on=timezone.localdate()
    )
    client.force_login(coordinator)
    response = client.get(reverse("referrals:organisation_list"))
    (organisation,) = response.context["organisations"]
    assert (organisation.referral_count, organisation.open_count) == (2, 1)


def test_unknown_organisations_and_contacts_are_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("referrals:contact_create", args=[999])).status_code == 404
    assert client.get(reverse("referrals:contact_edit", args=[999])).status_code == 404


# The portal


def test_the_portal_shows_the_status_and_step_dates_only(client, referrer, referral):
    referral.status = "declined"
    referral.decline_reason = "Intern: gezin reageert niet"
    referral.closed_on = timezone.localdate()
    referral.save()
    ReferralStep.objects.create(
        referral=referral,
        status="declined",
        date=timezone.localdate(),
        note="Intern: gezin reageert niet",
    )
    client.force_login(referrer)
    body = client.get(reverse("referrals:portal")).content.decode()
    assert f'id="referral-{referral.pk}"' in body
    assert 'data-status="declined"' in body
    response = client.get(reverse("referrals:portal_detail", args=[referral.pk]))
    body = response.content.decode()
    assert 'data-status="declined"' in body
    assert "Intern" not in body
    assert reverse("planning:dayplan") not in body
    assert [step.status for step in response.context["referral"].steps.all()] == [
        "received",
        "declined",
    ]
