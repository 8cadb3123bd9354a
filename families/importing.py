"""Import families from the Families CSV of DESIGN.md ("Data-exchange formats").

One row per family, matched by site name and family reference; the row's guardian is the
family's first guardian. All or nothing: every row is checked before anything is written,
and a file with a bad row raises ValidationError naming each bad line and column. Importing
the same file again writes nothing.

A referrer that names no partner organisation is an error, unless the caller asks to create
the organisations the file names (`create_organisations`): a coordinator's file often holds
the first family a new partner sends.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elief.csvimport import Record, RowProblems, header_errors, line_error, parse_csv
from elief.dates import EARLIEST, in_range
from elief.models import Organisation, Site
from families.models import CRITERIA_FIELDS, CriteriaRecord, Family, Guardian

COLUMNS = (
    "site",
    "family_ref",
    "guardian_first_name",
    "guardian_last_name",
    "phone",
    "email",
    "postcode",
    "home_languages",
    "referrer",
    "consent_date",
    *CRITERIA_FIELDS,
    "criteria_date",
)
YES = "yes"
NO = "no"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Model field -> CSV column, so that the models' own validation names the column.
FAMILY_COLUMNS = {"reference": "family_ref"}
GUARDIAN_COLUMNS = {"first_name": "guardian_first_name", "last_name": "guardian_last_name"}
CRITERIA_AND_DATE = frozenset({*CRITERIA_FIELDS, "criteria_date"})


@dataclass
class FamiliesImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    organisations_created: list[str] = field(default_factory=list)


@dataclass
class _Row:
    """A checked row and what writing it takes."""

    family: Family
    guardian: Guardian
    created: bool
    family_changes: list[str]
    guardian_changed: bool

    @property
    def criteria_changed(self) -> bool:
        return self.created or bool(CRITERIA_AND_DATE.intersection(self.family_changes))


@transaction.atomic
def families_import(
    *, rows: str | Iterable[Mapping[str, str | None]], create_organisations: bool = False
) -> FamiliesImportResult:
    """Create or update the families of a Families CSV.

    `rows` is the text of the file, or its rows as mappings from column to value, such as
    csv.DictReader gives (line 1 is the header, so the first row is line 2). A bad file
    raises ValidationError with one message per problem, e.g. "line 3, postcode: A Belgian
    postcode has four digits.", and nothing is written. A family gets a new CriteriaRecord
    only when its criteria or their date change. With `create_organisations`, a referrer
    that names no partner organisation yet is created (once, whatever the rows naming it),
    and listed in the result.
    """
    header_line, header, records = (
        parse_csv(rows) if isinstance(rows, str) else _from_mappings(rows)
    )
    errors = header_errors(header_line, header, COLUMNS)
    if errors:
        # Without the right columns every row would be wrong: report the header only.
        raise ValidationError(errors)
    checked, new_organisations = _check(records, create_organisations=create_organisations)
    result = FamiliesImportResult()
    for organisation in new_organisations:
        organisation.save()
        result.organisations_created.append(organisation.name)
    for row in checked:
        _write(row)
        if row.created:
            result.created += 1
        elif row.family_changes or row.guardian_changed:
            result.updated += 1
        else:
            result.unchanged += 1
    return result


def _from_mappings(
    rows: Iterable[Mapping[str, str | None]],
) -> tuple[int, list[str], list[Record]]:
    header: list[str] | None = None
    records: list[Record] = []
    for index, row in enumerate(rows):
        if header is None:
            header = [name.strip() for name in row if name is not None]
        # csv.DictReader files surplus values under None and fills missing ones with None.
        values = {name.strip(): value or "" for name, value in row.items() if name is not None}
        if not any(value.strip() for value in values.values()):
            continue
        record = Record(index + 2, values)
        if None in row or None in row.values() or set(values) != set(header):
            record.shape_error = _("the row has not as many values as the header has columns.")
        records.append(record)
    if header is None:
        raise ValidationError([_("The file is empty: it has no header row.")])
    return 1, header, records


def _check(
    records: list[Record], *, create_organisations: bool
) -> tuple[list[_Row], list[Organisation]]:
    for record in records:
        record.values = {name: value.strip() for name, value in record.values.items()}
    # Rows of the wrong shape are reported as such; the lookups use only the others.
    whole = [record for record in records if record.shape_error is None]
    sites = {
        site.name: site
        for site in Site.objects.filter(name__in={record.values["site"] for record in whole})
    }
    organisations = {
        organisation.name: organisation
        for organisation in Organisation.objects.filter(
            name__in={record.values["referrer"] for record in whole}
        )
    }
    new_organisations: list[Organisation] = []
    if create_organisations:
        # Unsaved until the whole file passed, so a refused file creates nothing either.
        for name in sorted({record.values["referrer"] for record in whole} - set(organisations)):
            if name:
                organisations[name] = Organisation(name=name)
                new_organisations.append(organisations[name])
    # Locked until the import ends, so that a family edited in the browser meanwhile is not
    # overwritten with what was compared against its values before the edit.
    families = {
        (family.site_id, family.reference): family
        for family in Family.objects.select_for_update().filter(
            site__in=sites.values(),
            reference__in={record.values["family_ref"] for record in whole},
        )
    }
    first_guardians: dict[int, Guardian] = {}
    for guardian in Guardian.objects.filter(family__in=families.values()).order_by(
        "family_id", "pk"
    ):
        first_guardians.setdefault(guardian.family_id, guardian)

    errors: list[str] = []
    checked: list[_Row] = []
    first_line_of: dict[tuple[str, str], int] = {}
    for record in records:
        if record.shape_error:
            errors.append(line_error(record.line, record.shape_error))
            continue
        values = record.values
        problems = RowProblems(record.line, COLUMNS)

        site_name, reference = values["site"], values["family_ref"]
        site = sites.get(site_name)
        if not site_name:
            problems.add("site", _("A site is required."))
        elif site is None:
            problems.add("site", _("There is no site named %(name)r.") % {"name": site_name})
        if reference:
            first_line = first_line_of.setdefault((site_name, reference), record.line)
            if first_line != record.line:
                problems.add(
                    "family_ref",
                    _("%(reference)r appears twice for site %(site)s (first on line %(line)d).")
                    % {"reference": reference, "site": site_name, "line": first_line},
                )

        family_values = _family_values(values, organisations, problems)
        referrer = family_values.get("referrer")
        if referrer is not None and referrer.pk is None:
            problems.add_model_errors(referrer, exclude=[], columns={"name": "referrer"})
        family = families.get((site.pk, reference)) if site is not None else None
        created = family is None
        if created:
            family = Family(site=site, reference=reference)
        elif family.is_erased:
            problems.add(
                "family_ref",
                _("The family %(reference)r was erased; it is not imported again.")
                % {"reference": reference},
            )
        family_changes = [
            name for name, value in family_values.items() if _differs(family, name, value)
        ]
        for name in family_changes:
            setattr(family, name, family_values[name])
        problems.add_model_errors(family, exclude=["site", "referrer"], columns=FAMILY_COLUMNS)

        guardian_values = _guardian_values(values)
        guardian = first_guardians.get(family.pk)
        guardian_changed = guardian is None or any(
            getattr(guardian, name) != value for name, value in guardian_values.items()
        )
        if guardian is None:
            guardian = Guardian(**guardian_values)
        else:
            for name, value in guardian_values.items():
                setattr(guardian, name, value)
        problems.add_model_errors(guardian, exclude=["family"], columns=GUARDIAN_COLUMNS)

        if problems.found:
            errors += problems.messages()
        else:
            checked.append(_Row(family, guardian, created, family_changes, guardian_changed))
    if errors:
        raise ValidationError(errors)
    return checked, new_organisations


def _family_values(
    values: dict[str, str], organisations: dict[str, Organisation], problems: RowProblems
) -> dict:
    """The family's fields from a row; a value that does not parse is left out."""
    parsed: dict = {"postcode": values["postcode"], "referrer": None}
    if values["referrer"]:
        parsed["referrer"] = organisations.get(values["referrer"])
        if parsed["referrer"] is None:
            problems.add(
                "referrer",
                _(
                    "There is no partner organisation named %(name)r: add it in the "
                    "administration, or import again with --create-organisations."
                )
                % {"name": values["referrer"]},
            )
    for name in CRITERIA_FIELDS:
        answer = values[name].lower()
        if answer in (YES, NO):
            parsed[name] = answer == YES
        else:
            problems.add(name, _("Use yes or no, not %(value)r.") % {"value": values[name]})
    for name in ("consent_date", "criteria_date"):
        parsed[name] = None
        if values[name]:
            try:
                # fromisoformat alone would take 20260105 and 2026-W02-1 as well.
                if not ISO_DATE.match(values[name]):
                    raise ValueError(values[name])
                parsed[name] = dt.date.fromisoformat(values[name])
            except ValueError:
                problems.add(
                    name,
                    _("%(value)r is no date of the form YYYY-MM-DD.") % {"value": values[name]},
                )
                del parsed[name]
                continue
            # A consent or a piece of evidence lies in the past, within the range.
            if not in_range(parsed[name]) or parsed[name] > timezone.localdate():
                problems.add(
                    name,
                    _("A date from %(earliest)s up to today, please.")
                    % {"earliest": EARLIEST.strftime("%d-%m-%Y")},
                )
                del parsed[name]
    return parsed


def _differs(family: Family, name: str, value) -> bool:
    if name == "referrer":
        # By id: loading each family's organisation would cost a query a row. An
        # organisation the import creates has no id yet, and is new to every family.
        if value is not None and value.pk is None:
            return True
        return family.referrer_id != (value.pk if value else None)
    return getattr(family, name) != value


def _guardian_values(values: dict[str, str]) -> dict[str, str]:
    languages = [language.strip() for language in values["home_languages"].split(";")]
    return {
        "first_name": values["guardian_first_name"],
        "last_name": values["guardian_last_name"],
        "phone": values["phone"],
        "email": values["email"],
        "home_languages": "; ".join(language for language in languages if language),
    }


def _write(row: _Row) -> None:
    family = row.family
    if row.created:
        family.save()
    elif row.family_changes:
        family.save(update_fields=[*row.family_changes, "updated_at"])
    if row.guardian_changed:
        row.guardian.family = family
        row.guardian.save()
    if row.criteria_changed:
        # family.vulnerable was derived from these criteria by save().
        CriteriaRecord.objects.create(
            family=family,
            criteria_date=family.criteria_date,
            values={name: getattr(family, name) for name in CRITERIA_FIELDS},
            vulnerable=family.vulnerable,
            recorded_by=None,
        )
