import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from subsidies import services


class Command(BaseCommand):
    help = (
        "The nightly work by hand: store the occupancy and subsidy-loss figures of yesterday "
        "and of any day missed since the last run, or of --date only."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="Compute this day only, YYYY-MM-DD.")

    def handle(self, *args, date: str | None, **options) -> None:
        day = None
        if date:
            try:
                day = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"{date!r} is no date; use YYYY-MM-DD") from None
        result = services.nightly_run(day=day)
        for site in result.sites:
            self.stdout.write(
                f"{site['site']}: {site['rows']} group-days from {site['from']} to {site['to']}"
            )
        self.stdout.write(self.style.SUCCESS(f"{result.rows} group-days stored."))
