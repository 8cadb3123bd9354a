"""The core every app scopes by: sites with their dated settings and closing days,
partner organisations, and users with their role and memberships."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from elief import calendar


class Site(models.Model):
    """A vestiging: one daycare building with its licence and opening hours."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    licensed_places = models.PositiveSmallIntegerField(
        _("licensed places"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    opens = models.TimeField(_("opens at"), default=dt.time(7, 30))
    closes = models.TimeField(_("closes at"), default=dt.time(18, 0))
    opening_weekdays = models.CharField(
        _("opening weekdays"),
        max_length=7,
        default="12345",
        validators=[RegexValidator(r"^[1-7]{1,7}$", _("Use the digits 1 (Monday) to 7 (Sunday)."))],
        help_text=_("ISO weekday numbers: 1 is Monday, 7 is Sunday."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.opens and self.closes and self.opens >= self.closes:
            raise ValidationError({"closes": _("The site must close after it opens.")})

    @property
    def weekdays(self) -> frozenset[int]:
        return frozenset(int(d) for d in self.opening_weekdays)

    def closing_dates(self, start: dt.date, end: dt.date) -> dict[dt.date, str]:
        """Closing days between start and end: Belgian public holidays and the site's own.

        Reads `self.closing_days.all()`, so a prefetch serves any range without a query.
        """
        dates = calendar.public_holidays(start, end)
        dates.update(
            (closing.date, closing.reason)
            for closing in self.closing_days.all()
            if start <= closing.date <= end
        )
        return dates

    def open_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        return calendar.open_days(
            start, end, weekdays=self.weekdays, closed=self.closing_dates(start, end).keys()
        )

    def closed_reason(self, day: dt.date) -> str | None:
        """Why the site is closed on `day`, in words; None when it is open.

        A weekday the site never opens on is named ("Zaterdag"); a closing day gives its
        reason or the holiday's name, or "closing day" when nobody gave one.
        """
        if day.isoweekday() not in self.weekdays:
            return calendar.weekday_name(day.isoweekday())
        closed = self.closing_dates(day, day)
        if day in closed:
            return closed[day] or _("closing day")
        return None

    def is_open_on(self, day: dt.date) -> bool:
        return self.closed_reason(day) is None

    def check_opening_hours(
        self, start: dt.time, end: dt.time, *, fields: tuple[str, str] | None = None
    ) -> None:
        """calendar.check_opening_hours with the site's hours.

        With `fields` (the names of the start and the end field), the ValidationError names
        them: the end field gets "must end after it starts", the start field "within the
        opening hours", so a form or a service's error dict takes it as it is.
        """
        try:
            calendar.check_opening_hours(start, end, opens=self.opens, closes=self.closes)
        except ValidationError as error:
            if fields is None:
                raise
            start_field, end_field = fields
            by_field: dict[str, list[ValidationError]] = {}
            for problem in error.error_list:
                name = end_field if problem.code == calendar.END_BEFORE_START else start_field
                by_field.setdefault(name, []).append(problem)
            raise ValidationError(by_field) from None

    def settings_on(self, day: dt.date) -> "SiteSettings":
        """The settings in force on a day; before the first entry, the first entry; the
        defaults of the domain rules for a site without settings.

        Reads `self.settings.all()`, so a prefetch serves every day without a query.
        """
        entries = sorted(self.settings.all(), key=lambda entry: entry.valid_from)
        if not entries:
            return SiteSettings(site=self, valid_from=day)
        in_force = [entry for entry in entries if entry.valid_from <= day]
        return in_force[-1] if in_force else entries[0]


def _pct_validators() -> list:
    return [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class SiteSettings(models.Model):
    """The numbers of the domain rules for one site, in force from `valid_from` on.

    Rates and rules change every year: a change is a new row, so past days keep being
    computed with the numbers that applied then.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="settings")
    valid_from = models.DateField(_("valid from"))
    ratio = models.PositiveSmallIntegerField(
        _("children per counted staff member"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    max_overflow_risk_pct = models.DecimalField(
        _("maximum overflow risk (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(5),
        validators=_pct_validators(),
    )
    urgent_release_days = models.PositiveSmallIntegerField(
        _("urgent reserve released, days before"), default=2, validators=[MaxValueValidator(30)]
    )
    urgent_release_time = models.TimeField(_("urgent reserve released at"), default=dt.time(16, 0))
    half_day_under_hours = models.DecimalField(
        _("half day under (hours)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal(5),
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal(24))],
    )
    show_history_days = models.PositiveSmallIntegerField(
        _("days of history for show probability"),
        default=84,
        validators=[MinValueValidator(7), MaxValueValidator(366)],
    )
    show_prior_strength = models.PositiveSmallIntegerField(
        _("weight of the site's show rate"), default=4, validators=[MaxValueValidator(100)]
    )
    default_show_rate = models.DecimalField(
        _("show rate of a site without history"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.90"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    social_mix_aim_pct = models.DecimalField(
        _("aimed share of vulnerable families (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=_pct_validators(),
    )
    trap2_min_vulnerable_pct = models.DecimalField(
        _("minimum vulnerable share for step 2 (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(20),
        validators=_pct_validators(),
    )
    trap3_min_vulnerable_pct = models.DecimalField(
        _("minimum vulnerable share for step 3 (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(30),
        validators=_pct_validators(),
    )
    referral_deadline_days = models.PositiveSmallIntegerField(
        _("days for a referral to reach a final status"),
        default=21,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    transition_days_per_week = models.PositiveSmallIntegerField(
        _("transition: days a week"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    transition_weeks = models.PositiveSmallIntegerField(
        _("transition: weeks in a row"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    transition_max_occasional_months = models.PositiveSmallIntegerField(
        _("transition: months of occasional care"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    respite_days_per_year = models.PositiveSmallIntegerField(
        _("respite days a year for five days a week"),
        default=18,
        validators=[MaxValueValidator(366)],
    )
    retention_months = models.PositiveSmallIntegerField(
        _("months a family's data are kept after it left"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Every night, families that left longer ago than this are erased."),
    )

    class Meta:
        # By the site's id, not by the site (its name): no join to the sites on the reads
        # of nearly every page (Site.settings_on).
        ordering = ["site_id", "valid_from"]
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "valid_from"], name="one_settings_entry_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site} ({self.valid_from:%Y-%m-%d})"


class ClosingDay(models.Model):
    """A day the site is closed on top of the Belgian public holidays."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="closing_days")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        # By the site's id, not by its name: no join on every page (Site.closing_dates).
        ordering = ["site_id", "date"]
        verbose_name = _("closing day")
        verbose_name_plural = _("closing days")
        constraints = [
            models.UniqueConstraint(fields=["site", "date"], name="one_closing_day_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.date:%Y-%m-%d}"


class Organisation(models.Model):
    """A partner organisation that refers families (VDAB, OCMW, Kind en Gezin, …).

    It lives in the core because referrers are scoped by it, as staff are by sites.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("coordinator")
    STAFF = "staff", _("childcare worker")
    BOARD = "board", _("board member")
    REFERRER = "referrer", _("referrer")
    ADMIN = "admin", _("administrator")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    sites = models.ManyToManyField(
        Site, blank=True, related_name="members", verbose_name=_("sites")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("partner organisation"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self) -> None:
        super().clean()
        if self.role == Role.REFERRER and self.organisation_id is None:
            raise ValidationError(
                {"organisation": _("A referrer belongs to a partner organisation.")}
            )
        if self.role != Role.REFERRER and self.organisation_id is not None:
            raise ValidationError(
                {"organisation": _("Only referrers belong to a partner organisation.")}
            )

    def save(self, *args, **kwargs) -> None:
        # The Django admin is the administrator's tool only: the flag follows the role.
        self.is_staff = self.role == Role.ADMIN or self.is_superuser
        super().save(*args, **kwargs)

    @property
    def sees_all_sites(self) -> bool:
        return self.role in (Role.BOARD, Role.ADMIN) or self.is_superuser

    @property
    def sees_names(self) -> bool:
        """Board members and referrers never see a child's or family's name in site pages."""
        return self.role in (Role.COORDINATOR, Role.STAFF, Role.ADMIN) or self.is_superuser
