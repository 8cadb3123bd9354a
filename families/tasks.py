"""Celery tasks of the families app: thin shells around the services."""

from celery import shared_task
from django.utils import timezone

from families import services


@shared_task
def retention_erase() -> list[int]:
    """Erase the families whose site's retention period after they left has ended."""
    return services.retention_erase(today=timezone.localdate())
