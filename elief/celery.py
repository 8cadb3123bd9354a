"""The Celery app: broker and schedule come from the Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elief.settings")

app = Celery("elief")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
