"""The schemes of a site: importing them from a site configuration file (DESIGN.md, "Site
configuration"), and the limit on their places that the import and the admin both check."""

import contextlib
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from elief.models import Site
from planning.models import Group
from subsidies import rules
from subsidies.forms import SchemeConfigForm
from subsidies.models import (
    KIND_EN_GEZIN,
    PlaceAssignment,
    PlaceKind,
    Scheme,
    SchemeCategory,
    SchemeKind,
    SchemeRate,
)

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
