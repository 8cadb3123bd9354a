import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from elief.models import Site
from families.models import Family
from parents import rules
from planning.models import Group


class AbsenceForm(forms.Form):
    code = forms.ChoiceField(
        choices=[(rules.SICK, _("Sick")), (rules.OTHER, _("Other reason"))],
        widget=forms.RadioSelect,
    )


class RequestForm(forms.Form):
    child = forms.TypedChoiceField(label=_("Child"), coerce=int)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(
        label=_("From"), initial=dt.time(8, 30), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end = forms.TimeField(
        label=_("Until"), initial=dt.time(16, 30), widget=forms.TimeInput(attrs={"type": "time"})
    )
    urgent = forms.BooleanField(label=_("It is urgent"), required=False)

    def __init__(self, *args, family: Family, children: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.family = family
        self.fields["child"].choices = [(child.pk, child.first_name) for child in children]


class LinkForm(forms.Form):
    send = forms.ChoiceField(
        label=_("Send it"),
        choices=[
            ("", _("no, I print it or show it")),
            ("email", _("by e-mail")),
            ("sms", _("by text message")),
        ],
        required=False,
    )


class AcceptForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=Group.objects.none())
    reason = forms.CharField(
        label=_("Reason to book beyond the limit"), required=False, max_length=500
    )

    def __init__(self, *args, site: Site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Group.objects.filter(site=site).order_by("name")
