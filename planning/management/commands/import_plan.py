from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from elief.csvimport import not_imported, read_text
from planning.importing import plan_import


class Command(BaseCommand):
    help = (
        "Create or update bookings and attendance, with their families and children, "
        "from a Plan CSV file."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        text = read_text(file)
        try:
            result = plan_import(text=text)
        except ValidationError as error:
            raise not_imported(file, error) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Bookings: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }
            )
        )
        if result.families_created or result.children_created or result.children_updated:
            self.stdout.write(
                _(
                    "Families: %(families)d created; children: %(children)d created, "
                    "%(children_updated)d updated"
                )
                % {
                    "families": result.families_created,
                    "children": result.children_created,
                    "children_updated": result.children_updated,
                }
            )
