"""The files of the subsidies app.

The machine CSV of the `report` command (DESIGN.md, "Data-exchange formats"): the column
names and their order are a contract; numbers have a dot as decimal separator; fractions,
percentages and euros have two decimals (half up); counts are whole numbers.

The downloads people open (the board's monthly report, Kind en Gezin's attendance list) are
sheets for elief.spreadsheets: XLSX, or CSV as Belgian Excel reads it, with the headers in
the user's language.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TextIO

from django.utils.translation import gettext as _

from elief import csvexport
from elief.spreadsheets import COUNT, DATE, EUR, MONTH, NUMBER, PCT, TIME, Column, Sheet
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


# The downloads people open


def part_headers() -> list[str]:
    """The four columns of the long CSV (elief.spreadsheets.belgian_csv)."""
    return [_("Part"), _("Row"), _("Figure"), _("Value")]


def _status_label(status: str) -> str:
    return {rules.MET: _("met"), rules.AT_RISK: _("at risk"), rules.MISSED: _("missed")}[status]


def _condition_label(kind: str, minimum: Decimal) -> str:
    if kind == "occupancy":
        return _("Occupancy at least %(min)s %%") % {"min": _short(minimum)}
    if kind == "vulnerable":
        return _("Vulnerable families at least %(min)s %%") % {"min": _short(minimum)}
    if kind == "open_days":
        return _("At least %(min)s opening days a year") % {"min": int(minimum)}
    return _("At least %(min)s opening hours a day") % {"min": _short(minimum)}


def _short(value: Decimal) -> str:
    """11.00 -> "11", 11.50 -> "11,5": a minimum as a person writes it."""
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def absence_columns() -> list[Column]:
    """The absences of the month (subsidies.rules.AbsenceFigures), as the key figures'
    last columns."""
    return [
        Column(_("Absences reported before the day"), COUNT),
        Column(_("of which by the parent via the link"), COUNT),
        Column(_("Absences reported on the day or later"), COUNT),
        Column(_("No-shows"), COUNT),
        Column(_("Absences reported in time (%)"), PCT),
        Column(_("Absences not reported (%)"), PCT),
        Column(_("Places refilled after a parent's report"), COUNT),
    ]


def absence_cells(figures: rules.AbsenceFigures) -> list:
    return [
        figures.in_time,
        figures.in_time_by_parent,
        figures.late,
        figures.no_shows,
        figures.in_time_pct,
        figures.no_show_pct,
        figures.refilled,
    ]


def board_sheets(report: MonthlyReport) -> list[Sheet]:
    """The board's monthly report as the page shows it, one sheet per part: key figures per
    site (and for the whole vzw), the trend, planned against realised, the social mix, the
    loss by cause, scheme and group, the referrals and the subsidies' conditions. Aggregates
    only: no child's or family's name."""
    scope = report.site.name if report.site else _("vzw (all sites)")
    summary, totals = report.summary, report.totals
    key_columns = [
        Column(_("Site")),
        Column(_("Open days"), COUNT),
        Column(_("Place-days"), COUNT),
        Column(_("Planned care days"), NUMBER),
        Column(_("Care days"), NUMBER),
        Column(_("Occupancy planned (%)"), PCT),
        Column(_("Occupancy realised (%)"), PCT),
        Column(_("Children"), COUNT),
        Column(_("Vulnerable children"), COUNT),
        Column(_("Vulnerable families (%)"), PCT),
        Column(_("Subsidy lost (€)"), EUR),
        # Appended after the existing columns, which other tools read by position.
        *absence_columns(),
    ]
    key_rows = [
        [
            row["site"].name,
            row["open_days"],
            row["capacity_days"],
            row["planned_prestaties"],
            row["prestaties"],
            row["planned_pct"],
            row["occupancy_pct"],
            row["children"],
            row["vulnerable"],
            row["vulnerable_pct"],
            row["lost_eur"],
            *absence_cells(row["absences"]),
        ]
        for row in report.per_site
    ]
    if report.site is None:
        key_rows.append(
            [
                scope,
                summary["open_days"],
                summary["capacity_days"],
                totals["planned_prestaties"],
                summary["prestaties"],
                summary["planned_pct"],
                summary["occupancy_pct"],
                summary["children"],
                summary["vulnerable_children"],
                summary["vulnerable_pct"],
                summary["subsidy_lost_eur"],
                *absence_cells(report.absences),
            ]
        )
    sheets = [
        Sheet(_("Key figures"), key_columns, key_rows),
        Sheet(
            _("Trend"),
            [
                Column(_("Month"), MONTH),
                Column(_("Occupancy planned (%)"), PCT),
                Column(_("Occupancy realised (%)"), PCT),
                Column(_("Subsidy lost (€)"), EUR),
            ],
            [
                [p["month"], p["planned_pct"], p["occupancy_pct"], p["lost_eur"]]
                for p in report.trend
                if p["has_data"]
            ],
        ),
        Sheet(
            _("Planned and realised"),
            [
                Column(_("Scope")),
                Column(_("Planned care days"), NUMBER),
                Column(_("Realised care days"), NUMBER),
                Column(_("gap: no-show"), NUMBER),
                Column(_("gap: excused, not counted"), NUMBER),
                Column(_("gap: no attendance recorded"), NUMBER),
                Column(_("gap: shorter or longer stays"), NUMBER),
            ],
            [
                [
                    scope,
                    totals["planned_prestaties"],
                    totals["prestaties"],
                    totals["gap_no_show"],
                    totals["gap_excused"],
                    totals["gap_unrecorded"],
                    report.gap_other,
                ]
            ],
        ),
        Sheet(
            _("Social mix"),
            [
                Column(_("Site")),
                Column(_("Children present"), COUNT),
                Column(_("Vulnerable children"), COUNT),
                Column(_("Vulnerable families (%)"), PCT),
                Column(_("Aim (%)"), PCT),
            ],
            [
                [row["site"].name, row["children"], row["vulnerable"], row["vulnerable_pct"]]
                + [row["mix"].aim]
                for row in report.per_site
            ],
        ),
    ]
    causes = {
        rules.NO_SHOW: (_("No-show"), summary["no_show_days"]),
        rules.EXCUSED: (_("Excused"), summary["excused_days"]),
        rules.VACANCY: (_("Vacancy"), summary["vacancy_days"]),
    }
    sheets.append(
        Sheet(
            _("Loss by cause"),
            [Column(_("Cause")), Column(_("Place-days"), NUMBER), Column(_("Lost (€)"), EUR)],
            [
                [causes[cause][0], causes[cause][1], amount]
                for cause, amount in report.lost_by_cause
            ],
        )
    )
    sheets.append(
        Sheet(
            _("Loss by scheme"),
            [
                Column(_("Scheme")),
                Column(_("Place-days"), COUNT),
                Column(_("Care days received"), NUMBER),
                Column(_("Expected (€)"), EUR),
                Column(_("Lost (€)"), EUR),
            ],
            [
                [s["name"], s["place_days"], s["prestaties"], s["expected_eur"], s["lost_eur"]]
                for s in report.schemes
            ],
        )
    )
    if report.groups:
        sheets.append(
            Sheet(
                _("Per group"),
                [
                    Column(_("Group")),
                    Column(_("Care days"), NUMBER),
                    Column(_("Occupancy realised (%)"), PCT),
                    Column(_("Lost (€)"), EUR),
                ],
                [
                    [g["name"], g["prestaties"], g["occupancy_pct"], g["lost_eur"]]
                    for g in report.groups
                ],
            )
        )
    sheets.append(
        Sheet(
            _("Referrals"),
            [
                Column(_("Scope")),
                Column(_("Received"), COUNT),
                Column(_("Started care"), COUNT),
                Column(_("Median days to the first care day"), NUMBER),
            ],
            [
                [
                    scope,
                    summary["referrals_received"],
                    summary["referrals_started"],
                    summary["median_days_to_start"],
                ]
            ],
        )
    )
    sheets.append(
        Sheet(
            _("Conditions"),
            [
                Column(_("Site")),
                Column(_("Condition")),
                Column(_("Schemes")),
                Column(_("So far"), NUMBER),
                Column(_("Projected"), NUMBER),
                Column(_("Status")),
            ],
            [
                [
                    block["site"].name,
                    _condition_label(c["kind"], c["minimum"]),
                    ", ".join(c["schemes"]),
                    c["current"],
                    c["projected"],
                    _status_label(c["status"]),
                ]
                for block in report.compliance
                for c in block["conditions"]
            ],
            keys=2,
        )
    )
    return sheets


def attendance_sheet(rows: Sequence[dict]) -> Sheet:
    """Kind en Gezin's attendance list for a person: arrived and left are empty for an
    absence that counts for a regular place."""
    return Sheet(
        _("Attendance"),
        [
            Column(_("Kindcode")),
            Column(_("Date"), DATE),
            Column(_("Arrived"), TIME),
            Column(_("Left"), TIME),
            Column(_("Day fraction"), NUMBER),
        ],
        [[r["kindcode"], r["date"], r["arrived"], r["left"], r["fraction"]] for r in rows],
    )
