import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from planning.services import site_import


class Command(BaseCommand):
    help = "Create or update a site, its settings, closing days and groups from a JSON file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file}: not valid UTF-8 JSON ({error})") from None
        try:
            result = site_import(data=data)
        except ValidationError as error:
            lines = "\n".join(f"  {message}" for message in error.messages)
            raise CommandError(f"{file} was not imported:\n{lines}") from None
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Site {result.site.name} created."))
        elif result.changes:
            self.stdout.write(self.style.SUCCESS(f"Site {result.site.name} updated: "))
            for change in result.changes:
                self.stdout.write(f"  {change}")
        else:
            self.stdout.write(f"Site {result.site.name} unchanged.")
        if data.get("schemes"):
            self.stdout.write("Subsidy schemes in the file are not imported yet.")
