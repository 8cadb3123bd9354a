"""The day plan's figures per group of a site, as the Day plan CSV of DESIGN.md."""

import datetime as dt
import io
import re
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from elief import csvexport
from elief.models import Site
from planning import selectors

COLUMNS = (
    "date",
    "site",
    "group",
    "capacity",
    "booked",
    "expected",
    "overflow_risk_pct",
    "free",
    "reserve_left",
)
FORMATS = ("csv",)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AS_OF = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})$")
HUNDREDTH = Decimal("0.01")


def two_decimals(value: float) -> str:
    """A figure with a dot and two decimals, rounded half up as on paper (2.675 → 2.68)."""
    # repr gives the shortest decimal that is this float, so 72.90000000000001 → 72.90.
    return str(Decimal(repr(value)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP))


class Command(BaseCommand):
    help = "Print the day plan's figures of every group of a site on one day, as CSV."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--site", required=True, help="The site's name.")
        parser.add_argument("--date", required=True, help="The day, YYYY-MM-DD.")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            help=(
                'The moment the urgent reserve is judged at, "YYYY-MM-DD HH:MM" in local '
                "time; default now."
            ),
        )
        parser.add_argument(
            "--format", dest="output_format", default="csv", help="csv, the only format."
        )

    def handle(
        self, *args, site: str, date: str, as_of: str | None, output_format: str, **options
    ) -> None:
        if output_format not in FORMATS:
            raise CommandError(
                _("Unknown format %(format)r: the day plan is written as csv only.")
                % {"format": output_format}
            )
        site_obj = Site.objects.filter(name=site).first()
        if site_obj is None:
            raise CommandError(_("There is no site named %(name)r.") % {"name": site})
        day = _parse_day(date)
        now = _parse_as_of(as_of) if as_of is not None else timezone.now()
        if not site_obj.is_open_on(day):
            self.stderr.write(
                _("Site %(site)s is closed on %(day)s.")
                % {"site": site_obj.name, "day": day.isoformat()}
            )

        out = io.StringIO()
        writer = csvexport.writer(out)
        writer.writerow(COLUMNS)
        # All the site's groups, without a user: the command runs on the server, outside
        # any user's scope.
        for figures in selectors.day_figures(site=site_obj, day=day, now=now).groups:
            writer.writerow(
                [
                    day.isoformat(),
                    site_obj.name,
                    figures.group.name,
                    figures.capacity,
                    figures.booked,
                    two_decimals(figures.expected),
                    two_decimals(figures.overflow_risk_pct),
                    figures.free,
                    figures.reserve_left,
                ]
            )
        self.stdout.write(out.getvalue(), ending="")


def _parse_day(value: str) -> dt.date:
    try:
        # fromisoformat alone would take 20261210 and 2026-W50-4 as well.
        if not ISO_DATE.match(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("--date: %(value)r is no date of the form YYYY-MM-DD.") % {"value": value}
        ) from None


def _parse_as_of(value: str) -> dt.datetime:
    """The moment in the site's local time (settings.TIME_ZONE), as an aware datetime."""
    match = AS_OF.match(value.strip())
    try:
        if match is None:
            raise ValueError(value)
        naive = dt.datetime.fromisoformat(f"{match[1]} {match[2]}")
    except ValueError:
        raise CommandError(
            _('--as-of: %(value)r is no moment of the form "YYYY-MM-DD HH:MM".') % {"value": value}
        ) from None
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
