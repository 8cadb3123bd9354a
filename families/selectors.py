"""Reads of the families app, scoped to what the user may see."""

import datetime as dt
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
        words = search.split()
        for word in words:
            families = families.filter(
                Q(reference__icontains=word)
                | Q(guardians__first_name__icontains=word)
                | Q(guardians__last_name__icontains=word)
                | Q(children__first_name__icontains=word)
                | Q(children__last_name__icontains=word)
                | Q(postcode__startswith=word)
            )
        families = families.distinct()
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
    """Everything Elief holds about a family, for a parent's access request."""
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
                ),
            ),
        )
        .get()
    )
    iso = lambda value: value.isoformat() if value else None  # noqa: E731
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
    }


def families_due_for_erasure(*, user: User, today: dt.date) -> list[Family]:
    """Families that left longer ago than their site's retention period."""
    due = []
    for family in (
        family_queryset_for(user)
        .filter(left_on__isnull=False, erased_at__isnull=True)
        .select_related("site")
        .prefetch_related("site__settings")
    ):
        months = family.site.settings_on(today).retention_months
        if rules.add_months(family.left_on, months) <= today:
            due.append(family)
    return due
