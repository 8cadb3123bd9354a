"""Submitting a referral: the partner portal and the coordinator's phoned-in referral.

Bad input gets a message on the field and saves nothing: no referral, no family, no child.
"""

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from elief.models import Role
from families.models import Child, Family, Guardian
from referrals.models import Referral, ReferralStep
from tests.factories import ContactPersonFactory, OrganisationFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vdab():
    return OrganisationFactory(name="VDAB")


@pytest.fixture
def referrer(vdab):
    return UserFactory(role=Role.REFERRER, organisation=vdab)


def _data(site, **changes) -> dict:
    data = {
        "site": site.pk,
        "consent_date": timezone.localdate().isoformat(),
        "consent_scope": "intake en opvolging van de opvang",
        "reason": "training",
        "wished_start": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "weekdays": ["1", "3"],
        "wished_from": "08:30",
        "wished_until": "16:00",
        "notes": "Opleiding logistiek medewerker vanaf maandag",
        "parent_first_name": "Samira",
        "parent_last_name": "Benali",
        "parent_phone": "0470 12 34 56",
        "parent_email": "samira.benali@example.be",
        "postcode": "2060",
        "home_languages": "Arabisch; Nederlands",
        "child_first_name": "Yasmine",
        "child_last_name": "Benali",
        "child_birth_date": "2025-06-01",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _posted(data: dict) -> dict:
    """The form data as sent: None leaves a field out, a timedelta is a day counted from today.

    Days are resolved when the test runs, not when it is collected, so a run that crosses
    midnight still posts the day the test means.
    """
    today = timezone.localdate()
    return {
        key: (today + value).isoformat() if isinstance(value, dt.timedelta) else value
        for key, value in data.items()
        if value is not None
    }


def _nothing_saved() -> None:
    assert not Referral.objects.exists()
    assert not ReferralStep.objects.exists()
    assert not Family.objects.exists()
    assert not Guardian.objects.exists()
    assert not Child.objects.exists()


def test_a_referrer_submits_a_referral_for_their_own_organisation(client, referrer, site, vdab):
    contact = ContactPersonFactory(organisation=vdab, name="Nadia Vermeulen")
    client.force_login(referrer)
    response = client.post(reverse("referrals:portal_create"), _data(site, contact=contact.pk))
    referral = Referral.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("referrals:portal_detail", args=[referral.pk])
    assert (referral.organisation, referral.site, referral.contact) == (vdab, site, contact)
    assert (referral.status, referral.received_date, referral.submitted_by) == (
        "received",
        timezone.localdate(),
        referrer,
    )
    assert (referral.wished_weekdays, referral.pattern) == (
        "13",
        {1: (dt.time(8, 30), dt.time(16)), 3: (dt.time(8, 30), dt.time(16))},
    )
    assert referral.consent_date == timezone.localdate() and referral.child_first_name == "Yasmine"
    assert list(referral.steps.values_list("status", "date", "by")) == [
        ("received", timezone.localdate(), referrer.pk)
    ]
    # The referral creates no family: the coordinator does, when care starts.
    assert not Family.objects.exists()


def test_a_referrer_chooses_among_all_sites_and_only_their_own_contacts(client, referrer, site):
    other = SiteFactory(name="Elief Noord")
    foreign = ContactPersonFactory(organisation=OrganisationFactory(name="CAW"))
    client.force_login(referrer)
    form = client.get(reverse("referrals:portal_create")).context["form"]
    assert set(form.fields["site"].queryset) == {site, other}
    assert "organisation" not in form.fields
    assert foreign not in form.fields["contact"].queryset
    response = client.post(reverse("referrals:portal_create"), _data(site, contact=foreign.pk))
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["contact"]
    _nothing_saved()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consent_date": None}, "consent_date"),
        ({"consent_date": ""}, "consent_date"),
        ({"consent_scope": " "}, "consent_scope"),
        ({"consent_date": dt.timedelta(days=1)}, "consent_date"),
        ({"wished_start": dt.timedelta(days=-1)}, "wished_start"),
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": ["6"]}, "weekdays"),  # the site is closed on Saturday
        ({"wished_from": "06:00"}, "wished_from"),  # before opening time
        ({"wished_until": "08:00"}, "wished_until"),  # ends before it starts
        ({"child_birth_date": dt.timedelta(days=30)}, "child_birth_date"),
        ({"parent_email": "samira@"}, "parent_email"),
        ({"postcode": "206"}, "postcode"),
        ({"site": "999999"}, "site"),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(client, referrer, site, changes, field):
    client.force_login(referrer)
    response = client.post(
        reverse("referrals:portal_create"),
        _posted({**_data(site), **changes}),
    )
    assert response.status_code == HTTPStatus.OK
    assert field in response.context["form"].errors, response.context["form"].errors
    assert 'class="alert error"' in response.content.decode()
    _nothing_saved()


def test_the_coordinator_records_a_phoned_in_referral(client, coordinator, site, vdab):
    contact = ContactPersonFactory(organisation=vdab)
    client.force_login(coordinator)
    received = timezone.localdate() - dt.timedelta(days=2)
    response = client.post(
        reverse("referrals:referral_create"),
        _data(
            site,
            organisation=vdab.pk,
            contact=contact.pk,
            received_date=received.isoformat(),
            consent_date=received.isoformat(),
            urgent="on",
            reason="crisis",
        ),
    )
    referral = Referral.objects.get()
    assert response.url == reverse("referrals:referral_detail", args=[referral.pk])
    assert (referral.organisation, referral.received_date, referral.urgent, referral.reason) == (
        vdab,
        received,
        True,
        "crisis",
    )
    assert referral.steps.get().date == received


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"organisation": "999999"}, "organisation"),
        ({"organisation": None}, "organisation"),
        ({"received_date": dt.timedelta(days=1)}, "received_date"),
        # The consent must come before the referral.
        ({"received_date": dt.timedelta(days=-5)}, "consent_date"),
    ],
)
def test_the_coordinators_bad_input_saves_nothing(client, coordinator, site, vdab, changes, field):
    client.force_login(coordinator)
    data = {
        **_data(site, organisation=vdab.pk, received_date=timezone.localdate().isoformat()),
        **changes,
    }
    response = client.post(
        reverse("referrals:referral_create"),
        _posted(data),
    )
    assert response.status_code == HTTPStatus.OK
    assert field in response.context["form"].errors, response.context["form"].errors
    _nothing_saved()


def test_a_coordinator_records_referrals_for_their_own_sites_only(client, coordinator, vdab):
    other = SiteFactory(name="Elief Noord")
    client.force_login(coordinator)
    response = client.post(
        reverse("referrals:referral_create"),
        _data(other, organisation=vdab.pk, received_date=timezone.localdate().isoformat()),
    )
    assert "site" in response.context["form"].errors
    _nothing_saved()


def test_a_contact_of_another_organisation_is_refused(client, coordinator, site, vdab):
    caw_contact = ContactPersonFactory(organisation=OrganisationFactory(name="CAW"))
    client.force_login(coordinator)
    response = client.post(
        reverse("referrals:referral_create"),
        _data(
            site,
            organisation=vdab.pk,
            contact=caw_contact.pk,
            received_date=timezone.localdate().isoformat(),
        ),
    )
    assert "contact" in response.context["form"].errors
    _nothing_saved()
