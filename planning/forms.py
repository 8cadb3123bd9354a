"""Forms of the planning app, including the validation of a site configuration file."""

from django import forms
from django.core.exceptions import ValidationError

from elief.models import Site, SiteSettings
from planning.models import LEGAL_MAX_CAPACITY

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
    opens = forms.TimeField(input_formats=["%H:%M"], required=False)
    closes = forms.TimeField(input_formats=["%H:%M"], required=False)
    opening_weekdays = forms.TypedMultipleChoiceField(
        choices=[(day, day) for day in range(1, 8)], coerce=int, required=False
    )
    urgent_release_time = forms.TimeField(input_formats=["%H:%M"], required=False)
    valid_from = forms.DateField(input_formats=["%Y-%m-%d"], required=False)

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
    date = forms.DateField(input_formats=["%Y-%m-%d"])
    reason = forms.CharField(max_length=100, required=False)
