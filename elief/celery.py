"""The Celery app: broker and schedule come from the Django settings (CELERY_*)."""

import os
import re

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elief.settings")

app = Celery("elief")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

STATEMENT_TIMEOUT = re.compile(r"-c statement_timeout=\d+")


@app.on_after_configure.connect
def _make_embedded_folders(sender: Celery, **kwargs) -> None:
    # The file-system broker and result store expect their folders to exist.
    folders = [
        sender.conf.broker_transport_options.get(key)
        for key in ("data_folder_in", "data_folder_out", "control_folder")
    ]
    backend = sender.conf.result_backend or ""
    if backend.startswith("file://"):
        folders.append(backend.removeprefix("file://"))
    for folder in filter(None, folders):
        os.makedirs(folder, exist_ok=True)


def statement_timeout_use(milliseconds: int) -> None:
    """Give this process's PostgreSQL connections another statement_timeout.

    Connections already open are closed, so the next query opens one with the new limit.
    """
    from django.db import connections

    for connection in connections.all():
        if connection.vendor != "postgresql":
            continue
        options = connection.settings_dict.setdefault("OPTIONS", {})
        rest = STATEMENT_TIMEOUT.sub("", options.get("options", "")).strip()
        options["options"] = f"{rest} -c statement_timeout={milliseconds}".strip()
        connection.close()


@worker_init.connect
def worker_statement_timeout(**kwargs) -> None:
    # The web's limit fits a page; the nightly work may go through a year of bookings.
    # Set before the pool forks, so every worker process inherits it.
    from django.conf import settings

    statement_timeout_use(settings.DB_WORKER_STATEMENT_TIMEOUT_MS)


@worker_init.connect
def worker_holidays_warm(**kwargs) -> None:
    # Before the pool forks too: no task pays the seconds of the first holidays call.
    from elief import calendar

    calendar.holidays_warm()
