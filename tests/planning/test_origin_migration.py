"""The migration that gives existing bookings their origin reads their traces."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from planning.models import Booking, BookingChange
from tests.factories import CarePlanFactory, ChildFactory, FamilyFactory, GroupFactory, UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "planning.migrations.0004_booking_origin_filled_for_existing_bookings"
)


def test_existing_bookings_get_the_origin_their_traces_tell(site):
    group = GroupFactory(site=site)
    user = UserFactory()

    def booking(day: int, **fields) -> Booking:
        child = ChildFactory(family=FamilyFactory(site=site))
        return Booking.objects.create(
            child=child, group=group, date=dt.date(2026, 11, day), start=dt.time(9),
            end=dt.time(12), place_type="occasional", **fields,
        )  # fmt: skip

    of_plan = booking(23)
    Booking.objects.filter(pk=of_plan.pk).update(care_plan=CarePlanFactory(child=of_plan.child))
    changed_by_import = booking(24, created_by=user)
    BookingChange.objects.create(booking=changed_by_import, action="imported")
    imported = booking(25)  # no creator and no history: only the import leaves that
    by_hand = booking(26, created_by=user)
    BookingChange.objects.create(booking=by_hand, user=user, action="created")

    migration.fill_origins(apps, None)

    origins = dict(Booking.objects.values_list("pk", "origin"))
    assert origins == {
        of_plan.pk: "care_plan",
        changed_by_import.pk: "import",
        imported.pk: "import",
        by_hand.pk: "manual",
    }
