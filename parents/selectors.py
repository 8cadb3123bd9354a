"""Reads of the parents' app: the parent page's bookings and the coordinator's queue."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils import timezone

from elief.models import Site, User
from elief.scoping import scope_to_sites, site_for_user
from families.models import Child, Family, Guardian
from parents import rules
from parents.models import ParentLink, ParentRequest
from planning import rules as planning_rules
from planning.models import Booking, Group
from planning.selectors import days_figures
from planning.services import Acceptance, acceptance_on_figures


def parent_children(*, family: Family, today: dt.date) -> list[Child]:
    """The family's children, each with `.coming`: its bookings of the coming two weeks
    (cancelled ones left out), in two queries."""
    until = today + dt.timedelta(days=rules.DAYS_AHEAD - 1)
    bookings = (
        Booking.objects.filter(date__range=(today, until))
        .exclude(outcome=planning_rules.CANCELLED)
        .select_related("group", "absence_code")
        .order_by("date", "start")
    )
    return list(family.children.prefetch_related(Prefetch("bookings", bookings, to_attr="coming")))


def parent_booking(*, family: Family, booking_id: int) -> Booking:
    """A booking of this family's children; another family's answers 404."""
    return get_object_or_404(
        Booking.objects.select_related("group__site", "child"),
        pk=booking_id,
        child__family=family,
    )


def parent_link_current(*, family: Family) -> ParentLink | None:
    now = timezone.now()
    return (
        family.parent_links.filter(revoked_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )


def default_group(*, request: ParentRequest, groups: list[Group]) -> Group | None:
    """The group a request would go to: the child's last group, else the site's first."""
    last = getattr(request, "last_group_id", None)
    return next((group for group in groups if group.pk == last), groups[0] if groups else None)


@dataclass
class QueuedRequest:
    request: ParentRequest
    group: Group | None
    acceptance: Acceptance | None


def request_queue(*, user: User, site_id: int, now: dt.datetime) -> tuple[Site, list]:
    """The site's open requests, urgent first, each with the acceptance rule's answer."""
    site = site_for_user(user, site_id)
    groups = list(Group.objects.filter(site=site).select_related("site").order_by("name"))
    requests = list(
        scope_to_sites(ParentRequest.objects.all(), user, site_field="family__site")
        .filter(family__site=site, status=ParentRequest.Status.OPEN)
        .select_related("child", "family")
        .order_by("-urgent", "day", "created_at", "pk")
    )
    last_groups = dict(
        Booking.objects.filter(child__in=[r.child_id for r in requests])
        .order_by("child_id", "-date")
        .values_list("child_id", "group_id")
    )
    # The acceptance rule's figures once per day of the queue, for every request of it.
    prefetch_related_objects([site], "closing_days")
    days = sorted({request.day for request in requests if site.is_open_on(request.day)})
    figures = {}
    if days and groups:
        figures = days_figures(
            site=site,
            days=days,
            now=now,
            groups=groups,
            children={request.child_id for request in requests},
        )
    queued = []
    for request in requests:
        request.last_group_id = last_groups.get(request.child_id)
        group = default_group(request=request, groups=groups)
        acceptance = None
        if group is not None and request.day in figures:
            acceptance = acceptance_on_figures(
                figures=figures[request.day],
                group=group,
                start=request.start,
                end=request.end,
                child_id=request.child_id,
                place_type=planning_rules.URGENT if request.urgent else planning_rules.OCCASIONAL,
            )
        queued.append(QueuedRequest(request=request, group=group, acceptance=acceptance))
    return site, queued


def request_for_user(*, user: User, request_id: int) -> ParentRequest:
    return get_object_or_404(
        scope_to_sites(ParentRequest.objects.all(), user, site_field="family__site").select_related(
            "child__family__site", "family"
        ),
        pk=request_id,
    )


def families_without_channel(*, site: Site, day: dt.date) -> QuerySet[Family]:
    """Families with a planned booking on `day` whom the reminder cannot reach (no
    guardian with an e-mail address or a phone number): the coordinator phones them."""
    reachable = Guardian.objects.filter(family=OuterRef("pk")).exclude(email="", phone="")
    return (
        Family.objects.filter(
            site=site,
            erased_at__isnull=True,
            children__bookings__date=day,
            children__bookings__outcome=planning_rules.PLANNED,
        )
        .exclude(Exists(reachable))
        .prefetch_related("guardians")
        .distinct()
        .order_by("reference")
    )
