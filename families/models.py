"""Families, guardians, children, their criteria and care plans.

These are the most sensitive data of the system: who looks at a family's criteria or
notes is recorded (FamilyAccess), and a family that left can be erased while the
aggregates of past reports stay.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elief.calendar import weekday_name
from elief.models import Organisation, Site
from families import rules

CRITERIA_FIELDS = [field.name for field in rules.Criteria.__dataclass_fields__.values()]


class Family(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="families")
    reference = models.CharField(
        _("family reference"),
        max_length=40,
        help_text=_("The reference of the family in your files."),
    )
    postcode = models.CharField(
        _("postcode"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^[1-9][0-9]{3}$", _("A Belgian postcode has four digits."))],
    )
    neighbourhood = models.CharField(_("neighbourhood"), max_length=100, blank=True)
    referrer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="families",
        verbose_name=_("referred by"),
    )
    consent_date = models.DateField(_("date of the parent's consent"), null=True, blank=True)
    consent_scope = models.CharField(
        _("scope of the consent"),
        max_length=200,
        blank=True,
        help_text=_("What the parent agreed may be shared with the referring organisation."),
    )

    # Priority and vulnerability criteria, as they hold on criteria_date.
    work_or_training = models.BooleanField(_("work or training at least 4/5"), default=False)
    integration_course = models.BooleanField(_("integration course"), default=False)
    job_seeking = models.BooleanField(_("job-seeking trajectory"), default=False)
    single_parent = models.BooleanField(_("single parent"), default=False)
    low_income = models.BooleanField(_("low income"), default=False)
    no_secondary_diploma = models.BooleanField(_("no secondary diploma"), default=False)
    health_or_care = models.BooleanField(_("health or care situation"), default=False)
    foster_child = models.BooleanField(_("foster child"), default=False)
    sibling_in_care = models.BooleanField(_("sibling already in care"), default=False)
    criteria_date = models.DateField(_("date of the evidence"), null=True, blank=True)
    # Derived from the criteria by families.rules.is_vulnerable on every save; never typed.
    vulnerable = models.BooleanField(_("vulnerable"), default=False, editable=False)

    left_on = models.DateField(_("left on"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reference"]
        verbose_name = _("family")
        verbose_name_plural = _("families")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "reference"], name="unique_family_reference_per_site"
            )
        ]
        indexes = [models.Index(fields=["site", "vulnerable"])]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs) -> None:
        self.vulnerable = rules.is_vulnerable(self.criteria)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "vulnerable"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("families:family_detail", args=[self.pk])

    @property
    def criteria(self) -> rules.Criteria:
        return rules.Criteria(**{name: getattr(self, name) for name in CRITERIA_FIELDS})

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class CriteriaRecord(models.Model):
    """Every recorded version of a family's criteria, for the history and audits."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="criteria_records")
    criteria_date = models.DateField(_("date of the evidence"), null=True)
    values = models.JSONField(_("criteria"))
    vulnerable = models.BooleanField(_("vulnerable"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.family} {self.recorded_at:%Y-%m-%d}"


class Guardian(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="guardians")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    home_languages = models.CharField(
        _("languages spoken at home"),
        max_length=200,
        blank=True,
        help_text=_("Separate languages with a semicolon, e.g. Dutch; Arabic."),
    )
    interpreter = models.BooleanField(_("an interpreter helps"), default=False)

    class Meta:
        ordering = ["family", "pk"]
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def languages(self) -> list[str]:
        return [language.strip() for language in self.home_languages.split(";") if language.strip()]


class Child(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="children")
    reference = models.CharField(_("child reference"), max_length=40, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    kindcode = models.CharField(
        _("Kind en Gezin child code"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[A-Za-z0-9-]+$", _("Use letters, digits and hyphens only."))],
    )
    allergies = models.TextField(_("allergies"), blank=True)
    diet = models.TextField(_("diet"), blank=True)
    pickup_persons = models.TextField(
        _("people allowed to pick up"),
        blank=True,
        help_text=_("One person a line, with their relation."),
    )
    staff_notes = models.TextField(_("notes for the staff"), blank=True)

    class Meta:
        ordering = ["first_name", "last_name", "pk"]
        verbose_name = _("child")
        verbose_name_plural = _("children")
        constraints = [
            models.UniqueConstraint(
                fields=["family", "reference"],
                condition=~Q(reference=""),
                name="unique_child_reference_per_family",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self) -> None:
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": _("The birth date lies in the future.")})

    def age_in_months(self, on: dt.date) -> int:
        months = (on.year - self.birth_date.year) * 12 + on.month - self.birth_date.month
        return months - (on.day < self.birth_date.day)


class CareKind(models.TextChoices):
    OCCASIONAL = "occasional", _("occasional")
    REGULAR = "regular", _("regular")


class CarePlan(models.Model):
    """An opvangplan: the care a child gets, with its weekly pattern."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="care_plans")
    kind = models.CharField(_("kind of care"), max_length=20, choices=CareKind.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped on every change, so an edit made on a stale page is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["child", "-start"]
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="care_plan_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} {self.get_kind_display()} {self.start:%Y-%m-%d}"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The plan cannot end before it starts.")})

    def is_active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    @property
    def pattern(self) -> dict[int, tuple[dt.time, dt.time]]:
        return {day.weekday: (day.start, day.end) for day in self.days.all()}


class CarePlanDay(models.Model):
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="days")
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=[(n, n) for n in range(1, 8)],
        help_text=_("1 is Monday, 7 is Sunday."),
    )
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        ordering = ["plan", "weekday"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "weekday"], name="one_pattern_entry_per_weekday"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="care_day_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.start:%H:%M}–{self.end:%H:%M}"

    def get_weekday_name(self) -> str:
        return weekday_name(self.weekday)


class CarePlanChange(models.Model):
    """A family's request to change a care plan, kept with its decision, for ever."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        REFUSED = "refused", _("refused")

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="changes")
    requested_on = models.DateField(_("asked on"))
    requested_by = models.CharField(_("asked by"), max_length=100)
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))
    summary = models.TextField(_("what changed"))
    note = models.TextField(_("note"), blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("care plan change")
        verbose_name_plural = _("care plan changes")

    def __str__(self) -> str:
        return f"{self.plan} {self.requested_on:%Y-%m-%d}"


class SettlingInStep(models.Model):
    """One step of a site's settling-in template (wenbeleid), e.g. 1 h with a parent."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="settling_in_steps")
    position = models.PositiveSmallIntegerField(_("position"))
    minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    with_parent = models.BooleanField(_("with a parent"), default=True)

    class Meta:
        ordering = ["site", "position"]
        constraints = [
            models.UniqueConstraint(fields=["site", "position"], name="one_step_per_position")
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.position}: {self.minutes} min"


class SettlingInSession(models.Model):
    """A planned settling-in session (wenmoment); the day plan turns it into a booking."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="settling_in_sessions")
    date = models.DateField(_("date"))
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))
    with_parent = models.BooleanField(_("with a parent"), default=True)

    class Meta:
        ordering = ["child", "date", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} {self.date:%Y-%m-%d}"


class FamilyAccess(models.Model):
    """Who looked at, changed, exported or erased a family's personal data, and when.

    `page` is the path of the page (never its query string, which may hold a search
    for a name), so the log itself names nobody. A referral read before a family
    exists for it is logged without a family.
    """

    class What(models.TextChoices):
        VIEW = "view", _("viewed")
        EDIT = "edit", _("changed")
        EXPORT = "export", _("exported")
        ERASE = "erase", _("erased")

    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, null=True, blank=True, related_name="accesses"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    what = models.CharField(max_length=10, choices=What.choices)
    page = models.CharField(_("page"), max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("family access")
        verbose_name_plural = _("family accesses")

    def __str__(self) -> str:
        return f"{self.family_id} {self.what} {self.page} {self.at:%Y-%m-%d %H:%M}"
