"""Forms of the subsidies app."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from elief import dates
from planning.models import LEGAL_MAX_CAPACITY
from subsidies import rules
from subsidies.models import LedgerEntryKind, PlaceKind, Scheme, SchemeCategory, SchemeKind

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def parse_year(value: str | None) -> int | None:
    try:
        year = int(value or "")
    except ValueError:
        return None
    # The years a report or ledger page can show.
    return year if dates.EARLIEST.year <= year <= dates.LATEST.year else None


class LedgerEntryForm(forms.Form):
    """A payment received, or the correction of an earlier entry."""

    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=LedgerEntryKind.choices)
    period_start = dates.DateField(
        label=_("Quarter"),
        widget=DATE_INPUT,
        help_text=_("Any day of the quarter the payment is for."),
    )
    date = dates.PaymentDateField(label=_("Date of payment"), widget=DATE_INPUT)
    amount_eur = forms.DecimalField(
        label=_("Amount (€)"), max_digits=12, decimal_places=2, min_value=0
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = Scheme.objects.filter(site=site).order_by("name")

    def clean_period_start(self) -> dt.date:
        # Any day will do: the entry is for the quarter it falls in.
        return rules.quarter_of(self.cleaned_data["period_start"])[0]


class SchemeConfigForm(forms.Form):
    """One entry of a site configuration file's `schemes` (DESIGN.md, "Site configuration")."""

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
