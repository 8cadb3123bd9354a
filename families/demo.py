"""Demo data of the families app: about 90 Antwerp families, their children and care plans.

The mix follows Elief's own: about 60 % vulnerable families, most of them referred by a
partner organisation, and 40 % working families from the neighbourhood. Everything is
drawn from a fixed seed, so the demo is the same on every run (dates move with today).
All names are invented.
"""

import datetime as dt
import random

from django.utils import timezone

from elief.calendar import weekday_name
from elief.models import Organisation, Role, Site, User
from families import demo_people as people
from families import rules
from families.models import (
    CRITERIA_FIELDS,
    CareKind,
    CarePlan,
    CarePlanChange,
    CarePlanDay,
    Child,
    CriteriaRecord,
    Family,
    Guardian,
    SettlingInSession,
    SettlingInStep,
)
from families.services import DEFAULT_SETTLING_IN, care_plan_change_summary, pattern_snapshot

SEED = 2026
FAMILIES = 90
VULNERABLE_FAMILIES = 54  # 60 %
# Families with two children in care, split like the families so the children keep the mix.
TWO_CHILDREN = {True: 12, False: 8}
CONSENT_SCOPE = "intake en opvolging van de opvang"

OCCASIONAL_TIMES = ["08:30-12:00", "08:00-16:30", "13:00-17:30", "09:00-15:00", "08:30-16:00"]
REGULAR_TIMES = ["08:00-16:30", "07:30-17:00", "08:30-16:00", "07:45-17:30"]


def seed(state: dict) -> None:
    site: Site = state["site"]
    rng = random.Random(SEED)
    today = timezone.localdate()
    organisations = {organisation.name: organisation for organisation in Organisation.objects.all()}
    coordinator = User.objects.filter(role=Role.COORDINATOR, sites=site).first()

    SettlingInStep.objects.bulk_create(
        SettlingInStep(site=site, position=position, minutes=minutes, with_parent=with_parent)
        for position, (minutes, with_parent) in enumerate(DEFAULT_SETTLING_IN, start=1)
    )

    vulnerable_flags = [True] * VULNERABLE_FAMILIES + [False] * (FAMILIES - VULNERABLE_FAMILIES)
    rng.shuffle(vulnerable_flags)
    two_children = set()
    for vulnerable, count in TWO_CHILDREN.items():
        indexes = [index for index, flag in enumerate(vulnerable_flags) if flag == vulnerable]
        two_children.update(rng.sample(indexes, count))

    families, guardians, records, children, plans = [], [], [], [], []
    # Who may ask to change a family's plan: "mama", "papa" or both.
    askers: dict[str, list[str]] = {}
    kindcodes = iter(rng.sample(range(10_000_000, 99_999_999), 2 * FAMILIES))
    for index, vulnerable in enumerate(vulnerable_flags):
        origin = rng.choices(
            people.ORIGINS,
            weights=[
                o.vulnerable_weight if vulnerable else o.neighbourhood_weight
                for o in people.ORIGINS
            ],
        )[0]
        postcode, neighbourhood, *_weights = rng.choices(
            people.NEIGHBOURHOODS,
            weights=[n[2] if vulnerable else n[3] for n in people.NEIGHBOURHOODS],
        )[0]
        if vulnerable:
            held, referrers = rng.choice(people.VULNERABLE_PROFILES)
        else:
            held = rng.choice(people.NEIGHBOURHOOD_PROFILES)
            # Now and then Kind en Gezin sends a family that turns out not to be vulnerable.
            referrers = ["Kind en Gezin", "Huis van het Kind"] if rng.random() < 0.1 else []
        held = set(held) | ({"sibling_in_care"} if index in two_children else set())
        criteria = rules.Criteria(**{name: name in held for name in CRITERIA_FIELDS})
        assert rules.is_vulnerable(criteria) == vulnerable, held

        number_of_children = 2 if index in two_children else 1
        start = _plan_start(rng, today)
        referred = bool(referrers) and (not vulnerable or rng.random() < 0.85)
        criteria_date = min(start - dt.timedelta(days=rng.randint(10, 35)), today)
        consent_date = min(criteria_date + dt.timedelta(days=rng.randint(0, 5)), today)
        family = Family(
            site=site,
            reference=f"G-{index + 1:03d}",
            postcode=postcode,
            neighbourhood=neighbourhood,
            referrer=organisations[rng.choice(referrers)] if referred else None,
            consent_date=consent_date if referred else None,
            consent_scope=CONSENT_SCOPE if referred else "",
            criteria_date=criteria_date,
            **{name: getattr(criteria, name) for name in CRITERIA_FIELDS},
        )
        family.save()  # derives family.vulnerable
        families.append(family)
        records += _criteria_history(rng, family)

        surname = rng.choice(origin.surnames)
        languages = rng.choice(origin.languages)
        mother_first = rng.random() < 0.85
        two_parents = not family.single_parent and rng.random() < 0.5
        parents = [mother_first, not mother_first] if two_parents else [mother_first]
        family_guardians = []
        for position, female in enumerate(parents):
            first_name = rng.choice(origin.mothers if female else origin.fathers)
            last_name = people.surname_form(surname, female=female)
            with_email = position == 0 and rng.random() < 0.85
            family_guardians.append(
                Guardian(
                    family=family,
                    first_name=first_name,
                    last_name=last_name,
                    phone=people.phone(rng),
                    email=people.email(first_name, last_name) if with_email else "",
                    home_languages=languages,
                    interpreter=vulnerable and "Nederlands" not in languages and rng.random() < 0.4,
                )
            )
        guardians += family_guardians
        askers[family.reference] = ["mama" if female else "papa" for female in parents]
        pickup = people.pickup_persons(rng, origin, zip(family_guardians, parents, strict=True))

        regular_share = 0.25 if vulnerable else 0.45
        kind = CareKind.REGULAR if rng.random() < regular_share else CareKind.OCCASIONAL
        pattern = _pattern(rng, kind)
        for number in range(1, number_of_children + 1):
            birth_date = _birth_date(rng, today, sibling_of=children[-1] if number == 2 else None)
            female = rng.random() < 0.5
            child = Child(
                family=family,
                reference=f"{family.reference}-{number}",
                first_name=rng.choice(origin.girls if female else origin.boys),
                last_name=people.surname_form(surname, female=female),
                birth_date=birth_date,
                kindcode=f"KG-{next(kindcodes)}",
                allergies=rng.choice(people.ALLERGIES) if rng.random() < 0.12 else "",
                diet=people.diet(rng, origin),
                pickup_persons=pickup,
                staff_notes=rng.choice(people.STAFF_NOTES) if rng.random() < 0.15 else "",
            )
            children.append(child)
            # A baby starts once it is three months old; siblings follow the same pattern.
            plan_start = max(start, _next_weekday(birth_date + dt.timedelta(days=91)))
            plans.append((CarePlan(child=child, kind=kind, start=plan_start), pattern))

    Guardian.objects.bulk_create(guardians)
    CriteriaRecord.objects.bulk_create(records)
    Child.objects.bulk_create(children)
    care_plans = [plan for plan, _pattern in plans]
    for plan in care_plans:
        plan.end = _plan_end(rng, plan, today)
    # The children have their primary keys now, which bulk_create takes for child_id.
    CarePlan.objects.bulk_create(care_plans)
    CarePlanDay.objects.bulk_create(
        CarePlanDay(plan=plan, weekday=weekday, start=start, end=end)
        for plan, pattern in plans
        for weekday, (start, end) in sorted(pattern.items())
    )
    _changes(rng, plans, today, coordinator, askers)
    _settling_in(site, care_plans, today)

    state["families"] = families
    state["children"] = children
    state["care_plans"] = care_plans


def summary(state: dict) -> str:
    families, children = state["families"], state["children"]
    vulnerable = {family.pk for family in families if family.vulnerable}
    vulnerable_children = sum(child.family_id in vulnerable for child in children)
    occasional = sum(plan.kind == CareKind.OCCASIONAL for plan in state["care_plans"])
    mix = rules.social_mix_pct(vulnerable_children, len(children))
    return (
        f"{len(families)} families ({len(vulnerable)} vulnerable), {len(children)} children "
        f"(social mix {mix} %), {len(state['care_plans'])} care plans ({occasional} occasional)"
    )


def _plan_start(rng: random.Random, today: dt.date) -> dt.date:
    if rng.random() < 0.06:
        # A few start soon and are settling in.
        return _next_weekday(today + dt.timedelta(days=rng.randint(7, 20)))
    return _next_weekday(today - dt.timedelta(days=rng.randint(14, 300)))


def _birth_date(rng: random.Random, today: dt.date, sibling_of: Child | None) -> dt.date:
    if sibling_of is None:
        # The elder (or only) child: 3 months to 3 years old.
        return today - dt.timedelta(days=rng.randint(92, 3 * 365 - 20))
    if rng.random() < 0.2:
        return sibling_of.birth_date  # twins
    youngest = today - dt.timedelta(days=92)
    born = sibling_of.birth_date + dt.timedelta(days=rng.randint(400, 800))
    if born > youngest:
        # No room for a younger sibling: make it the elder one instead.
        born = sibling_of.birth_date - dt.timedelta(days=rng.randint(400, 500))
        born = max(born, today - dt.timedelta(days=3 * 365 - 20))
    return born


def _pattern(rng: random.Random, kind: str) -> dict[int, tuple[dt.time, dt.time]]:
    if kind == CareKind.REGULAR:
        days = rng.choices([3, 4, 5], weights=[3, 4, 3])[0]
        times = rng.choice(REGULAR_TIMES)
    else:
        days = rng.choices([1, 2, 3, 4], weights=[3, 4, 3, 1])[0]
        times = rng.choice(OCCASIONAL_TIMES)
    weekdays = sorted(rng.sample(range(1, 6), days))
    pattern = {weekday: _times(times) for weekday in weekdays}
    if len(weekdays) > 2 and rng.random() < 0.25:
        # A short day in the week, often Wednesday.
        pattern[3 if 3 in pattern else weekdays[-1]] = _times("08:30-12:00")
    return pattern


def _times(span: str) -> tuple[dt.time, dt.time]:
    start, end = span.split("-")
    return dt.time.fromisoformat(start), dt.time.fromisoformat(end)


def _plan_end(rng: random.Random, plan: CarePlan, today: dt.date) -> dt.date | None:
    """Open ended, or ending later: at school age (2.5 years) or after a fixed period."""
    school = rules.add_months(plan.child.birth_date, 30)
    if plan.kind == CareKind.REGULAR:
        if rng.random() < 0.6 or school <= max(today, plan.start):
            return None
        return school
    if rng.random() < 0.6:
        return None
    end = rules.add_months(plan.start, rng.choice([6, 9, 12]))
    return end if end > max(today, plan.start) else None


def _criteria_history(rng: random.Random, family: Family) -> list[CriteriaRecord]:
    """The family's recorded criteria: the current ones, and for some an older version."""
    records = []
    current = {name: getattr(family, name) for name in CRITERIA_FIELDS}
    if family.work_or_training and family.vulnerable and rng.random() < 0.6:
        # They were looking for work when they first came.
        older = {**current, "work_or_training": False, "job_seeking": True}
        date = family.criteria_date - dt.timedelta(days=rng.randint(60, 180))
        records.append(_record(family, older, date))
    records.append(_record(family, current, family.criteria_date))
    return records


def _record(family: Family, values: dict[str, bool], date: dt.date) -> CriteriaRecord:
    return CriteriaRecord(
        family=family,
        criteria_date=date,
        values=values,
        vulnerable=rules.is_vulnerable(rules.Criteria(**values)),
        recorded_by=None,
        recorded_at=_at(date, 10),
    )


def _changes(
    rng: random.Random,
    plans: list[tuple[CarePlan, dict[int, tuple[dt.time, dt.time]]]],
    today: dt.date,
    coordinator: User | None,
    askers: dict[str, list[str]],
) -> None:
    """A few families asked to change their plan: mostly a day added, now and then refused."""
    candidates = [
        (plan, pattern)
        for plan, pattern in plans
        if len(pattern) >= 2 and (today - plan.start).days >= 35
    ]
    changes = []
    for plan, pattern in rng.sample(candidates, min(10, len(candidates))):
        requested_on = plan.start + dt.timedelta(
            days=rng.randint(14, (today - plan.start).days - 3)
        )
        after = _snapshot(plan, pattern)
        refused = rng.random() < 0.2
        if refused:
            # Asked for one more day: the site was full that day, the plan stays as it is.
            extra = next(day for day in (2, 4, 1, 5, 3) if day not in pattern)
            times = _times("08:00-16:30")
            before = after
            after = _snapshot(plan, {**pattern, extra: times})
            note = f"{weekday_name(extra)} volzet; we bellen als er een plaats vrijkomt."
        else:
            day = rng.choice(sorted(pattern))
            if rng.random() < 0.7:
                before = _snapshot(plan, {d: t for d, t in pattern.items() if d != day})
            else:
                shorter = _times("08:30-12:00")
                if pattern[day] == shorter:
                    shorter = _times("08:30-16:00")
                before = _snapshot(plan, {**pattern, day: shorter})
            note = ""
            plan.version += 1
        changes.append(
            CarePlanChange(
                plan=plan,
                requested_on=requested_on,
                requested_by=rng.choice(askers[plan.child.family.reference]),
                before=before,
                after=after,
                summary=care_plan_change_summary(before, after),
                note=note,
                decision=(
                    CarePlanChange.Decision.REFUSED if refused else CarePlanChange.Decision.ACCEPTED
                ),
                decided_by=coordinator,
                decided_at=_at(requested_on + dt.timedelta(days=rng.randint(0, 2)), 11),
            )
        )
    CarePlanChange.objects.bulk_create(changes)
    CarePlan.objects.bulk_update([change.plan for change in changes], ["version"])


def _settling_in(site: Site, plans: list[CarePlan], today: dt.date) -> None:
    """Settling-in sessions on the open days before a plan that has yet to start."""
    sessions = []
    for plan in plans:
        if plan.start <= today:
            continue
        days = site.open_days(today + dt.timedelta(days=1), plan.start - dt.timedelta(days=1))
        for day, (minutes, with_parent) in zip(
            days[-len(DEFAULT_SETTLING_IN) :], DEFAULT_SETTLING_IN, strict=False
        ):
            start = dt.datetime.combine(day, dt.time(9))
            sessions.append(
                SettlingInSession(
                    child=plan.child,
                    date=day,
                    start=start.time(),
                    end=(start + dt.timedelta(minutes=minutes)).time(),
                    with_parent=with_parent,
                )
            )
    SettlingInSession.objects.bulk_create(sessions)


def _snapshot(plan: CarePlan, pattern: dict[int, tuple[dt.time, dt.time]]) -> dict:
    return pattern_snapshot(kind=plan.kind, start=plan.start, end=plan.end, pattern=pattern)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _next_weekday(day: dt.date) -> dt.date:
    while day.isoweekday() > 5:
        day += dt.timedelta(days=1)
    return day
