"""Forms of the subsidies app."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from elief import dates
from subsidies import rules
from subsidies.models import LedgerEntryKind, Scheme

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
