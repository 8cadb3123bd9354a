from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EliefConfig(AppConfig):
    name = "elief"
    verbose_name = _("Sites and users")

    def ready(self) -> None:
        # Connects the receiver that stamps a new session with its sign-in time, also
        # for logins that never pass through a request's middleware (the test client).
        from django.db.models import fields

        from elief import middleware  # noqa: F401

        # Django's empty choice of every select ("- Select an option -") is not in its
        # Dutch catalogue; Django documents replacing it here.
        fields.BLANK_CHOICE_LABEL = _("— choose —")
