from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParentsConfig(AppConfig):
    name = "parents"
    verbose_name = _("Parents")

    def ready(self) -> None:
        # The parents' open requests are offered for a freed place next to the waiting
        # list: planning asks its registered sources, never the parents' app itself.
        from parents.freed import freed_place_requests
        from planning.freed import freed_place_source_register

        freed_place_source_register(freed_place_requests)
