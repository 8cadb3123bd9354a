"""Forms of the families app. Labels and errors are translatable; Dutch by default."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from elief import dates
from elief.calendar import weekday_name
from elief.models import Organisation, Site
from families.models import CRITERIA_FIELDS, CareKind, CarePlan, Child, Family, Guardian

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")


class FamilyForm(forms.ModelForm):
    class Meta:
        model = Family
        fields = [
            "reference",
            "postcode",
            "neighbourhood",
            "referrer",
            "consent_date",
            "consent_scope",
            "left_on",
        ]
        widgets = {"consent_date": DATE_INPUT, "left_on": DATE_INPUT}
        field_classes = {"consent_date": dates.PastDateField, "left_on": dates.DateField}

    def __init__(self, *args, sites=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referrer"].queryset = Organisation.objects.all()
        self.fields["referrer"].empty_label = _("— none —")
        if self.instance.pk is None:
            del self.fields["left_on"]
            self.fields["site"] = forms.ModelChoiceField(
                queryset=sites if sites is not None else Site.objects.none(),
                label=_("Site"),
                empty_label=None,
            )
            self.order_fields(["site"])

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("referrer") and not cleaned.get("consent_date"):
            self.add_error(
                "consent_date", _("A referred family needs the date of the parent's consent.")
            )
        return cleaned

    def validate_unique(self) -> None:
        # The site is chosen on the form for a new family; check the reference on it.
        site = self.cleaned_data.get("site") or getattr(self.instance, "site", None)
        reference = self.cleaned_data.get("reference")
        if site and reference:
            clash = Family.objects.filter(site=site, reference=reference).exclude(
                pk=self.instance.pk
            )
            if clash.exists():
                self.add_error(
                    "reference", _("This site already has a family with this reference.")
                )


class GuardianForm(forms.ModelForm):
    class Meta:
        model = Guardian
        fields = ["first_name", "last_name", "phone", "email", "home_languages", "interpreter"]


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = [
            "first_name",
            "last_name",
            "birth_date",
            "kindcode",
            "allergies",
            "diet",
            "pickup_persons",
            "staff_notes",
        ]
        widgets = {
            "birth_date": DATE_INPUT,
            "allergies": forms.Textarea(attrs={"rows": 2}),
            "diet": forms.Textarea(attrs={"rows": 2}),
            "pickup_persons": forms.Textarea(attrs={"rows": 3}),
            "staff_notes": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"birth_date": dates.BirthDateField}


class CriteriaForm(forms.ModelForm):
    class Meta:
        model = Family
        fields = [*CRITERIA_FIELDS, "criteria_date"]
        widgets = {"criteria_date": DATE_INPUT}
        field_classes = {"criteria_date": dates.DateField}

    def clean(self) -> dict:
        cleaned = super().clean()
        if any(cleaned.get(name) for name in CRITERIA_FIELDS) and not cleaned.get("criteria_date"):
            self.add_error("criteria_date", _("Give the date of the evidence for these criteria."))
        if (day := cleaned.get("criteria_date")) and day > dt.date.today() + dt.timedelta(days=1):
            self.add_error("criteria_date", _("The evidence cannot be dated in the future."))
        return cleaned

    def criteria(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] for name in CRITERIA_FIELDS}


class CarePlanForm(forms.Form):
    """Kind, period and a weekly pattern with its own times per day."""

    kind = forms.ChoiceField(
        label=_("Kind of care"), choices=CareKind.choices, widget=forms.RadioSelect
    )
    start = dates.DateField(label=_("Start"), widget=DATE_INPUT)
    end = dates.DateField(
        label=_("End"), required=False, widget=DATE_INPUT, help_text=_("Empty: open-ended.")
    )

    def __init__(self, *args, site: Site, plan: CarePlan | None = None, **kwargs) -> None:
        if plan is not None and "initial" not in kwargs:
            kwargs["initial"] = {"kind": plan.kind, "start": plan.start, "end": plan.end}
            for weekday, (start, end) in plan.pattern.items():
                kwargs["initial"].update(
                    {f"day_{weekday}": True, f"from_{weekday}": start, f"until_{weekday}": end}
                )
        super().__init__(*args, **kwargs)
        self.site = site
        self.weekdays = sorted(site.weekdays)
        for weekday in self.weekdays:
            name = weekday_name(weekday)
            self.fields[f"day_{weekday}"] = forms.BooleanField(label=name, required=False)
            self.fields[f"from_{weekday}"] = forms.TimeField(
                label=_("%(day)s from") % {"day": name}, required=False, widget=TIME_INPUT
            )
            self.fields[f"until_{weekday}"] = forms.TimeField(
                label=_("%(day)s until") % {"day": name}, required=False, widget=TIME_INPUT
            )
            self.initial.setdefault(
                f"from_{weekday}", site.opens.replace(hour=max(site.opens.hour, 8), minute=0)
            )
            self.initial.setdefault(
                f"until_{weekday}",
                dt.time(16, 30) if site.closes >= dt.time(16, 30) else site.closes,
            )

    @property
    def pattern_rows(self) -> list[dict]:
        return [
            {
                "name": weekday_name(weekday),
                "on": self[f"day_{weekday}"],
                "start": self[f"from_{weekday}"],
                "end": self[f"until_{weekday}"],
            }
            for weekday in self.weekdays
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The plan cannot end before it starts."))
        pattern = {}
        for weekday in self.weekdays:
            if not cleaned.get(f"day_{weekday}"):
                continue
            begin, until = cleaned.get(f"from_{weekday}"), cleaned.get(f"until_{weekday}")
            if begin is None or until is None:
                self.add_error(f"from_{weekday}", _("Give the times of this day."))
            else:
                try:
                    self.site.check_opening_hours(
                        begin, until, fields=(f"from_{weekday}", f"until_{weekday}")
                    )
                except ValidationError as error:
                    self.add_error(None, error)
                else:
                    pattern[weekday] = (begin, until)
        if not any(cleaned.get(f"day_{weekday}") for weekday in self.weekdays):
            self.add_error(None, _("Choose at least one day of the week."))
        cleaned["pattern"] = pattern
        return cleaned


class CarePlanChangeForm(CarePlanForm):
    """The plan as the family asks it now, with who asked and the decision."""

    requested_by = forms.CharField(
        label=_("Asked by"),
        max_length=100,
        help_text=_("For example: mother, father, social worker."),
    )
    requested_on = dates.PastDateField(label=_("Asked on"), widget=DATE_INPUT)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("Accept and change the plan")),
            ("refuse", _("Refuse, keep the plan")),
        ],
        initial="accept",
        widget=forms.RadioSelect,
    )
    group = forms.ChoiceField(
        label=_("Group of the bookings"),
        required=False,
        help_text=_("The group the plan's future bookings move to when the change is accepted."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, site: Site, plan: CarePlan | None = None, **kwargs) -> None:
        super().__init__(*args, site=site, plan=plan, **kwargs)
        # The groups are the day plan's; the site's reverse relation names them.
        self.fields["group"].choices = [
            ("", _("Keep the group")),
            *((str(group.pk), group.name) for group in site.groups.all()),
        ]


class SettlingInForm(forms.Form):
    first_day = dates.DateField(label=_("First session"), widget=DATE_INPUT)
    start = forms.TimeField(label=_("Start time"), widget=TIME_INPUT, initial=dt.time(9, 30))


class FamilyFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, reference or postcode"),
                "maxlength": 100,
            }
        ),
    )
    vulnerable = forms.ChoiceField(
        label=_("Vulnerable"),
        required=False,
        choices=[("", _("all")), ("yes", _("vulnerable")), ("no", _("not vulnerable"))],
    )
    kind = forms.ChoiceField(
        label=_("Care"), required=False, choices=[("", _("all")), *CareKind.choices]
    )
    referrer = forms.ModelChoiceField(
        label=_("Referred by"),
        required=False,
        queryset=Organisation.objects.all(),
        empty_label=_("all"),
    )
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("all")), ("yes", _("in care")), ("no", _("not in care"))],
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        yes_no = {"yes": True, "no": False}
        return {
            "search": data["q"].strip(),
            "vulnerable": yes_no.get(data["vulnerable"]),
            "kind": data["kind"],
            "referrer_id": data["referrer"].pk if data["referrer"] else None,
            "active": yes_no.get(data["active"]),
        }


class MonthForm(forms.Form):
    month = dates.MonthField(label=_("Month"), required=False)
