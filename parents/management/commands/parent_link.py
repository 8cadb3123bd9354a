"""Print a family's personal link.

Only the hash of a link is stored, so its text cannot be shown again: this command makes
a new link and prints it, and the family's previous link stops working.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from families.models import Family
from parents import services


class Command(BaseCommand):
    help = (
        "Print a family's personal link. Only hashes are stored, so this makes a new link: "
        "the family's previous link stops working."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--site", required=True, help="the site's name")
        parser.add_argument("--family", required=True, help="the family's reference")

    def handle(self, *args, **options) -> None:
        try:
            family = Family.objects.get(
                site__name=options["site"], reference=options["family"], erased_at__isnull=True
            )
        except Family.DoesNotExist:
            raise CommandError(
                f"No family {options['family']!r} at site {options['site']!r}."
            ) from None
        had_one = services.parent_link_is_live(family=family)
        new = services.parent_link_create(family=family, user=None)
        url = settings.SITE_URL + reverse("parents:home", args=[new.token])
        self.stdout.write(url)
        if had_one:
            self.stderr.write("The family's previous link no longer works.")
        self.stderr.write(f"Valid until {new.link.expires_at:%Y-%m-%d}.")
