"""Writes of the referrals app: keyword-only, typed, atomic.

A referral is saved whole or not at all; starting a family from it (family, child, care
plan, settling-in sessions, first booking, status) is one transaction, so a refused
booking leaves nothing behind.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from elief.models import Organisation, Site, User
from families import services as family_services
from families.models import CareKind, CarePlan, Child, Family, Guardian
from planning import rules as planning_rules
from planning import services as planning_services
from planning.models import Booking, Group, Origin
from planning.regular import REGULAR_HORIZON, SkippedDay
from referrals import rules
from referrals.models import ContactPerson, Referral, ReferralStep, Status


@transaction.atomic
def organisation_create(*, name: str) -> Organisation:
    organisation = Organisation(name=" ".join(name.split()))
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def contact_save(*, contact: ContactPerson) -> ContactPerson:
    contact.full_clean()
    contact.save()
    return contact


def _check_pattern(
    *, site: Site, weekdays: Iterable[int], start: dt.time | None, end: dt.time | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    weekdays = sorted(set(weekdays))
    if not weekdays:
        errors["weekdays"] = [_("Choose at least one day of the week.")]
    closed = [day for day in weekdays if day not in site.weekdays]
    if closed:
        errors["weekdays"] = [
            _("%(site)s is closed on weekday %(day)s.") % {"site": site.name, "day": closed[0]}
        ]
    if start and end:
        try:
            site.check_opening_hours(start, end, fields=("wished_from", "wished_until"))
        except ValidationError as error:
            errors.update(error.message_dict)
    return errors


@transaction.atomic
def referral_create(
    *,
    site: Site,
    organisation: Organisation,
    submitted_by: User | None,
    consent_date: dt.date | None,
    consent_scope: str,
    reason: str,
    wished_start: dt.date,
    weekdays: Iterable[int],
    wished_from: dt.time,
    wished_until: dt.time,
    parent_first_name: str,
    parent_last_name: str,
    child_first_name: str,
    child_last_name: str,
    child_birth_date: dt.date,
    contact: ContactPerson | None = None,
    received_date: dt.date | None = None,
    urgent: bool = False,
    notes: str = "",
    parent_phone: str = "",
    parent_email: str = "",
    postcode: str = "",
    home_languages: str = "",
    today: dt.date | None = None,
) -> Referral:
    """Record a referral and its first step, "received".

    Refused (ValidationError by field, nothing saved) without the parent's consent (a date
    on or before the day it is received, and its scope), with a wished start in the past,
    with a contact of another organisation, or with days and times the site is closed.
    """
    today = today or timezone.localdate()
    received_date = received_date or today
    errors: dict[str, list[str]] = {}
    if received_date > today:
        errors["received_date"] = [_("A referral cannot be received in the future.")]
    if consent_date is None:
        errors["consent_date"] = [_("No referral without the parent's consent: give its date.")]
    elif consent_date > received_date:
        errors["consent_date"] = [
            _("The parent's consent must be given before the referral is sent.")
        ]
    if not consent_scope.strip():
        errors["consent_scope"] = [_("Say what the parent agreed to.")]
    if wished_start < today:
        errors["wished_start"] = [_("The wished start lies in the past.")]
    if child_birth_date > today:
        errors["child_birth_date"] = [_("The birth date lies in the future.")]
    if contact is not None and contact.organisation_id != organisation.pk:
        errors["contact"] = [_("This contact person works for another organisation.")]
    errors.update(_check_pattern(site=site, weekdays=weekdays, start=wished_from, end=wished_until))
    if errors:
        raise ValidationError(errors)

    referral = Referral(
        site=site,
        organisation=organisation,
        contact=contact,
        submitted_by=submitted_by,
        received_date=received_date,
        consent_date=consent_date,
        consent_scope=consent_scope.strip(),
        reason=reason,
        urgent=urgent,
        wished_start=wished_start,
        wished_weekdays="".join(str(day) for day in sorted(set(weekdays))),
        wished_from=wished_from,
        wished_until=wished_until,
        notes=notes.strip(),
        parent_first_name=parent_first_name.strip(),
        parent_last_name=parent_last_name.strip(),
        parent_phone=parent_phone.strip(),
        parent_email=parent_email.strip(),
        postcode=postcode.strip(),
        home_languages=home_languages.strip(),
        child_first_name=child_first_name.strip(),
        child_last_name=child_last_name.strip(),
        child_birth_date=child_birth_date,
    )
    referral.full_clean()
    referral.save()
    ReferralStep.objects.create(
        referral=referral, status=rules.RECEIVED, date=received_date, by=submitted_by
    )
    return referral


def _locked(referral: Referral) -> Referral:
    # Two coordinators acting on the same referral at once: the second waits, then sees
    # the status the first one left and is refused if the step no longer applies.
    return Referral.objects.select_for_update().select_related("site").get(pk=referral.pk)


def _move(
    referral: Referral, *, status: str, user: User | None, today: dt.date, note: str = ""
) -> None:
    if not rules.can_move(referral.status, status):
        raise ValidationError(
            _("A referral with status “%(current)s” cannot become “%(target)s”.")
            % {
                "current": referral.get_status_display(),
                "target": Status(status).label,
            }
        )
    referral.status = status
    referral.closed_on = today if rules.is_final(status) else None
    step = ReferralStep.objects.create(
        referral=referral, status=status, date=today, by=user, note=note
    )
    if status in rules.REFERRER_HEARS:
        # Only once the step is saved for good: a rolled-back start mails nobody. (The
        # tasks module imports this one, hence the import here.)
        from referrals import tasks

        # Robust: the step stands even when the broker is down; the error is logged.
        transaction.on_commit(partial(tasks.referral_step_mail.delay, step.pk), robust=True)


@transaction.atomic
def referral_step(
    *,
    referral: Referral,
    user: User,
    status: str,
    today: dt.date | None = None,
    intake_date: dt.date | None = None,
    note: str = "",
) -> Referral:
    """Move a referral on: intake planned (with its date), waiting, declined (with the
    reason), withdrawn. Starting a family goes through `referral_start`."""
    today = today or timezone.localdate()
    referral = _locked(referral)
    note = note.strip()
    if status == rules.STARTED:
        raise ValidationError(_("Start the family from the referral's start page."))
    if status == rules.INTAKE_PLANNED:
        if intake_date is None:
            raise ValidationError({"intake_date": _("Give the date of the intake.")})
        if intake_date < referral.received_date:
            raise ValidationError(
                {"intake_date": _("The intake cannot come before the referral was received.")}
            )
        referral.intake_date = intake_date
    if status == rules.DECLINED:
        if not note:
            raise ValidationError({"note": _("Say why the referral is declined.")})
        referral.decline_reason = note
    _move(referral, status=status, user=user, today=today, note=note)
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def referral_match(*, referral: Referral, family: Family | None) -> Referral:
    """Link the referral to an existing family of its site (None: it is a new family)."""
    referral = _locked(referral)
    if referral.status == rules.STARTED:
        raise ValidationError(_("The family of a started referral cannot change."))
    if family is not None and (family.site_id != referral.site_id or family.is_erased):
        raise ValidationError(_("Choose a family of the referral's site."))
    referral.family = family
    referral.save(update_fields=["family", "updated_at"])
    return referral


@dataclass(frozen=True)
class NewFamily:
    reference: str
    postcode: str = ""


@dataclass(frozen=True)
class GuardianDetails:
    first_name: str
    last_name: str
    phone: str = ""
    email: str = ""
    home_languages: str = ""


@dataclass(frozen=True)
class ChildDetails:
    first_name: str
    last_name: str
    birth_date: dt.date


@dataclass(frozen=True)
class PlanDetails:
    kind: str
    start: dt.date
    end: dt.date | None
    pattern: dict[int, tuple[dt.time, dt.time]]


@dataclass(frozen=True)
class SettlingIn:
    first_day: dt.date
    start: dt.time


@dataclass(frozen=True)
class FirstBooking:
    group: Group
    day: dt.date
    start: dt.time
    end: dt.time
    place_type: str
    override_reason: str = ""


@dataclass(frozen=True)
class Started:
    referral: Referral
    family: Family
    child: Child
    plan: CarePlan
    booking: Booking
    sessions: int
    # Every day of the pattern the start booked, the first care day included, and the
    # days it could not book, with the reason.
    bookings: list[Booking] = field(default_factory=list)
    skipped: list[SkippedDay] = field(default_factory=list)


def _family_for_start(
    *,
    referral: Referral,
    family: Family | None,
    new_family: NewFamily | None,
    guardian: GuardianDetails,
) -> Family:
    site = referral.site
    if family is None:
        if new_family is None:
            raise ValidationError(_("Choose the family: an existing one or a new one."))
        if Family.objects.filter(site=site, reference=new_family.reference).exists():
            raise ValidationError(
                {"reference": _("This site already has a family with this reference.")}
            )
        family = family_services.family_create(
            site=site,
            reference=new_family.reference,
            postcode=new_family.postcode,
            referrer=referral.organisation,
            consent_date=referral.consent_date,
            consent_scope=referral.consent_scope,
        )
    else:
        if family.site_id != site.pk or family.is_erased:
            raise ValidationError(_("Choose a family of the referral's site."))
        # The latest consent is the one in force; the family keeps its postcode.
        family = family_services.family_update(
            family=family,
            referrer=referral.organisation,
            consent_date=referral.consent_date,
            consent_scope=referral.consent_scope,
        )
    known = any(
        rules.same_name(g.first_name, guardian.first_name)
        and rules.same_name(g.last_name, guardian.last_name)
        for g in family.guardians.all()
    )
    if not known:
        family_services.guardian_save(
            guardian=Guardian(
                family=family,
                first_name=guardian.first_name,
                last_name=guardian.last_name,
                phone=guardian.phone,
                email=guardian.email,
                home_languages=guardian.home_languages,
            )
        )
    return family


def _child_for_start(*, family: Family, details: ChildDetails) -> Child:
    for child in family.children.all():
        if (
            rules.same_name(child.first_name, details.first_name)
            and rules.same_name(child.last_name, details.last_name)
            and child.birth_date == details.birth_date
        ):
            return child
    return family_services.child_save(
        child=Child(
            family=family,
            first_name=details.first_name,
            last_name=details.last_name,
            birth_date=details.birth_date,
        )
    )


@transaction.atomic
def referral_start(
    *,
    referral: Referral,
    user: User,
    family: Family | None,
    new_family: NewFamily | None,
    guardian: GuardianDetails,
    child: ChildDetails,
    plan: PlanDetails,
    booking: FirstBooking,
    settling_in: SettlingIn | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Started:
    """Take an accepted referral to a family in care, in one go.

    The family is the matched one (`family`) or a new one (`new_family`); the child is the
    family's child of the same name and birth date, else a new one. Then the care plan,
    the settling-in sessions (optional; they come before the first care day) and the first
    booking, under the acceptance rule of the day plan: a BookingRefused (nothing saved)
    unless `booking.override_reason` is given. The referral ends "started", with the first
    booking's day as its first care day.
    """
    today = today or timezone.localdate()
    referral = _locked(referral)
    if not rules.can_move(referral.status, rules.STARTED):
        raise ValidationError(
            _("This referral is %(status)s already.") % {"status": referral.get_status_display()}
        )
    if booking.group.site_id != referral.site_id:
        raise ValidationError({"group": _("Choose a group of the referral's site.")})
    if booking.day < plan.start or (plan.end is not None and booking.day > plan.end):
        raise ValidationError({"day": _("The first care day must lie within the care plan.")})

    family = _family_for_start(
        referral=referral, family=family, new_family=new_family, guardian=guardian
    )
    new_child = _child_for_start(family=family, details=child)
    care_plan = family_services.care_plan_create(
        child=new_child, kind=plan.kind, start=plan.start, end=plan.end, pattern=plan.pattern
    )
    sessions = []
    if settling_in is not None:
        sessions = family_services.settling_in_plan(
            child=new_child, first_day=settling_in.first_day, start=settling_in.start
        )
        if any(session.date >= booking.day for session in sessions):
            raise ValidationError(
                {
                    "first_day": _(
                        "The settling-in sessions must end before the first care day (%(day)s)."
                    )
                    % {"day": booking.day.isoformat()}
                }
            )
    first = planning_services.booking_create(
        child=new_child,
        group=booking.group,
        day=booking.day,
        start=booking.start,
        end=booking.end,
        place_type=booking.place_type,
        user=user,
        override_reason=booking.override_reason,
        origin=Origin.REFERRAL_START,
        care_plan=care_plan,
        now=now,
    )
    bookings, skipped = _book_pattern(
        child=new_child, plan=care_plan, first=first, user=user, now=now
    )
    referral.family, referral.child = family, new_child
    referral.first_care_day = first.date
    _move(referral, status=rules.STARTED, user=user, today=today)
    referral.full_clean()
    referral.save()
    return Started(
        referral=referral,
        family=family,
        child=new_child,
        plan=care_plan,
        booking=first,
        sessions=len(sessions),
        bookings=[first, *bookings],
        skipped=skipped,
    )


@transaction.atomic
def family_referrals_erase(*, family: Family, children: Iterable[Child]) -> None:
    """Erase the parent's and child's details that referrals of an erased family hold.

    Kept for the referral figures: site, organisation, dates, reason, urgency, status and
    the wished pattern; the child's birth month, as on the child itself. Removed: names,
    phone, e-mail, languages, notes, the decline reason and the notes of every step.
    """
    referrals = list(
        Referral.objects.select_for_update().filter(
            Q(family=family) | Q(child__in=[child.pk for child in children])
        )
    )
    for referral in referrals:
        referral.parent_first_name = _("Erased")
        referral.parent_last_name = ""
        referral.parent_phone = referral.parent_email = ""
        referral.home_languages = ""
        referral.child_first_name = _("Erased")
        referral.child_last_name = ""
        referral.child_birth_date = referral.child_birth_date.replace(day=1)
        referral.notes = referral.decline_reason = ""
    Referral.objects.bulk_update(
        referrals,
        [
            "parent_first_name",
            "parent_last_name",
            "parent_phone",
            "parent_email",
            "home_languages",
            "child_first_name",
            "child_last_name",
            "child_birth_date",
            "notes",
            "decline_reason",
        ],
    )
    ReferralStep.objects.filter(referral__in=referrals).exclude(note="").update(note="")


def _book_pattern(
    *, child: Child, plan: CarePlan, first: Booking, user: User, now: dt.datetime | None
) -> tuple[list[Booking], list[SkippedDay]]:
    """Book the plan's pattern after the first care day, up to the horizon of the regular
    plans (four weeks) or the plan's end, each day under the acceptance rule.

    A day that cannot be booked (closed, refused by the overflow rule, already booked) is
    skipped with its reason: the coordinator books it by hand, with a reason if needed.
    An occasional plan's days are the days the family asked for; they are booked as
    occasional places, a regular plan's as regular ones.
    """
    site = first.group.site
    pattern = plan.pattern
    last = first.date + REGULAR_HORIZON
    if plan.end is not None:
        last = min(last, plan.end)
    regular = plan.kind == CareKind.REGULAR
    place_type = planning_rules.REGULAR if regular else planning_rules.OCCASIONAL
    bookings: list[Booking] = []
    skipped: list[SkippedDay] = []
    day = first.date + dt.timedelta(days=1)
    while day <= last:
        times = pattern.get(day.isoweekday())
        closed = site.closed_reason(day) if times else None
        if closed is not None:
            skipped.append(
                SkippedDay(day=day, reason=_("Closed: %(reason)s.") % {"reason": closed})
            )
        elif times is not None:
            try:
                bookings.append(
                    planning_services.booking_create(
                        child=child,
                        group=first.group,
                        day=day,
                        start=times[0],
                        end=times[1],
                        place_type=place_type,
                        user=user,
                        origin=Origin.REFERRAL_START,
                        care_plan=plan,
                        now=now,
                    )
                )
            except ValidationError as error:
                skipped.append(SkippedDay(day=day, reason=" ".join(error.messages)))
        day += dt.timedelta(days=1)
    return bookings, skipped
