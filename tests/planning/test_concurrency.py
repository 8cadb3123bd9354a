"""Two coordinators booking the last place at once, in parallel transactions.

Only PostgreSQL runs transactions in parallel (SQLite serialises every writer), so this
test runs in CI's PostgreSQL pass and says why it is skipped on the SQLite pass.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from planning import services
from planning.models import Booking
from tests.factories import ChildFactory, FamilyFactory, GroupFactory, SiteFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="parallel transactions need PostgreSQL (DATABASE_URL=postgres://…)",
    ),
]

DAY = dt.date(2026, 12, 10)
AFTER_RELEASE = dt.datetime(2026, 12, 9, 12, tzinfo=dt.UTC)


def test_the_second_booking_waits_for_the_first_and_is_refused():
    site = SiteFactory(name="Elief")
    group = GroupFactory(
        site=site, capacity=2, regular_places=0, occasional_places=2, urgent_reserve=0
    )
    first, second, third = (ChildFactory(family=FamilyFactory(site=site)) for _ in range(3))
    services.booking_create(
        origin="manual",
        child=first,
        group=group,
        day=DAY,
        start=dt.time(8),
        end=dt.time(16),
        place_type="occasional",
        user=None,
        now=AFTER_RELEASE,
    )

    booked, release, second_done = threading.Event(), threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def book(child, key):
        try:
            booking = services.booking_create(
                origin="manual",
                child=child,
                group=group,
                day=DAY,
                start=dt.time(8),
                end=dt.time(16),
                place_type="occasional",
                user=None,
                now=AFTER_RELEASE,
            )
            outcome[key] = booking
        except services.BookingRefused as refusal:
            outcome[key] = refusal

    def coordinator_a():
        try:
            with transaction.atomic():
                book(second, "a")
                booked.set()
                release.wait(10)  # still holding the group's lock, not yet committed
        finally:
            connection.close()

    def coordinator_b():
        try:
            booked.wait(10)
            book(third, "b")
            second_done.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=coordinator_a), threading.Thread(target=coordinator_b)]
    for thread in threads:
        thread.start()
    assert booked.wait(10)
    # B cannot decide while A's booking is uncommitted: it waits on the group's row lock.
    assert not second_done.wait(1.0)
    release.set()
    for thread in threads:
        thread.join(20)

    assert isinstance(outcome["a"], Booking)
    # With A's booking committed: 0.9 × 0.9 × 0.9 = 72.9 % > 5 %, so B is refused.
    assert isinstance(outcome["b"], services.BookingRefused)
    assert outcome["b"].risk_pct == pytest.approx(72.9)
    assert Booking.objects.filter(group=group, date=DAY).count() == 2
