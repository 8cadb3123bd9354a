"""Writes of the families app: keyword-only, typed, atomic."""

import datetime as dt
import logging
from collections.abc import Collection, Iterable, Mapping

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elief.calendar import weekday_name
from elief.models import Organisation, Site, User
from families.models import (
    CRITERIA_FIELDS,
    CarePlan,
    CarePlanChange,
    CarePlanDay,
    Child,
    CriteriaRecord,
    Family,
    FamilyAccess,
    Guardian,
    SettlingInSession,
)
from families.selectors import families_due_for_erasure
from families.signals import care_plan_applied, family_erasing, settling_in_planned

logger = logging.getLogger(__name__)

Pattern = Mapping[int, tuple[dt.time, dt.time]]

# The settling-in template of a site without its own: short, with a parent, then longer.
DEFAULT_SETTLING_IN = [(60, True), (120, True), (240, False)]


@transaction.atomic
def family_create(
    *,
    site: Site,
    reference: str,
    postcode: str = "",
    neighbourhood: str = "",
    referrer: Organisation | None = None,
    consent_date: dt.date | None = None,
    consent_scope: str = "",
) -> Family:
    family = Family(
        site=site,
        reference=reference,
        postcode=postcode,
        neighbourhood=neighbourhood,
        referrer=referrer,
        consent_date=consent_date,
        consent_scope=consent_scope,
    )
    family.full_clean()
    family.save()
    return family


@transaction.atomic
def family_update(
    *,
    family: Family,
    user: User | None = None,
    include_bookings: Collection[int] | None = None,
    **fields,
) -> Family:
    """Save the family's details. `include_bookings` is given after the coordinator saw
    what the family's leaving does to the bookings: the plans' bookings then follow in
    this same transaction (with the ticked bookings of another origin)."""
    for name, value in fields.items():
        setattr(family, name, value)
    family.full_clean()
    family.save()
    if include_bookings is not None:
        for plan in CarePlan.objects.filter(child__family=family).select_related("child__family"):
            care_plan_applied.send(
                sender=CarePlan,
                plan=plan,
                user=user,
                group_id=None,
                include=frozenset(include_bookings),
            )
    return family


@transaction.atomic
def criteria_record(
    *,
    family: Family,
    user: User | None,
    criteria: Mapping[str, bool],
    criteria_date: dt.date | None,
) -> Family:
    """Store the family's criteria; the history keeps every version that differs."""
    family = Family.objects.select_for_update().get(pk=family.pk)
    values = {name: bool(criteria.get(name, False)) for name in CRITERIA_FIELDS}
    unchanged = all(getattr(family, name) == value for name, value in values.items())
    if unchanged and family.criteria_date == criteria_date:
        return family
    for name, value in values.items():
        setattr(family, name, value)
    family.criteria_date = criteria_date
    family.save()
    CriteriaRecord.objects.create(
        family=family,
        criteria_date=criteria_date,
        values=values,
        vulnerable=family.vulnerable,
        recorded_by=user,
    )
    return family


@transaction.atomic
def guardian_save(*, guardian: Guardian) -> Guardian:
    guardian.full_clean()
    guardian.save()
    return guardian


@transaction.atomic
def child_save(*, child: Child) -> Child:
    child.full_clean()
    child.save()
    return child


def _check_pattern(*, site: Site, pattern: Pattern) -> None:
    errors = []
    for weekday, (start, end) in sorted(pattern.items()):
        if weekday not in site.weekdays:
            errors.append(_("The site is closed on weekday %(day)s.") % {"day": weekday})
        else:
            try:
                site.check_opening_hours(start, end)
            except ValidationError as error:
                errors += error.messages
    if not pattern:
        errors.append(_("Choose at least one day of the week."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def care_plan_create(
    *, child: Child, kind: str, start: dt.date, end: dt.date | None, pattern: Pattern
) -> CarePlan:
    _check_pattern(site=child.family.site, pattern=pattern)
    plan = CarePlan(child=child, kind=kind, start=start, end=end)
    plan.full_clean()
    plan.save()
    CarePlanDay.objects.bulk_create(
        CarePlanDay(plan=plan, weekday=weekday, start=times[0], end=times[1])
        for weekday, times in sorted(pattern.items())
    )
    return plan


def pattern_snapshot(*, kind: str, start: dt.date, end: dt.date | None, pattern: Pattern) -> dict:
    """A care plan as kept in its change history (JSON)."""
    return {
        "kind": kind,
        "start": start.isoformat(),
        "end": end.isoformat() if end else None,
        "pattern": {
            str(weekday): [f"{begin:%H:%M}", f"{until:%H:%M}"]
            for weekday, (begin, until) in sorted(pattern.items())
        },
    }


def care_plan_snapshot(plan: CarePlan) -> dict:
    return pattern_snapshot(kind=plan.kind, start=plan.start, end=plan.end, pattern=plan.pattern)


def care_plan_change_summary(before: dict, after: dict) -> str:
    """A short Dutch (or English) sentence per difference between two snapshots."""
    parts = []
    if before["kind"] != after["kind"]:
        parts.append(
            _("kind of care: %(before)s → %(after)s")
            % {"before": _(before["kind"]), "after": _(after["kind"])}
        )
    for key, label in (("start", _("start")), ("end", _("end"))):
        if before[key] != after[key]:
            parts.append(f"{label}: {before[key] or _('open')} → {after[key] or _('open')}")
    old, new = before["pattern"], after["pattern"]
    for day in sorted({*old, *new}, key=int):
        name = weekday_name(int(day))
        if day not in old:
            parts.append(
                _("%(day)s added (%(times)s)") % {"day": name, "times": "–".join(new[day])}
            )
        elif day not in new:
            parts.append(_("%(day)s removed") % {"day": name})
        elif old[day] != new[day]:
            parts.append(
                _("%(day)s: %(before)s → %(after)s")
                % {"day": name, "before": "–".join(old[day]), "after": "–".join(new[day])}
            )
    return "; ".join(parts)


@transaction.atomic
def care_plan_change(
    *,
    plan: CarePlan,
    version: int,
    user: User,
    requested_by: str,
    requested_on: dt.date,
    kind: str,
    start: dt.date,
    end: dt.date | None,
    pattern: Pattern,
    note: str = "",
    accept: bool = True,
    include_bookings: Collection[int] | None = None,
    group_id: int | None = None,
) -> CarePlanChange:
    """Record a family's change request and, when accepted, apply it to the plan.

    Families may ask again and again: every request is kept with its decision. The row
    lock and the version make a change made on a stale page fail instead of silently
    overwriting a change someone else saved in between.

    `include_bookings` is given after the coordinator saw the preview of the bookings:
    the plan's bookings then follow in this same transaction (with the ticked bookings
    of another origin and, with `group_id`, in that group). Without it they follow once
    the transaction commits.
    """
    plan = (
        CarePlan.objects.select_for_update().select_related("child__family__site").get(pk=plan.pk)
    )
    if plan.version != version:
        raise ValidationError(
            _("Someone changed this care plan in the meantime. Reload the page and try again.")
        )
    before = care_plan_snapshot(plan)
    after = pattern_snapshot(kind=kind, start=start, end=end, pattern=pattern)
    summary = care_plan_change_summary(before, after)
    if accept and group_id is not None:
        # The group is the day plan's, not the plan's: the site's groups name it.
        group = plan.child.family.site.groups.filter(pk=group_id).first()
        if group is None:
            raise ValidationError(_("Choose a group of the site."))
        moved = _("bookings to group %(group)s") % {"group": group.name}
        summary = f"{summary}; {moved}" if summary else moved
    if not summary:
        raise ValidationError(_("Nothing was changed."))
    if accept:
        _check_pattern(site=plan.child.family.site, pattern=pattern)
        plan.kind, plan.start, plan.end = kind, start, end
        plan.version += 1
        plan.full_clean()
        plan.save()
        plan.days.all().delete()
        CarePlanDay.objects.bulk_create(
            CarePlanDay(plan=plan, weekday=weekday, start=s, end=e)
            for weekday, (s, e) in sorted(pattern.items())
        )
        if include_bookings is not None:
            care_plan_applied.send(
                sender=CarePlan,
                plan=plan,
                user=user,
                group_id=group_id,
                include=frozenset(include_bookings),
            )
    return CarePlanChange.objects.create(
        plan=plan,
        requested_on=requested_on,
        requested_by=requested_by,
        before=before,
        after=after,
        summary=summary,
        note=note,
        decision=CarePlanChange.Decision.ACCEPTED if accept else CarePlanChange.Decision.REFUSED,
        decided_by=user,
    )


def settling_in_steps(site: Site) -> list[tuple[int, bool]]:
    steps = [(step.minutes, step.with_parent) for step in site.settling_in_steps.all()]
    return steps or DEFAULT_SETTLING_IN


@transaction.atomic
def settling_in_plan(
    *, child: Child, first_day: dt.date, start: dt.time
) -> list[SettlingInSession]:
    """Plan the first sessions of a child from the site's template, one per open day.

    Sessions already planned for the child are replaced: the coordinator plans again
    when the family asks for other days.
    """
    site = child.family.site
    steps = settling_in_steps(site)
    days = site.open_days(first_day, first_day + dt.timedelta(days=7 * len(steps) + 14))[
        : len(steps)
    ]
    sessions = []
    for day, (minutes, with_parent) in zip(days, steps, strict=False):
        begin = dt.datetime.combine(day, start)
        end = min(begin + dt.timedelta(minutes=minutes), dt.datetime.combine(day, site.closes))
        if end <= begin:
            raise ValidationError(_("The sessions must start before the site closes."))
        sessions.append(
            SettlingInSession(
                child=child, date=day, start=start, end=end.time(), with_parent=with_parent
            )
        )
    child.settling_in_sessions.all().delete()
    sessions = SettlingInSession.objects.bulk_create(sessions)
    settling_in_planned.send(sender=SettlingInSession, child=child, sessions=sessions)
    return sessions


@transaction.atomic
def settling_in_clear(*, child: Child) -> None:
    child.settling_in_sessions.all().delete()
    settling_in_planned.send(sender=SettlingInSession, child=child, sessions=[])


def family_access_record(
    *,
    user: User | None,
    family_ids: Iterable[int | None],
    page: str,
    what: str = FamilyAccess.What.VIEW,
) -> None:
    """Log that `user` was shown (or changed, exported) the personal data of families.

    One row per family, in one query. `None` stands for a family not known yet (a
    referral not matched to a family): the row then names only the page.
    """
    FamilyAccess.objects.bulk_create(
        FamilyAccess(family_id=family_id, user=user, what=what, page=page[:200])
        for family_id in family_ids
    )


def _erased_name() -> str:
    return _("Erased")


def _admin_log_erase(*, model: type, ids: Iterable[int]) -> None:
    """The Django admin's history keeps each object's name as it was: blank it."""
    content_type = ContentType.objects.get_for_model(model)
    LogEntry.objects.filter(
        content_type=content_type, object_id__in=[str(pk) for pk in ids]
    ).update(object_repr="", change_message="")


@transaction.atomic
def family_erase(*, family: Family, user: User | None, today: dt.date | None = None) -> Family:
    """Remove the personal data of a family that left; keep what past reports count.

    Kept: the site, postcode, referrer, the criteria and the vulnerability flag (they
    feed the social mix of past months), the care plans, the bookings' dates, times and
    outcomes, and the children's birth month. Removed in this one transaction: names,
    contact details, kindcodes, allergies, pick-up persons, notes, consent, the history
    of criteria, the notes of change requests, and (through `family_erasing`) what the
    bookings, the waiting list and the referrals hold about the family.
    `user` is None when the nightly retention erases the family.
    """
    today = today or timezone.localdate()
    family = Family.objects.select_for_update().get(pk=family.pk)
    if family.is_erased:
        raise ValidationError(_("This family was erased already."))
    if family.left_on is None:
        raise ValidationError(
            _("Only a family that left can be erased. Record the day it left first.")
        )
    if family.left_on > today:
        raise ValidationError(
            _("This family leaves on %(day)s: it can be erased from that day on.")
            % {"day": f"{family.left_on:%d-%m-%Y}"}
        )
    children = list(family.children.all())
    family.reference = f"gewist-{family.pk}"
    family.neighbourhood = ""
    family.consent_date = None
    family.consent_scope = ""
    family.erased_at = timezone.now()
    family.save()
    guardian_ids = list(family.guardians.values_list("pk", flat=True))
    family.guardians.all().delete()
    family.criteria_records.all().delete()
    for child in children:
        child.first_name, child.last_name = _erased_name(), ""
        child.reference = ""
        child.kindcode = ""
        child.birth_date = child.birth_date.replace(day=1)
        child.allergies = child.diet = child.pickup_persons = child.staff_notes = ""
    Child.objects.bulk_update(
        children,
        [
            "first_name",
            "last_name",
            "reference",
            "kindcode",
            "birth_date",
            "allergies",
            "diet",
            "pickup_persons",
            "staff_notes",
        ],
    )
    CarePlanChange.objects.filter(plan__child__family=family).update(requested_by="", note="")
    SettlingInSession.objects.filter(child__family=family).delete()
    _admin_log_erase(model=Guardian, ids=guardian_ids)
    _admin_log_erase(model=Child, ids=[child.pk for child in children])
    _admin_log_erase(model=Family, ids=[family.pk])
    family_erasing.send(sender=Family, family=family, children=children)
    FamilyAccess.objects.create(
        family=family, user=user, what=FamilyAccess.What.ERASE, page=family.get_absolute_url()
    )
    return family


def retention_erase(*, today: dt.date) -> list[int]:
    """Erase every family that left longer ago than its site's retention period.

    The nightly task calls this. Each family is erased in a transaction of its own, so
    one refusal does not keep the others; the ids of the erased families are returned.
    """
    erased = []
    for family in families_due_for_erasure(today=today):
        try:
            family_erase(family=family, user=None, today=today)
        except ValidationError:
            logger.exception("Family %s could not be erased.", family.pk)
        else:
            erased.append(family.pk)
    return erased
