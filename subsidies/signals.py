"""Keep the stored figures in step with attendance recorded after the day."""

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from planning.events import past_attendance_changed
from planning.models import Booking
from subsidies.services import snapshots_store


@receiver(past_attendance_changed, dispatch_uid="subsidies_past_attendance_changed")
def past_attendance_to_snapshots(sender, booking: Booking, **kwargs) -> None:
    # A day settled or corrected after the nightly run: the board's figures of that day
    # follow at once instead of waiting for a night that may no longer recompute it.
    if booking.date >= timezone.localdate():
        return
    site, day = booking.group.site, booking.date
    transaction.on_commit(lambda: snapshots_store(site=site, start=day, end=day))
