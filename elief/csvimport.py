"""Reading the import files: the CSV machinery every import shares, and the JSON reader.

Each import (families, plan) checks its own columns and values; this module reads the
file, numbers its rows by the line they start on and words the errors the same way.
"""

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import CommandError
from django.db import models
from django.utils.translation import gettext as _


@dataclass
class Record:
    """A data row of the file: its line, its values by column, and a problem of its shape."""

    line: int
    values: dict[str, str]
    shape_error: str | None = None


def line_error(line: int, message: str, column: str | None = None) -> str:
    if column is None:
        return _("line %(line)d: %(message)s") % {"line": line, "message": message}
    return _("line %(line)d, %(column)s: %(message)s") % {
        "line": line,
        "column": column,
        "message": message,
    }


class RowProblems:
    """The problems of one row in the order of the file's columns, one a column.

    The first message of a column is the most telling: a value that does not parse is
    reported as such, not again by the model as a missing value, and a model's own
    validators (a postcode's four digits) come before its generic length check.
    """

    def __init__(self, line: int, columns: Sequence[str]) -> None:
        self.line = line
        self.columns = columns
        self.found: list[tuple[str | None, str]] = []

    def add(self, column: str | None, message: str) -> None:
        if column is None or not self.has(column):
            self.found.append((column, str(message)))

    def has(self, column: str) -> bool:
        return any(column == found for found, _message in self.found)

    def add_model_errors(
        self, instance: models.Model, *, exclude: list[str], columns: Mapping[str, str]
    ) -> None:
        """The model's own validation, its messages named by CSV column (`columns` maps a
        field to its column where their names differ).

        The foreign keys were looked up already, so their checks (a query each) are skipped;
        so is uniqueness, which the lookups and the file's own duplicate check settle.
        """
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as invalid:
            for name, messages in invalid.message_dict.items():
                for message in messages:
                    self.add(None if name == NON_FIELD_ERRORS else columns.get(name, name), message)

    def messages(self) -> list[str]:
        position = {column: index for index, column in enumerate(self.columns)}
        ordered = sorted(self.found, key=lambda problem: position.get(problem[0], -1))
        return [line_error(self.line, message, column) for column, message in ordered]


def parse_csv(text: str) -> tuple[int, list[str], list[Record]]:
    """(line of the header, header, data rows) of a CSV text; a byte order mark is allowed."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header: list[str] | None = None
    header_line = 1
    records: list[Record] = []
    line = 0
    try:
        for cells in reader:
            # A quoted value may span lines: a row is numbered by the line it starts on.
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                # Blank lines, and rows of bare commas that spreadsheets leave at the end.
                continue
            if header is None:
                header, header_line = [name.strip() for name in cells], start
                continue
            record = Record(start, dict(zip(header, cells, strict=False)))
            if len(cells) != len(header):
                record.shape_error = _(
                    "the row has %(values)d values, the header %(columns)d columns."
                ) % {"values": len(cells), "columns": len(header)}
            records.append(record)
    except csv.Error as error:
        raise ValidationError([line_error(reader.line_num, str(error))]) from None
    if header is None:
        raise ValidationError([_("The file is empty: it has no header row.")])
    return header_line, header, records


def header_errors(line: int, header: list[str], columns: Sequence[str]) -> list[str]:
    """What is wrong with the header against the columns of the format."""
    if len(header) == 1 and ";" in header[0]:
        # Spreadsheets with a Belgian locale save "CSV" with semicolons.
        return [line_error(line, _("the values are separated by ';'; the format uses commas."))]
    problems = [
        (_("columns named twice: %(columns)s"), sorted({n for n in header if header.count(n) > 1})),
        (_("missing columns: %(columns)s"), [name for name in columns if name not in header]),
        (_("unknown columns: %(columns)s"), [name for name in header if name not in columns]),
    ]
    return [
        # An unnamed column (a trailing comma) is shown as "".
        line_error(line, message % {"columns": ", ".join(name or '""' for name in names)})
        for message, names in problems
        if names
    ]


def read_text(file: Path) -> str:
    """The text of a spreadsheet's CSV file, or a CommandError a coordinator can act on."""
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise CommandError(_("%(file)s: no such file") % {"file": file}) from None
    except IsADirectoryError:
        raise CommandError(_("%(file)s: is a folder, not a file") % {"file": file}) from None
    try:
        # utf-8-sig: spreadsheets put a byte order mark before the header.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CommandError(
            _(
                "%(file)s: line %(line)d is not UTF-8 text (byte 0x%(byte)02x). "
                "Save the file as “CSV UTF-8” and import it again."
            )
            % {"file": file, "line": line, "byte": data[error.start]}
        ) from None
    if (nul := text.find("\x00")) >= 0:
        # No text column holds a NUL, and PostgreSQL refuses to store one.
        raise CommandError(
            _(
                "%(file)s: line %(line)d holds a NUL character (0x00): "
                "the file is damaged or not text."
            )
            % {"file": file, "line": text.count("\n", 0, nul) + 1}
        )
    return text


def read_json(file: Path):
    """The data of a JSON file, read like the CSV files (a byte order mark is allowed)."""
    text = read_text(file)
    try:
        return json.loads(text)
    except RecursionError:
        raise CommandError(
            _("%(file)s: the JSON is nested too deep to be a site configuration.") % {"file": file}
        ) from None
    except json.JSONDecodeError as error:
        raise CommandError(
            _("%(file)s: not valid JSON: line %(line)d, column %(column)d: %(message)s")
            % {"file": file, "line": error.lineno, "column": error.colno, "message": error.msg}
        ) from None


def not_imported(file: Path, error: ValidationError) -> CommandError:
    lines = "\n".join(f"  {message}" for message in error.messages)
    return CommandError(_("%(file)s was not imported:\n%(lines)s") % {"file": file, "lines": lines})
