from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EliefConfig(AppConfig):
    name = "elief"
    verbose_name = _("Sites and users")
