from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from planning.importing import plan_import


class Command(BaseCommand):
    help = (
        "Create or update bookings and attendance, with their families and children, "
        "from a Plan CSV file."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        try:
            data = file.read_bytes()
        except FileNotFoundError:
            raise CommandError(_("%(file)s: no such file") % {"file": file}) from None
        except IsADirectoryError:
            raise CommandError(_("%(file)s: is a folder, not a file") % {"file": file}) from None
        try:
            # utf-8-sig: spreadsheets put a byte order mark before the header.
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise CommandError(
                _(
                    "%(file)s: line %(line)d is not UTF-8 text (byte 0x%(byte)02x). "
                    "Save the file as “CSV UTF-8” and import it again."
                )
                % {"file": file, "line": line, "byte": data[error.start]}
            ) from None
        try:
            result = plan_import(text=text)
        except ValidationError as error:
            lines = "\n".join(f"  {message}" for message in error.messages)
            raise CommandError(
                _("%(file)s was not imported:\n%(lines)s") % {"file": file, "lines": lines}
            ) from None
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
