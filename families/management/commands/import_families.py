from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from families.importing import families_import


class Command(BaseCommand):
    help = "Create or update families and their first guardian from a Families CSV file."

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
            result = families_import(rows=text)
        except ValidationError as error:
            lines = "\n".join(f"  {message}" for message in error.messages)
            raise CommandError(
                _("%(file)s was not imported:\n%(lines)s") % {"file": file, "lines": lines}
            ) from None
        created = ngettext(
            "%(count)d family created", "%(count)d families created", result.created
        ) % {"count": result.created}
        self.stdout.write(
            self.style.SUCCESS(
                _("%(created)s, %(updated)d updated, %(unchanged)d unchanged")
                % {"created": created, "updated": result.updated, "unchanged": result.unchanged}
            )
        )
