"""Writes of the planning app: keyword-only, typed, atomic."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _gettext

from elief.models import ClosingDay, Site, SiteSettings, User
from families.models import Child
from planning import rules, selectors
from planning.forms import (
    SETTINGS_FIELDS,
    ClosingDayConfigForm,
    GroupConfigForm,
    SiteConfigForm,
)
from planning.models import DEFAULT_ABSENCE_CODES, AbsenceCode, Booking, BookingChange, Group

TOP_LEVEL_KEYS = {
    "site",
    "licensed_places",
    "opens",
    "closes",
    "opening_weekdays",
    "closing_days",
    "groups",
    "schemes",
    "valid_from",
}


@dataclass
class SiteImportResult:
    site: Site
    created: bool
    changes: list[str] = field(default_factory=list)


def _errors_of(form, prefix: str = "") -> list[str]:
    return [
        f"{prefix}{name}: {message}"
        for name, messages in form.errors.items()
        for message in messages
    ]


def _validate(
    data: dict,
) -> tuple[SiteConfigForm, list[GroupConfigForm], list[ClosingDayConfigForm]]:
    if not isinstance(data, dict):
        raise ValidationError(["The file must hold one JSON object."])
    errors = [
        f"{key}: unknown field" for key in sorted(set(data) - TOP_LEVEL_KEYS - set(SETTINGS_FIELDS))
    ]
    site_form = SiteConfigForm(
        data={k: v for k, v in data.items() if k not in ("groups", "closing_days", "schemes")}
    )
    errors += _errors_of(site_form)

    groups = data.get("groups", [])
    closing_days = data.get("closing_days", [])
    group_forms: list[GroupConfigForm] = []
    day_forms: list[ClosingDayConfigForm] = []
    if not isinstance(groups, list):
        errors.append("groups: must be a list")
    else:
        names = set()
        for index, group in enumerate(groups):
            prefix = f"groups[{index}]."
            if not isinstance(group, dict):
                errors.append(f"groups[{index}]: must be an object")
                continue
            errors += [
                f"{prefix}{key}: unknown field"
                for key in sorted(set(group) - set(GroupConfigForm.base_fields))
            ]
            form = GroupConfigForm(data=group)
            errors += _errors_of(form, prefix)
            if form.is_valid():
                values = form.cleaned_data
                try:
                    # The model's own rules: places within capacity, reserve within places.
                    Group(**_group_fields(values)).clean()
                except ValidationError as error:
                    errors += [
                        f"{prefix}{name}: {message}"
                        for name, messages in error.message_dict.items()
                        for message in messages
                    ]
                if values["name"] in names:
                    errors.append(f"{prefix}name: {values['name']!r} appears twice")
                names.add(values["name"])
            group_forms.append(form)
    if not isinstance(closing_days, list):
        errors.append("closing_days: must be a list")
    else:
        for index, day in enumerate(closing_days):
            form = ClosingDayConfigForm(data=day if isinstance(day, dict) else {"date": day})
            errors += _errors_of(form, f"closing_days[{index}].")
            day_forms.append(form)
    if errors:
        raise ValidationError(errors)
    return site_form, group_forms, day_forms


@transaction.atomic
def site_import(*, data: dict) -> SiteImportResult:
    """Create or update the site named in `data` from a configuration file.

    Idempotent: importing the same data again changes nothing. A bad file raises
    ValidationError naming each bad field, and nothing is written.
    """
    site_form, group_forms, day_forms = _validate(data)
    values = site_form.cleaned_data
    site, created = Site.objects.select_for_update().get_or_create(
        name=values["site"], defaults={"licensed_places": values["licensed_places"]}
    )
    result = SiteImportResult(site=site, created=created)
    absence_codes_ensure(site=site)

    site_fields = {
        "licensed_places": values["licensed_places"],
        "opens": values["opens"] or Site._meta.get_field("opens").get_default(),
        "closes": values["closes"] or Site._meta.get_field("closes").get_default(),
        "opening_weekdays": "".join(str(d) for d in sorted(values["opening_weekdays"]))
        or Site._meta.get_field("opening_weekdays").get_default(),
    }
    changed = [name for name, value in site_fields.items() if getattr(site, name) != value]
    if changed:
        for name in changed:
            setattr(site, name, site_fields[name])
        site.full_clean()
        site.save()
        if not created:
            result.changes.append(f"site: {', '.join(changed)}")

    _import_settings(
        site=site,
        values=site_form.settings_values(),
        valid_from=values["valid_from"],
        result=result,
    )
    _import_closing_days(site=site, forms=day_forms, result=result)
    for form in group_forms:
        _import_group(site=site, values=form.cleaned_data, result=result)
    return result


# A site's first settings hold for all its past unless the file says from when: the
# history imported with it is computed with them.
SETTINGS_SINCE_ALWAYS = dt.date(2000, 1, 1)


def _import_settings(*, site: Site, values: dict, valid_from, result: SiteImportResult) -> None:
    entries = list(site.settings.all())
    # A change without a date applies from today on.
    valid_from = valid_from or (timezone.localdate() if entries else SETTINGS_SINCE_ALWAYS)
    current = site.settings_on(valid_from) if entries else None
    if current is not None and all(getattr(current, k) == v for k, v in values.items()):
        return
    entry, _ = SiteSettings.objects.update_or_create(
        site=site, valid_from=valid_from, defaults=values
    )
    entry.full_clean()
    if current is not None:
        result.changes.append(f"settings from {entry.valid_from:%Y-%m-%d}")


def _import_closing_days(
    *, site: Site, forms: list[ClosingDayConfigForm], result: SiteImportResult
) -> None:
    wanted = {form.cleaned_data["date"]: form.cleaned_data["reason"] for form in forms}
    existing = {day.date: day for day in site.closing_days.all()}
    for date in existing.keys() - wanted.keys():
        existing[date].delete()
        result.changes.append(f"closing day {date:%Y-%m-%d} removed")
    for date, reason in wanted.items():
        day = existing.get(date)
        if day is None:
            ClosingDay.objects.create(site=site, date=date, reason=reason)
            result.changes.append(f"closing day {date:%Y-%m-%d} added")
        elif day.reason != reason:
            day.reason = reason
            day.save(update_fields=["reason"])
            result.changes.append(f"closing day {date:%Y-%m-%d} reason")


def _group_fields(values: dict) -> dict:
    reserve = values["urgent_reserve"]
    return {
        "capacity": values["capacity"],
        "regular_places": values["regular_places"],
        "occasional_places": values["occasional_places"],
        "urgent_reserve": Group._meta.get_field("urgent_reserve").default
        if reserve is None
        else reserve,
    }


def _import_group(*, site: Site, values: dict, result: SiteImportResult) -> None:
    fields = _group_fields(values)
    group, created = Group.objects.get_or_create(site=site, name=values["name"], defaults=fields)
    changed = [name for name, value in fields.items() if getattr(group, name) != value]
    if created:
        result.changes.append(f"group {group.name} added")
    elif changed:
        for name in changed:
            setattr(group, name, fields[name])
        group.full_clean()
        group.save()
        result.changes.append(f"group {group.name}: {', '.join(changed)}")


# Bookings


class BookingRefused(ValidationError):
    """The acceptance rule refuses the booking; a coordinator may book anyway with a reason."""

    def __init__(self, message: str, *, risk_pct: float, max_pct: float) -> None:
        super().__init__(message)
        self.risk_pct = risk_pct
        self.max_pct = max_pct


def booking_snapshot(booking: Booking) -> dict:
    return {
        "group": booking.group.name,
        "date": booking.date.isoformat(),
        "start": f"{booking.start:%H:%M}",
        "end": f"{booking.end:%H:%M}",
        "place_type": booking.place_type,
        "outcome": booking.outcome,
        "arrived": f"{booking.arrived:%H:%M}" if booking.arrived else None,
        "left": f"{booking.left:%H:%M}" if booking.left else None,
        "absence_code": booking.absence_code.code if booking.absence_code else None,
        "override_reason": booking.override_reason or None,
    }


def _record(booking: Booking, *, user: User | None, action: str, before: dict | None) -> None:
    BookingChange.objects.create(
        booking=booking, user=user, action=action, before=before, after=booking_snapshot(booking)
    )


def _lock_group_day(group: Group) -> Group:
    # Two coordinators booking the last places of a group at once: the second waits for
    # the first to commit, then sees its booking when the risk is computed again.
    return Group.objects.select_for_update().select_related("site").get(pk=group.pk)


def _check_acceptance(
    *,
    group: Group,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    child_id: int,
    place_type: str,
    now: dt.datetime,
    exclude_pk: int | None = None,
) -> tuple[bool, float, float]:
    site = group.site
    site_settings = selectors.site_settings_on(site, day)
    bookings = [
        b
        for b in Booking.objects.filter(group=group, date=day).select_related("absence_code")
        if b.is_live and b.pk != exclude_pk
    ]
    probabilities = selectors.show_probabilities(
        site=site,
        day=day,
        child_ids={child_id, *(b.child_id for b in bookings)},
        site_settings=site_settings,
    )
    figures = selectors.group_figures(
        group=group,
        bookings=bookings,
        probabilities=probabilities,
        site=site,
        site_settings=site_settings,
        day=day,
        now=now,
    )
    existing = [selectors.planned_booking(b, b.p) for b in bookings]
    new = rules.PlannedBooking(start=start, end=end, p=probabilities[child_id])
    accepted, risk_pct = rules.accepts_booking(
        existing=existing,
        new=new,
        capacity=group.capacity,
        reserve_left=figures.reserve_left,
        urgent=place_type == rules.URGENT,
        max_risk_pct=site_settings.max_overflow_risk_pct,
        opens=site.opens,
        closes=site.closes,
    )
    return accepted, risk_pct, float(site_settings.max_overflow_risk_pct)


def _refusal(risk_pct: float, max_pct: float) -> BookingRefused:
    return BookingRefused(
        _gettext("The overflow risk would be %(risk).1f %%, above the maximum of %(max).1f %%.")
        % {"risk": risk_pct, "max": max_pct},
        risk_pct=risk_pct,
        max_pct=max_pct,
    )


def _check_day_is_open(site: Site, day: dt.date) -> None:
    if not site.is_open_on(day):
        raise ValidationError(_gettext("The site is closed on %(day)s.") % {"day": day.isoformat()})


@transaction.atomic
def booking_create(
    *,
    child: Child,
    group: Group,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    place_type: str,
    user: User | None,
    override_reason: str = "",
    settling_in: bool = False,
    care_plan=None,
    now: dt.datetime | None = None,
    check_acceptance: bool = True,
) -> Booking:
    """Book a child; refused (BookingRefused) when the overflow risk would pass the
    site's maximum, unless a reason to book anyway is given, which is recorded."""
    now = now or timezone.now()
    group = _lock_group_day(group)
    if child.family.site_id != group.site_id:
        raise ValidationError(_gettext("The child belongs to another site."))
    _check_day_is_open(group.site, day)
    if Booking.objects.filter(child=child, date=day).exclude(outcome=rules.CANCELLED).exists():
        raise ValidationError(
            _gettext("%(name)s is already booked on this day.") % {"name": child.first_name}
        )
    if check_acceptance:
        accepted, risk_pct, max_pct = _check_acceptance(
            group=group,
            day=day,
            start=start,
            end=end,
            child_id=child.pk,
            place_type=place_type,
            now=now,
        )
        if not accepted and not override_reason.strip():
            raise _refusal(risk_pct, max_pct)
        if accepted:
            override_reason = ""
    booking = Booking(
        child=child,
        group=group,
        date=day,
        start=start,
        end=end,
        place_type=place_type,
        override_reason=override_reason.strip(),
        settling_in=settling_in,
        care_plan=care_plan,
        created_by=user,
    )
    booking.full_clean(validate_constraints=False)
    booking.save()
    _record(booking, user=user, action="created", before=None)
    return booking


def _locked(booking: Booking, version: int | None) -> Booking:
    # Lock the booking row alone, then read it with its relations. A lock taken through
    # the join to the group loses the row when a concurrent move changed its group
    # (PostgreSQL re-checks the join against the new row version and finds nothing), and
    # FOR UPDATE cannot take the nullable side of the absence code's outer join.
    Booking.objects.select_for_update().filter(pk=booking.pk).values_list("pk").get()
    locked = Booking.objects.select_related("group__site", "child__family", "absence_code").get(
        pk=booking.pk
    )
    if version is not None and locked.version != version:
        raise ValidationError(
            _gettext("Someone changed this booking in the meantime. Reload the page and try again.")
        )
    return locked


def _save(booking: Booking, *, user: User | None, action: str, before: dict) -> Booking:
    booking.version += 1
    booking.full_clean(validate_constraints=False)
    booking.save()
    _record(booking, user=user, action=action, before=before)
    return booking


@transaction.atomic
def booking_move(
    *,
    booking: Booking,
    version: int | None,
    user: User,
    group: Group,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    override_reason: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """Move a booking to another group, day or time; the acceptance rule applies there."""
    now = now or timezone.now()
    target = _lock_group_day(group)
    booking = _locked(booking, version)
    if target.site_id != booking.group.site_id:
        raise ValidationError(_gettext("A booking moves within its site only."))
    _check_day_is_open(target.site, day)
    if (
        day != booking.date
        and Booking.objects.filter(child=booking.child, date=day)
        .exclude(outcome=rules.CANCELLED)
        .exists()
    ):
        raise ValidationError(
            _gettext("%(name)s is already booked on this day.") % {"name": booking.child.first_name}
        )
    accepted, risk_pct, max_pct = _check_acceptance(
        group=target,
        day=day,
        start=start,
        end=end,
        child_id=booking.child_id,
        place_type=booking.place_type,
        now=now,
        exclude_pk=booking.pk,
    )
    if not accepted and not override_reason.strip():
        raise _refusal(risk_pct, max_pct)
    before = booking_snapshot(booking)
    booking.group, booking.date, booking.start, booking.end = target, day, start, end
    if not accepted:
        booking.override_reason = override_reason.strip()
    return _save(booking, user=user, action="moved", before=before)


@transaction.atomic
def booking_cancel(*, booking: Booking, version: int | None, user: User) -> Booking:
    booking = _locked(booking, version)
    if booking.outcome not in (rules.PLANNED,):
        raise ValidationError(_gettext("Only a planned booking can be cancelled."))
    before = booking_snapshot(booking)
    booking.outcome = rules.CANCELLED
    return _save(booking, user=user, action="cancelled", before=before)


@transaction.atomic
def booking_restore(*, booking: Booking, version: int | None, user: User) -> Booking:
    """Undo a cancellation, unless the child was booked elsewhere that day since."""
    booking = _locked(booking, version)
    if booking.outcome != rules.CANCELLED:
        raise ValidationError(_gettext("Only a cancelled booking can be restored."))
    if (
        Booking.objects.filter(child=booking.child, date=booking.date)
        .exclude(outcome=rules.CANCELLED)
        .exists()
    ):
        raise ValidationError(
            _gettext("%(name)s is already booked on this day.") % {"name": booking.child.first_name}
        )
    before = booking_snapshot(booking)
    booking.outcome = rules.PLANNED
    return _save(booking, user=user, action="restored", before=before)


@transaction.atomic
def booking_set_place_type(
    *, booking: Booking, version: int | None, user: User, place_type: str
) -> Booking:
    booking = _locked(booking, version)
    before = booking_snapshot(booking)
    booking.place_type = place_type
    return _save(booking, user=user, action="place_type", before=before)


@transaction.atomic
def booking_check_in(*, booking: Booking, version: int | None, user: User, at: dt.time) -> Booking:
    booking = _locked(booking, version)
    if booking.outcome == rules.CANCELLED:
        raise ValidationError(_gettext("A cancelled booking cannot be checked in."))
    before = booking_snapshot(booking)
    booking.outcome, booking.arrived, booking.left, booking.absence_code = (
        rules.PRESENT,
        at,
        None,
        None,
    )
    return _save(booking, user=user, action="checked_in", before=before)


@transaction.atomic
def booking_check_out(*, booking: Booking, version: int | None, user: User, at: dt.time) -> Booking:
    booking = _locked(booking, version)
    if booking.outcome != rules.PRESENT or booking.arrived is None:
        raise ValidationError(_gettext("Check the child in before checking out."))
    if at <= booking.arrived:
        raise ValidationError(
            _gettext("The departure must come after the arrival (%(time)s).")
            % {"time": f"{booking.arrived:%H:%M}"}
        )
    before = booking_snapshot(booking)
    booking.left = at
    return _save(booking, user=user, action="checked_out", before=before)


@transaction.atomic
def booking_record_absence(
    *, booking: Booking, version: int | None, user: User, absence_code: AbsenceCode | None
) -> Booking:
    """An announced absence (excused, with its code) or, without a code, a no-show."""
    booking = _locked(booking, version)
    if booking.outcome == rules.CANCELLED:
        raise ValidationError(_gettext("A cancelled booking cannot be marked absent."))
    if absence_code is not None and absence_code.site_id != booking.group.site_id:
        raise ValidationError(_gettext("Unknown absence code."))
    before = booking_snapshot(booking)
    booking.outcome = rules.EXCUSED if absence_code else rules.NO_SHOW
    booking.absence_code, booking.arrived, booking.left = absence_code, None, None
    return _save(booking, user=user, action="absent", before=before)


def absence_codes_ensure(*, site: Site) -> list[AbsenceCode]:
    """The default absence codes of DESIGN.md, for a site that has none yet."""
    for code, label, counts in DEFAULT_ABSENCE_CODES:
        AbsenceCode.objects.get_or_create(
            site=site, code=code, defaults={"label": label, "counts_for_regular": counts}
        )
    return list(site.absence_codes.all())
