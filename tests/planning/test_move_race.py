"""A move to another group racing a cancel of the same booking, in parallel transactions.

The cancel waits on the booking's row lock while the move commits a new group. It must
then answer with a message (the page is stale) or succeed, never a server error. Only
PostgreSQL runs transactions in parallel, so this runs in CI's PostgreSQL pass.
"""

import datetime as dt
import threading
from http import HTTPStatus

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from elief.models import Role
from planning import services
from planning.models import Booking
from tests.factories import (
    BookingFactory,
    ChildFactory,
    FamilyFactory,
    GroupFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="parallel transactions need PostgreSQL (DATABASE_URL=postgres://…)",
    ),
]

ROUNDS = 50
FIRST_DAY = dt.date(2027, 1, 4)


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def _race(*, booking: Booking, to_group, coordinator) -> tuple[int, BaseException | None]:
    """Move `booking` in one transaction and, while it is uncommitted, cancel it over HTTP
    in another; the status of the cancel and what the move raised."""
    moved, done = threading.Event(), threading.Event()
    outcome: dict = {"move": None, "cancel": None}

    def move() -> None:
        try:
            with transaction.atomic():
                services.booking_move(
                    booking=booking,
                    version=booking.version,
                    user=coordinator,
                    group=to_group,
                    day=booking.date,
                    start=booking.start,
                    end=booking.end,
                    override_reason="a full group, on purpose",
                )
                moved.set()
                # Commit only once the cancel waits on the booking's row lock (bounded:
                # a cancel that never waits still runs, after the commit).
                for _attempt in range(500):
                    if _waiting_for_a_lock() or done.is_set():
                        break
                    threading.Event().wait(0.01)
        except BaseException as error:  # noqa: BLE001 - reported to the test
            outcome["move"] = error
            moved.set()
        finally:
            connection.close()

    def cancel() -> None:
        try:
            moved.wait(10)
            client = Client(raise_request_exception=False)
            client.force_login(coordinator)
            response = client.post(
                reverse("planning:booking_cancel", args=[booking.pk]),
                {"version": booking.version},
            )
            outcome["cancel"] = response.status_code
        finally:
            done.set()
            connection.close()

    threads = [threading.Thread(target=move), threading.Thread(target=cancel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcome["cancel"], outcome["move"]


def test_a_cancel_racing_a_move_to_another_group_never_fails():
    site = SiteFactory(name="Elief")
    here = GroupFactory(site=site, name="Vlinders", capacity=18, urgent_reserve=0)
    there = GroupFactory(site=site, name="Rupsen", capacity=18, urgent_reserve=0)
    coordinator = UserFactory(role=Role.COORDINATOR, sites=[site])
    days = site.open_days(FIRST_DAY, FIRST_DAY + dt.timedelta(days=120))[:ROUNDS]
    statuses, move_errors = [], []
    for day in days:
        child = ChildFactory(family=FamilyFactory(site=site))
        booking = BookingFactory(group=here, child=child, date=day)
        status, error = _race(booking=booking, to_group=there, coordinator=coordinator)
        statuses.append(status)
        if error is not None:
            move_errors.append(error)

    assert len(statuses) == ROUNDS
    assert not move_errors
    server_errors = [status for status in statuses if status >= HTTPStatus.INTERNAL_SERVER_ERROR]
    assert server_errors == []
    # The cancel came with the version before the move: refused with a message, so
    # every booking was moved and none cancelled.
    assert set(statuses) == {HTTPStatus.FOUND}
    assert Booking.objects.filter(group=there, outcome="planned").count() == ROUNDS
