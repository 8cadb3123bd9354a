"""Writing CSV files that a spreadsheet opens safely.

A cell that starts with = + - @ (or a tab or carriage return before one) is run as a
formula by spreadsheets: a site or group named "=HYPERLINK(…)" would run in the board's
file. Every CSV the application writes goes through `writer`, which neutralises such a
cell with a leading apostrophe, as spreadsheets themselves do. Numbers are left alone
(a negative "free" is -2, not '-2), so a file of plain names and figures keeps its exact
format; only a cell that would be a formula changes.
"""

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def safe_cell(value: Any) -> Any:
    """The value, with a leading apostrophe when a spreadsheet would read it as a formula."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if NUMBER.match(value):
        return value
    return "'" + value


class SafeWriter:
    """csv.writer with every cell passed through `safe_cell`."""

    def __init__(self, out: TextIO, **options) -> None:
        options.setdefault("lineterminator", "\n")
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: TextIO, **options) -> SafeWriter:
    return SafeWriter(out, **options)
