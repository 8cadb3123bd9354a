"""Forms of the planning app's pages."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from elief import dates
from elief.forms import OpeningHoursMixin
from elief.models import Site
from planning.models import Booking, Group, PlaceType

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")


class BookingForm(OpeningHoursMixin, forms.Form):
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
    # Set by the waiting list's proposals when a place came free: the booking's origin.
    from_waiting_list = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, children, site: Site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields["child"].label_from_instance = lambda child: (
            f"{child.first_name} {child.last_name} · {child.family.reference}"
        )
        self.site = site


class BookingMoveForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=None, empty_label=None)
    day = dates.DateField(label=_("Day"), widget=DATE_INPUT)
    start = forms.TimeField(label=_("From"), widget=TIME_INPUT)
    end = forms.TimeField(label=_("Until"), widget=TIME_INPUT)
    version = forms.IntegerField(widget=forms.HiddenInput)
    override_reason = forms.CharField(
        label=_("Reason to book anyway (only when refused)"), required=False
    )

    def __init__(self, *args, groups: QuerySet[Group], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups

    @classmethod
    def for_booking(cls, booking: Booking, *, groups: list[Group]) -> "BookingMoveForm":
        """The unbound form in a booking's row of the day plan, its ids unique to the row.

        The choices come from `groups`, the list the page holds already, so a plan of many
        bookings renders without a query per row.
        """
        form = cls(
            groups=Group.objects.none(),
            auto_id=f"move-{booking.pk}-%s",
            initial={
                "group": booking.group_id,
                "day": booking.date,
                "start": booking.start,
                "end": booking.end,
                "version": booking.version,
            },
        )
        form.fields["group"].choices = [(group.pk, group.name) for group in groups]
        return form

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] <= cleaned["start"]:
            self.add_error("end", _("The day must end after it starts."))
        return cleaned


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
