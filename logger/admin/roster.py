"""Roster import for districts that provision from HR: schools and accounts from CSV files.

Every row goes through the same checks as the Schools and Accounts pages
(district.py), in file order, inside a savepoint: a preview applies the file and
undoes it, naming each bad row by its line; an import applies it only if no row
is bad — a file imports whole or not at all. New accounts get setup links.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from logger import rules
from logger.admin import district
from logger.auth import setup_links
from logger.core.models import User
from logger.extensions import db

KINDS = {  # what a file holds: its columns, the required ones first
    "schools": ("code", "name", "level"),
    "users": ("username", "role", "schools", "supervisor", "email"),
}
REQUIRED = {"schools": 3, "users": 2}
MAX_ROWS = 5000
MAX_BYTES = 1024 * 1024


@dataclass
class Row:
    """One row of the file, as read, and what is wrong with it."""

    line: int
    values: dict[str, str]
    problem: str | None = None


@dataclass
class CsvFile:
    """A CSV file read and checked: each row, or one problem with the whole file."""

    rows: list[Row] = field(default_factory=list)
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and bool(self.rows) and not any(r.problem for r in self.rows)

    @property
    def bad_rows(self) -> list[Row]:
        return [row for row in self.rows if row.problem]


@dataclass
class Roster(CsvFile):
    """A roster file read and tried."""

    kind: str = ""
    links: list[tuple[User, str]] = field(default_factory=list)  # (new account, setup token)


def preview(kind: str, data: bytes, *, admin: User | None, client_addr: str | None) -> Roster:
    """Read and try the file without keeping anything."""
    return _tried(kind, data, admin, client_addr, keep=False)


def import_file(kind: str, data: bytes, *, admin: User | None, client_addr: str | None) -> Roster:
    """Apply the whole file if every row is good; else nothing. The caller commits."""
    return _tried(kind, data, admin, client_addr, keep=True)


def _tried(
    kind: str, data: bytes, admin: User | None, client_addr: str | None, *, keep: bool
) -> Roster:
    """Read the file and apply its rows in a savepoint, kept only if asked and all are good."""
    roster = _read(kind, data)
    if roster.problem is None:
        savepoint = db.session.begin_nested()
        _apply(roster, admin, client_addr)
        if keep and roster.ok:
            savepoint.commit()
        else:
            savepoint.rollback()
            roster.links = []
    return roster


def _read(kind: str, data: bytes) -> Roster:
    roster = Roster(kind=kind)
    if kind not in KINDS:
        roster.problem = "Choose what the file holds: schools or users."
        return roster
    return read_csv(roster, data, KINDS[kind], REQUIRED[kind])


def read_csv(found: CsvFile, data: bytes, columns: tuple[str, ...], required: int) -> CsvFile:
    """Fill `found` with the rows of a UTF-8 CSV file whose first line names its columns (the
    first `required` of `columns` must be there; others are ignored), each with its line, or
    with one problem with the whole file."""
    if len(data) > MAX_BYTES:
        found.problem = f"A file to import is at most {MAX_BYTES // 1024} KB: split this one."
        return found
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        found.problem = (
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read): "
            "save it from your spreadsheet as “CSV UTF-8”."
        )
        return found
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        missing = [name for name in columns[:required] if name not in header]
        if missing:
            found.problem = (
                f"The first line must name the columns: {', '.join(columns)}. "
                f"Missing: {', '.join(missing)}."
            )
            return found
        for cells in reader:
            if reader.line_num - 1 > MAX_ROWS:
                found.problem = f"A file to import holds at most {MAX_ROWS:,} rows: split this one."
                return found
            if not any(cell.strip() for cell in cells):
                continue
            values = {
                name: (cells[i].strip() if i < len(cells) else "")
                for i, name in enumerate(header)
                if name in columns
            }
            found.rows.append(Row(reader.line_num, values))
    except csv.Error as error:
        found.problem = f"Line {reader.line_num} is not readable CSV: {error}."
        return found
    if not found.rows:
        found.problem = "The file has no rows after its first line."
    return found


def _apply(roster: Roster, admin: User | None, client_addr: str | None) -> None:
    for row in roster.rows:
        savepoint = db.session.begin_nested()
        try:
            if roster.kind == "schools":
                district.create_school(
                    row.values["code"],
                    row.values["name"],
                    row.values["level"],
                    admin=admin,
                    client_addr=client_addr,
                )
            else:
                user = district.open_account(
                    row.values["username"],
                    row.values["role"],
                    school_codes=row.values.get("schools", "").replace(";", " ").split(),
                    supervisor_name=row.values.get("supervisor") or None,
                    email=row.values.get("email", ""),
                    admin=admin,
                    client_addr=client_addr,
                )
                roster.links.append(
                    (user, setup_links.issue(user, "new account", admin, client_addr))
                )
            db.session.flush()
            savepoint.commit()
        except district.AccountError as refusal:
            savepoint.rollback()
            row.problem = rules.sentence(str(refusal))
