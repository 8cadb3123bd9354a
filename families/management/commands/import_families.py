from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from elief.csvimport import not_imported, read_text
from families.importing import families_import


class Command(BaseCommand):
    help = "Create or update families and their first guardian from a Families CSV file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--create-organisations",
            action="store_true",
            help="Create the partner organisations the referrer column names that do not "
            "exist yet, instead of refusing the file.",
        )

    def handle(self, *args, file: Path, create_organisations: bool, **options) -> None:
        text = read_text(file)
        try:
            result = families_import(rows=text, create_organisations=create_organisations)
        except ValidationError as error:
            raise not_imported(file, error) from None
        for name in result.organisations_created:
            self.stdout.write(_("Partner organisation created: %(name)s") % {"name": name})
        created = ngettext(
            "%(count)d family created", "%(count)d families created", result.created
        ) % {"count": result.created}
        self.stdout.write(
            self.style.SUCCESS(
                _("%(created)s, %(updated)d updated, %(unchanged)d unchanged")
                % {"created": created, "updated": result.updated, "unchanged": result.unchanged}
            )
        )
