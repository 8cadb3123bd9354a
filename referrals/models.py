"""Referrals (toeleiding): partner organisations' contact persons, the referrals they
send with the parent's consent, and every step a referral takes until it is final.

The partner organisations themselves live in the core (elief.models.Organisation),
because referrers are scoped by them.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elief.calendar import weekday_name
from elief.models import Organisation, Site
from referrals import rules


class ContactPerson(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contact_persons",
        verbose_name=_("partner organisation"),
    )
    name = models.CharField(_("name"), max_length=100)
    function = models.CharField(_("function"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organisation", "-active", "name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Reason(models.TextChoices):
    TRAINING = "training", _("training")
    JOB_START = "job_start", _("job start")
    JOB_INTERVIEW = "job_interview", _("job interview")
    INTEGRATION_COURSE = "integration_course", _("integration course")
    CRISIS = "crisis", _("crisis")
    RELIEF = "relief", _("relief")
    SOCIAL_PEDAGOGICAL = "social_pedagogical", _("social or pedagogical")


class Status(models.TextChoices):
    RECEIVED = rules.RECEIVED, _("received")
    INTAKE_PLANNED = rules.INTAKE_PLANNED, _("intake planned")
    STARTED = rules.STARTED, _("started")
    WAITING = rules.WAITING, _("waiting")
    DECLINED = rules.DECLINED, _("declined")
    WITHDRAWN = rules.WITHDRAWN, _("withdrawn")


class Referral(models.Model):
    """A family sent by a partner organisation, with the parent's consent.

    The new family's details are kept on the referral itself, so that starting the family
    (families.Family, Guardian, Child) needs nothing typed twice. `family` is the family
    the coordinator matched or the start created; `child` the child that started.
    """

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("site")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("partner organisation"),
    )
    contact = models.ForeignKey(
        ContactPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("contact person"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    received_date = models.DateField(_("received on"))

    consent_date = models.DateField(_("date of the parent's consent"))
    consent_scope = models.CharField(
        _("scope of the consent"),
        max_length=200,
        help_text=_("What the parent agreed may be shared between Elief and your organisation."),
    )
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    urgent = models.BooleanField(_("urgent"), default=False)
    wished_start = models.DateField(_("wished start"))
    wished_weekdays = models.CharField(
        _("wished weekdays"),
        max_length=7,
        validators=[RegexValidator(r"^[1-7]{1,7}$", _("Use the digits 1 (Monday) to 7 (Sunday)."))],
        help_text=_("ISO weekdays, e.g. 135."),
    )
    wished_from = models.TimeField(_("from"))
    wished_until = models.TimeField(_("until"))
    notes = models.TextField(_("notes"), blank=True)

    # The new family's details, as the referrer gave them.
    parent_first_name = models.CharField(_("parent's first name"), max_length=100)
    parent_last_name = models.CharField(_("parent's last name"), max_length=100)
    parent_phone = models.CharField(_("parent's phone"), max_length=30, blank=True)
    parent_email = models.EmailField(_("parent's e-mail"), blank=True)
    postcode = models.CharField(
        _("postcode"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^[1-9][0-9]{3}$", _("A Belgian postcode has four digits."))],
    )
    home_languages = models.CharField(
        _("languages spoken at home"),
        max_length=200,
        blank=True,
        help_text=_("Separate languages with a semicolon, e.g. Dutch; Arabic."),
    )
    child_first_name = models.CharField(_("child's first name"), max_length=100)
    child_last_name = models.CharField(_("child's last name"), max_length=100)
    child_birth_date = models.DateField(_("child's birth date"))

    family = models.ForeignKey(
        "families.Family",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("family"),
    )
    child = models.ForeignKey(
        "families.Child",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("child"),
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    intake_date = models.DateField(_("intake on"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    first_care_day = models.DateField(_("first care day"), null=True, blank=True)
    # The day the referral reached a final status: what the deadline is checked against.
    closed_on = models.DateField(_("final status on"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_date", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=Q(wished_until__gt=models.F("wished_from")),
                name="referral_day_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status=rules.STARTED) | Q(first_care_day__isnull=False),
                name="started_referral_has_first_care_day",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "status"]),
            models.Index(fields=["organisation", "received_date"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.organisation} {self.received_date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:referral_detail", args=[self.pk])

    @property
    def is_final(self) -> bool:
        return rules.is_final(self.status)

    @property
    def weekdays(self) -> list[int]:
        return sorted(int(day) for day in self.wished_weekdays)

    @property
    def weekday_names(self) -> list[str]:
        return [weekday_name(day) for day in self.weekdays]

    @property
    def pattern(self) -> dict[int, tuple[dt.time, dt.time]]:
        return {day: (self.wished_from, self.wished_until) for day in self.weekdays}

    @property
    def due_date(self) -> dt.date:
        """Prefetch `site__settings` when reading this for many referrals."""
        days = self.site.settings_on(self.received_date).referral_deadline_days
        return rules.due_date(self.received_date, days)

    def deadline_state(self, today: dt.date) -> str:
        return rules.deadline_state(
            status=self.status, due=self.due_date, closed_on=self.closed_on, today=today
        )

    @property
    def last_step(self) -> "ReferralStep | None":
        """The latest step; prefetch `steps` when reading this for many referrals."""
        steps = list(self.steps.all())
        return steps[-1] if steps else None

    @property
    def days_to_start(self) -> int | None:
        if self.status != rules.STARTED or self.first_care_day is None:
            return None
        return (self.first_care_day - self.received_date).days


class ReferralStep(models.Model):
    """One step of a referral's pipeline: the status it reached, when and by whom."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    date = models.DateField(_("date"))
    at = models.DateTimeField(_("recorded at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Internal: the decline reason, a note on waiting. Never shown in the partner portal.
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["referral", "at", "pk"]
        verbose_name = _("referral step")
        verbose_name_plural = _("referral steps")

    def __str__(self) -> str:
        return f"{self.referral_id} {self.status} {self.date:%Y-%m-%d}"
