"""Groups, bookings, attendance and staff shifts."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from elief.models import Site

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
