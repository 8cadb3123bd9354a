from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from elief.csvimport import read_json
from planning.site_import import site_import
from subsidies.services import schemes_import, schemes_validate


class Command(BaseCommand):
    help = (
        "Create or update a site, its settings, closing days, groups and subsidy schemes "
        "from a JSON file."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        data = read_json(file)
        try:
            # One transaction: a bad scheme leaves the site as it was, and the reverse.
            with transaction.atomic():
                entries, scheme_errors = schemes_validate(data=data)
                try:
                    result = site_import(data=data)
                except ValidationError as error:
                    raise ValidationError(error.messages + scheme_errors) from None
                if scheme_errors:
                    raise ValidationError(scheme_errors)
                result.changes += schemes_import(site=result.site, entries=entries)
        except ValidationError as error:
            lines = "\n".join(f"  {message}" for message in error.messages)
            raise CommandError(f"{file} was not imported:\n{lines}") from None
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Site {result.site.name} created."))
            schemes = len({entry.name for entry in entries})
            if schemes:
                self.stdout.write(f"  {schemes} subsidy schemes")
        elif result.changes:
            self.stdout.write(self.style.SUCCESS(f"Site {result.site.name} updated: "))
            for change in result.changes:
                self.stdout.write(f"  {change}")
        else:
            self.stdout.write(f"Site {result.site.name} unchanged.")
