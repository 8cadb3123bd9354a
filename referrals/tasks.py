"""Celery tasks of the referrals app: thin shells around the services."""

from celery import shared_task
from django.conf import settings

from referrals import mail


@shared_task(
    autoretry_for=(OSError,),  # the mail relay down for a while
    retry_backoff=60,
    # Below the broker's visibility timeout, or a retry waiting would be handed out twice.
    retry_backoff_max=settings.CELERY_VISIBILITY_TIMEOUT_S // 2,
    max_retries=6,
)
def referral_step_mail(step_id: int) -> bool:
    """Mail the referrer that its referral reached the step `step_id`."""
    return mail.referral_step_mail(step_id=step_id)
