"""The families' personal links, their requests and the evening reminders."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from families.models import Child, Family


class ParentLink(models.Model):
    """A family's personal link: only the sha256 of its token is kept.

    A family holds one live link at a time; renewing revokes the old one, whose row stays
    as a trace of who made it and when.
    """

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="parent_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    expires_at = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("parent link")
        verbose_name_plural = _("parent links")

    def __str__(self) -> str:
        return f"{self.family} {self.created_at:%Y-%m-%d}"

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class ParentRequest(models.Model):
    """A parent's wish for a day or other times: never a booking until the coordinator
    accepts it through the acceptance rule."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted")
        REFUSED = "refused", _("refused")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="parent_requests")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="parent_requests")
    day = models.DateField(_("day"))
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))
    urgent = models.BooleanField(_("urgent"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    booking = models.ForeignKey(
        "planning.Booking", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-urgent", "day", "created_at", "pk"]
        verbose_name = _("parent's request")
        verbose_name_plural = _("parents' requests")
        indexes = [models.Index(fields=["status", "day"])]

    def __str__(self) -> str:
        return f"{self.child} {self.day:%Y-%m-%d}"


class ParentReminder(models.Model):
    """The evening reminder of one booking: one row per booking, so never sent twice."""

    booking = models.OneToOneField(
        "planning.Booking", on_delete=models.CASCADE, related_name="parent_reminder"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    by_email = models.BooleanField(default=False)
    by_sms = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("parent reminder")
        verbose_name_plural = _("parent reminders")

    def __str__(self) -> str:
        return f"{self.booking_id} {self.sent_at:%Y-%m-%d %H:%M}"

    @property
    def reached(self) -> bool:
        return self.by_email or self.by_sms
