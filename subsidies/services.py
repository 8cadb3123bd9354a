"""Writes of the subsidies app: keyword-only, typed, atomic."""

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from elief import dates
from elief.models import Site, User
from planning.models import LEGAL_MAX_CAPACITY, Group
from subsidies import rules, selectors
from subsidies.models import (
    KIND_EN_GEZIN,
    DaySnapshot,
    LedgerEntry,
    PlaceAssignment,
    PlaceKind,
    Scheme,
    SchemeCategory,
    SchemeDaySnapshot,
    SchemeKind,
    SchemeRate,
)

# Nightly snapshots

# Attendance recorded a few days late (a forgotten check-out, an absence code added on
# Monday) still reaches the stored figures: every night recomputes the last week too.
REFRESH_DAYS = 7

_SNAPSHOT_FIELDS = [
    "capacity",
    "booked",
    "present",
    "planned_prestaties",
    "prestaties",
    "regular_places",
    "regular_prestaties",
    "occasional_places",
    "occasional_prestaties",
    "gap_no_show",
    "gap_excused",
    "gap_unrecorded",
    "no_show_days",
    "excused_days",
    "vacancy_days",
    "expected_eur",
    "lost_eur",
    "no_show_eur",
    "excused_eur",
    "vacancy_eur",
]
_SCHEME_FIELDS = [
    "places",
    "rate_eur",
    "prestaties",
    "expected_eur",
    "lost_eur",
    "no_show_eur",
    "excused_eur",
    "vacancy_eur",
]


def day_snapshot_of(figures: selectors.GroupDay) -> DaySnapshot:
    causes = figures.loss.lost_by_cause()
    return DaySnapshot(
        group=figures.group,
        date=figures.date,
        capacity=figures.capacity,
        booked=figures.booked,
        present=figures.present,
        planned_prestaties=figures.planned_prestaties,
        prestaties=figures.prestaties,
        regular_places=figures.regular_places,
        regular_prestaties=figures.regular_prestaties,
        occasional_places=figures.occasional_places,
        occasional_prestaties=figures.occasional_prestaties,
        gap_no_show=figures.gap_no_show,
        gap_excused=figures.gap_excused,
        gap_unrecorded=figures.gap_unrecorded,
        no_show_days=figures.no_show_days,
        excused_days=figures.excused_days,
        vacancy_days=figures.vacancy_days,
        expected_eur=figures.expected_eur,
        lost_eur=figures.lost_eur,
        no_show_eur=causes[rules.NO_SHOW],
        excused_eur=causes[rules.EXCUSED],
        vacancy_eur=causes[rules.VACANCY],
    )


def scheme_snapshots_of(
    *, group: Group, day: dt.date, loss: rules.DayLoss
) -> list[SchemeDaySnapshot]:
    return [
        SchemeDaySnapshot(
            scheme_id=scheme.scheme.scheme_id,
            group=group,
            date=day,
            places=scheme.scheme.places,
            rate_eur=scheme.scheme.rate_eur,
            prestaties=scheme.prestaties,
            expected_eur=scheme.expected_eur,
            lost_eur=scheme.lost_eur,
            no_show_eur=scheme.no_show_eur,
            excused_eur=scheme.excused_eur,
            vacancy_eur=scheme.vacancy_eur,
        )
        for scheme in loss.schemes
    ]


def snapshots_upsert(
    *, days: list[DaySnapshot], schemes: list[SchemeDaySnapshot], batch_size: int = 1000
) -> None:
    """Insert the rows, or overwrite the stored ones of the same group and day."""
    DaySnapshot.objects.bulk_create(
        days,
        update_conflicts=True,
        unique_fields=["group", "date"],
        update_fields=_SNAPSHOT_FIELDS,
        batch_size=batch_size,
    )
    SchemeDaySnapshot.objects.bulk_create(
        schemes,
        update_conflicts=True,
        unique_fields=["scheme", "group", "date"],
        update_fields=_SCHEME_FIELDS,
        batch_size=batch_size,
    )


@transaction.atomic
def snapshots_store(*, site: Site, start: dt.date, end: dt.date) -> int:
    """Compute the figures of every group and open day from start to end and store them,
    one row per group and day: computing them again overwrites, never duplicates. Rows of
    the range that no longer belong (a day that became a closing day, a scheme no longer
    assigned) are removed. Returns the number of day rows stored."""
    if end < start:
        return 0
    figures = selectors.group_days(site=site, start=start, end=end)
    days = [day_snapshot_of(f) for f in figures]
    schemes = [
        row for f in figures for row in scheme_snapshots_of(group=f.group, day=f.date, loss=f.loss)
    ]
    snapshots_upsert(days=days, schemes=schemes)

    wanted_days = {(row.group_id, row.date) for row in days}
    stale = [
        pk
        for pk, group_id, date in DaySnapshot.objects.filter(
            group__site=site, date__range=(start, end)
        ).values_list("pk", "group_id", "date")
        if (group_id, date) not in wanted_days
    ]
    wanted_schemes = {(row.scheme_id, row.group_id, row.date) for row in schemes}
    stale_schemes = [
        pk
        for pk, scheme_id, group_id, date in SchemeDaySnapshot.objects.filter(
            group__site=site, date__range=(start, end)
        ).values_list("pk", "scheme_id", "group_id", "date")
        if (scheme_id, group_id, date) not in wanted_schemes
    ]
    if stale:
        DaySnapshot.objects.filter(pk__in=stale).delete()
    if stale_schemes:
        SchemeDaySnapshot.objects.filter(pk__in=stale_schemes).delete()
    return len(days)


@dataclass
class NightlyResult:
    rows: int = 0
    sites: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"rows": self.rows, "sites": self.sites}


def nightly_run(*, day: dt.date | None = None, today: dt.date | None = None) -> NightlyResult:
    """The nightly work: the figures of the previous day for every site.

    Without `day`, every day missing since the last stored one is filled too (a night the
    worker was down is caught up), and the last REFRESH_DAYS are recomputed; with `day`,
    only that day. Running it twice changes nothing.
    """
    today = today or timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    last_stored = dict(
        DaySnapshot.objects.values("group__site")
        .annotate(last=Max("date"))
        .values_list("group__site", "last")
    )
    result = NightlyResult()
    for site in Site.objects.order_by("pk"):
        if day is not None:
            start = end = day
        else:
            end = yesterday
            start = yesterday - dt.timedelta(days=REFRESH_DAYS)
            last = last_stored.get(site.pk)
            if last is not None and last < start:
                start = last + dt.timedelta(days=1)
        rows = snapshots_store(site=site, start=start, end=end)
        result.rows += rows
        result.sites.append(
            {"site": site.name, "from": start.isoformat(), "to": end.isoformat(), "rows": rows}
        )
    return result


# Importing the schemes of a site configuration file (DESIGN.md, "Site configuration")

SCHEME_KEYS = {
    "name",
    "kind",
    "category",
    "group",
    "place_type",
    "places",
    "rate_eur",
    "valid_from",
}

_CATEGORY_PATTERNS = [
    (r"\btrap\s*1\b", SchemeCategory.TRAP1),
    (r"\btrap\s*2\s*a\b", SchemeCategory.TRAP2A),
    (r"\btrap\s*2\s*b\b", SchemeCategory.TRAP2B),
    (r"\btrap\s*2\b", SchemeCategory.TRAP2A),
    (r"\btrap\s*3\b", SchemeCategory.TRAP3),
    (r"voorfinanc|pre-?financ", SchemeCategory.PREFINANCING),
    (r"toeslag|allowance", SchemeCategory.CITY_ALLOWANCE),
    (r"w\s*&\s*e|werk en economie|trainee|opleiding", SchemeCategory.TRAINEES),
    (r"stadsfonds|city fund", SchemeCategory.CITY_FUND),
]

SINCE_THE_START = dt.date(2000, 1, 1)

# The conditions a new scheme starts with; the administrator adjusts them in the admin.
# Kind en Gezin's steps ask for 220 opening days a year of at least 11 hours; the share of
# vulnerable families of steps 2 and 3 is a site setting.
KIND_EN_GEZIN_DEFAULTS = {"min_open_days": 220, "min_open_hours": Decimal(11)}


def category_from_name(name: str) -> str:
    lowered = name.lower()
    for pattern, category in _CATEGORY_PATTERNS:
        if re.search(pattern, lowered):
            return category
    return SchemeCategory.OTHER


class SchemeConfigForm(forms.Form):
    name = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=SchemeKind.choices)
    category = forms.ChoiceField(choices=SchemeCategory.choices, required=False)
    group = forms.CharField(max_length=100, required=False)
    place_type = forms.ChoiceField(choices=PlaceKind.choices, required=False)
    places = forms.IntegerField(min_value=0, max_value=1000, required=False)
    rate_eur = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2)
    valid_from = dates.DateField(input_formats=["%Y-%m-%d"], required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == SchemeKind.PER_PLACE_DAY:
            for name in ("group", "place_type", "places"):
                if cleaned.get(name) in (None, ""):
                    self.add_error(name, _("A scheme per place-day needs this."))
            if cleaned.get("places") is not None and cleaned["places"] > LEGAL_MAX_CAPACITY:
                self.add_error(
                    "places",
                    _("A group has at most %(max)d places.") % {"max": LEGAL_MAX_CAPACITY},
                )
        elif kind:
            for name in ("group", "place_type"):
                if cleaned.get(name):
                    self.add_error(
                        name, _("Only a scheme per place-day is assigned a group's places.")
                    )
        return cleaned


@dataclass
class _SchemeEntry:
    index: int
    name: str
    kind: str
    category: str
    explicit_category: bool
    group: str
    place_type: str
    places: int
    rate_eur: Decimal
    valid_from: dt.date


def _group_places(data: dict, site: Site | None) -> dict[str, dict[str, int]]:
    """Places per group name and place type: the file's groups over the stored ones."""
    places: dict[str, dict[str, int]] = {}
    if site is not None:
        for group in site.groups.all():
            places[group.name] = {
                PlaceKind.REGULAR: group.regular_places,
                PlaceKind.OCCASIONAL: group.occasional_places,
            }
    for group in data.get("groups") or []:
        if isinstance(group, dict) and isinstance(group.get("name"), str):
            # A bad number is named by the group's own validation.
            with contextlib.suppress(TypeError, ValueError):
                places[group["name"]] = {
                    PlaceKind.REGULAR: int(group.get("regular_places") or 0),
                    PlaceKind.OCCASIONAL: int(group.get("occasional_places") or 0),
                }
    return places


def schemes_validate(*, data: dict) -> tuple[list[_SchemeEntry], list[str]]:
    """The `schemes` of a configuration file, checked: (entries, errors naming each field)."""
    if not isinstance(data, dict):
        return [], []  # the site's own validation says what is wrong
    raw = data.get("schemes", [])
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], ["schemes: must be a list"]
    # Without a date of its own a scheme applies from the file's `valid_from`, or from the
    # start: never from "today", or importing the same file tomorrow would add a rate.
    default_from = SINCE_THE_START
    if isinstance(data.get("valid_from"), str):
        with contextlib.suppress(ValueError):  # reported by the site's own validation
            default_from = dt.date.fromisoformat(data["valid_from"])
    site = Site.objects.filter(name=data.get("site")).first() if data.get("site") else None
    group_places = _group_places(data, site)
    entries: list[_SchemeEntry] = []
    errors: list[str] = []
    for index, item in enumerate(raw):
        prefix = f"schemes[{index}]."
        if not isinstance(item, dict):
            errors.append(f"schemes[{index}]: must be an object")
            continue
        errors += [f"{prefix}{key}: unknown field" for key in sorted(set(item) - SCHEME_KEYS)]
        form = SchemeConfigForm(data=item)
        if not form.is_valid():
            errors += [
                f"{prefix}{name}: {message}"
                for name, messages in form.errors.items()
                for message in messages
            ]
            continue
        values = form.cleaned_data
        if values["group"] and values["group"] not in group_places:
            errors.append(f"{prefix}group: no group {values['group']!r} in this site")
            continue
        entries.append(
            _SchemeEntry(
                index=index,
                name=values["name"],
                kind=values["kind"],
                category=values["category"] or category_from_name(values["name"]),
                explicit_category=bool(values["category"]),
                group=values["group"],
                place_type=values["place_type"],
                places=values["places"] or 0,
                rate_eur=values["rate_eur"],
                valid_from=values["valid_from"] or default_from,
            )
        )
    errors += _cross_check(entries, site=site, group_places=group_places)
    return entries, errors


def _cross_check(
    entries: list[_SchemeEntry], *, site: Site | None, group_places: dict[str, dict[str, int]]
) -> list[str]:
    errors = []
    first: dict[str, _SchemeEntry] = {}
    rates: dict[tuple[str, dt.date], _SchemeEntry] = {}
    seen: set[tuple] = set()
    for entry in entries:
        prefix = f"schemes[{entry.index}]."
        earlier = first.setdefault(entry.name, entry)
        if earlier.kind != entry.kind:
            errors.append(
                f"{prefix}kind: {entry.name!r} is {earlier.kind} in schemes[{earlier.index}]"
            )
        key = (entry.name, entry.group, entry.place_type, entry.valid_from)
        if key in seen:
            errors.append(f"{prefix}valid_from: {entry.name!r} appears twice for this date")
        seen.add(key)
        same_day = rates.setdefault((entry.name, entry.valid_from), entry)
        if same_day.rate_eur != entry.rate_eur:
            errors.append(
                f"{prefix}rate_eur: {entry.name!r} has another rate on "
                f"{entry.valid_from:%Y-%m-%d} in schemes[{same_day.index}]"
            )
    # Per group and place type, the schemes' places never exceed the group's places.
    assignments: dict[tuple[str, str], dict[tuple[str, dt.date], int]] = {}
    if site is not None:
        for assignment in PlaceAssignment.objects.filter(scheme__site=site).select_related(
            "scheme", "group"
        ):
            if assignment.scheme.kind != SchemeKind.PER_PLACE_DAY:
                continue
            assignments.setdefault((assignment.group.name, assignment.place_type), {})[
                (assignment.scheme.name, assignment.valid_from)
            ] = assignment.places
    last_index: dict[tuple[str, str], int] = {}
    for entry in entries:
        if entry.kind != SchemeKind.PER_PLACE_DAY:
            continue
        key = (entry.group, entry.place_type)
        assignments.setdefault(key, {})[(entry.name, entry.valid_from)] = entry.places
        last_index[key] = entry.index
    for (group, place_type), entries_of in assignments.items():
        if (group, place_type) not in last_index:
            continue  # nothing of the file changes this group's places
        limit = group_places.get(group, {}).get(place_type, 0)
        too_many = rules.overcommitted(
            [(valid_from, name, places) for (name, valid_from), places in entries_of.items()],
            limit,
        )
        if too_many:
            errors.append(
                f"schemes[{last_index[(group, place_type)]}].places: the schemes of group "
                f"{group} cover more than its {limit} {place_type} places from "
                f"{too_many[0]:%Y-%m-%d}"
            )
    return errors


def schemes_import(*, site: Site, entries: list[_SchemeEntry]) -> list[str]:
    """Create or update the schemes, rates and place assignments of validated entries.

    Idempotent: the same entries again change nothing. Schemes, rates and places the file
    does not mention are left as they are (the administrator may have added them).
    Runs inside the caller's transaction (import_site's).
    """
    changes: list[str] = []
    groups = {group.name: group for group in site.groups.all()}
    for entry in entries:
        defaults = {"kind": entry.kind, "category": entry.category}
        if entry.category in KIND_EN_GEZIN:
            defaults.update(KIND_EN_GEZIN_DEFAULTS)
        scheme, created = Scheme.objects.get_or_create(
            site=site, name=entry.name, defaults=defaults
        )
        if created:
            changes.append(f"scheme {scheme.name} added")
        else:
            changed = []
            if scheme.kind != entry.kind:
                scheme.kind = entry.kind
                changed.append("kind")
            if entry.explicit_category and scheme.category != entry.category:
                scheme.category = entry.category
                changed.append("category")
            if changed:
                scheme.full_clean()
                scheme.save(update_fields=changed)
                changes.append(f"scheme {scheme.name}: {', '.join(changed)}")
        units = entry.places if entry.kind == SchemeKind.PER_TRAINEE_MONTH else 0
        rate = SchemeRate.objects.filter(scheme=scheme, valid_from=entry.valid_from).first()
        if rate is None:
            SchemeRate.objects.create(
                scheme=scheme, valid_from=entry.valid_from, rate_eur=entry.rate_eur, units=units
            )
            if not created:
                changes.append(f"scheme {scheme.name}: rate from {entry.valid_from:%Y-%m-%d}")
        elif rate.rate_eur != entry.rate_eur or rate.units != units:
            rate.rate_eur, rate.units = entry.rate_eur, units
            rate.save(update_fields=["rate_eur", "units"])
            changes.append(f"scheme {scheme.name}: rate of {entry.valid_from:%Y-%m-%d}")
        if entry.kind != SchemeKind.PER_PLACE_DAY:
            continue
        group = groups[entry.group]
        assignment, made = PlaceAssignment.objects.get_or_create(
            scheme=scheme,
            group=group,
            place_type=entry.place_type,
            valid_from=entry.valid_from,
            defaults={"places": entry.places},
        )
        if made and not created:
            changes.append(
                f"scheme {scheme.name}: places in {group.name} from {entry.valid_from:%Y-%m-%d}"
            )
        elif not made and assignment.places != entry.places:
            assignment.places = entry.places
            assignment.save(update_fields=["places"])
            changes.append(
                f"scheme {scheme.name}: places in {group.name} of {entry.valid_from:%Y-%m-%d}"
            )
    return changes


# Place assignments edited in the admin


def place_assignments_check(
    *, group: Group, place_type: str, entries: list[tuple[dt.date, str, int]]
) -> None:
    """Raise ValidationError when the schemes' places of a group and place type (the given
    (valid_from, scheme key, places) entries) exceed the group's places on some date."""
    limit = group.regular_places if place_type == PlaceKind.REGULAR else group.occasional_places
    too_many = rules.overcommitted(entries, limit)
    if too_many:
        raise ValidationError(
            _(
                "From %(day)s the schemes cover more %(type)s places of %(group)s than its "
                "%(limit)d."
            )
            % {
                "day": too_many[0].isoformat(),
                "type": place_type,
                "group": group.name,
                "limit": limit,
            }
        )


# The ledger


@transaction.atomic
def ledger_entry_create(
    *,
    scheme: Scheme,
    kind: str,
    period_start: dt.date,
    date: dt.date,
    amount_eur: Decimal,
    user: User | None,
    note: str = "",
    corrects: LedgerEntry | None = None,
) -> LedgerEntry:
    """Record a payment; with `corrects`, the entry that replaces a wrong one."""
    problems = {}
    for name, day in (("period_start", period_start), ("date", date)):
        if not dates.in_range(day):
            problems[name] = dates.range_message()
    if amount_eur < 0:
        # The kind says which way the money went (a repayment counts out); a correction
        # replaces the wrong entry with the right amount, so no amount is negative.
        problems["amount_eur"] = _("An amount is never negative: the kind says which way it went.")
    if corrects is not None and corrects.scheme_id != scheme.pk:
        problems["scheme"] = _("A correction stays with the scheme of the entry it corrects.")
    if problems:
        raise ValidationError(problems)
    if corrects is not None:
        # Two people correcting the same entry at once: the second waits, then finds it
        # corrected already and is refused, rather than forking the history.
        corrects = LedgerEntry.objects.select_for_update().get(pk=corrects.pk)
        if LedgerEntry.objects.filter(corrects=corrects).exists():
            raise ValidationError(
                _("This entry was corrected already; correct the latest entry instead.")
            )
    entry = LedgerEntry(
        scheme=scheme,
        kind=kind,
        period_start=period_start,
        date=date,
        amount_eur=amount_eur,
        note=note,
        corrects=corrects,
        created_by=user,
    )
    entry.full_clean()
    entry.save()
    return entry
