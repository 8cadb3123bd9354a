"""The family export (a parent's access request) holds everything Elief keeps about
the family, bookings, waiting list, referrals and access log included."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from elief.models import Role
from planning.models import WaitingListEntry
from referrals.models import ReferralStep
from tests.factories import (
    AbsenceCodeFactory,
    BookingFactory,
    CarePlanFactory,
    ChildFactory,
    ContactPersonFactory,
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
    return UserFactory(role=Role.COORDINATOR, sites=[site], first_name="Sara", last_name="Claes")


def _family(site, *, children: int = 1, bookings: int = 2):
    family = FamilyFactory(site=site, reference="G-001")
    GuardianFactory(family=family, first_name="Samira", last_name="Benali")
    group = GroupFactory(site=site, name="Vlinders")
    sick = AbsenceCodeFactory(site=site, code="ziek")
    for index in range(children):
        child = ChildFactory(family=family, first_name=f"Kind{index}")
        CarePlanFactory(child=child)
        for day in range(bookings):
            BookingFactory(
                group=group,
                child=child,
                date=dt.date(2026, 3, 2) + dt.timedelta(days=day),
                outcome="present" if day % 2 == 0 else "excused",
                absence_code=None if day % 2 == 0 else sick,
                arrived=dt.time(8, 40) if day % 2 == 0 else None,
                left=dt.time(15, 55) if day % 2 == 0 else None,
            )
        WaitingListEntry.objects.create(
            child=child, site=site, wished_start=dt.date(2026, 4, 1), note="liefst dinsdag"
        )
        referral = ReferralFactory(
            site=site,
            family=family,
            child=child,
            notes="via de trajectbegeleider",
            contact=ContactPersonFactory(),
        )
        ReferralStep.objects.create(
            referral=referral, status="intake_planned", date=dt.date(2026, 3, 4), note="intake"
        )
    return family


def test_the_export_holds_bookings_waiting_list_referrals_and_access_log(client, site, coordinator):
    family = _family(site)
    client.force_login(coordinator)
    client.get(reverse("families:family_detail", args=[family.pk]))
    data = json.loads(client.get(reverse("families:family_export", args=[family.pk])).content)

    child = data["children"][0]
    assert child["bookings"] == [
        {
            "date": "2026-03-02",
            "group": "Vlinders",
            "start": "08:30",
            "end": "16:30",
            "place_type": "occasional",
            "settling_in": False,
            "outcome": "present",
            "arrived": "08:40",
            "left": "15:55",
            "absence_code": None,
            "override_reason": "",
        },
        {
            "date": "2026-03-03",
            "group": "Vlinders",
            "start": "08:30",
            "end": "16:30",
            "place_type": "occasional",
            "settling_in": False,
            "outcome": "excused",
            "arrived": None,
            "left": None,
            "absence_code": "ziek",
            "override_reason": "",
        },
    ]
    assert child["waiting_list"][0]["note"] == "liefst dinsdag"
    assert child["waiting_list"][0]["wished_start"] == "2026-04-01"
    referral = data["referrals"][0]
    assert referral["notes"] == "via de trajectbegeleider"
    assert [step["status"] for step in referral["steps"]] == ["received", "intake_planned"]
    assert [(a["what"], a["by"]) for a in data["access_log"]] == [("view", "Sara Claes")]
    assert data["access_log"][0]["page"] == reverse("families:family_detail", args=[family.pk])


@pytest.mark.parametrize(("children", "bookings"), [(1, 2), (4, 6)])
def test_the_export_needs_a_fixed_number_of_queries(
    client, site, coordinator, children, bookings, django_assert_num_queries
):
    family = _family(site, children=children, bookings=bookings)
    client.force_login(coordinator)
    # Session, user, the family; family, guardians, criteria, children, care plans,
    # their days and changes, settling-in, bookings, groups, absence codes, waiting
    # list, referrals with site, organisation, contact and steps, accesses; the new row.
    with django_assert_num_queries(22):
        response = client.get(reverse("families:family_export", args=[family.pk]))
    data = json.loads(response.content)
    assert len(data["children"]) == children
    assert sum(len(child["bookings"]) for child in data["children"]) == children * bookings
    assert len(data["referrals"]) == children
