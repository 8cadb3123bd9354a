"""Timing of the parents' evening job: the reminders of tomorrow's bookings.

`seed()` and `run()` expect Django set up on a throw-away database (benchmarks/__main__.py
creates the test database, and drops it afterwards).

- reminders_s: the evening task for 20 sites of 60 bookings each, the families reached by
  e-mail, by text message, by both or not at all (the coordinator phones those);
- reminders_queries: the queries of that one run, which grow with the sites, not with
  the bookings.
"""

import datetime as dt
import hashlib
import statistics
import time

SITES = 20
BOOKINGS_PER_SITE = 60
ROUNDS = 3
# Guardian's e-mail and phone by family, in turn: e-mail, phone, both, neither.
CHANNELS = (("mail", ""), ("", "phone"), ("mail", "phone"), ("", ""))
LANGUAGES = ("Nederlands", "Arabisch; Nederlands", "Frans", "Turks")


def seed(tomorrow: dt.date) -> list:
    """20 sites, each with 60 families of one child booked `tomorrow`, a live parent link
    per family and one guardian whose channels go round CHANNELS."""
    from django.utils import timezone

    from elief.models import Site
    from families.models import Child, Family, Guardian
    from parents.models import ParentLink
    from planning.models import Booking, Group

    Site.objects.bulk_create(
        Site(name=f"Herinnering vestiging {n:02d}", licensed_places=60) for n in range(SITES)
    )
    sites = list(Site.objects.filter(name__startswith="Herinnering vestiging ").order_by("name"))
    Group.objects.bulk_create(Group(site=site, name="Vlinders", capacity=60) for site in sites)
    groups = {group.site_id: group for group in Group.objects.filter(site__in=sites)}
    Family.objects.bulk_create(
        Family(site=site, reference=f"H{site.pk}-{n}")
        for site in sites
        for n in range(BOOKINGS_PER_SITE)
    )
    families = list(Family.objects.filter(site__in=sites).order_by("pk"))
    Guardian.objects.bulk_create(
        Guardian(
            family=family,
            first_name="Ouder",
            last_name=family.reference,
            email=f"{family.reference.lower()}@example.org" if CHANNELS[n % 4][0] else "",
            phone=f"+3247{family.pk:07d}" if CHANNELS[n % 4][1] else "",
            home_languages=LANGUAGES[n % len(LANGUAGES)],
        )
        for n, family in enumerate(families)
    )
    now = timezone.now()
    ParentLink.objects.bulk_create(
        ParentLink(
            family=family,
            token_hash=hashlib.sha256(family.reference.encode()).hexdigest(),
            created_at=now,
            expires_at=now + dt.timedelta(days=365),
        )
        for family in families
    )
    Child.objects.bulk_create(
        Child(
            family=family,
            first_name="Kind",
            last_name=family.reference,
            birth_date=tomorrow - dt.timedelta(days=700),
        )
        for family in families
    )
    Booking.objects.bulk_create(
        Booking(
            child=child,
            group=groups[child.family.site_id],
            date=tomorrow,
            start=dt.time(8, 30),
            end=dt.time(16, 30) if child.pk % 3 else dt.time(12),
            place_type="occasional",
        )
        for child in Child.objects.filter(family__in=families).select_related("family")
    )
    return sites


def run(sites: list) -> dict[str, float]:
    """The evening task over the seeded `sites`, run afresh each round."""
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from parents import sms, tasks
    from parents.models import ParentReminder
    from planning.models import Booking

    # Nothing leaves the machine: mail and text messages stay in memory.
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.SMS_BACKEND = "parents.sms.MemoryBackend"
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    # Tomorrow's bookings of the other benchmarks' sites count as reminded already, so the
    # job sees the 20 sites alone.
    ParentReminder.objects.bulk_create(
        ParentReminder(booking=booking)
        for booking in Booking.objects.filter(date=tomorrow, parent_reminder=None).exclude(
            group__site__in=sites
        )
    )
    expected = len(sites) * BOOKINGS_PER_SITE
    timings = []
    queries = 0
    for _ in range(ROUNDS):
        ParentReminder.objects.filter(booking__group__site__in=sites).delete()
        sms.outbox.clear()
        reset_queries()  # the log keeps 9000 queries: start each count empty
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            handled = tasks.reminders_send()
        timings.append(time.perf_counter() - start)
        queries = len(captured.captured_queries)
        assert handled == expected, f"{handled} bookings reminded, not {expected}"
    return {"reminders_s": statistics.median(timings), "reminders_queries": queries}


def bench() -> None:
    """Seed, run and print `name value` lines: what `make bench` calls, last of all (the
    sites it seeds would otherwise weigh on the other benchmarks' figures)."""
    from django.utils import timezone

    sites = seed(timezone.localdate() + dt.timedelta(days=1))
    results = run(sites)
    print(f"reminders_s {results['reminders_s']:.3f}")
    print(f"reminders_queries {results['reminders_queries']}")


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elief.settings")
    import django

    django.setup()
    from django.db import connection

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        bench()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
