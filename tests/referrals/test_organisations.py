"""Partner organisations and their contact persons, scoped through elief.scoping:
shared across the vzw for coordinators and administrators, a referrer's own
organisation only, nothing for staff and board."""

from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from elief.models import Organisation, Role
from elief.scoping import organisations_for, scope_to_organisations
from referrals.models import ContactPerson
from tests.factories import ContactPersonFactory, OrganisationFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vdab():
    return OrganisationFactory(name="VDAB")


@pytest.fixture
def caw():
    return OrganisationFactory(name="CAW")


@pytest.fixture
def contact(vdab):
    return ContactPersonFactory(organisation=vdab, name="Lotte Peeters")


@pytest.fixture
def other_contact(caw):
    return ContactPersonFactory(organisation=caw, name="Jonas Wouters")


def _urls(organisation, contact) -> list[str]:
    return [
        reverse("referrals:organisation_list"),
        reverse("referrals:contact_create", args=[organisation.pk]),
        reverse("referrals:contact_edit", args=[contact.pk]),
    ]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_administrators_read_and_edit_every_organisation(
    client, role, vdab, caw, contact, other_contact
):
    # A coordinator of any one site: organisations work with every site.
    user = UserFactory(role=role, sites=[SiteFactory()] if role == Role.COORDINATOR else [])
    assert set(organisations_for(user)) == {vdab, caw}
    client.force_login(user)
    for url in [*_urls(vdab, contact), *_urls(caw, other_contact)]:
        assert client.get(url).status_code == HTTPStatus.OK, url
    assert client.get(reverse("referrals:organisation_create")).status_code == HTTPStatus.OK


def test_a_referrer_reads_and_edits_only_their_own_organisation(
    client, vdab, caw, contact, other_contact
):
    referrer = UserFactory(role=Role.REFERRER, organisation=vdab)
    assert list(organisations_for(referrer)) == [vdab]
    assert list(scope_to_organisations(ContactPerson.objects.all(), referrer)) == [contact]
    client.force_login(referrer)
    for url in _urls(vdab, contact):
        assert client.get(url).status_code == HTTPStatus.OK, url
    body = client.get(reverse("referrals:organisation_list")).content.decode()
    assert "Lotte Peeters" in body and "Jonas Wouters" not in body and "CAW" not in body
    for url in (
        reverse("referrals:contact_create", args=[caw.pk]),
        reverse("referrals:contact_edit", args=[other_contact.pk]),
    ):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url
        assert client.post(url, {"name": "Overgenomen"}).status_code == HTTPStatus.NOT_FOUND
    other_contact.refresh_from_db()
    assert other_contact.name == "Jonas Wouters"


def test_a_referrer_updates_a_contact_of_their_organisation(client, vdab, contact):
    client.force_login(UserFactory(role=Role.REFERRER, organisation=vdab))
    response = client.post(
        reverse("referrals:contact_edit", args=[contact.pk]),
        {"name": "Lotte Peeters", "phone": "03 338 70 11", "active": "on"},
    )
    assert response.status_code == HTTPStatus.FOUND
    contact.refresh_from_db()
    assert (contact.phone, contact.organisation) == ("03 338 70 11", vdab)


def test_a_referrer_adds_no_organisation(client, vdab):
    client.force_login(UserFactory(role=Role.REFERRER, organisation=vdab))
    url = reverse("referrals:organisation_create")
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert client.post(url, {"name": "Atlas"}).status_code == HTTPStatus.FORBIDDEN
    assert list(Organisation.objects.all()) == [vdab]


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD])
def test_staff_and_board_get_403_on_organisations(client, role, vdab, contact):
    user = UserFactory(role=role, sites=[SiteFactory()] if role == Role.STAFF else [])
    with pytest.raises(PermissionDenied):
        organisations_for(user)
    client.force_login(user)
    for url in [*_urls(vdab, contact), reverse("referrals:organisation_create")]:
        assert client.get(url).status_code == HTTPStatus.FORBIDDEN, url
    post = client.post(reverse("referrals:contact_edit", args=[contact.pk]), {"name": "X"})
    assert post.status_code == HTTPStatus.FORBIDDEN


def test_a_referrer_without_organisation_sees_none(client):
    user = UserFactory(role=Role.REFERRER)
    user.organisation = None  # as a broken account would be
    with pytest.raises(PermissionDenied):
        organisations_for(user)
