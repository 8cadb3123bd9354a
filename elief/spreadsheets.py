"""Files people open in a spreadsheet: XLSX, and CSV in the form Belgian Excel reads.

The machine CSV of DESIGN.md (comma, decimal point, English keys) is for other programs;
a coordinator or a board member double-clicks the file, and Excel in Belgium then expects a
semicolon between cells, a decimal comma and, to read UTF-8 accents, a byte-order mark.

A download is described once as sheets of typed columns; `xlsx_bytes` writes it with
numbers as numbers and dates as dates, `belgian_csv` writes the same cells as one long
table (part; row; figure; value). Text never becomes a formula in either file.
"""

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from elief import csvexport

TEXT = "text"
COUNT = "count"
NUMBER = "number"  # two decimals: care days, fractions
PCT = "pct"  # a percentage, written as 12.5 (not 0.125) under a header that says %
EUR = "eur"
DATE = "date"
MONTH = "month"
TIME = "time"

XLSX_FORMATS = {
    COUNT: "0",
    NUMBER: "0.00",
    PCT: "0.0",
    EUR: "#,##0.00 [$€-813]",
    DATE: "dd/mm/yyyy",
    MONTH: "mm/yyyy",
    TIME: "hh:mm",
}
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
# Excel refuses sheet titles over 31 characters or with these characters.
TITLE_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT


@dataclass
class Sheet:
    """One part of a download: a title, typed columns and rows of plain values. The first
    `keys` columns name the row (a site, a month) in the long CSV."""

    title: str
    columns: Sequence[Column]
    rows: list[Sequence[Any]] = field(default_factory=list)
    keys: int = 1


def neutralised(text: str) -> str:
    """Text a spreadsheet program shows as text (see elief.csvexport)."""
    return csvexport.safe_cell(text)


def _number(value: Decimal | float | int, places: int = 2) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quantum, rounding="ROUND_HALF_UP")


def csv_cell(value: Any, kind: str) -> str:
    """A cell as Belgian Excel reads it: decimal comma, day/month/year, no thousands
    separator (so the file reads back with `csv` and `Decimal`)."""
    if value is None:
        return ""
    if kind == COUNT:
        return str(int(value))
    if kind in (NUMBER, PCT, EUR):
        return str(_number(value)).replace(".", ",")
    if kind == DATE:
        return f"{value:%d/%m/%Y}"
    if kind == MONTH:
        return f"{value:%m/%Y}"
    if kind == TIME:
        return f"{value:%H:%M}"
    return neutralised(str(value))


def belgian_csv(sheets: Sequence[Sheet], *, headers: Sequence[str]) -> str:
    """The sheets as one long table: one line per figure, `headers` naming the four
    columns (part, row, figure, value)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralised(h) for h in headers])
    for sheet in sheets:
        key_columns = sheet.columns[: sheet.keys]
        for row in sheet.rows:
            name = " · ".join(
                csv_cell(value, column.kind)
                for value, column in zip(row[: sheet.keys], key_columns, strict=True)
            )
            for value, column in zip(row[sheet.keys :], sheet.columns[sheet.keys :], strict=True):
                writer.writerow(
                    [
                        neutralised(sheet.title),
                        neutralised(name),
                        neutralised(column.header),
                        csv_cell(value, column.kind),
                    ]
                )
    return BOM + out.getvalue()


def table_csv(sheet: Sheet) -> str:
    """One sheet as a plain table (header row, one line per row) for Belgian Excel."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralised(column.header) for column in sheet.columns])
    for row in sheet.rows:
        writer.writerow(
            csv_cell(value, column.kind) for value, column in zip(row, sheet.columns, strict=True)
        )
    return BOM + out.getvalue()


def _xlsx_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == COUNT:
        return int(value)
    if kind in (NUMBER, PCT, EUR):
        return float(_number(value))
    if kind in (DATE, MONTH):
        return value if isinstance(value, dt.date) else None
    if kind == TIME:
        return value
    return str(value)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An Excel workbook, one worksheet per sheet: a bold, frozen header row, numbers and
    dates typed with a display format. Text cells are forced to the string type, so a value
    such as `=HYPERLINK(…)` is shown, never evaluated."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for sheet in sheets:
        title = sheet.title.translate(TITLE_FORBIDDEN)[:31] or "-"
        while title in used:
            title = f"{title[:28]} {len(used)}"
        used.add(title)
        worksheet = book.create_sheet(title)
        bold = Font(bold=True)
        for index, column in enumerate(sheet.columns, start=1):
            cell = worksheet.cell(row=1, column=index, value=column.header)
            cell.data_type = "s"
            cell.font = bold
            width = max(10, min(40, len(column.header) + 2))
            worksheet.column_dimensions[get_column_letter(index)].width = width
        for row_index, row in enumerate(sheet.rows, start=2):
            for index, (value, column) in enumerate(zip(row, sheet.columns, strict=True), 1):
                cell = worksheet.cell(row=row_index, column=index)
                cell.value = _xlsx_value(value, column.kind)
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                elif column.kind in XLSX_FORMATS:
                    cell.number_format = XLSX_FORMATS[column.kind]
        worksheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
