"""The waiting list: short by design, ordered urgent first, then priority, then date."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from elief.models import Site, User
from elief.scoping import scope_to_sites
from families import rules as family_rules
from families.models import Child
from planning import rules
from planning.models import Booking, Group, WaitingListEntry

# The waiting list


def waiting_sort_key(entry: WaitingListEntry) -> tuple:
    """DESIGN.md: urgent first, then the priority criteria, then the date of the request."""
    return (
        family_rules.priority_score(entry.child.family.criteria, urgent=entry.urgent),
        entry.created_at,
        entry.pk,
    )


def _waiting_entries(user: User | None = None) -> QuerySet[WaitingListEntry]:
    entries = WaitingListEntry.objects.select_related("child__family").filter(
        child__family__erased_at__isnull=True
    )
    return entries if user is None else scope_to_sites(entries, user)


def waiting_list_ordered(*, user: User, site: Site) -> list[WaitingListEntry]:
    """The entries still waiting at a site, first to be served first, in one query.

    Sorted in Python by families.rules.priority_score, the one definition of priority; the
    list is short by design.
    """
    entries = _waiting_entries(user).filter(site=site, status=WaitingListEntry.Status.WAITING)
    return sorted(entries, key=waiting_sort_key)


def waiting_list_closed(*, user: User, site: Site, limit: int = 10) -> list[WaitingListEntry]:
    """The entries placed or withdrawn most recently, for the bottom of the page."""
    entries = (
        _waiting_entries(user).filter(site=site).exclude(status=WaitingListEntry.Status.WAITING)
    )
    return list(entries.order_by("-created_at", "-pk")[:limit])


def waiting_entry_for_user(*, user: User, site: Site, entry_id: int) -> WaitingListEntry:
    try:
        return _waiting_entries(user).get(site=site, pk=entry_id)
    except WaitingListEntry.DoesNotExist:
        raise Http404("No such waiting list entry.") from None


def waiting_children(*, user: User, site: Site) -> QuerySet[Child]:
    """The children a coordinator may put on the site's waiting list."""
    children = scope_to_sites(
        Child.objects.select_related("family"), user, site_field="family__site"
    )
    return children.filter(family__site=site, family__erased_at__isnull=True).order_by(
        "first_name", "last_name", "pk"
    )


def candidates_for(
    *,
    site: Site,
    day: dt.date,
    group: Group | None = None,
    limit: int = 3,
    user: User | None = None,
) -> list[WaitingListEntry]:
    """The first waiting entries that fit a place that came free on `day`, in one query.

    Entries name no group, so `group` only has to be one of the site's.
    """
    if group is not None and group.site_id != site.pk:
        raise ValueError("The group belongs to another site.")
    return candidates_by_day(site=site, days=[day], limit=limit, user=user)[day]


def candidates_by_day(
    *, site: Site, days: list[dt.date], limit: int = 3, user: User | None = None
) -> dict[dt.date, list[WaitingListEntry]]:
    """Per day, the first waiting entries that fit a place that came free: one query for
    all the days (one "already booked?" column per day).

    An entry fits a day when it is still waiting, its wished start is on or before the
    day, it wishes that weekday (no wished weekdays: any day), its times lie within the
    site's opening hours and its child has no booking that day yet.
    """
    if not days:
        return {}
    booked = Booking.objects.filter(child=OuterRef("child")).exclude(outcome=rules.CANCELLED)
    entries = sorted(
        _waiting_entries(user)
        .filter(site=site, status=WaitingListEntry.Status.WAITING, wished_start__lte=max(days))
        .filter(start__gte=site.opens, end__lte=site.closes)
        .annotate(**{f"booked_{i}": Exists(booked.filter(date=day)) for i, day in enumerate(days)}),
        key=waiting_sort_key,
    )
    return {
        day: [
            entry
            for entry in entries
            if entry.wished_start <= day
            and (not entry.wished_weekdays or str(day.isoweekday()) in entry.wished_weekdays)
            and not getattr(entry, f"booked_{i}")
        ][:limit]
        for i, day in enumerate(days)
    }


def _check_waiting_entry(
    *,
    site: Site,
    child: Child,
    wished_weekdays: str,
    start: dt.time,
    end: dt.time,
    exclude_pk: int | None = None,
) -> None:
    errors = []
    if child.family.site_id != site.pk:
        errors.append(_("The child belongs to another site."))
    if any(not day.isdigit() or int(day) not in site.weekdays for day in wished_weekdays):
        errors.append(_("The site is closed on one of the wished weekdays."))
    try:
        site.check_opening_hours(start, end)
    except ValidationError as error:
        errors += error.messages
    waiting = WaitingListEntry.objects.filter(
        site=site, child=child, status=WaitingListEntry.Status.WAITING
    ).exclude(pk=exclude_pk)
    if waiting.exists():
        errors.append(_("%(name)s is already on the waiting list.") % {"name": child.first_name})
    if errors:
        raise ValidationError(errors)


def _weekdays(days: Iterable[int | str]) -> str:
    return "".join(sorted({str(day) for day in days}))


@transaction.atomic
def waiting_entry_create(
    *,
    site: Site,
    child: Child,
    wished_weekdays: Iterable[int | str],
    wished_start: dt.date,
    start: dt.time,
    end: dt.time,
    urgent: bool = False,
    note: str = "",
) -> WaitingListEntry:
    weekdays = _weekdays(wished_weekdays)
    _check_waiting_entry(site=site, child=child, wished_weekdays=weekdays, start=start, end=end)
    entry = WaitingListEntry(
        site=site,
        child=child,
        wished_weekdays=weekdays,
        wished_start=wished_start,
        start=start,
        end=end,
        urgent=urgent,
        note=note.strip(),
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def waiting_entry_update(
    *,
    entry: WaitingListEntry,
    wished_weekdays: Iterable[int | str],
    wished_start: dt.date,
    start: dt.time,
    end: dt.time,
    urgent: bool,
    note: str = "",
) -> WaitingListEntry:
    """Change what is wished; the child and the date of the request stay."""
    entry = (
        WaitingListEntry.objects.select_for_update()
        .select_related("site", "child__family")
        .get(pk=entry.pk)
    )
    weekdays = _weekdays(wished_weekdays)
    _check_waiting_entry(
        site=entry.site,
        child=entry.child,
        wished_weekdays=weekdays,
        start=start,
        end=end,
        exclude_pk=entry.pk,
    )
    entry.wished_weekdays, entry.wished_start = weekdays, wished_start
    entry.start, entry.end, entry.urgent, entry.note = start, end, urgent, note.strip()
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def waiting_entry_set_status(*, entry: WaitingListEntry, status: str) -> WaitingListEntry:
    """Mark a waiting entry placed or withdrawn; an entry leaves the list only once."""
    if status not in (WaitingListEntry.Status.PLACED, WaitingListEntry.Status.WITHDRAWN):
        raise ValidationError(_("Unknown status."))
    # Two coordinators closing the same entry: the second sees it closed already.
    entry = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != WaitingListEntry.Status.WAITING:
        raise ValidationError(_("This request is no longer on the waiting list."))
    entry.status = status
    entry.save(update_fields=["status"])
    return entry
