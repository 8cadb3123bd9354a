"""Demo data of the core: the site Elief, its closing days and one user per role."""

import datetime as dt

from django.utils import timezone

from elief.models import ClosingDay, Organisation, Role, Site, SiteSettings, User

DEMO_PASSWORD = "elief-demo"

DEMO_USERS = [
    ("coordinator", "Sara", "Peeters", Role.COORDINATOR),
    ("begeleider", "Fatima", "El Amrani", Role.STAFF),
    ("bestuur", "Jan", "De Smet", Role.BOARD),
    ("toeleider", "Nadia", "Vermeulen", Role.REFERRER),
    ("admin", "Tom", "Janssens", Role.ADMIN),
]


def seed(state: dict) -> None:
    today = timezone.localdate()
    site = Site.objects.create(name="Elief", licensed_places=45)
    SiteSettings.objects.create(site=site, valid_from=dt.date(today.year, 1, 1))
    for year in (today.year, today.year + 1):
        for day in (24, 26, 27, 28, 29, 30, 31):
            # 25 December is a public holiday already; the rest is the Christmas closure.
            date = dt.date(year, 12, day)
            if date.isoweekday() <= 5:
                ClosingDay.objects.create(site=site, date=date, reason="Kerstsluiting")
    ClosingDay.objects.get_or_create(
        site=site,
        date=_next_weekday(today + dt.timedelta(days=45)),
        defaults={"reason": "Pedagogische studiedag"},
    )
    vdab = Organisation.objects.create(name="VDAB")
    for name in ("OCMW Antwerpen", "Kind en Gezin", "Huis van het Kind", "CAW Antwerpen", "Atlas"):
        Organisation.objects.create(name=name)

    for username, first_name, last_name, role in DEMO_USERS:
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@elief.test",
            role=role,
            organisation=vdab if role == Role.REFERRER else None,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role in (Role.COORDINATOR, Role.STAFF):
            user.sites.add(site)
    state["site"] = site


def summary(state: dict) -> str:
    organisations = Organisation.objects.count()
    return (
        f"site {state['site'].name}, {len(DEMO_USERS)} users, {organisations} partner organisations"
    )


def _next_weekday(day: dt.date) -> dt.date:
    while day.isoweekday() > 5:
        day += dt.timedelta(days=1)
    return day
