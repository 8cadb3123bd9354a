"""The Celery beat entry of the subsidies app, to merge into CELERY_BEAT_SCHEDULE.

Importable from the settings module: it needs no Django set-up, and reads NIGHTLY_HOUR
from the environment the way the settings do (elief.env). The settings may as well call
`beat_schedule(NIGHTLY_HOUR)` with their own value.
"""

from celery.schedules import crontab

from elief.env import env_int


def beat_schedule(hour: int) -> dict:
    return {
        "subsidies-nightly": {
            # The previous day's figures, and any day a missed night left out.
            "task": "subsidies.tasks.nightly",
            "schedule": crontab(hour=hour, minute=0),  # local time: CELERY_TIMEZONE
        },
    }


BEAT_SCHEDULE = beat_schedule(env_int("NIGHTLY_HOUR", 2, maximum=23))
