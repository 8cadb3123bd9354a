"""Referrers hear back: each step that changes what the family can expect mails the
referrer once, in Dutch, with a link to the portal and no names."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone

from elief.env import env_site_url
from elief.models import Role
from planning import rules as planning_rules
from referrals import mail, rules, services
from referrals.models import ReferralStep
from referrals.tasks import referral_step_mail
from tests.factories import (
    ContactPersonFactory,
    GroupFactory,
    OrganisationFactory,
    ReferralFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NAMES = ("Samira", "Benali", "Yasmine")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://elief.example.org"


@pytest.fixture(autouse=True)
def _forget_sent_mail():
    # The claims outlive the test database in Redis, where step numbers start again.
    cache.clear()


@pytest.fixture
def vdab():
    return OrganisationFactory(name="VDAB")


@pytest.fixture
def referrer(vdab):
    return UserFactory(role=Role.REFERRER, organisation=vdab, email="loket@vdab.test")


@pytest.fixture
def referral(site, vdab, referrer):
    return ReferralFactory(
        site=site,
        organisation=vdab,
        submitted_by=referrer,
        received_date=timezone.localdate() - dt.timedelta(days=3),
        parent_first_name="Samira",
        parent_last_name="Benali",
        parent_email="samira@example.be",
        child_first_name="Yasmine",
        child_last_name="Benali",
        child_birth_date=dt.date(2025, 6, 1),
    )


def _step(referral, coordinator, status, **kwargs):
    """Record a step today; a timedelta among the fields is a day counted from today."""
    today = timezone.localdate()
    fields = {
        key: today + value if isinstance(value, dt.timedelta) else value
        for key, value in kwargs.items()
    }
    return services.referral_step(
        referral=referral, user=coordinator, status=status, today=today, **fields
    )


def _run_queued(callbacks) -> None:
    """Run what on_commit queued, the Celery task in this process."""
    for callback in callbacks:
        if getattr(callback, "func", None) == referral_step_mail.delay:
            referral_step_mail.apply(args=list(callback.args)).get()


def _assert_anonymous(message) -> None:
    text = message.subject + message.body
    for name in NAMES:
        assert name not in text
    assert "2025" not in text  # the child's birth date
    assert "samira@example.be" not in text


@pytest.mark.parametrize(
    ("status", "kwargs", "label"),
    [
        (rules.INTAKE_PLANNED, {"intake_date": dt.timedelta(days=0)}, "intake gepland"),
        (rules.DECLINED, {"note": "Geen plaats in de regio"}, "geweigerd"),
        (rules.WITHDRAWN, {}, "ingetrokken"),
    ],
)
def test_a_step_mails_the_submitting_referrer_in_dutch_without_names(
    django_capture_on_commit_callbacks, mailoutbox, referral, coordinator, status, kwargs, label
):
    with django_capture_on_commit_callbacks() as callbacks:
        _step(referral, coordinator, status, **kwargs)
    assert mailoutbox == []  # nothing before the commit
    _run_queued(callbacks)

    [message] = mailoutbox
    assert message.to == ["loket@vdab.test"]
    assert message.subject == f"Toeleiding {referral.pk}: {label}"
    assert f"https://elief.example.org/toeleiding/portaal/{referral.pk}/" in message.body
    assert "Geen plaats" not in message.body  # the decline reason stays internal
    _assert_anonymous(message)


def test_the_contact_person_hears_rather_than_the_user_who_typed_it(
    django_capture_on_commit_callbacks, mailoutbox, referral, coordinator, vdab
):
    referral.contact = ContactPersonFactory(organisation=vdab, email="an@vdab.test")
    referral.save()
    with django_capture_on_commit_callbacks() as callbacks:
        _step(referral, coordinator, rules.WITHDRAWN)
    _run_queued(callbacks)
    assert [message.to for message in mailoutbox] == [["an@vdab.test"]]


def test_waiting_and_a_refused_step_mail_nobody(
    django_capture_on_commit_callbacks, mailoutbox, referral, coordinator
):
    with django_capture_on_commit_callbacks() as callbacks:
        _step(referral, coordinator, rules.WAITING)
        with pytest.raises(ValidationError):
            _step(referral, coordinator, rules.INTAKE_PLANNED)  # without its date
    assert callbacks == []
    assert mailoutbox == []


def test_the_same_step_is_mailed_once_even_when_the_task_runs_twice(
    django_capture_on_commit_callbacks, mailoutbox, referral, coordinator
):
    with django_capture_on_commit_callbacks() as callbacks:
        _step(referral, coordinator, rules.WITHDRAWN)
    _run_queued(callbacks)
    _run_queued(callbacks)  # the broker delivers it again
    assert len(mailoutbox) == 1
    step = ReferralStep.objects.get(referral=referral, status=rules.WITHDRAWN)
    assert mail.referral_step_mail(step_id=step.pk) is False


def test_a_failed_send_is_retried_and_then_sent(
    django_capture_on_commit_callbacks, mailoutbox, referral, coordinator, monkeypatch
):
    with django_capture_on_commit_callbacks() as callbacks:
        _step(referral, coordinator, rules.WITHDRAWN)
    [callback] = [c for c in callbacks if getattr(c, "func", None) == referral_step_mail.delay]
    original = mail.send_mail

    def relay_down(*args, **kwargs):
        raise ConnectionRefusedError("relay down")

    monkeypatch.setattr(mail, "send_mail", relay_down)
    with pytest.raises(ConnectionRefusedError):
        mail.referral_step_mail(step_id=callback.args[0])
    monkeypatch.setattr(mail, "send_mail", original)
    assert mail.referral_step_mail(step_id=callback.args[0]) is True
    assert len(mailoutbox) == 1


def test_a_referral_without_any_address_mails_nobody(
    django_capture_on_commit_callbacks, mailoutbox, referral, coordinator
):
    referral.submitted_by = None
    referral.save()
    with django_capture_on_commit_callbacks() as callbacks:
        _step(referral, coordinator, rules.WITHDRAWN)
    _run_queued(callbacks)
    assert mailoutbox == []


def test_starting_the_family_mails_started(
    django_capture_on_commit_callbacks, mailoutbox, referral, coordinator, site
):
    group = GroupFactory(site=site)
    day = timezone.localdate() + dt.timedelta(
        days=14 - timezone.localdate().weekday()
    )  # a Monday two weeks on
    start = dict(
        referral=referral,
        user=coordinator,
        family=None,
        new_family=services.NewFamily(reference="BEN-1"),
        guardian=services.GuardianDetails(first_name="Samira", last_name="Benali"),
        child=services.ChildDetails(
            first_name="Yasmine", last_name="Benali", birth_date=dt.date(2025, 6, 1)
        ),
        plan=services.PlanDetails(
            kind="occasional", start=day, end=None, pattern={1: (dt.time(9), dt.time(15))}
        ),
        today=timezone.localdate(),
    )
    with django_capture_on_commit_callbacks() as callbacks:
        services.referral_start(
            **start,
            booking=services.FirstBooking(
                group=group,
                day=day,
                start=dt.time(9),
                end=dt.time(15),
                place_type=planning_rules.OCCASIONAL,
            ),
        )
    _run_queued(callbacks)
    [message] = mailoutbox
    assert message.subject == f"Toeleiding {referral.pk}: gestart"
    _assert_anonymous(message)


@pytest.mark.parametrize(
    "value", ["elief.example.org", "ftp://elief.example.org", "https://", "https://a.b/pad"]
)
def test_a_bad_site_url_stops_start_up(monkeypatch, value):
    monkeypatch.setenv("SITE_URL", value)
    with pytest.raises(ImproperlyConfigured, match="SITE_URL"):
        env_site_url("SITE_URL", "http://127.0.0.1:8000")


def test_the_site_url_loses_its_trailing_slash(monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://elief.example.org/")
    assert env_site_url("SITE_URL", "x") == "https://elief.example.org"
