"""Groups, bookings, attendance and staff shifts."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elief.models import Site
from planning import rules

LEGAL_MAX_CAPACITY = 18


class Group(models.Model):
    """A leefgroep: its capacity is the most children present at the same time."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=100)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(LEGAL_MAX_CAPACITY)]
    )
    regular_places = models.PositiveSmallIntegerField(_("regular places"), default=0)
    occasional_places = models.PositiveSmallIntegerField(_("occasional places"), default=0)
    urgent_reserve = models.PositiveSmallIntegerField(
        _("urgent reserve"),
        default=1,
        help_text=_("Occasional places kept free every day for urgent requests."),
    )

    class Meta:
        ordering = ["site", "name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="unique_group_name_per_site")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.site})"

    def clean(self) -> None:
        errors = {}
        if self.capacity and self.regular_places + self.occasional_places > self.capacity:
            places = self.regular_places + self.occasional_places
            errors["occasional_places"] = _(
                "Regular and occasional places together (%(places)d) exceed the capacity "
                "(%(capacity)d)."
            ) % {"places": places, "capacity": self.capacity}
        if self.urgent_reserve > self.occasional_places:
            errors["urgent_reserve"] = _("The urgent reserve is part of the occasional places.")
        if errors:
            raise ValidationError(errors)


class PlaceType(models.TextChoices):
    REGULAR = rules.REGULAR, _("regular")
    OCCASIONAL = rules.OCCASIONAL, _("occasional")
    URGENT = rules.URGENT, _("urgent")


class Outcome(models.TextChoices):
    PLANNED = rules.PLANNED, _("planned")
    PRESENT = rules.PRESENT, _("present")
    EXCUSED = rules.EXCUSED, _("excused")
    NO_SHOW = rules.NO_SHOW, _("no-show")
    CANCELLED = rules.CANCELLED, _("cancelled")


class Origin(models.TextChoices):
    """Where a booking comes from: a care-plan change rewrites only its own bookings."""

    CARE_PLAN = "care_plan", _("care plan")
    REFERRAL_START = "referral_start", _("referral start")
    REQUEST = "request", _("request")
    WAITING_LIST = "waiting_list", _("waiting list")
    IMPORT = "import", _("import")
    MANUAL = "manual", _("by hand")


class AbsenceCode(models.Model):
    """Why a child was absent; whether the day still counts for a regular place."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="absence_codes")
    code = models.SlugField(_("code"), max_length=30)
    label = models.CharField(_("label"), max_length=100)
    counts_for_regular = models.BooleanField(
        _("counts as a care day for a regular place"), default=False
    )

    class Meta:
        ordering = ["site", "code"]
        verbose_name = _("absence code")
        verbose_name_plural = _("absence codes")
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="unique_absence_code_per_site")
        ]

    def __str__(self) -> str:
        return self.label


# The codes every site starts with (DESIGN.md): code, label, counts for a regular place.
DEFAULT_ABSENCE_CODES = [
    ("respijtdag", "Respijtdag", True),
    ("ziek", "Ziek", True),
    ("andere", "Andere", False),
]


class Booking(models.Model):
    """One child, one group, one day: the unit of the day plan and of attendance."""

    child = models.ForeignKey("families.Child", on_delete=models.PROTECT, related_name="bookings")
    # No index of its own: the (group, date) index below serves every lookup by group, and
    # a second one on the group alone tempted PostgreSQL into scanning a group's every day.
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="bookings", db_index=False
    )
    date = models.DateField(_("date"))
    start = models.TimeField(_("expected arrival"))
    end = models.TimeField(_("expected departure"))
    place_type = models.CharField(_("place type"), max_length=20, choices=PlaceType.choices)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PLANNED
    )
    arrived = models.TimeField(_("arrived"), null=True, blank=True)
    left = models.TimeField(_("left"), null=True, blank=True)
    absence_code = models.ForeignKey(
        AbsenceCode, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("absence code")
    )
    settling_in = models.BooleanField(_("settling-in session"), default=False)
    care_plan = models.ForeignKey(
        "families.CarePlan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
    )
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.MANUAL
    )
    override_reason = models.TextField(_("reason to book beyond the overbooking limit"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped on every change: an edit made on a stale page is refused, not silently applied.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["date", "group_id", "start", "pk"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["child", "date"],
                condition=~Q(outcome=rules.CANCELLED),
                name="one_live_booking_per_child_and_day",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="booking_ends_after_start"
            ),
        ]
        indexes = [
            # The day's bookings of a group; with the outcome and the child, the show
            # history's count per child is read from this index alone, not the table.
            models.Index(fields=["group", "date", "outcome", "child"]),
            models.Index(fields=["child", "date"]),
            # The days nobody settled yet, which the nightly counts for every site over
            # its whole history: a few rows in this index instead of years of bookings.
            models.Index(
                fields=["group", "date"],
                condition=Q(outcome=rules.PLANNED) | Q(outcome=rules.PRESENT, left__isnull=True),
                name="booking_unsettled_group_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} {self.date:%Y-%m-%d} {self.group.name}"

    @property
    def is_live(self) -> bool:
        """Counts in the plan: neither cancelled nor excused."""
        return self.outcome not in (rules.CANCELLED, rules.EXCUSED)


class BookingChange(models.Model):
    """Every change to a booking: who, when, what it was before and after."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(_("action"), max_length=30)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class StaffMember(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="staff_members")
    name = models.CharField(_("name"), max_length=100)
    counts_in_ratio = models.BooleanField(_("counts in the ratio"), default=True)
    in_training = models.BooleanField(_("in training"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["site", "name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return self.name


class Shift(models.Model):
    staff_member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="shifts")
    group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="shifts"
    )
    date = models.DateField(_("date"))
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        ordering = ["date", "start"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.UniqueConstraint(
                fields=["staff_member", "date"], name="one_shift_per_staff_member_and_day"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="shift_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member} {self.date:%Y-%m-%d}"


class WaitingListEntry(models.Model):
    """A request that could not be placed yet. The list is short by design."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        PLACED = "placed", _("placed")
        WITHDRAWN = "withdrawn", _("withdrawn")

    child = models.ForeignKey(
        "families.Child", on_delete=models.CASCADE, related_name="waiting_list_entries"
    )
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="waiting_list")
    wished_weekdays = models.CharField(
        _("wished weekdays"), max_length=7, blank=True, help_text=_("ISO weekdays, e.g. 135.")
    )
    wished_start = models.DateField(_("wished start"))
    start = models.TimeField(_("from"), default=dt.time(8, 30))
    end = models.TimeField(_("until"), default=dt.time(16, 30))
    urgent = models.BooleanField(_("urgent"), default=False)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.WAITING
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-urgent", "created_at"]
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list")

    def __str__(self) -> str:
        return f"{self.child} ({self.get_status_display()})"
