import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elief.settings")
application = get_wsgi_application()

# Warm the holidays' cache before the first request instead of during it.
from elief import calendar  # noqa: E402

calendar.holidays_warm()
