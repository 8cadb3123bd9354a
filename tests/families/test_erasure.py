"""Erasing a family that left, by hand and by the nightly retention: nothing that names
the family survives anywhere in the database, and the report figures stay."""

import datetime as dt
from http import HTTPStatus
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone

from elief.celery import app as celery_app
from elief.models import Role
from families import services, tasks
from families.models import CarePlanChange, Family, FamilyAccess, Guardian
from planning.models import Booking, BookingChange, WaitingListEntry
from referrals.models import Referral, ReferralStep
from tests.factories import (
    BookingFactory,
    CarePlanFactory,
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    GuardianFactory,
    ReferralFactory,
    SiteFactory,
    SiteSettingsFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# Values that occur nowhere else, so a database dump can be searched for them.
SECRETS = [
    "Zwanenburgh",
    "Philippa",
    "Quirijn",
    "Hortensia",
    "0499 77 31 42",
    "philippa@zwaan.test",
    "2024-07-23",
    "kiwi-allergie",
    "Oudermansstraat",
    "Bartholomeus",
    "Wilhelmina",
    "0488 11 22 33",
    "2023-11-19",
    "Crisisopvang",
    "Belt-terug",
    "Gravenzande",
]


@pytest.fixture
def site():
    return SiteFactory(name="Elief")


@pytest.fixture
def coordinator(site):
    return UserFactory(role=Role.COORDINATOR, sites=[site])


def _family_with_everything(site, coordinator, *, suffix: str) -> Family:
    """A family with a trace of its name in every place that can hold one."""
    family = FamilyFactory(
        site=site,
        reference=f"Zwanenburgh-{suffix}",
        neighbourhood="Oudermansstraat",
        consent_scope="Philippa stemt in",
        low_income=True,
        single_parent=True,
        left_on=timezone.localdate() - dt.timedelta(days=1),
    )
    guardian = GuardianFactory(
        family=family,
        first_name="Philippa",
        last_name="Zwanenburgh",
        phone="0499 77 31 42",
        email="philippa@zwaan.test",
    )
    child = ChildFactory(
        family=family,
        first_name="Quirijn",
        last_name="Zwanenburgh",
        birth_date=dt.date(2024, 7, 23),
        kindcode=f"KG-Zwanenburgh-{suffix}",
        allergies="kiwi-allergie",
        diet="geen varken, Philippa brengt zelf",
        pickup_persons="oma Hortensia Zwanenburgh",
        staff_notes="Quirijn slaapt met knuffel",
    )
    plan = CarePlanFactory(child=child, start=timezone.localdate() - dt.timedelta(days=200))
    CarePlanChange.objects.create(
        plan=plan,
        requested_on=timezone.localdate() - dt.timedelta(days=100),
        requested_by="Philippa Zwanenburgh",
        before={},
        after={},
        summary="maandag erbij",
        note="Philippa begint te werken",
        decision="accepted",
        decided_by=coordinator,
    )
    child.settling_in_sessions.create(
        date=timezone.localdate() - dt.timedelta(days=190), start=dt.time(9), end=dt.time(10)
    )
    group = GroupFactory(site=site, name=f"Vlinders {suffix}")
    booking = BookingFactory(
        group=group,
        child=child,
        date=timezone.localdate() - dt.timedelta(days=30),
        outcome="present",
        override_reason="Crisisopvang voor Philippa Zwanenburgh",
    )
    BookingChange.objects.create(
        booking=booking,
        user=coordinator,
        action="create",
        before=None,
        after={"date": booking.date.isoformat(), "override_reason": booking.override_reason},
    )
    WaitingListEntry.objects.create(
        child=child,
        site=site,
        wished_start=timezone.localdate() - dt.timedelta(days=250),
        note="Belt-terug: mama Philippa Zwanenburgh",
    )
    referral = ReferralFactory(
        site=site,
        parent_first_name="Philippa",
        parent_last_name="Zwanenburgh",
        parent_phone="0499 77 31 42",
        parent_email="philippa@zwaan.test",
        home_languages="Nederlands; Gravenzande-dialect",
        child_first_name="Quirijn",
        child_last_name="Zwanenburgh",
        child_birth_date=dt.date(2024, 7, 23),
        notes="Philippa woont bij Hortensia",
        family=family,
        child=child,
        status="declined",
        decline_reason="Philippa verhuist",
        closed_on=timezone.localdate() - dt.timedelta(days=240),
    )
    ReferralStep.objects.create(
        referral=referral,
        status="declined",
        date=referral.received_date,
        note="Belt-terug Philippa",
    )
    # A second referral for the same family, about a sibling, matched to the family only.
    ReferralFactory(
        site=site,
        parent_first_name="Bartholomeus",
        parent_last_name="Zwanenburgh",
        parent_phone="0488 11 22 33",
        child_first_name="Wilhelmina",
        child_last_name="Zwanenburgh",
        child_birth_date=dt.date(2023, 11, 19),
        family=family,
    )
    LogEntry.objects.create(
        user=coordinator,
        content_type=ContentType.objects.get_for_model(Guardian),
        object_id=str(guardian.pk),
        object_repr=str(guardian),
        action_flag=CHANGE,
        change_message="Philippa Zwanenburgh",
    )
    services.family_access_record(user=coordinator, family_ids=[family.pk], page="/gezinnen/")
    return family


def _dump() -> str:
    buffer = StringIO()
    call_command("dumpdata", stdout=buffer)
    return buffer.getvalue()


def test_a_dump_holds_nothing_of_two_erased_families(client, site, coordinator):
    families = [_family_with_everything(site, coordinator, suffix=s) for s in ("a", "b")]
    kept = FamilyFactory(site=site, reference="Van-Oosterwijck")
    GuardianFactory(family=kept, first_name="Ottoline", last_name="Van Oosterwijck")
    before = _dump()
    assert all(secret in before for secret in SECRETS)  # the test would see them
    client.force_login(coordinator)
    for family in families:
        response = client.post(reverse("families:family_erase", args=[family.pk]))
        assert response.status_code == HTTPStatus.FOUND

    dump = _dump()
    assert [secret for secret in SECRETS if secret in dump] == []
    assert "Ottoline" in dump and "Van-Oosterwijck" in dump  # only the erased ones go
    # What the reports count stays: the bookings with their outcome and times, the flag.
    assert Booking.objects.filter(outcome="present", child__family__in=families).count() == 2
    assert Family.objects.filter(pk__in=[f.pk for f in families], vulnerable=True).count() == 2
    assert Referral.objects.filter(status="declined", family__in=families).count() == 2
    assert set(Referral.objects.values_list("child_birth_date", flat=True)) == {
        dt.date(2024, 7, 1),
        dt.date(2023, 11, 1),
    }
    assert FamilyAccess.objects.filter(what="erase", user=coordinator).count() == 2


def test_referral_pages_show_no_names_after_erasure(client, site, coordinator):
    family = _family_with_everything(site, coordinator, suffix="a")
    services.family_erase(family=family, user=coordinator)
    referral = Referral.objects.filter(family=family).order_by("pk").first()
    client.force_login(coordinator)
    page = client.get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
    assert "Zwanenburgh" not in page and "Philippa" not in page
    client.force_login(UserFactory(role=Role.REFERRER, organisation=referral.organisation))
    portal = client.get(reverse("referrals:portal_detail", args=[referral.pk])).content.decode()
    assert "Zwanenburgh" not in portal and "Philippa" not in portal
    assert "Zwanenburgh" not in client.get(reverse("referrals:portal")).content.decode()


def test_a_family_leaving_in_the_future_is_not_erased(client, site, coordinator):
    family = _family_with_everything(site, coordinator, suffix="a")
    family.left_on = dt.date(2099, 1, 1)
    family.save()
    client.force_login(coordinator)
    detail = client.get(reverse("families:family_detail", args=[family.pk])).content.decode()
    assert reverse("families:family_erase", args=[family.pk]) not in detail
    response = client.post(reverse("families:family_erase", args=[family.pk]))
    assert "Dit gezin vertrekt op 01-01-2099" in response.content.decode()
    family.refresh_from_db()
    assert family.erased_at is None and family.guardians.exists()


def test_a_family_leaving_today_can_be_erased(site, coordinator):
    family = FamilyFactory(site=site, left_on=timezone.localdate())
    services.family_erase(family=family, user=coordinator, today=timezone.localdate())
    assert Family.objects.get(pk=family.pk).is_erased


def test_an_erased_family_is_not_erased_twice(site, coordinator):
    family = FamilyFactory(site=site, left_on=timezone.localdate())
    services.family_erase(family=family, user=coordinator)
    with pytest.raises(ValidationError):
        services.family_erase(family=family, user=coordinator)
    assert FamilyAccess.objects.filter(what="erase").count() == 1


def test_erasure_is_one_transaction(site, coordinator, monkeypatch):
    family = _family_with_everything(site, coordinator, suffix="a")

    def fail(**kwargs):
        raise RuntimeError("the referrals could not be erased")

    monkeypatch.setattr("referrals.services.family_referrals_erase", fail)
    with pytest.raises(RuntimeError):
        services.family_erase(family=family, user=coordinator)
    family.refresh_from_db()
    assert family.erased_at is None and family.reference == "Zwanenburgh-a"
    assert family.guardians.get().last_name == "Zwanenburgh"
    assert Booking.objects.get().override_reason.startswith("Crisisopvang")


# The nightly retention


def test_the_retention_task_erases_families_that_left_long_enough_ago(site, coordinator):
    other = SiteFactory(name="Elief Noord", settings=None)
    SiteSettingsFactory(site=other, retention_months=6)
    long_gone = FamilyFactory(
        site=site, left_on=timezone.localdate() - dt.timedelta(days=24 * 31 + 1)
    )
    recent = FamilyFactory(site=site, left_on=timezone.localdate() - dt.timedelta(days=23 * 31))
    staying = FamilyFactory(site=site, left_on=None)
    leaving = FamilyFactory(site=site, left_on=dt.date(2099, 1, 1))
    short_period = FamilyFactory(
        site=other, left_on=timezone.localdate() - dt.timedelta(days=7 * 31)
    )
    GuardianFactory(family=long_gone, last_name="Zwanenburgh")

    erased = tasks.retention_erase()

    assert sorted(erased) == sorted([long_gone.pk, short_period.pk])
    assert set(Family.objects.filter(erased_at__isnull=False)) == {long_gone, short_period}
    assert {recent, staying, leaving}.isdisjoint(Family.objects.filter(erased_at__isnull=False))
    assert not Guardian.objects.filter(last_name="Zwanenburgh").exists()
    access = FamilyAccess.objects.get(family=long_gone)
    assert (access.what, access.user) == ("erase", None)
    assert tasks.retention_erase() == []  # running it again changes nothing


def test_the_retention_runs_every_night():
    entry = next(
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "families.tasks.retention_erase"
    )
    assert entry["schedule"].hour == {settings.NIGHTLY_HOUR}
    assert "families.tasks.retention_erase" in celery_app.tasks


def test_the_privacy_page_lists_what_is_erased_in_the_next_month(client, site, coordinator):
    due_tonight = FamilyFactory(
        site=site,
        reference="G-due",
        left_on=timezone.localdate().replace(year=timezone.localdate().year - 3),
    )
    due_soon_day = timezone.localdate() + dt.timedelta(days=20)
    due_soon = FamilyFactory(
        site=site, reference="G-soon", left_on=due_soon_day.replace(year=due_soon_day.year - 2)
    )
    later = FamilyFactory(
        site=site, reference="G-later", left_on=timezone.localdate() - dt.timedelta(days=30)
    )
    elsewhere = FamilyFactory(
        site=SiteFactory(name="Elief Noord"), reference="G-elsewhere", left_on=dt.date(2000, 1, 1)
    )
    client.force_login(coordinator)
    response = client.get(reverse("families:privacy"))
    body = response.content.decode()
    assert [row.family for row in response.context["due"]] == [due_tonight, due_soon]
    assert "vannacht" in body and formats.date_format(due_soon_day, "DATE_FORMAT") in body
    assert later.reference not in body and elsewhere.reference not in body
    assert "24 maanden na vertrek" in body


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD, Role.REFERRER])
def test_other_roles_get_no_privacy_page(client, site, role):
    client.force_login(UserFactory(role=role, sites=[site] if role == Role.STAFF else []))
    assert client.get(reverse("families:privacy")).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("families", [2, 9])
def test_the_privacy_page_needs_a_fixed_number_of_queries(
    client, site, coordinator, families, django_assert_num_queries
):
    for _index in range(families):
        FamilyFactory(
            site=site, left_on=timezone.localdate().replace(year=timezone.localdate().year - 3)
        )
    client.force_login(coordinator)
    # Session, user, the user's sites with their settings, the families with their settings.
    with django_assert_num_queries(6):
        response = client.get(reverse("families:privacy"))
    assert len(response.context["due"]) == families
