"""Fill an empty database with a realistic demo: the site Elief and a user per role.

Each app adds its own part through a `demo.seed(state)` function, called in the
order of INSTALLED_APPS, so this command needs none of the apps' models.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from elief.models import Site


class Command(BaseCommand):
    help = "Create demo data: the site Elief, its groups and one user per role."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when a site exists."
        )
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, if_empty: bool, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo data is for development: DEBUG is off. Use --force to seed anyway."
            )
        if Site.objects.exists():
            if if_empty:
                self.stdout.write("Demo data already present; nothing to do.")
                return
            raise CommandError(
                "The database already holds sites; seed_demo fills an empty database only."
            )
        state: dict = {}
        with transaction.atomic():
            for config in apps.get_app_configs():
                if find_spec(f"{config.name}.demo") is None:
                    continue
                module = import_module(f"{config.name}.demo")
                module.seed(state)
                self.stdout.write(f"  {config.verbose_name}: {module.summary(state)}")
        self.stdout.write(
            self.style.SUCCESS("Demo data created. Password of every demo user: elief-demo")
        )
