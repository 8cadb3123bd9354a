"""The referrals part of `manage.py seed_demo`."""

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from elief.models import Organisation, Site, User
from families.models import CarePlan, Child, Family
from planning.models import Booking
from referrals import demo, rules, selectors
from referrals.models import ContactPerson, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def output(settings) -> str:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def test_every_organisation_has_contact_persons(output):
    for organisation in Organisation.objects.all():
        assert ContactPerson.objects.filter(organisation=organisation).exists(), organisation
    assert "contact persons" in output


def test_six_months_of_referrals_in_every_status_some_overdue(output):
    today = timezone.localdate()
    referrals = list(Referral.objects.prefetch_related("site__settings", "steps"))
    assert len(referrals) >= 40
    assert {referral.status for referral in referrals} == set(rules.TRANSITIONS)
    assert min(r.received_date for r in referrals) >= today - timezone.timedelta(days=182)
    states = [referral.deadline_state(today) for referral in referrals]
    assert states.count(rules.OVERDUE) >= 3
    assert rules.ON_TIME in states and rules.LATE in states
    # Every referral starts with "received" and ends with its own status.
    for referral in referrals:
        steps = [step.status for step in referral.steps.all()]
        assert steps[0] == rules.RECEIVED and steps[-1] == referral.status, referral
        assert referral.consent_date <= referral.received_date
    assert f"{len(referrals)} referrals" in output


def test_started_referrals_belong_to_referred_families_in_care(output):
    started = Referral.objects.filter(status=rules.STARTED).select_related("family", "child")
    assert started.count() >= 10
    for referral in started:
        family = referral.family
        assert family is not None and referral.child.family_id == family.pk
        assert family.referrer_id == referral.organisation_id
        # The first care day is the family's first booking or the start of its care plan.
        care_days = set(
            CarePlan.objects.filter(child__family=family).values_list("start", flat=True)
        ) | set(Booking.objects.filter(child__family=family).values_list("date", flat=True))
        assert referral.first_care_day in care_days, referral
        assert referral.received_date <= referral.first_care_day
        assert referral.closed_on is not None and referral.closed_on <= timezone.localdate()


def test_the_demo_referrer_follows_vdabs_referrals(output):
    referrer = User.objects.get(username="toeleider")
    mine = selectors.portal_referral_list(user=referrer)
    assert mine.exists()
    assert set(mine.values_list("organisation__name", flat=True)) == {"VDAB"}
    assert Referral.objects.filter(submitted_by=referrer).count() >= 3


def test_the_referrals_demo_is_fast(output):
    # Seed the referrals again on the demo that is there, and time that part alone.
    Referral.objects.all().delete()
    ContactPerson.objects.all().delete()
    state = {
        "site": Site.objects.get(),
        "families": list(Family.objects.select_related("site", "referrer")),
        "children": list(Child.objects.all()),
        "care_plans": list(CarePlan.objects.select_related("child")),
        "bookings": list(Booking.objects.all()),
    }
    started = time.perf_counter()
    demo.seed(state)
    assert time.perf_counter() - started < 2
    assert Referral.objects.count() == len(state["referrals"])
    assert "referrals" in demo.summary(state)
