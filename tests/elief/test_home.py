"""The home page shows each role its own starting points."""

import datetime as dt

import pytest
from django.urls import reverse

from elief.models import Role
from tests.factories import ReferralFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_coordinator_sees_referrals_against_their_deadline(client):
    site = SiteFactory(name="Elief")
    ReferralFactory(site=site, received_date=dt.date.today() - dt.timedelta(days=30))
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[site]))
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert 'id="referral-deadlines"' in body
    assert 'data-count="overdue" class="over">1<' in body


def test_the_referrer_is_led_to_the_portal(client):
    client.force_login(UserFactory(role=Role.REFERRER))
    body = client.get(reverse("home")).content.decode()
    assert reverse("referrals:portal_create") in body
    assert 'id="referral-deadlines"' not in body


def test_staff_do_not_see_referrals(client):
    site = SiteFactory(name="Elief")
    client.force_login(UserFactory(role=Role.STAFF, sites=[site]))
    body = client.get(reverse("home")).content.decode()
    assert 'id="referral-deadlines"' not in body
    assert reverse("planning:today_site", args=[site.pk]) in body
