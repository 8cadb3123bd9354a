"""Unsettled days in the stored figures: the nightly job counts them, the board's report
calls its figures provisional, and settling a day updates the report at once."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse

from elief.models import Role
from planning import attendance
from subsidies import services
from subsidies.models import DaySnapshot
from tests.factories import BookingFactory, GroupFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 12)  # a Thursday gone by
MONTH = "?maand=2026-03"


@pytest.fixture
def group(site):
    return GroupFactory(site=site, name="Vlinders", capacity=14)


@pytest.fixture
def forgotten(group):
    """One child checked out, one never checked in nor marked absent."""
    BookingFactory(group=group, date=DAY, outcome="present")
    return BookingFactory(group=group, date=DAY, outcome="planned")


def test_the_nightly_job_counts_unsettled_days_per_site(site, group, forgotten):
    BookingFactory(group=group, date=DAY - dt.timedelta(days=1), outcome="present")
    result = services.nightly_run(today=DAY + dt.timedelta(days=1))
    assert result.sites[0]["unsettled_days"] == 1
    snapshot = DaySnapshot.objects.get(group=group, date=DAY)
    assert snapshot.unsettled_bookings == 1
    assert (
        DaySnapshot.objects.get(group=group, date=DAY - dt.timedelta(days=1)).unsettled_bookings
        == 0
    )


def test_the_report_is_provisional_until_the_day_is_settled(
    client, site, group, forgotten, django_capture_on_commit_callbacks
):
    services.nightly_run(day=DAY)
    client.force_login(UserFactory(role=Role.BOARD))
    url = reverse("subsidies:report_site", args=[site.pk]) + MONTH
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert 'data-unsettled-days="1"' in page
    assert 'data-metric="prestaties">1,0<' in page

    coordinator = UserFactory(role=Role.COORDINATOR, sites=[site])
    with django_capture_on_commit_callbacks(execute=True):
        attendance.booking_settle(
            booking=forgotten, version=forgotten.version, user=coordinator, outcome="present"
        )
    page = client.get(url).content.decode()
    assert "data-unsettled-days" not in page
    assert 'data-metric="prestaties">2,0<' in page
