"""The CSV files of the subsidies app (DESIGN.md, "Data-exchange formats").

The column names and their order are a contract. Numbers have a dot as decimal separator;
fractions, percentages and euros have two decimals (half up); counts are whole numbers.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TextIO

from elief import csvexport
from subsidies import rules
from subsidies.selectors import ATTENDANCE_COLUMNS, SUMMARY_METRICS, GroupDay, MonthlyReport

REPORT_COLUMNS = (
    "date",
    "site",
    "group",
    "capacity",
    "booked",
    "present",
    "prestaties",
    "occupancy_pct",
    "occasional_places",
    "occasional_prestaties",
    "no_show_days",
    "excused_days",
    "vacancy_days",
    "subsidy_lost_eur",
)
SUMMARY_COLUMNS = ("metric", "value")
BOARD_COLUMNS = ("site", "metric", "value")
# Metrics that are counts, written as whole numbers; the others have two decimals.
COUNT_METRICS = frozenset(
    {
        "open_days",
        "capacity_days",
        "children",
        "vulnerable_children",
        "referrals_received",
        "referrals_started",
    }
)
ALL_SITES = "ALL"


def two(value: Decimal | float | int) -> str:
    """Two decimals, dot separator, half up: 12.5 -> "12.50"."""
    return str(rules.money(Decimal(str(value)) if isinstance(value, float) else Decimal(value)))


def metric_value(metric: str, value) -> str:
    if value is None:
        return ""
    if metric in COUNT_METRICS:
        return str(int(value))
    return two(value)


def report_row(figures: GroupDay) -> list[str]:
    return [
        figures.date.isoformat(),
        figures.site.name,
        figures.group.name,
        str(figures.capacity),
        str(figures.booked),
        str(figures.present),
        two(figures.prestaties),
        two(figures.occupancy_pct),
        str(figures.occasional_places),
        two(figures.occasional_prestaties),
        two(figures.no_show_days),
        two(figures.excused_days),
        two(figures.vacancy_days),
        two(figures.lost_eur),
    ]


def write_report(out: TextIO, days: Iterable[GroupDay]) -> None:
    writer = csvexport.writer(out)
    writer.writerow(REPORT_COLUMNS)
    writer.writerows(report_row(figures) for figures in days)


def summary_rows(summary: dict) -> list[list[str]]:
    return [[metric, metric_value(metric, summary[metric])] for metric in SUMMARY_METRICS]


def write_summary(out: TextIO, summary: dict) -> None:
    writer = csvexport.writer(out)
    writer.writerow(SUMMARY_COLUMNS)
    writer.writerows(summary_rows(summary))


def write_board_report(out: TextIO, report: MonthlyReport) -> None:
    """The board's monthly report as `site,metric,value`: the summary metrics of every
    site and of all of them (site "ALL"), the loss by cause and by scheme, the trend."""
    writer = csvexport.writer(out)
    writer.writerow(BOARD_COLUMNS)
    label = report.site.name if report.site else ALL_SITES
    writer.writerow([label, "month", report.month.strftime("%Y-%m")])
    for metric, value in summary_rows(report.summary):
        writer.writerow([label, metric, value])
    writer.writerow([label, "planned_prestaties", two(report.totals["planned_prestaties"])])
    writer.writerow([label, "planned_occupancy_pct", two(report.summary["planned_pct"])])
    for name, value in (
        ("gap_no_show_days", report.totals["gap_no_show"]),
        ("gap_excused_days", report.totals["gap_excused"]),
        ("gap_unrecorded_days", report.totals["gap_unrecorded"]),
        ("gap_other_days", report.gap_other),
    ):
        writer.writerow([label, name, two(value)])
    for cause, amount in report.lost_by_cause:
        writer.writerow([label, f"subsidy_lost_eur_{cause}", two(amount)])
    for scheme in report.schemes:
        writer.writerow([label, f"subsidy_lost_eur[{scheme['name']}]", two(scheme["lost_eur"])])
    for point in report.trend:
        if point["has_data"]:
            month = point["month"].strftime("%Y-%m")
            writer.writerow([label, f"occupancy_pct[{month}]", two(point["occupancy_pct"])])
    for block in report.compliance:
        for condition in block["conditions"]:
            name = f"condition[{condition['kind']}>={two(condition['minimum'])}]"
            writer.writerow([block["site"].name, name, condition["status"]])
    if report.site is None:
        for row in report.per_site:
            for metric in ("capacity_days", "prestaties", "occupancy_pct", "children"):
                writer.writerow([row["site"].name, metric, metric_value(metric, row[metric])])
            writer.writerow([row["site"].name, "vulnerable_pct", two(row["vulnerable_pct"])])
            writer.writerow([row["site"].name, "subsidy_lost_eur", two(row["lost_eur"])])


def write_attendance(out: TextIO, rows: Sequence[dict]) -> None:
    """Kind en Gezin's attendance list: `kindcode,date,arrived,left,fraction`; arrived and
    left are empty for an absence that counts for a regular place."""
    writer = csvexport.writer(out)
    writer.writerow(ATTENDANCE_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row["kindcode"],
                row["date"].isoformat(),
                _time(row["arrived"]),
                _time(row["left"]),
                two(row["fraction"]),
            ]
        )


def _time(moment: dt.time | None) -> str:
    return f"{moment:%H:%M}" if moment else ""
