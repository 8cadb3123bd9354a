"""Celery tasks of the planning app: thin shells around the services."""

from celery import shared_task

from planning import regular


@shared_task
def regular_bookings_extend() -> int:
    """Generate the planned bookings of every regular care plan up to four weeks ahead."""
    return regular.regular_bookings_extend()
