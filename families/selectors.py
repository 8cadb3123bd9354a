"""Reads of the families app, scoped to what the user may see."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from elief.models import Site, User
from elief.scoping import scope_to_sites
from families import rules
from families.models import (
    CarePlan,
    CarePlanChange,
    Child,
    CriteriaRecord,
    Family,
    FamilyAccess,
    Guardian,
)
from families.signals import care_plan_preview_requested


def family_queryset_for(user: User) -> QuerySet[Family]:
    return scope_to_sites(Family.objects.all(), user)


def _active_plans(day: dt.date) -> QuerySet[CarePlan]:
    return CarePlan.objects.filter(Q(end__isnull=True) | Q(end__gte=day), start__lte=day)


# A search longer than this is cut: each word costs two subqueries.
SEARCH_MAX_WORDS = 8
SEARCH_MAX_LENGTH = 100


def search_words(search: str) -> list[str]:
    return search[:SEARCH_MAX_LENGTH].split()[:SEARCH_MAX_WORDS]


def family_search(search: str) -> Q:
    """Families where every word of `search` is in the reference, a guardian's or a
    child's name, or starts the postcode.

    One condition per word with EXISTS subqueries, not joins: a join per word multiplied
    the rows by guardians × children for every word, and ten words stalled the database.
    """
    condition = Q()
    for word in search_words(search):
        named = Q(first_name__icontains=word) | Q(last_name__icontains=word)
        condition &= (
            Q(reference__icontains=word)
            | Q(postcode__startswith=word)
            | Exists(Guardian.objects.filter(named, family=OuterRef("pk")))
            | Exists(Child.objects.filter(named, family=OuterRef("pk")))
        )
    return condition


def family_list(
    *,
    user: User,
    today: dt.date,
    search: str = "",
    site: Site | None = None,
    vulnerable: bool | None = None,
    kind: str = "",
    referrer_id: int | None = None,
    active: bool | None = None,
) -> QuerySet[Family]:
    """Families for the list page, with what a row shows, in a fixed number of queries."""
    families = family_queryset_for(user).filter(erased_at__isnull=True)
    if site is not None:
        families = families.filter(site=site)
    if search:
        families = families.filter(family_search(search))
    if vulnerable is not None:
        families = families.filter(vulnerable=vulnerable)
    if referrer_id:
        families = families.filter(referrer_id=referrer_id)
    active_plans = _active_plans(today).filter(child__family=OuterRef("pk"))
    if kind:
        families = families.filter(Exists(active_plans.filter(kind=kind)))
    if active is not None:
        families = families.filter(Exists(active_plans) if active else ~Exists(active_plans))
    return families.select_related("site", "referrer").prefetch_related(
        Prefetch("guardians", queryset=Guardian.objects.order_by("pk")),
        Prefetch(
            "children",
            queryset=Child.objects.prefetch_related(
                Prefetch(
                    "care_plans",
                    queryset=_active_plans(today).prefetch_related("days"),
                    to_attr="active_plans",
                )
            ),
        ),
    )


def family_for_user(*, user: User, family_id: int) -> Family:
    try:
        return family_queryset_for(user).select_related("site", "referrer").get(pk=family_id)
    except Family.DoesNotExist:
        raise Http404("No such family.") from None


def family_detail(*, user: User, family_id: int) -> Family:
    """A family with everything its page shows, in a fixed number of queries."""
    family = family_for_user(user=user, family_id=family_id)
    plans = CarePlan.objects.prefetch_related(
        "days",
        Prefetch("changes", queryset=CarePlanChange.objects.select_related("decided_by")),
    )
    family = (
        Family.objects.filter(pk=family.pk)
        .select_related("site", "referrer")
        .prefetch_related(
            "guardians",
            Prefetch(
                "children",
                queryset=Child.objects.prefetch_related(
                    Prefetch("care_plans", queryset=plans), "settling_in_sessions"
                ),
            ),
            Prefetch(
                "criteria_records", queryset=CriteriaRecord.objects.select_related("recorded_by")
            ),
        )
        .get()
    )
    return family


def family_access_list(*, family: Family, limit: int = 20) -> list[FamilyAccess]:
    return list(family.accesses.select_related("user")[:limit])


def child_for_user(*, user: User, child_id: int) -> Child:
    children = scope_to_sites(
        Child.objects.select_related("family__site"), user, site_field="family__site"
    )
    try:
        return children.filter(family__erased_at__isnull=True).get(pk=child_id)
    except Child.DoesNotExist:
        raise Http404("No such child.") from None


def care_plan_for_user(*, user: User, plan_id: int) -> CarePlan:
    plans = scope_to_sites(
        CarePlan.objects.select_related("child__family__site").prefetch_related("days"),
        user,
        site_field="child__family__site",
    )
    try:
        return plans.get(pk=plan_id)
    except CarePlan.DoesNotExist:
        raise Http404("No such care plan.") from None


def care_plans_of_family(*, family: Family) -> list[CarePlan]:
    """The plans of the family's children, for a family the caller may already see."""
    return list(
        CarePlan.objects.filter(child__family=family)
        .select_related("child__family__site")
        .prefetch_related("days")
        .order_by("child__first_name", "start", "pk")
    )


def care_plan_bookings_preview(*, plan: CarePlan, proposal: dict):
    """What a change of the plan would do to its future bookings, as the day plan says
    (see families.signals.care_plan_preview_requested); None without a day plan."""
    for _receiver, preview in care_plan_preview_requested.send(
        sender=CarePlan, plan=plan, proposal=proposal
    ):
        if preview is not None:
            return preview
    return None


def social_mix_of_care_plans(
    *, user: User, site: Site, start: dt.date, end: dt.date
) -> rules.SocialMix:
    """The social mix of the children with a care plan between start and end (the board's
    report counts the children present instead: subsidies.selectors.children_present)."""
    children = scope_to_sites(
        Child.objects.filter(family__site=site), user, site_field="family__site"
    )
    with_plan = children.filter(
        Q(care_plans__end__isnull=True) | Q(care_plans__end__gte=start), care_plans__start__lte=end
    ).distinct()
    counts = Child.objects.filter(pk__in=with_plan.values("pk")).aggregate(
        total=Count("pk"), vulnerable=Count("pk", filter=Q(family__vulnerable=True))
    )
    settings = site.settings_on(end)
    return rules.SocialMix(
        vulnerable=counts["vulnerable"],
        total=counts["total"],
        aim=settings.social_mix_aim_pct,
        trap2_min=settings.trap2_min_vulnerable_pct,
        trap3_min=settings.trap3_min_vulnerable_pct,
    )


def respite_days(*, plan: CarePlan, year: int, per_year: int) -> Decimal:
    return rules.respite_days_earned(
        days_per_week=len(plan.pattern),
        start=plan.start,
        end=plan.end,
        year=year,
        per_year_full_time=per_year,
    )


def family_export(*, family: Family) -> dict:
    """Everything Elief holds about a family, for a parent's access request.

    The bookings, waiting-list entries and referrals belong to apps that build on this
    one; they are read through their relations' names, so this app imports none of
    them. A fixed number of queries whatever the number of children, bookings or
    referrals.
    """
    family = (
        Family.objects.filter(pk=family.pk)
        .select_related("site", "referrer")
        .prefetch_related(
            "guardians",
            "criteria_records",
            Prefetch(
                "children",
                queryset=Child.objects.prefetch_related(
                    Prefetch(
                        "care_plans", queryset=CarePlan.objects.prefetch_related("days", "changes")
                    ),
                    "settling_in_sessions",
                    "bookings__group",
                    "bookings__absence_code",
                    "waiting_list_entries",
                ),
            ),
            "referrals__site",
            "referrals__organisation",
            "referrals__contact",
            "referrals__steps",
            Prefetch("accesses", queryset=FamilyAccess.objects.select_related("user")),
        )
        .get()
    )
    iso = lambda value: value.isoformat() if value else None  # noqa: E731
    hm = lambda value: f"{value:%H:%M}" if value else None  # noqa: E731
    return {
        "family": {
            "reference": family.reference,
            "site": family.site.name,
            "postcode": family.postcode,
            "neighbourhood": family.neighbourhood,
            "referrer": family.referrer.name if family.referrer else None,
            "consent_date": iso(family.consent_date),
            "consent_scope": family.consent_scope,
            "criteria": {
                name: getattr(family, name) for name in family.criteria.__dataclass_fields__
            },
            "criteria_date": iso(family.criteria_date),
            "vulnerable": family.vulnerable,
            "left_on": iso(family.left_on),
        },
        "guardians": [
            {
                "first_name": g.first_name,
                "last_name": g.last_name,
                "phone": g.phone,
                "email": g.email,
                "home_languages": g.languages,
                "interpreter": g.interpreter,
            }
            for g in family.guardians.all()
        ],
        "children": [
            {
                "first_name": c.first_name,
                "last_name": c.last_name,
                "birth_date": iso(c.birth_date),
                "kindcode": c.kindcode,
                "allergies": c.allergies,
                "diet": c.diet,
                "pickup_persons": c.pickup_persons,
                "staff_notes": c.staff_notes,
                "care_plans": [
                    {
                        "kind": p.kind,
                        "start": iso(p.start),
                        "end": iso(p.end),
                        "pattern": {
                            str(d.weekday): [f"{d.start:%H:%M}", f"{d.end:%H:%M}"]
                            for d in p.days.all()
                        },
                        "change_requests": [
                            {
                                "requested_on": iso(ch.requested_on),
                                "requested_by": ch.requested_by,
                                "summary": ch.summary,
                                "decision": ch.decision,
                                "note": ch.note,
                            }
                            for ch in p.changes.all()
                        ],
                    }
                    for p in c.care_plans.all()
                ],
                "settling_in_sessions": [
                    {
                        "date": iso(s.date),
                        "start": f"{s.start:%H:%M}",
                        "end": f"{s.end:%H:%M}",
                        "with_parent": s.with_parent,
                    }
                    for s in c.settling_in_sessions.all()
                ],
                "bookings": [
                    {
                        "date": iso(b.date),
                        "group": b.group.name,
                        "start": hm(b.start),
                        "end": hm(b.end),
                        "place_type": b.place_type,
                        "settling_in": b.settling_in,
                        "outcome": b.outcome,
                        "arrived": hm(b.arrived),
                        "left": hm(b.left),
                        "absence_code": b.absence_code.code if b.absence_code else None,
                        "override_reason": b.override_reason,
                    }
                    for b in c.bookings.all()
                ],
                "waiting_list": [
                    {
                        "wished_start": iso(w.wished_start),
                        "wished_weekdays": w.wished_weekdays,
                        "start": hm(w.start),
                        "end": hm(w.end),
                        "urgent": w.urgent,
                        "note": w.note,
                        "status": w.status,
                        "created_at": iso(w.created_at),
                    }
                    for w in c.waiting_list_entries.all()
                ],
            }
            for c in family.children.all()
        ],
        "criteria_history": [
            {
                "criteria_date": iso(r.criteria_date),
                "criteria": r.values,
                "vulnerable": r.vulnerable,
                "recorded_at": iso(r.recorded_at),
            }
            for r in family.criteria_records.all()
        ],
        "referrals": [
            {
                "site": r.site.name,
                "organisation": r.organisation.name,
                "contact": r.contact.name if r.contact else None,
                "received_date": iso(r.received_date),
                "consent_date": iso(r.consent_date),
                "consent_scope": r.consent_scope,
                "reason": r.reason,
                "urgent": r.urgent,
                "wished_start": iso(r.wished_start),
                "wished_weekdays": r.wished_weekdays,
                "wished_from": hm(r.wished_from),
                "wished_until": hm(r.wished_until),
                "notes": r.notes,
                "parent_first_name": r.parent_first_name,
                "parent_last_name": r.parent_last_name,
                "parent_phone": r.parent_phone,
                "parent_email": r.parent_email,
                "postcode": r.postcode,
                "home_languages": r.home_languages,
                "child_first_name": r.child_first_name,
                "child_last_name": r.child_last_name,
                "child_birth_date": iso(r.child_birth_date),
                "status": r.status,
                "intake_date": iso(r.intake_date),
                "decline_reason": r.decline_reason,
                "first_care_day": iso(r.first_care_day),
                "closed_on": iso(r.closed_on),
                "steps": [
                    {"status": step.status, "date": iso(step.date), "note": step.note}
                    for step in r.steps.all()
                ],
            }
            for r in family.referrals.all()
        ],
        "access_log": [
            {
                "at": iso(access.at),
                "what": access.what,
                "page": access.page,
                "by": (access.user.get_full_name() or access.user.username)
                if access.user
                else None,
            }
            for access in family.accesses.all()
        ],
    }


@dataclass(frozen=True)
class ErasureDue:
    family: Family
    erase_on: dt.date
    retention_months: int


def _erasure_schedule(families: QuerySet[Family], *, today: dt.date, until: dt.date) -> list:
    """Families that left and are not erased, with the day retention erases them.

    The retention period is the one in force today at the family's site; a family is
    erased on the day its period after `left_on` ends. Two queries.
    """
    schedule = []
    for family in (
        families.filter(left_on__isnull=False, left_on__lte=until, erased_at__isnull=True)
        .select_related("site")
        .prefetch_related("site__settings")
        .order_by("left_on", "pk")
    ):
        months = family.site.settings_on(today).retention_months
        erase_on = rules.add_months(family.left_on, months)
        if erase_on <= until:
            schedule.append(ErasureDue(family=family, erase_on=erase_on, retention_months=months))
    return sorted(schedule, key=lambda due: (due.erase_on, due.family.pk))


def families_due_for_erasure(*, today: dt.date) -> list[Family]:
    """Families of every site whose retention period has ended on `today`: the nightly
    retention erases them. Not scoped to a user: the task runs for the whole vzw."""
    return [due.family for due in _erasure_schedule(Family.objects.all(), today=today, until=today)]


def erasure_schedule_for(*, user: User, today: dt.date, days: int = 31) -> list[ErasureDue]:
    """What the nightly retention will erase on the user's sites in the next `days`
    (overdue ones included: they go tonight)."""
    return _erasure_schedule(
        family_queryset_for(user), today=today, until=today + dt.timedelta(days=days)
    )
