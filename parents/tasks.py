"""Celery tasks of the parents' app: thin shells around the services."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from parents import services


@shared_task
def reminders_send() -> int:
    """Remind the families of tomorrow's bookings (each booking once)."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return services.reminders_send(day=tomorrow, base_url=settings.SITE_URL)
