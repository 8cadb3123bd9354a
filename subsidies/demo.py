"""Demo data of the subsidies app: the schemes of the site Elief with their rates (changing
mid-year), a year of payments, and a year of nightly figures so the board's reports are
full on the first run.

Runs after planning.demo (state["site"], state["groups"], eight weeks of bookings). The
nightly figures of the booking history are computed from the bookings, as the nightly
task does; the months before it have no bookings, so their figures are drawn directly,
plausibly (a summer dip, more no-shows in winter), through the same loss rules.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Min
from django.utils import timezone

from elief.models import Role, Site, User
from planning.models import Group
from subsidies import rules, selectors, services
from subsidies.models import (
    LedgerEntry,
    LedgerEntryKind,
    PlaceAssignment,
    Scheme,
    SchemeCategory,
    SchemeKind,
    SchemeRate,
)

SEED = 2026
D = Decimal


def seed(state: dict) -> None:
    site: Site = state["site"]
    groups: list[Group] = state["groups"]
    today = timezone.localdate()
    rng = random.Random(SEED)
    # Twelve whole months before this one, so the board's trend starts full.
    first = selectors.add_months(today.replace(day=1), -12)
    last_year = dt.date(today.year - 1, 1, 1)

    schemes = _schemes(site, groups, today)
    yesterday = today - dt.timedelta(days=1)
    history = (
        Site.objects.filter(pk=site.pk).aggregate(first=Min("groups__bookings__date"))["first"]
        or today
    )
    synthesized = _synthesize(
        site, groups, first, min(history - dt.timedelta(days=1), yesterday), rng
    )
    computed = services.snapshots_store(site=site, start=max(history, first), end=yesterday)
    entries = _ledger(site, schemes, last_year, today)
    state["subsidy_schemes"] = schemes
    state["snapshots"] = synthesized + computed
    state["ledger_entries"] = entries


def summary(state: dict) -> str:
    schemes = state.get("subsidy_schemes", {})
    rates = SchemeRate.objects.filter(scheme__in=schemes.values()).count()
    return (
        f"{len(schemes)} subsidy schemes with {rates} rates, "
        f"{state.get('ledger_entries', 0)} ledger entries, "
        f"{state.get('snapshots', 0)} nightly group-days"
    )


def _schemes(site: Site, groups: list[Group], today: dt.date) -> dict[str, Scheme]:
    year, last = today.year, today.year - 1
    since = dt.date(last, 1, 1)

    def scheme(name, kind, category, rates, units=0, **conditions) -> Scheme:
        made = Scheme.objects.create(
            site=site, name=name, kind=kind, category=category, **conditions
        )
        SchemeRate.objects.bulk_create(
            SchemeRate(scheme=made, valid_from=valid_from, rate_eur=D(rate), units=units)
            for valid_from, rate in rates
        )
        return made

    # Kind en Gezin's rates are indexed each January, and once more in the middle of this
    # year (July): the reports show a rate changing within a month's figures.
    trap2b = scheme(
        "Trap 2B",
        SchemeKind.PER_PLACE_DAY,
        SchemeCategory.TRAP2B,
        [(since, "27.84"), (dt.date(year, 1, 1), "28.40"), (dt.date(year, 7, 1), "28.97")],
        min_occupancy_pct=D(80),
        min_open_days=220,
        min_open_hours=D(11),
    )
    trap3 = scheme(
        "Trap 3",
        SchemeKind.PER_PLACE_DAY,
        SchemeCategory.TRAP3,
        [(since, "33.10"), (dt.date(year, 1, 1), "33.76"), (dt.date(year, 7, 1), "34.43")],
        min_occupancy_pct=D(70),
        min_open_days=220,
    )
    PlaceAssignment.objects.bulk_create(
        [
            PlaceAssignment(
                scheme=trap2b,
                group=group,
                place_type="regular",
                valid_from=since,
                places=group.regular_places,
            )
            for group in groups
        ]
        + [
            PlaceAssignment(
                scheme=trap3,
                group=group,
                place_type="occasional",
                valid_from=since,
                places=group.occasional_places,
            )
            for group in groups
        ]
    )
    prefinancing = scheme(
        "Voorfinanciering Stad Antwerpen",
        SchemeKind.LUMP_SUM,
        SchemeCategory.PREFINANCING,
        [(since, "30000")],
    )
    prefinancing.prefinanced_scheme = trap3
    prefinancing.save(update_fields=["prefinanced_scheme"])
    trainees = scheme(
        "W&E opleidingsplaatsen",
        SchemeKind.PER_TRAINEE_MONTH,
        SchemeCategory.TRAINEES,
        [(since, "1450"), (dt.date(year, 1, 1), "1480")],
        units=1,
    )
    fund = scheme(
        "Stadsfonds gebouw", SchemeKind.LUMP_SUM, SchemeCategory.CITY_FUND, [(since, "12000")]
    )
    return {
        "trap2b": trap2b,
        "trap3": trap3,
        "prefinancing": prefinancing,
        "trainees": trainees,
        "fund": fund,
    }


def _synthesize(
    site: Site, groups: list[Group], start: dt.date, end: dt.date, rng: random.Random
) -> int:
    """Plausible nightly figures for the days before the booking history."""
    if end < start:
        return 0
    setup = selectors.scheme_setup(sites=[site], until=end)
    days, scheme_rows = [], []
    for day in site.open_days(start, end):
        # Fuller in spring and autumn, a dip in July and August, a soft start in January.
        season = {1: 0.9, 7: 0.82, 8: 0.75, 12: 0.9}.get(day.month, 1.0)
        for group in groups:
            schemes = setup.on(group.pk, day)
            sums = {}
            gaps = {"no_show": D(0), "excused": D(0)}
            for place_type, places, fill in (
                ("regular", group.regular_places, 0.86),
                ("occasional", group.occasional_places, 0.6),
            ):
                came = _halves(places * fill * season + rng.gauss(0, 0.8), places + 1)
                no_show = _halves(
                    abs(rng.gauss(0.4 if place_type == "occasional" else 0.2, 0.5)), 3
                )
                excused = _halves(abs(rng.gauss(0.5, 0.5)), 3)
                sums[place_type] = rules.PlaceTypeDay(
                    prestaties=came, no_show=no_show, excused=excused
                )
                gaps["no_show"] += no_show
                gaps["excused"] += excused
            loss = rules.day_loss_from_sums(schemes=schemes, days=sums)
            prestaties = sum((s.prestaties for s in sums.values()), D(0))
            shorter = _halves(abs(rng.gauss(0.3, 0.4)), 2)
            figures = selectors.GroupDay(
                site=site,
                group=group,
                date=day,
                capacity=group.capacity,
                loss=loss,
                booked=int(prestaties + gaps["no_show"] + gaps["excused"] + shorter + D("0.5")),
                present=int(prestaties + shorter),
                planned_prestaties=prestaties + gaps["no_show"] + gaps["excused"] + shorter,
                prestaties=prestaties,
                gap_no_show=gaps["no_show"],
                gap_excused=gaps["excused"],
            )
            days.append(services.day_snapshot_of(figures))
            scheme_rows += services.scheme_snapshots_of(group=group, day=day, loss=loss)
    services.snapshots_upsert(days=days, schemes=scheme_rows)
    return len(days)


def _halves(value: float, most: int) -> Decimal:
    """Rounded to half days, between 0 and `most`."""
    return D(max(0, min(most * 2, round(value * 2)))) / 2


def _ledger(site: Site, schemes: dict[str, Scheme], since: dt.date, today: dt.date) -> int:
    """Quarterly advances of Kind en Gezin, last year's settlement, the city's
    pre-financing and a repayment, the trainee funding, the city fund, and a correction."""
    coordinator = User.objects.filter(role=Role.COORDINATOR, sites=site).first()
    entries: list[LedgerEntry] = []

    def pay(scheme, kind, quarter, paid_on, amount, note=""):
        if paid_on >= today:
            return None
        entry = LedgerEntry(
            scheme=scheme,
            kind=kind,
            period_start=quarter,
            date=paid_on,
            amount_eur=D(amount),
            note=note,
            created_by=coordinator,
        )
        entries.append(entry)
        return entry

    quarter = since
    while quarter <= today:
        opens = quarter + dt.timedelta(days=14)
        pay(schemes["trap2b"], LedgerEntryKind.ADVANCE, quarter, opens, "38500.00", "Voorschot")
        pay(schemes["trap3"], LedgerEntryKind.ADVANCE, quarter, opens, "30200.00", "Voorschot")
        pay(
            schemes["prefinancing"],
            LedgerEntryKind.PREFINANCING,
            quarter,
            quarter + dt.timedelta(days=3),
            "7500.00",
        )
        pay(schemes["trainees"], LedgerEntryKind.OTHER, quarter, opens, "4350.00")
        quarter = selectors.add_months(quarter, 3)
    year_start = dt.date(since.year + 1, 1, 1)
    pay(
        schemes["trap2b"],
        LedgerEntryKind.SETTLEMENT,
        dt.date(since.year, 10, 1),
        year_start + dt.timedelta(days=75),
        "-2140.35",
        "Afrekening vorig jaar",
    )
    pay(
        schemes["prefinancing"],
        LedgerEntryKind.REPAYMENT,
        dt.date(since.year, 10, 1),
        year_start + dt.timedelta(days=80),
        "15000.00",
        "Terugbetaling na uitbetaling Kind en Gezin",
    )
    pay(
        schemes["fund"],
        LedgerEntryKind.OTHER,
        year_start,
        year_start + dt.timedelta(days=40),
        "12000.00",
    )
    LedgerEntry.objects.bulk_create(entries)
    # A typing error, corrected: both entries stay.
    wrong = LedgerEntry.objects.filter(scheme=schemes["trap3"], kind=LedgerEntryKind.ADVANCE).last()
    if wrong is not None:
        services.ledger_entry_create(
            scheme=wrong.scheme,
            kind=wrong.kind,
            period_start=wrong.period_start,
            date=wrong.date,
            amount_eur=D("32000.00"),
            note="Voorschot (bedrag verbeterd)",
            user=coordinator,
            corrects=wrong,
        )
        return len(entries) + 1
    return len(entries)
