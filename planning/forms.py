"""Forms of the planning app, including the validation of a site configuration file."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from elief import dates
from elief.models import Site, SiteSettings
from planning.models import LEGAL_MAX_CAPACITY, PlaceType

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


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")


class BookingForm(forms.Form):
    """Book a child on the day plan; a reason lets a coordinator book beyond the limit."""

    child = forms.ModelChoiceField(label=_("Child"), queryset=None)
    start = forms.TimeField(label=_("From"), widget=TIME_INPUT)
    end = forms.TimeField(label=_("Until"), widget=TIME_INPUT)
    place_type = forms.ChoiceField(
        label=_("Place"), choices=PlaceType.choices, initial=PlaceType.OCCASIONAL
    )
    settling_in = forms.BooleanField(label=_("Settling-in session"), required=False)
    override_reason = forms.CharField(
        label=_("Reason to book anyway"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only needed when the overflow risk is above the site's maximum."),
    )

    def __init__(self, *args, children, site: Site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields["child"].label_from_instance = lambda child: (
            f"{child.first_name} {child.last_name} · {child.family.reference}"
        )
        self.site = site

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end <= start:
                self.add_error("end", _("The day must end after it starts."))
            elif start < self.site.opens or end > self.site.closes:
                self.add_error(
                    "start",
                    _("Times must lie within the opening hours (%(opens)s–%(closes)s).")
                    % {"opens": f"{self.site.opens:%H:%M}", "closes": f"{self.site.closes:%H:%M}"},
                )
        return cleaned


class BookingMoveForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=None, empty_label=None)
    day = dates.DateField(label=_("Day"), widget=DATE_INPUT)
    start = forms.TimeField(label=_("From"), widget=TIME_INPUT)
    end = forms.TimeField(label=_("Until"), widget=TIME_INPUT)
    version = forms.IntegerField(widget=forms.HiddenInput)
    override_reason = forms.CharField(label=_("Reason to book anyway"), required=False)

    def __init__(self, *args, groups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] <= cleaned["start"]:
            self.add_error("end", _("The day must end after it starts."))
        return cleaned


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
