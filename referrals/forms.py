"""Forms of the referrals app. Labels and errors are translatable; Dutch by default.

The forms check what a field can tell on its own; the rules that need the site, the
organisation or today (consent, wished start, opening hours) live in referrals.services,
and the views put their errors back on the fields.
"""

import datetime as dt

from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from elief import dates
from elief.calendar import weekday_name
from elief.forms import OpeningHoursMixin
from elief.models import Organisation, Site
from families.forms import DATE_INPUT, TIME_INPUT
from planning.models import Group, PlaceType
from referrals import rules
from referrals.models import ContactPerson, Referral

DEFAULT_FROM = dt.time(8, 30)
DEFAULT_UNTIL = dt.time(16, 30)
# The parent's fields of a referral, in the order the form shows them.
PARENT_FIELDS = [
    "parent_first_name",
    "parent_last_name",
    "parent_phone",
    "parent_email",
    "postcode",
    "home_languages",
]


def _weekday_choices(sites: QuerySet[Site] | list[Site]) -> list[tuple[int, str]]:
    days = sorted({day for site in sites for day in site.weekdays}) or [1, 2, 3, 4, 5]
    return [(day, weekday_name(day)) for day in days]


class ReferralForm(forms.ModelForm):
    """A referral as a partner organisation sends it, or as the coordinator notes it
    down from a phone call. With `organisation` given (the partner portal) the
    organisation is fixed and the referral is received today."""

    weekdays = forms.TypedMultipleChoiceField(
        label=_("Wished days"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Referral
        fields = [
            "site",
            "organisation",
            "contact",
            "received_date",
            "consent_date",
            "consent_scope",
            "reason",
            "urgent",
            "wished_start",
            "weekdays",
            "wished_from",
            "wished_until",
            "notes",
            *PARENT_FIELDS,
            "child_first_name",
            "child_last_name",
            "child_birth_date",
        ]
        widgets = {
            "received_date": DATE_INPUT,
            "consent_date": DATE_INPUT,
            "wished_start": DATE_INPUT,
            "child_birth_date": DATE_INPUT,
            "wished_from": TIME_INPUT,
            "wished_until": TIME_INPUT,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {
            "received_date": dates.PastDateField,
            "consent_date": dates.PastDateField,
            "wished_start": dates.DateField,
            "child_birth_date": dates.BirthDateField,
        }
        error_messages = {
            "consent_date": {
                "required": _("No referral without the parent's consent: give its date.")
            },
            "consent_scope": {"required": _("Say what the parent agreed to.")},
            "organisation": {
                "invalid_choice": _("Unknown organisation: choose one from the list.")
            },
        }

    # Which fields the template shows under which heading.
    SECTIONS = [
        (_("Referral"), ["site", "organisation", "contact", "received_date", "reason", "urgent"]),
        (_("The parent's consent"), ["consent_date", "consent_scope"]),
        (_("Wished care"), ["wished_start", "weekdays", "wished_from", "wished_until", "notes"]),
        (_("Parent"), PARENT_FIELDS),
        (_("Child"), ["child_first_name", "child_last_name", "child_birth_date"]),
    ]

    def __init__(
        self,
        *args,
        sites: QuerySet[Site],
        today: dt.date,
        organisation: Organisation | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        site_list = list(sites)
        self.fields["site"].queryset = sites
        self.fields["site"].empty_label = None if len(site_list) == 1 else _("— choose a site —")
        self.fields["weekdays"].choices = _weekday_choices(site_list)
        self.fields["notes"].help_text = _(
            "What Elief should know to plan the care: the parent's schedule, the family's "
            "situation as far as the parent agreed to share it."
        )
        self.fields["urgent"].help_text = _("Crisis, or care needed within a few days.")
        self.initial.setdefault("wished_from", DEFAULT_FROM)
        self.initial.setdefault("wished_until", DEFAULT_UNTIL)
        contacts = ContactPerson.objects.filter(active=True).select_related("organisation")
        if organisation is not None:
            del self.fields["organisation"], self.fields["received_date"]
            self.fields["contact"].queryset = contacts.filter(organisation=organisation)
            self.fields["contact"].label_from_instance = lambda contact: contact.name
        else:
            self.fields["organisation"].queryset = Organisation.objects.all()
            self.fields["organisation"].empty_label = _("— choose an organisation —")
            self.fields["contact"].queryset = contacts
            self.fields["contact"].label_from_instance = lambda contact: (
                f"{contact.name} · {contact.organisation.name}"
            )
            self.initial.setdefault("received_date", today)
        self.fields["contact"].empty_label = _("— none —")
        self.sections = [
            (heading, [self[name] for name in names if name in self.fields])
            for heading, names in self.SECTIONS
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("wished_from"), cleaned.get("wished_until")
        if start and end and end <= start:
            self.add_error("wished_until", _("The day must end after it starts."))
        return cleaned

    def _post_clean(self) -> None:
        # The model's own validation runs in the service, with the organisation and the
        # status the form does not hold; the fields were checked above.
        pass


class StepForm(forms.Form):
    """One step on a referral's detail page; the status is in the URL."""

    intake_date = dates.DateField(label=_("Date of the intake"), required=False, widget=DATE_INPUT)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


STEP_STATUSES = [rules.INTAKE_PLANNED, rules.WAITING, rules.DECLINED, rules.WITHDRAWN]


class MatchForm(forms.Form):
    family = forms.IntegerField(required=False, widget=forms.HiddenInput)


NEW = "new"


class StartFamilyForm(forms.Form):
    """Which family starts, with the details from the referral, to correct if need be."""

    family = forms.ChoiceField(label=_("Family"), widget=forms.RadioSelect)
    reference = forms.CharField(
        label=_("Family reference"),
        max_length=40,
        required=False,
        help_text=_("For a new family: the reference in your files."),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=4,
        required=False,
        validators=[RegexValidator(r"^[1-9][0-9]{3}$", _("A Belgian postcode has four digits."))],
    )
    parent_first_name = forms.CharField(label=_("Parent's first name"), max_length=100)
    parent_last_name = forms.CharField(label=_("Parent's last name"), max_length=100)
    parent_phone = forms.CharField(label=_("Parent's phone"), max_length=30, required=False)
    parent_email = forms.EmailField(label=_("Parent's e-mail"), required=False)
    home_languages = forms.CharField(
        label=_("Languages spoken at home"), max_length=200, required=False
    )
    child_first_name = forms.CharField(label=_("Child's first name"), max_length=100)
    child_last_name = forms.CharField(label=_("Child's last name"), max_length=100)
    child_birth_date = dates.BirthDateField(label=_("Child's birth date"), widget=DATE_INPUT)

    def __init__(self, *args, matches: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = [
            (NEW, _("A new family")),
            *[
                (
                    str(match.family.pk),
                    _("Existing family %(reference)s") % {"reference": match.family.reference},
                )
                for match in matches
            ],
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("family") == NEW and not cleaned.get("reference", "").strip():
            self.add_error("reference", _("Give the new family a reference."))
        return cleaned


class StartSettlingInForm(forms.Form):
    plan = forms.BooleanField(label=_("Plan settling-in sessions"), required=False)
    first_day = dates.DateField(label=_("First session"), required=False, widget=DATE_INPUT)
    start = forms.TimeField(
        label=_("Start time"), required=False, widget=TIME_INPUT, initial=dt.time(9, 30)
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("plan"):
            for name in ("first_day", "start"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Needed to plan the sessions."))
        return cleaned


class StartBookingForm(OpeningHoursMixin, forms.Form):
    """The first care day in the day plan; a reason books beyond the overbooking limit."""

    group = forms.ModelChoiceField(label=_("Group"), queryset=Group.objects.none())
    day = dates.DateField(label=_("First care day"), widget=DATE_INPUT)
    start = forms.TimeField(label=_("From"), widget=TIME_INPUT)
    end = forms.TimeField(label=_("Until"), widget=TIME_INPUT)
    place_type = forms.ChoiceField(label=_("Place"), choices=PlaceType.choices)
    override_reason = forms.CharField(
        label=_("Reason to book anyway"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only needed when the overflow risk is above the site's maximum."),
    )

    def __init__(self, *args, site: Site, groups: QuerySet[Group], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.site = site
        self.refusal = None
        self.fields["group"].queryset = groups
        self.fields["group"].empty_label = None
        self.fields["group"].label_from_instance = lambda group: group.name


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name"]


class ContactPersonForm(forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "function", "phone", "email", "active"]


class ShowForm(forms.Form):
    """Which referrals the coordinator's list shows."""

    show = forms.ChoiceField(
        required=False,
        choices=[("open", _("open")), ("closed", _("closed")), ("all", _("all"))],
    )
