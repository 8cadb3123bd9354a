"""Celery tasks of the subsidies app: thin shells around the services."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from subsidies import services


@shared_task(
    autoretry_for=(DatabaseError, OSError),
    retry_backoff=60,  # 1, 2, 4, … minutes: a database restarting at night gets time
    # Below the broker's visibility timeout, or a retry waiting would be handed out twice.
    retry_backoff_max=settings.CELERY_VISIBILITY_TIMEOUT_S // 2,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
)
def nightly(day: str | None = None) -> dict:
    """The nightly figures: the previous day (and any missed one) of every site, or `day`."""
    return services.nightly_run(day=dt.date.fromisoformat(day) if day else None).as_dict()
