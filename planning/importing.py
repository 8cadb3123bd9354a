"""Import bookings and attendance from the Plan CSV of DESIGN.md ("Data-exchange formats").

One row per booking, identified by its child and date; the child by its family's reference
and its own reference, both created when missing. All or nothing: every row is checked
before anything is written, and a file with a bad row raises ValidationError naming each
bad line and column. Importing the same file again writes nothing.

The rows are a spreadsheet's plan or its history, so the acceptance rule of new bookings
(the overflow risk) does not apply: the file says what was booked and what happened.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elief.csvimport import Record, header_errors, line_error, parse_csv
from elief.dates import in_range
from elief.models import Site
from families.models import CarePlan, Child, Family
from planning import rules
from planning.models import AbsenceCode, Booking, BookingChange, Group, Origin
from planning.plan_rows import (
    COLUMNS,
    Problems,
    booking_values,
    date_of,
    parse_date,
)
from planning.services import absence_codes_ensure, booking_snapshot

IMPORTED = "imported"

# The booking's fields a row sets; the others (settling-in, care plan, reason) stay.
BOOKING_FIELDS = (
    "group",
    "start",
    "end",
    "place_type",
    "outcome",
    "arrived",
    "left",
    "absence_code",
)
CHILD_FIELDS = ("first_name", "last_name", "birth_date")
# Model field -> CSV column, so that the models' own validation names the column.
FAMILY_COLUMNS = {"reference": "family_ref"}
CHILD_COLUMNS = {"reference": "child_ref"}


@dataclass
class PlanImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    families_created: int = 0
    children_created: int = 0
    children_updated: int = 0


@dataclass
class _ChildEntry:
    """A child as the file has it: its first line and the values every row must repeat."""

    line: int
    child: Child
    values: dict[str, object]


@dataclass
class _Plan:
    """What writing a checked file takes."""

    families: list[Family] = field(default_factory=list)
    new_children: list[Child] = field(default_factory=list)
    changed_children: list[Child] = field(default_factory=list)
    new_bookings: list[Booking] = field(default_factory=list)
    # (booking, its snapshot before the import)
    changed_bookings: list[tuple[Booking, dict]] = field(default_factory=list)
    unchanged: int = 0


@transaction.atomic
def plan_import(*, text: str) -> PlanImportResult:
    """Create or update the bookings of a Plan CSV, with their families and children.

    `text` is the content of the file (a byte order mark is allowed); line 1 is the
    header, so the first row is line 2. A bad file raises ValidationError with one message
    per problem, e.g. "line 3, end: The end must come after the start (12:00).", and
    nothing is written. A booking that changes gets a new version and a BookingChange
    "imported" with its values before and after; an unchanged one is not touched.
    """
    header_line, header, records = parse_csv(text)
    errors = header_errors(header_line, header, COLUMNS)
    if errors:
        # Without the right columns every row would be wrong: report the header only.
        raise ValidationError(errors)
    plan = _check(records)
    _write(plan)
    return PlanImportResult(
        created=len(plan.new_bookings),
        updated=len(plan.changed_bookings),
        unchanged=plan.unchanged,
        families_created=len(plan.families),
        children_created=len(plan.new_children),
        children_updated=len(plan.changed_children),
    )


# Checking


@dataclass
class _Lookups:
    """Everything the rows refer to, fetched in a fixed number of queries."""

    sites: dict[str, Site]
    groups: dict[tuple[int, str], Group]
    codes: dict[tuple[int, str], AbsenceCode]
    families: dict[tuple[int, str], Family]
    children: dict[tuple[int, str], Child]
    bookings: dict[tuple[int, dt.date], list[Booking]]
    plans: dict[int, list[CarePlan]] = field(default_factory=dict)


def _lookups(records: list[Record]) -> _Lookups:
    # With their closing days, so that checking each row's day asks no query.
    sites = {
        site.name: site
        for site in Site.objects.filter(
            name__in={record.values["site"] for record in records}
        ).prefetch_related("closing_days")
    }
    groups = {
        (group.site_id, group.name): group
        for group in Group.objects.filter(
            site__in=sites.values(), name__in={record.values["group"] for record in records}
        )
    }
    codes = {}
    for site in sites.values():
        # The defaults (respijtdag, ziek, andere) exist at every site that takes plans;
        # creating them here is undone with the rest when the file is refused.
        codes.update(((site.pk, code.code), code) for code in absence_codes_ensure(site=site))
    dates = [
        day for record in records if (day := parse_date(record.values["date"])) and in_range(day)
    ]
    families = {
        (family.site_id, family.reference): family
        for family in Family.objects.filter(
            site__in=sites.values(),
            reference__in={record.values["family_ref"] for record in records},
        )
    }
    children = {
        (child.family_id, child.reference): child
        for child in Child.objects.filter(
            family__in=families.values(),
            reference__in={record.values["child_ref"] for record in records},
        ).exclude(reference="")
    }
    bookings: dict[tuple[int, dt.date], list[Booking]] = defaultdict(list)
    if dates and children:
        # Locked until the import ends, so that a booking checked in from the browser
        # meanwhile is not overwritten with what was compared against before the check-in.
        for booking in (
            Booking.objects.select_for_update(of=("self",))
            .select_related("group", "absence_code")
            .filter(child__in=children.values(), date__range=(min(dates), max(dates)))
            .order_by("pk")
        ):
            bookings[booking.child_id, booking.date].append(booking)
    plans: dict[int, list[CarePlan]] = defaultdict(list)
    for care_plan in CarePlan.objects.filter(child__in=children.values()).order_by("start", "pk"):
        plans[care_plan.child_id].append(care_plan)
    return _Lookups(sites, groups, codes, families, children, bookings, plans)


def _plan_on(found: _Lookups, child: Child, day: dt.date) -> CarePlan | None:
    """The child's care plan covering the day (the latest to start), if any: an imported
    booking of a plan is linked to it, so a change of the plan lists it."""
    covering = [plan for plan in found.plans.get(child.pk, []) if plan.is_active_on(day)]
    return covering[-1] if covering else None


def _check(records: list[Record]) -> _Plan:
    for record in records:
        record.values = {name: value.strip() for name, value in record.values.items()}
    # Rows of the wrong shape are reported as such; the lookups use only the others.
    whole = [record for record in records if record.shape_error is None]
    found = _lookups(whole)

    errors: list[str] = []
    plan = _Plan()
    families: dict[tuple[int, str], Family] = {}
    children: dict[tuple[int, str, str], _ChildEntry] = {}
    first_line_of: dict[tuple, int] = {}
    now = timezone.now()
    for record in records:
        if record.shape_error:
            errors.append(line_error(record.line, record.shape_error))
            continue
        values = record.values
        problems = Problems(record.line)

        site = _site_of(values, found, problems)
        group = _group_of(values, site, found, problems)
        day = date_of(values, "date", problems)
        booking_fields = booking_values(values, site, found.codes, problems)
        if site is not None and day is not None:
            _check_open(site, day, problems)
        if site is not None:
            _check_hours(site, booking_fields, problems)
        if group is not None:
            booking_fields["group"] = group

        family = _family_of(values, site, found, families, problems)
        entry = _child_of(values, family, site, found, children, problems)
        if entry is not None and day is not None:
            birth_date = entry.values["birth_date"]
            if isinstance(birth_date, dt.date) and day < birth_date:
                problems.add(
                    "date",
                    _("The child is born on %(birth)s, after this day.")
                    % {"birth": birth_date.isoformat()},
                )
        if day is not None and values["family_ref"] and values["child_ref"]:
            key = (values["site"], values["family_ref"], values["child_ref"], day)
            first_line = first_line_of.setdefault(key, record.line)
            if first_line != record.line:
                problems.add(
                    "date",
                    _(
                        "The child %(child)r of family %(family)r is booked twice on %(day)s "
                        "(first on line %(line)d)."
                    )
                    % {
                        "child": values["child_ref"],
                        "family": values["family_ref"],
                        "day": day.isoformat(),
                        "line": first_line,
                    },
                )

        if problems.found:
            errors += problems.messages()
            continue
        _plan_booking(plan, entry.child, day, booking_fields, found, now)
    if errors:
        raise ValidationError(errors)
    plan.families = [family for family in families.values() if family.pk is None]
    for entry in children.values():
        if entry.child.pk is None:
            plan.new_children.append(entry.child)
        elif any(getattr(entry.child, name) != entry.values[name] for name in CHILD_FIELDS):
            for name in CHILD_FIELDS:
                setattr(entry.child, name, entry.values[name])
            plan.changed_children.append(entry.child)
    return plan


def _site_of(values: dict[str, str], found: _Lookups, problems: Problems) -> Site | None:
    name = values["site"]
    if not name:
        problems.add("site", _("A site is required."))
        return None
    site = found.sites.get(name)
    if site is None:
        problems.add("site", _("There is no site named %(name)r.") % {"name": name})
    return site


def _group_of(
    values: dict[str, str], site: Site | None, found: _Lookups, problems: Problems
) -> Group | None:
    name = values["group"]
    if not name:
        problems.add("group", _("A group is required."))
        return None
    if site is None:
        return None
    group = found.groups.get((site.pk, name))
    if group is None:
        problems.add(
            "group",
            _("Site %(site)s has no group named %(name)r.") % {"site": site.name, "name": name},
        )
    return group


def _check_open(site: Site, day: dt.date, problems: Problems) -> None:
    reason = site.closed_reason(day)
    if reason is None:
        return
    problems.add(
        "date",
        _("Site %(site)s is closed on %(day)s (%(reason)s).")
        % {"site": site.name, "day": day.isoformat(), "reason": reason},
    )


def _check_hours(site: Site, values: dict, problems: Problems) -> None:
    # The same opening-hours rule as every booking (Site.check_opening_hours); an end
    # before the start is already reported by booking_values.
    start, end = values.get("start"), values.get("end")
    if start is None or end is None or end <= start:
        return
    try:
        site.check_opening_hours(start, end)
    except ValidationError as error:
        for message in error.messages:
            problems.add("start", message)


def _family_of(
    values: dict[str, str],
    site: Site | None,
    found: _Lookups,
    families: dict[tuple[int, str], Family],
    problems: Problems,
) -> Family | None:
    reference = values["family_ref"]
    if not reference:
        problems.add("family_ref", _("A family reference is required."))
        return None
    if site is None:
        return None
    key = (site.pk, reference)
    if key in families:
        family = families[key]
    else:
        family = found.families.get(key) or Family(site=site, reference=reference)
        families[key] = family
        if family.pk is None:
            problems.add_model_errors(family, exclude=["site", "referrer"], columns=FAMILY_COLUMNS)
    if family.is_erased:
        problems.add(
            "family_ref",
            _("The family %(reference)r was erased; it is not imported again.")
            % {"reference": reference},
        )
    return family


def _child_of(
    values: dict[str, str],
    family: Family | None,
    site: Site | None,
    found: _Lookups,
    children: dict[tuple[int, str, str], _ChildEntry],
    problems: Problems,
) -> _ChildEntry | None:
    reference = values["child_ref"]
    if not reference:
        problems.add("child_ref", _("A child reference is required."))
    birth_date = date_of(values, "birth_date", problems)
    child_values = {
        "first_name": values["first_name"],
        "last_name": values["last_name"],
        "birth_date": birth_date,
    }
    # Checked with the file's values; an existing child takes them only once the file is good.
    candidate = Child(family=family, reference=reference, **child_values)
    problems.add_model_errors(candidate, exclude=["family"], columns=CHILD_COLUMNS)
    if family is None or site is None or not reference:
        return None
    key = (site.pk, values["family_ref"], reference)
    entry = children.get(key)
    if entry is not None:
        # Every row of a child repeats its name and birth date; two versions would make
        # the outcome depend on the order of the rows.
        for name in CHILD_FIELDS:
            if not problems.has(name) and child_values[name] != entry.values[name]:
                problems.add(
                    name,
                    _("%(value)r differs from line %(line)d for the same child.")
                    % {"value": values[name], "line": entry.line},
                )
        return entry
    if any(problems.has(name) for name in CHILD_FIELDS):
        return None
    existing = found.children.get((family.pk, reference)) if family.pk else None
    entry = _ChildEntry(problems.line, existing or candidate, child_values)
    children[key] = entry
    return entry


def _match(existing: list[Booking], values: dict) -> Booking | None:
    """The booking a row stands for among the child's bookings of the day.

    The live one if there is one (there is at most one); otherwise a cancelled one,
    preferably one that already holds the row's values, so that importing again finds it.
    """
    live = [booking for booking in existing if booking.outcome != rules.CANCELLED]
    if live:
        return live[0]
    for booking in existing:
        if _fields(booking) == _fields_of(values):
            return booking
    return existing[-1] if existing else None


def _fields(booking: Booking) -> tuple:
    return (
        booking.group_id,
        booking.start,
        booking.end,
        booking.place_type,
        booking.outcome,
        booking.arrived,
        booking.left,
        booking.absence_code_id,
    )


def _fields_of(values: dict) -> tuple:
    return (
        values["group"].pk,
        values["start"],
        values["end"],
        values["place_type"],
        values["outcome"],
        values["arrived"],
        values["left"],
        values["absence_code"].pk if values["absence_code"] else None,
    )


def _plan_booking(
    plan: _Plan, child: Child, day: dt.date, values: dict, found: _Lookups, now: dt.datetime
) -> None:
    existing = found.bookings.get((child.pk, day), []) if child.pk else []
    booking = _match(existing, values)
    if booking is None:
        plan.new_bookings.append(
            Booking(
                child=child,
                date=day,
                origin=Origin.IMPORT,
                care_plan=_plan_on(found, child, day) if child.pk else None,
                **values,
            )
        )
        return
    if _fields(booking) == _fields_of(values):
        plan.unchanged += 1
        return
    # The services' own snapshot: an imported change reads like any other in the history.
    before = booking_snapshot(booking)
    for name, value in values.items():
        setattr(booking, name, value)
    booking.version += 1
    # bulk_update leaves auto_now alone.
    booking.updated_at = now
    plan.changed_bookings.append((booking, before))


# Writing


def _write(plan: _Plan) -> None:
    for family in plan.families:
        family.save()
    for child in plan.new_children:
        # The family may be new: save() takes its primary key now that it has one.
        child.save()
    for child in plan.changed_children:
        child.save(update_fields=list(CHILD_FIELDS))
    Booking.objects.bulk_create(plan.new_bookings)
    changed = [booking for booking, _before in plan.changed_bookings]
    Booking.objects.bulk_update(changed, [*BOOKING_FIELDS, "version", "updated_at"])
    # Only a change is recorded: a booking the file creates is history or plan copied from a
    # spreadsheet, and its first version is the row itself.
    BookingChange.objects.bulk_create(
        BookingChange(
            booking=booking, action=IMPORTED, before=before, after=booking_snapshot(booking)
        )
        for booking, before in plan.changed_bookings
    )
