"""The nightly task through Celery and Redis, on a real worker in a thread.

CI runs the suite once with REDIS_URL set and once without: without Redis there is no
broker to send the task through, so the test is skipped and says why.
"""

import datetime as dt
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from elief.celery import app
from subsidies import tasks
from subsidies.models import DaySnapshot, SchemeDaySnapshot
from tests.factories import (
    BookingFactory,
    GroupFactory,
    PlaceAssignmentFactory,
    SchemeFactory,
    SchemeRateFactory,
    SiteFactory,
)

pytestmark = [
    pytest.mark.skipif(
        not settings.REDIS_URL,
        reason="REDIS_URL is unset: the nightly task on a real worker needs a Redis broker",
    ),
    # The worker thread reads the data through its own connection: it must be committed.
    pytest.mark.django_db(transaction=True),
]

DAY = dt.date(2026, 3, 12)


def _rows() -> list:
    return sorted(
        [*DaySnapshot.objects.values_list(), *SchemeDaySnapshot.objects.values_list()], key=repr
    )


def test_the_nightly_task_runs_on_a_worker_and_twice_leaves_the_same_rows():
    site = SiteFactory(name="Elief")
    group = GroupFactory(site=site, name="Vlinders", regular_places=8, occasional_places=6)
    scheme = SchemeFactory(site=site, name="Trap 3")
    SchemeRateFactory(scheme=scheme, rate_eur=Decimal("30.50"))
    PlaceAssignmentFactory(scheme=scheme, group=group, places=6)
    for outcome in ("present", "present", "no_show"):
        BookingFactory(group=group, date=DAY, outcome=outcome)

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        first = tasks.nightly.delay(DAY.isoformat()).get(timeout=60)
        rows = _rows()
        second = tasks.nightly.delay(DAY.isoformat()).get(timeout=60)

    assert first["rows"] == second["rows"] == 1
    snapshot = DaySnapshot.objects.get()
    assert (snapshot.group, snapshot.date, snapshot.prestaties) == (group, DAY, 2)
    assert snapshot.lost_eur == Decimal("122.00")  # 4 empty places × € 30.50
    assert _rows() == rows
