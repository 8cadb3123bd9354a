import datetime as dt
import io
import re

from django.core.management.base import BaseCommand, CommandError

from elief.models import Site
from subsidies import exports, rules, selectors


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is no date; use YYYY-MM-DD") from None


def _month(value: str) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}", value or ""):
        raise CommandError(f"{value!r} is no month; use YYYY-MM")
    try:
        return dt.date(int(value[:4]), int(value[5:]), 1)
    except ValueError:
        raise CommandError(f"{value!r} is no month; use YYYY-MM") from None


class Command(BaseCommand):
    help = (
        "Occupancy and subsidy loss of a site from its bookings: one row per group and open "
        "day (--from/--to or --month), or the month's summary (--month --summary)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--site", required=True, help="The site's name (or id).")
        parser.add_argument("--from", dest="start", help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", help="Last day, YYYY-MM-DD.")
        parser.add_argument("--month", help="A month, YYYY-MM, instead of --from and --to.")
        parser.add_argument(
            "--summary", action="store_true", help="The month's metrics as metric,value."
        )
        parser.add_argument(
            "--attendance",
            action="store_true",
            help="Kind en Gezin's attendance list per kindcode instead.",
        )
        parser.add_argument("--format", default="csv", choices=["csv"])

    def handle(self, *args, site: str, start, end, month, summary, attendance, **options):
        found = Site.objects.filter(name=site).first()
        if found is None and site.isdigit():
            found = Site.objects.filter(pk=int(site)).first()
        if found is None:
            raise CommandError(f"No site {site!r}.")
        if month:
            if start or end:
                raise CommandError("Give either --month or --from and --to.")
            start, end = rules.month_bounds(_month(month))
        elif start and end:
            start, end = _date(start), _date(end)
        else:
            raise CommandError("Give --month YYYY-MM, or --from and --to.")
        if end < start:
            raise CommandError("--to lies before --from.")
        out = io.StringIO()
        if attendance:
            rows = selectors.attendance_list(site=found, start=start, end=end)
            exports.write_attendance(out, rows)
        elif summary:
            exports.write_summary(out, selectors.monthly_summary(site=found, start=start, end=end))
        else:
            exports.write_report(out, selectors.group_days(site=found, start=start, end=end))
        self.stdout.write(out.getvalue(), ending="")
