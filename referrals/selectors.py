"""Reads of the referrals app, scoped to what the user may see.

Coordinators see the referrals of their sites; a referrer sees only those of their own
organisation, across all sites, and only what the partner portal shows.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from elief.models import Organisation, Role, Site, User
from elief.scoping import organisations_for, scope_to_organisations, scope_to_sites
from families.models import Child, Family, Guardian
from planning.models import Group
from referrals import rules
from referrals.models import ContactPerson, Referral, ReferralStep

OPEN, CLOSED, ALL = "open", "closed", "all"
MOST_URGENT = 5


def referral_queryset_for(user: User) -> QuerySet[Referral]:
    return scope_to_sites(Referral.objects.all(), user)


def referral_list(*, user: User, show: str = OPEN, site: Site | None = None) -> QuerySet[Referral]:
    """The coordinator's list: open referrals first, urgent ones on top, then the oldest.

    Closed referrals follow, the most recently closed first. Three queries whatever the
    number of rows: the referrals with their site, organisation and contact; the sites'
    settings (for the deadlines).
    """
    referrals = referral_queryset_for(user)
    if site is not None:
        referrals = referrals.filter(site=site)
    final = list(rules.FINAL_STATUSES)
    if show == OPEN:
        referrals = referrals.exclude(status__in=final)
    elif show == CLOSED:
        referrals = referrals.filter(status__in=final)
    is_final = Case(
        When(status__in=final, then=Value(True)), default=Value(False), output_field=BooleanField()
    )
    return (
        referrals.annotate(is_closed=is_final)
        .select_related("site", "organisation", "contact")
        .prefetch_related("site__settings")
        .order_by("is_closed", "-urgent", "received_date", "-closed_on", "pk")
    )


def referral_for_user(*, user: User, referral_id: int) -> Referral:
    try:
        return (
            referral_queryset_for(user).select_related("site", "organisation").get(pk=referral_id)
        )
    except Referral.DoesNotExist:
        raise Http404("No such referral.") from None


def referral_detail(*, user: User, referral_id: int) -> Referral:
    """A referral with everything its page shows, in a fixed number of queries."""
    try:
        return (
            referral_queryset_for(user)
            .select_related("site", "organisation", "contact", "submitted_by", "family", "child")
            .prefetch_related(
                "site__settings",
                Prefetch("steps", queryset=ReferralStep.objects.select_related("by")),
            )
            .get(pk=referral_id)
        )
    except Referral.DoesNotExist:
        raise Http404("No such referral.") from None


@dataclass
class Match:
    """An existing family that may be the referred one, and why."""

    family: Family
    reasons: list[str] = field(default_factory=list)
    child: Child | None = None


GUARDIAN_MATCH = "guardian"  # same guardian name and the same phone or e-mail
CHILD_MATCH = "child"  # same child name and birth date


def family_matches(*, referral: Referral) -> list[Match]:
    """Families of the referral's site that may be the referred family.

    A match is a guardian with the same first and last name and the same phone number or
    e-mail address, or a child with the same first and last name and birth date. Names
    are compared as people type them (case and spacing do not count).
    """
    first, last = referral.parent_first_name.strip(), referral.parent_last_name.strip()
    child_first, child_last = referral.child_first_name.strip(), referral.child_last_name.strip()
    candidates = (
        Family.objects.filter(site_id=referral.site_id, erased_at__isnull=True)
        .filter(
            Q(guardians__first_name__iexact=first, guardians__last_name__iexact=last)
            | Q(
                children__first_name__iexact=child_first,
                children__last_name__iexact=child_last,
                children__birth_date=referral.child_birth_date,
            )
        )
        .distinct()
        .prefetch_related(
            Prefetch("guardians", queryset=Guardian.objects.order_by("pk")), "children"
        )
        .order_by("reference")
    )
    phone = rules.normalise_phone(referral.parent_phone)
    email = referral.parent_email.strip().casefold()
    matches = []
    for family in candidates:
        match = Match(family=family)
        for guardian in family.guardians.all():
            if not (
                rules.same_name(guardian.first_name, first)
                and rules.same_name(guardian.last_name, last)
            ):
                continue
            same_phone = bool(phone) and rules.normalise_phone(guardian.phone) == phone
            same_email = bool(email) and guardian.email.strip().casefold() == email
            if same_phone or same_email:
                match.reasons.append(GUARDIAN_MATCH)
                break
        for child in family.children.all():
            if (
                rules.same_name(child.first_name, child_first)
                and rules.same_name(child.last_name, child_last)
                and child.birth_date == referral.child_birth_date
            ):
                match.reasons.append(CHILD_MATCH)
                match.child = child
                break
        if match.reasons:
            matches.append(match)
    return matches


def suggested_reference(referral: Referral) -> str:
    """A family reference for a new family, unique on the referral's site."""
    base = f"T-{referral.received_date:%Y}-{referral.pk:04d}"
    taken = set(
        Family.objects.filter(site_id=referral.site_id, reference__startswith=base).values_list(
            "reference", flat=True
        )
    )
    reference, suffix = base, 1
    while reference in taken:
        suffix += 1
        reference = f"{base}-{suffix}"
    return reference


def groups_for_referral(*, referral: Referral) -> QuerySet[Group]:
    return Group.objects.filter(site_id=referral.site_id).order_by("name")


def deadline_info(referral: Referral, today: dt.date) -> dict:
    """A referral against its deadline, as the pages show it (prefetch `site__settings`)."""
    due = referral.due_date
    days_left = (due - today).days
    return {
        "due": due,
        "days_left": days_left,
        "days_over": max(-days_left, 0),
        "state": rules.deadline_state(
            status=referral.status, due=due, closed_on=referral.closed_on, today=today
        ),
    }


def referral_deadline_summary(*, user: User, today: dt.date, limit: int = MOST_URGENT) -> dict:
    """How the open referrals of the user's sites stand against their deadline.

    Returns ``{"open": int, "urgent": int, "overdue": int, "due_soon": int,
    "most_urgent": [{"referral", "due", "days_left", "days_over", "state"}, …]}``: the
    `state` is one of referrals.rules OVERDUE, DUE_SOON, OPEN. The counts are over all
    open referrals ("waiting" is open), and up to `limit` of them, the least time left
    first (urgent ones first on the same day). Only coordinators get the rows, which
    carry names; other users get the counts. Two queries.
    """
    referrals = list(
        referral_queryset_for(user)
        .exclude(status__in=list(rules.FINAL_STATUSES))
        .select_related("site", "organisation")
        .prefetch_related("site__settings")
    )
    rows = [{"referral": referral, **deadline_info(referral, today)} for referral in referrals]
    rows.sort(key=lambda row: (row["days_left"], not row["referral"].urgent, row["referral"].pk))
    sees_rows = user.is_superuser or user.role == Role.COORDINATOR
    return {
        "open": len(rows),
        "urgent": sum(row["referral"].urgent for row in rows),
        "overdue": sum(row["state"] == rules.OVERDUE for row in rows),
        "due_soon": sum(row["state"] == rules.DUE_SOON for row in rows),
        "most_urgent": rows[:limit] if sees_rows else [],
    }


def _facts(referral: Referral) -> rules.ReferralFacts:
    return rules.ReferralFacts(
        organisation=referral.organisation_id,
        status=referral.status,
        received=referral.received_date,
        due=referral.due_date,
        closed_on=referral.closed_on,
        first_care_day=referral.first_care_day,
    )


def referral_figures(
    *, sites: Iterable[Site], start: dt.date, end: dt.date, today: dt.date | None = None
) -> dict:
    """Key figures of the referrals received from `start` to `end` (both included).

    Aggregates only, no names. Every count is over the referrals *received* in the period,
    with their status as it is now: `referrals_started` are those of them that have
    started (whenever their first care day), not the referrals whose first care day lies
    in the period. `median_days_to_start` (one decimal; of an even count the mean of the
    two middle values) and `max_days_to_start` run over those started referrals, from
    the received date to the first care day; None when none started. `referrals_overdue`
    counts those that missed the deadline (site.settings_on(received).referral_deadline_days):
    still open past it on `today` (default: now), or final only after it.

    Returns::

        {"start": date, "end": date,
         "referrals_received": int, "referrals_started": int, "referrals_declined": int,
         "referrals_withdrawn": int, "referrals_open": int, "referrals_overdue": int,
         "median_days_to_start": Decimal | None, "max_days_to_start": int | None,
         "organisations": [{"organisation_id": int, "organisation": str, "received": int,
                            "started": int, "declined": int, "withdrawn": int, "open": int,
                            "overdue": int, "median_days_to_start": Decimal | None,
                            "max_days_to_start": int | None}, …]}  # by organisation name

    Two queries (the referrals with their organisation, the sites' settings).
    """
    today = today or timezone.localdate()
    referrals = list(
        Referral.objects.filter(
            site__in=sites if isinstance(sites, QuerySet) else list(sites),
            received_date__range=(start, end),
        )
        .select_related("site", "organisation")
        .prefetch_related("site__settings")
    )
    facts = [_facts(referral) for referral in referrals]
    total = rules.figures(facts, today=today)
    names = {referral.organisation_id: referral.organisation.name for referral in referrals}
    by_organisation = rules.figures_by_organisation(facts, today=today)
    return {
        "start": start,
        "end": end,
        **{
            f"referrals_{key}": total[key]
            for key in ("received", "started", "declined", "withdrawn", "open", "overdue")
        },
        "median_days_to_start": total["median_days_to_start"],
        "max_days_to_start": total["max_days_to_start"],
        "organisations": sorted(
            (
                {"organisation_id": pk, "organisation": names[pk], **row}
                for pk, row in by_organisation.items()
            ),
            key=lambda row: row["organisation"].casefold(),
        ),
    }


def organisation_list(*, user: User) -> QuerySet[Organisation]:
    """The partner organisations the user may read (elief.scoping.organisations_for)
    with their contact persons, and how many referrals each sent to the user's sites,
    and how many of those are open."""
    mine = Q(referrals__in=referral_queryset_for(user).values("pk"))
    open_ = mine & ~Q(referrals__status__in=list(rules.FINAL_STATUSES))
    return (
        organisations_for(user)
        .annotate(
            referral_count=Count("referrals", filter=mine),
            open_count=Count("referrals", filter=open_),
        )
        .order_by("name")
        .prefetch_related(Prefetch("contact_persons", queryset=ContactPerson.objects.all()))
    )


def organisation_get(*, user: User, organisation_id: int) -> Organisation:
    try:
        return organisations_for(user).get(pk=organisation_id)
    except Organisation.DoesNotExist:
        raise Http404("No such organisation.") from None


def contact_get(*, user: User, contact_id: int) -> ContactPerson:
    contacts = scope_to_organisations(ContactPerson.objects.select_related("organisation"), user)
    try:
        return contacts.get(pk=contact_id)
    except ContactPerson.DoesNotExist:
        raise Http404("No such contact person.") from None


# The partner portal


def _portal_queryset(user: User) -> QuerySet[Referral]:
    if user.role != Role.REFERRER or user.organisation_id is None:
        return Referral.objects.none()
    return Referral.objects.filter(organisation_id=user.organisation_id)


def portal_referral_list(*, user: User) -> QuerySet[Referral]:
    """The referrals of the referrer's own organisation, across all sites; what the
    portal shows of them and no more (the template leaves out internal notes)."""
    return (
        _portal_queryset(user)
        .select_related("site", "contact")
        .prefetch_related(Prefetch("steps", queryset=ReferralStep.objects.order_by("at", "pk")))
        .order_by("-received_date", "-pk")
    )


def portal_referral(*, user: User, referral_id: int) -> Referral:
    try:
        return (
            _portal_queryset(user)
            .select_related("site", "organisation", "contact")
            .prefetch_related(Prefetch("steps", queryset=ReferralStep.objects.order_by("at", "pk")))
            .get(pk=referral_id)
        )
    except Referral.DoesNotExist:
        raise Http404("No such referral.") from None
