"""Demo data of the referrals app: contact persons at the partner organisations and six
months of referrals in every status.

Runs after families.demo and planning.demo. The referred families of the demo that
started care in the last six months get their referral, "started", with the first care
day they really had (their first booking, or their care plan's start before the booked
weeks); the others are families still in the pipeline (received, intake planned,
waiting) or that did not come (declined, withdrawn), some past their deadline. The
demo referrer ("toeleider", VDAB) sent part of VDAB's. Fixed seed; dates move with today.
All names are invented.
"""

import datetime as dt
import random
from collections import defaultdict

from django.db.models import prefetch_related_objects
from django.utils import timezone

from elief.models import Organisation, Role, Site, User
from families.demo_people import ORIGINS
from families.models import Child, Family, Guardian
from referrals import rules
from referrals.models import ContactPerson, Reason, Referral, ReferralStep

SEED = 2026
HISTORY_DAYS = 182  # six months

CONTACTS = {
    "VDAB": [
        ("Nadia Vermeulen", "trajectbegeleider", "03 202 17 40"),
        ("Koen Maes", "jobcoach", "03 202 17 52"),
    ],
    "OCMW Antwerpen": [
        ("Leen Wouters", "maatschappelijk werker", "03 338 45 10"),
        ("Yusuf Kaya", "maatschappelijk werker", "03 338 45 22"),
    ],
    "Kind en Gezin": [("Ann Jacobs", "regioverpleegkundige", "078 15 01 00")],
    "Huis van het Kind": [
        ("Sarah De Wilde", "gezinsondersteuner", "03 292 66 30"),
        ("Hilde Peeters", "onthaal", "03 292 66 31"),
    ],
    "CAW Antwerpen": [("Tom Hermans", "hulpverlener crisisopvang", "03 213 20 10")],
    "Atlas": [("Mieke Claes", "trajectbegeleider inburgering", "03 270 33 00")],
}
REASONS = {
    "VDAB": [Reason.TRAINING, Reason.TRAINING, Reason.JOB_START, Reason.JOB_INTERVIEW],
    "OCMW Antwerpen": [Reason.JOB_START, Reason.SOCIAL_PEDAGOGICAL, Reason.RELIEF],
    "Kind en Gezin": [Reason.SOCIAL_PEDAGOGICAL, Reason.RELIEF],
    "Huis van het Kind": [Reason.SOCIAL_PEDAGOGICAL, Reason.RELIEF],
    "CAW Antwerpen": [Reason.CRISIS, Reason.CRISIS, Reason.RELIEF],
    "Atlas": [Reason.INTEGRATION_COURSE],
}
CONSENT_SCOPE = "intake en opvolging van de opvang"
TIMES = [("08:30", "16:30"), ("08:30", "12:00"), ("09:00", "15:00"), ("08:00", "16:00")]
NOTES = {
    Reason.TRAINING: "Opleiding van 4 maanden, lessen overdag.",
    Reason.JOB_START: "Start nieuwe job, eerste weken in opleiding.",
    Reason.JOB_INTERVIEW: "Sollicitatiegesprekken de komende weken.",
    Reason.INTEGRATION_COURSE: "Lessen Nederlands NT2 en maatschappelijke oriëntatie.",
    Reason.CRISIS: "Acute situatie thuis; opvang zo snel mogelijk.",
    Reason.RELIEF: "Mama is uitgeput; enkele dagen ademruimte per week.",
    Reason.SOCIAL_PEDAGOGICAL: "Kind heeft baat bij contact met andere kinderen.",
}
DECLINE_REASONS = [
    "Gezin woont buiten Antwerpen: doorverwezen naar opvang in de buurt.",
    "Gevraagde uren vallen buiten de openingsuren.",
    "Geen plaats op de gevraagde dagen; gezin wil niet wachten.",
]
WITHDRAW_NOTES = [
    "Mama vond opvang via de werkgever.",
    "Gezin verhuist naar Gent.",
    "Opleiding gaat niet door.",
]
WAITING_NOTES = ["Geen plaats op woensdag; opnieuw bekijken.", "Wacht op uurrooster van de job."]

# Referrals of families not (yet) in care: (status, how many, received days ago from, to).
PIPELINE = [
    (rules.RECEIVED, 4, 0, 9),
    (rules.RECEIVED, 2, 23, 35),  # overdue
    (rules.INTAKE_PLANNED, 4, 2, 14),
    (rules.INTAKE_PLANNED, 1, 25, 30),  # overdue
    (rules.WAITING, 2, 8, 18),
    (rules.WAITING, 2, 24, 60),  # overdue: waiting is no final status
    (rules.DECLINED, 5, 20, HISTORY_DAYS),
    (rules.WITHDRAWN, 5, 20, HISTORY_DAYS),
]


def seed(state: dict) -> None:
    site: Site = state["site"]
    rng = random.Random(SEED)
    today = timezone.localdate()
    organisations = {o.name: o for o in Organisation.objects.all()}
    contacts = _contacts(organisations)
    coordinator = User.objects.filter(role=Role.COORDINATOR, sites=site).first()
    referrer = User.objects.filter(username="toeleider").first()

    referrals: list[Referral] = []
    steps: list[tuple[Referral, list[tuple[str, dt.date, User | None, str]]]] = []
    for referral, history in _started(state, rng, today, contacts, coordinator, referrer):
        referrals.append(referral)
        steps.append((referral, history))
    for status, count, newest, oldest in PIPELINE:
        for _ in range(count):
            received = today - dt.timedelta(days=rng.randint(newest, oldest))
            referral, history = _in_pipeline(
                rng, site, status, received, today, organisations, contacts, coordinator, referrer
            )
            referrals.append(referral)
            steps.append((referral, history))

    Referral.objects.bulk_create(referrals)
    ReferralStep.objects.bulk_create(
        ReferralStep(
            referral=referral,
            status=status,
            date=date,
            by=by,
            note=note,
            at=timezone.make_aware(dt.datetime.combine(date, dt.time(9 + index))),
        )
        for referral, history in steps
        for index, (status, date, by, note) in enumerate(history)
    )
    state["referrals"] = referrals
    state["contact_persons"] = contacts


def summary(state: dict) -> str:
    referrals = state.get("referrals", [])
    today = timezone.localdate()
    prefetch_related_objects(referrals, "site__settings")
    started = sum(referral.status == rules.STARTED for referral in referrals)
    open_ = [referral for referral in referrals if not rules.is_final(referral.status)]
    overdue = sum(referral.deadline_state(today) == rules.OVERDUE for referral in open_)
    contacts = sum(len(people) for people in state.get("contact_persons", {}).values())
    return (
        f"{len(referrals)} referrals ({started} started, {len(open_)} open, {overdue} overdue), "
        f"{contacts} contact persons"
    )


def _contacts(organisations: dict[str, Organisation]) -> dict[str, list[ContactPerson]]:
    people = ContactPerson.objects.bulk_create(
        ContactPerson(
            organisation=organisations[name],
            name=person,
            function=function,
            phone=phone,
            email=f"{person.split()[0].lower()}@{name.split()[0].lower()}.example.be",
        )
        for name, persons in CONTACTS.items()
        if name in organisations
        for person, function, phone in persons
    )
    by_organisation: dict[str, list[ContactPerson]] = defaultdict(list)
    for person in people:
        by_organisation[person.organisation.name].append(person)
    return dict(by_organisation)


def _pattern(rng: random.Random) -> tuple[str, dt.time, dt.time]:
    days = sorted(rng.sample(range(1, 6), rng.choice([1, 2, 2, 3, 3, 4])))
    start, end = rng.choice(TIMES)
    return "".join(map(str, days)), dt.time.fromisoformat(start), dt.time.fromisoformat(end)


def _first_care_days(state: dict) -> dict[int, dt.date]:
    """Each demo family's first care day: its children's first booking, or the start of
    their care plan when that lies before the booked weeks."""
    first_booking: dict[int, dt.date] = {}
    for booking in state.get("bookings", []):
        if booking.child_id not in first_booking or booking.date < first_booking[booking.child_id]:
            first_booking[booking.child_id] = booking.date
    by_family: dict[int, dt.date] = {}
    for plan in state.get("care_plans", []):
        child = plan.child
        booked = first_booking.get(child.pk)
        # Booked within two weeks of the plan's start: that booking was the first day.
        first = booked if booked and (booked - plan.start).days < 14 else plan.start
        if child.family_id not in by_family or first < by_family[child.family_id]:
            by_family[child.family_id] = first
    return by_family


def _started(state, rng, today, contacts, coordinator, referrer):
    families: list[Family] = [f for f in state.get("families", []) if f.referrer_id]
    first_days = _first_care_days(state)
    eligible = [
        family
        for family in families
        if family.pk in first_days
        and today - dt.timedelta(days=HISTORY_DAYS - 30) <= first_days[family.pk]
    ]
    if not eligible:
        return
    guardians: dict[int, Guardian] = {}
    for guardian in Guardian.objects.filter(family__in=eligible).order_by("pk"):
        guardians.setdefault(guardian.family_id, guardian)
    children: dict[int, Child] = {}
    for child in sorted(state.get("children", []), key=lambda child: child.birth_date):
        children.setdefault(child.family_id, child)
    for family in eligible:
        first_day = first_days[family.pk]
        guardian, child = guardians.get(family.pk), children.get(family.pk)
        if guardian is None or child is None:
            continue
        # Elief starts most families within days; a few waited longer.
        waited = rng.choice([2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 26, 35])
        received = max(first_day - dt.timedelta(days=waited), today - dt.timedelta(HISTORY_DAYS))
        received = min(received, today)
        organisation = family.referrer
        name = organisation.name
        by_referrer = name == "VDAB" and referrer is not None and rng.random() < 0.6
        decided = min(received + dt.timedelta(days=rng.randint(0, max(waited - 1, 0))), today)
        weekdays, start, end = _pattern(rng)
        reason = rng.choice(REASONS.get(name, [Reason.SOCIAL_PEDAGOGICAL]))
        referral = Referral(
            site=family.site,
            organisation=organisation,
            contact=rng.choice(contacts[name]) if contacts.get(name) else None,
            submitted_by=referrer if by_referrer else coordinator,
            received_date=received,
            consent_date=min(family.consent_date or received, received),
            consent_scope=family.consent_scope or CONSENT_SCOPE,
            reason=reason,
            urgent=reason == Reason.CRISIS or rng.random() < 0.1,
            wished_start=first_day,
            wished_weekdays=weekdays,
            wished_from=start,
            wished_until=end,
            notes=NOTES[reason],
            parent_first_name=guardian.first_name,
            parent_last_name=guardian.last_name,
            parent_phone=guardian.phone,
            parent_email=guardian.email,
            postcode=family.postcode,
            home_languages=guardian.home_languages,
            child_first_name=child.first_name,
            child_last_name=child.last_name,
            child_birth_date=child.birth_date,
            family=family,
            child=child,
            status=rules.STARTED,
            intake_date=decided,
            first_care_day=first_day,
            closed_on=decided,
        )
        history = [(rules.RECEIVED, received, referral.submitted_by, "")]
        if decided > received:
            history.append((rules.INTAKE_PLANNED, received, coordinator, ""))
        history.append((rules.STARTED, decided, coordinator, ""))
        yield referral, history


def _in_pipeline(
    rng, site, status, received, today, organisations, contacts, coordinator, referrer
):
    name = rng.choice([n for n in CONTACTS if n in organisations])
    organisation = organisations[name]
    origin = rng.choices(ORIGINS, weights=[o.vulnerable_weight for o in ORIGINS])[0]
    surname = rng.choice(origin.surnames).split("/")[0]
    female = rng.random() < 0.5
    parent = rng.choice(origin.mothers if rng.random() < 0.85 else origin.fathers)
    reason = rng.choice(REASONS[name])
    weekdays, start, end = _pattern(rng)
    by_referrer = name == "VDAB" and referrer is not None and rng.random() < 0.7
    submitted_by = referrer if by_referrer else coordinator
    referral = Referral(
        site=site,
        organisation=organisation,
        contact=rng.choice(contacts[name]) if contacts.get(name) else None,
        submitted_by=submitted_by,
        received_date=received,
        consent_date=received - dt.timedelta(days=rng.randint(0, 3)),
        consent_scope=CONSENT_SCOPE,
        reason=reason,
        urgent=reason == Reason.CRISIS or rng.random() < 0.15,
        wished_start=received + dt.timedelta(days=rng.randint(3, 21)),
        wished_weekdays=weekdays,
        wished_from=start,
        wished_until=end,
        notes=NOTES[reason],
        parent_first_name=parent,
        parent_last_name=surname,
        parent_phone=f"04{rng.randint(70, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
        f"{rng.randint(10, 99)}",
        postcode=rng.choice(["2060", "2018", "2140", "2100", "2170", "2000"]),
        home_languages=rng.choice(origin.languages),
        child_first_name=rng.choice(origin.girls if female else origin.boys),
        child_last_name=surname,
        child_birth_date=today - dt.timedelta(days=rng.randint(100, 900)),
        status=status,
    )
    history = [(rules.RECEIVED, received, submitted_by, "")]
    age = (today - received).days
    if status == rules.INTAKE_PLANNED:
        planned = received + dt.timedelta(days=rng.randint(0, min(age, 3)))
        referral.intake_date = max(today + dt.timedelta(days=rng.randint(1, 6)), planned)
        history.append((status, planned, coordinator, ""))
    elif status == rules.WAITING:
        on = received + dt.timedelta(days=rng.randint(1, min(age, 7)))
        history.append((status, on, coordinator, rng.choice(WAITING_NOTES)))
    elif status in (rules.DECLINED, rules.WITHDRAWN):
        # Most are answered in time; now and then one slips past the three weeks.
        closed = received + dt.timedelta(days=rng.choice([3, 5, 8, 10, 12, 15, 18, 26]))
        referral.closed_on = min(closed, today)
        note = rng.choice(DECLINE_REASONS if status == rules.DECLINED else WITHDRAW_NOTES)
        if status == rules.DECLINED:
            referral.decline_reason = note
        if rng.random() < 0.6:
            intake = received + dt.timedelta(days=1)
            referral.intake_date = intake + dt.timedelta(days=2)
            history.append((rules.INTAKE_PLANNED, intake, coordinator, ""))
        history.append((status, referral.closed_on, coordinator, note))
    return referral, history
