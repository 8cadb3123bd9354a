"""The coordinator's money view of a site, and the ledger."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from elief.models import Site
from planning.lookahead import days_ahead
from subsidies import rules
from subsidies.models import (
    KIND_EN_GEZIN,
    LedgerEntry,
    LedgerEntryKind,
    Scheme,
    SchemeCategory,
    SchemeDaySnapshot,
)
from subsidies.selectors.board import as_date
from subsidies.selectors.days import group_days, scheme_setup

ZERO = rules.ZERO

# The coordinator's money view


def money_view(*, site: Site, today: dt.date) -> dict:
    """This month's loss so far from the bookings, where it comes from, and what the plan
    leaves unfilled for the rest of the month."""
    start, end = rules.month_bounds(today)
    yesterday = today - dt.timedelta(days=1)
    groups = list(site.groups.order_by("name"))
    setup = scheme_setup(sites=[site], until=end)
    past = (
        group_days(site=site, start=start, end=yesterday, groups=groups, setup=setup)
        if yesterday >= start
        else []
    )
    ahead = group_days(
        site=site, start=today, end=end, groups=groups, setup=setup, planned_view=True
    )

    by_cause = {cause: ZERO for cause in rules.CAUSES}
    by_group: dict[str, Decimal] = {group.name: ZERO for group in groups}
    by_scheme: dict[str, Decimal] = {}
    days: dict[dt.date, dict] = {}
    for figures in past:
        for cause, amount in figures.loss.lost_by_cause().items():
            by_cause[cause] += amount
        by_group[figures.group.name] += figures.lost_eur
        for scheme in figures.loss.schemes:
            by_scheme[scheme.scheme.name] = by_scheme.get(scheme.scheme.name, ZERO) + (
                scheme.lost_eur
            )
        day = days.setdefault(figures.date, {"date": figures.date, "lost_eur": ZERO, "groups": {}})
        day["lost_eur"] += figures.lost_eur
        day["groups"][figures.group.name] = figures
    ahead_days: dict[dt.date, dict] = {}
    for figures in ahead:
        day = ahead_days.setdefault(
            figures.date,
            {"date": figures.date, "at_stake_eur": ZERO, "unfilled": ZERO, "groups": {}},
        )
        day["at_stake_eur"] += figures.lost_eur
        day["unfilled"] += figures.loss.shortfall
        day["groups"][figures.group.name] = figures
    _add_bookable(site=site, groups=groups, ahead_days=ahead_days)
    for day in [*days.values(), *ahead_days.values()]:
        day["cells"] = [day["groups"].get(group.name) for group in groups]
    lost = sum(by_cause.values(), ZERO)
    return {
        "site": site,
        "month": start,
        "today": today,
        "groups": groups,
        "lost_eur": lost,
        "expected_eur": sum((f.expected_eur for f in past), ZERO),
        "by_cause": by_cause,
        "by_group": by_group,
        "by_scheme": sorted(by_scheme.items(), key=lambda item: (-item[1], item[0])),
        "days": sorted(days.values(), key=lambda day: day["date"], reverse=True),
        "ahead": sorted(ahead_days.values(), key=lambda day: day["date"]),
        "ahead_at_stake_eur": sum((d["at_stake_eur"] for d in ahead_days.values()), ZERO),
    }


def _add_bookable(*, site: Site, groups: list, ahead_days: dict[dt.date, dict]) -> None:
    """What of the unfilled places may still be booked: the day plan's acceptance rule
    decides (planning.lookahead.days_ahead), so the advice never asks to overbook beyond
    the site's maximum risk. The rest of a shortfall is `beyond` the rule."""
    planned = days_ahead(site=site, days=sorted(ahead_days), groups=groups, now=timezone.now())
    for entry in planned:
        day = ahead_days[entry.day]
        day["to_fill"], day["beyond"] = ZERO, ZERO
        for cell in entry.cells:
            figures = day["groups"].get(cell.group.name)
            if figures is None:
                continue
            shortfall = figures.loss.shortfall
            figures.bookable = cell.bookable if shortfall else 0
            figures.to_fill = min(shortfall, Decimal(figures.bookable))
            figures.beyond = shortfall - figures.to_fill
            day["to_fill"] += figures.to_fill
            day["beyond"] += figures.beyond


# The ledger


@dataclass
class LedgerLine:
    scheme: Scheme
    quarter: dt.date
    expected_eur: Decimal = ZERO
    received_eur: Decimal = ZERO

    @property
    def balance_eur(self) -> Decimal:
        return self.received_eur - self.expected_eur


def ledger_overview(*, site: Site, year: int, today: dt.date) -> dict:
    """Per scheme and quarter of `year`: expected (prestaties × rates so far, or the monthly
    amounts of the months begun) against what was received; and the pre-financing."""
    year_start, year_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    until = min(year_end, today)
    schemes = list(Scheme.objects.filter(site=site).prefetch_related("rates").order_by("name"))
    quarters = [dt.date(year, month, 1) for month in (1, 4, 7, 10)]
    lines = {
        (scheme.pk, quarter): LedgerLine(scheme=scheme, quarter=quarter)
        for scheme in schemes
        for quarter in quarters
    }
    # Per place-day: what the snapshots say the schemes got.
    for row in (
        SchemeDaySnapshot.objects.filter(scheme__site=site, date__range=(year_start, until))
        .annotate(month=TruncMonth("date"))
        .values("scheme_id", "month")
        .annotate(expected=Sum("expected_eur"))
    ):
        quarter = rules.quarter_of(as_date(row["month"]))[0]
        lines[(row["scheme_id"], quarter)].expected_eur += row["expected"] or ZERO
    for scheme in schemes:
        if scheme.per_place_day:
            continue
        rates = list(scheme.rates.all())
        for month in rules.months_in(year_start, until):
            rate = rules.in_force(rates, month)
            if rate is None:
                continue
            quarter = rules.quarter_of(month)[0]
            lines[(scheme.pk, quarter)].expected_eur += rules.monthly_amount(
                kind=scheme.kind, rate_eur=rate.rate_eur, places=rate.units
            )
    entries = list(
        LedgerEntry.objects.filter(scheme__site=site, period_start__year=year)
        .select_related("scheme", "corrects", "created_by", "corrected_by")
        .order_by("-date", "-pk")
    )
    in_force = [entry for entry in entries if _is_in_force(entry)]
    for entry in in_force:
        key = (entry.scheme_id, entry.period_start)
        if key in lines:
            lines[key].received_eur += entry.signed_amount
    prefinancing = []
    kg_received = defaultdict(lambda: ZERO)
    for entry in in_force:
        if entry.scheme.category in KIND_EN_GEZIN and entry.kind in (
            LedgerEntryKind.ADVANCE,
            LedgerEntryKind.SETTLEMENT,
        ):
            kg_received[entry.scheme_id] += entry.amount_eur
    for scheme in schemes:
        if scheme.category != SchemeCategory.PREFINANCING:
            continue
        own = [entry for entry in in_force if entry.scheme_id == scheme.pk]
        advanced = sum((e.amount_eur for e in own if e.kind == LedgerEntryKind.PREFINANCING), ZERO)
        repaid = sum((e.amount_eur for e in own if e.kind == LedgerEntryKind.REPAYMENT), ZERO)
        if scheme.prefinanced_scheme_id:
            paid_by_kg = kg_received[scheme.prefinanced_scheme_id]
        else:
            paid_by_kg = sum(kg_received.values(), ZERO)
        prefinancing.append(
            {
                "scheme": scheme,
                "advanced_eur": advanced,
                "repaid_eur": repaid,
                "outstanding_eur": advanced - repaid,
                "kind_en_gezin_paid_eur": paid_by_kg,
                "to_pay_back_eur": max(ZERO, min(advanced, paid_by_kg) - repaid),
            }
        )
    by_scheme = [
        {
            "scheme": scheme,
            "quarters": [lines[(scheme.pk, quarter)] for quarter in quarters],
            "expected_eur": sum((lines[(scheme.pk, q)].expected_eur for q in quarters), ZERO),
            "received_eur": sum((lines[(scheme.pk, q)].received_eur for q in quarters), ZERO),
        }
        for scheme in schemes
    ]
    for row in by_scheme:
        row["balance_eur"] = row["received_eur"] - row["expected_eur"]
    return {
        "site": site,
        "year": year,
        "quarters": quarters,
        "schemes": by_scheme,
        "entries": entries,
        "prefinancing": prefinancing,
    }


def _is_in_force(entry: LedgerEntry) -> bool:
    try:
        entry.corrected_by  # noqa: B018  (the reverse one-to-one, selected with the entry)
    except LedgerEntry.DoesNotExist:
        return True
    return False


def ledger_entry_for_site(*, site: Site, entry_id: int) -> LedgerEntry:
    try:
        return LedgerEntry.objects.select_related("scheme").get(pk=entry_id, scheme__site=site)
    except LedgerEntry.DoesNotExist:
        raise Http404("No such ledger entry.") from None
