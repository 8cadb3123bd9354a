"""Import a site's configuration file (DESIGN.md, "Data-exchange formats"): the site,
its dated settings, closing days and groups. The subsidy schemes of the same file are
imported by subsidies.services.

The forms below are the file's schema: they read each key with the file's own name, so
a bad field is reported by that name.
"""

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from elief import dates
from elief.models import ClosingDay, Site, SiteSettings
from planning.models import LEGAL_MAX_CAPACITY, Group
from planning.services import absence_codes_ensure

# The settings a configuration file may give; the others keep their defaults.
SETTINGS_FIELDS = [
    field.name
    for field in SiteSettings._meta.get_fields()
    if field.concrete and field.name not in ("id", "site", "valid_from")
]


class SiteConfigForm(forms.ModelForm):
    """The top level of an import_site file, read with the file's own key names."""

    site = forms.CharField(max_length=100)
    licensed_places = forms.IntegerField(min_value=1, max_value=500)
    opens = dates.TimeField(input_formats=["%H:%M"], required=False)
    closes = dates.TimeField(input_formats=["%H:%M"], required=False)
    opening_weekdays = forms.TypedMultipleChoiceField(
        choices=[(day, day) for day in range(1, 8)], coerce=int, required=False
    )
    urgent_release_time = dates.TimeField(input_formats=["%H:%M"], required=False)
    valid_from = dates.DateField(input_formats=["%Y-%m-%d"], required=False)

    class Meta:
        model = SiteSettings
        fields = SETTINGS_FIELDS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in SETTINGS_FIELDS:
            # A missing key takes the default of the domain rules.
            self.fields[name].required = False

    def clean(self) -> dict:
        cleaned = super().clean()
        opens, closes = cleaned.get("opens"), cleaned.get("closes")
        try:
            Site(opens=opens, closes=closes).clean()
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned

    def settings_values(self) -> dict:
        """Settings given in the file, the model's defaults for the others."""
        values = {}
        for name in SETTINGS_FIELDS:
            value = self.cleaned_data.get(name)
            if value is None or name not in self.data:
                value = SiteSettings._meta.get_field(name).get_default()
            values[name] = value
        return values


class GroupConfigForm(forms.Form):
    name = forms.CharField(max_length=100)
    capacity = forms.IntegerField(min_value=1, max_value=LEGAL_MAX_CAPACITY)
    regular_places = forms.IntegerField(min_value=0, max_value=LEGAL_MAX_CAPACITY)
    occasional_places = forms.IntegerField(min_value=0, max_value=LEGAL_MAX_CAPACITY)
    urgent_reserve = forms.IntegerField(min_value=0, max_value=LEGAL_MAX_CAPACITY, required=False)


class ClosingDayConfigForm(forms.Form):
    date = dates.DateField(input_formats=["%Y-%m-%d"])
    reason = forms.CharField(max_length=100, required=False)


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
