"""Importing a roster of workers from an .xlsx or .csv file, row by row, with a report.

A file that cannot be read, or whose columns are wrong, changes nothing. Otherwise each row
is created, updated, left unchanged or rejected with its reasons; good rows go in even when
others are rejected, so the office can fix the rejected ones and import the file again.
"""

import csv
import io
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Department, Role, RosterImport, User
from app.models._types import utcnow
from app.models.users import typed_no
from app.rendering import listed
from app.services import audit
from app.services.users import (
    EMPLOYEE_NO,
    PHONE,
    ValidationFailed,
    create_user,
    snapshot,
    update_user,
)

HEADERS = {
    "employee_no": {
        "employee number",
        "employee no",
        "employee_no",
        "工号",
        "员工编号",
        "职工号",
        "工號",
        "員工編號",
        "職工號",
    },
    "name": {"name", "姓名"},
    "department": {"department", "部门", "所在部门", "部門", "所在部門"},
    "phone": {"phone", "电话", "手机", "手机号", "联系电话", "電話", "手機", "手機號", "聯繫電話"},
    "roles": {"roles", "role", "角色"},
}
# A roster has five columns; a sheet may claim 16,384 (A1:XFD1048576) and so many rows that
# reading them padded would take gigabytes. Read this many columns, and refuse a sheet whose
# rows run on far past the row limit, before they are all in memory.
MAX_COLUMNS = 30
XLSX_MAX_UNPACKED = 50 * 1024 * 1024  # a zip bomb unpacks to far more than a roster
# The encodings roster CSV files come in: Excel in mainland China saves GBK (GB18030 is its
# superset), in Taiwan and Hong Kong Big5, elsewhere cp1252; "Unicode text" is UTF-16.
CSV_ENCODINGS = ["gb18030", "big5", "cp1252"]
REQUIRED = ("employee_no", "name")
ROLE_WORDS = {
    **{r.value: r for r in Role},
    "会员": Role.MEMBER,
    "职工": Role.MEMBER,
    "群监员": Role.INSPECTOR,
    "inspector": Role.INSPECTOR,
    "安全员": Role.SAFETY_OFFICER,
    "群监组长": Role.SAFETY_OFFICER,
    "safety officer": Role.SAFETY_OFFICER,
    "工会干事": Role.ORGANIZER,
    "干事": Role.ORGANIZER,
    "union organizer": Role.ORGANIZER,
    "帮扶专干": Role.CARE_OFFICER,
    "care officer": Role.CARE_OFFICER,
    "管理员": Role.ADMIN,
    "工会主席": Role.ADMIN,
    "administrator": Role.ADMIN,
}
SEPARATORS = str.maketrans({c: "," for c in "、，;；/|"})


class RosterError(Exception):
    """The whole file is refused; the message says why."""


@dataclass
class RowReport:
    line: int
    employee_no: str
    name: str
    outcome: str = "rejected"  # created | updated | unchanged | rejected
    reasons: list[str] = field(default_factory=list)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps employee numbers and phones as numbers
    return str(value).strip()


def _column_names(keys) -> str:
    names = {
        "employee_no": _("employee number"),
        "name": _("name"),
        "department": _("department"),
        "phone": _("phone"),
        "roles": _("roles"),
    }
    return listed(names[k] for k in keys)


def read_rows(filename: str, data: bytes) -> tuple[list[tuple[int, dict]], list[str]]:
    """Parse the file into (line number, {column: text}) rows; raises RosterError.

    Returns the rows and the names of columns that were ignored.
    """
    limit = current_app.config["ROSTER_MAX_BYTES"]
    if len(data) > limit:
        raise RosterError(_("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)))
    if not data:
        raise RosterError(_("The file is empty."))
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "xlsx":
        table = _xlsx_rows(data)
    elif suffix == "csv":
        table = _csv_rows(data)
    else:
        raise RosterError(_("Use an Excel (.xlsx) or CSV (.csv) file."))

    table = [(n, [_cell(c) for c in row]) for n, row in table]
    table = [(n, row) for n, row in table if any(row)]
    if not table:
        raise RosterError(_("The file has no rows."))
    header_line, header = table[0]
    columns, ignored = {}, []
    for index, title in enumerate(header):
        key = next((k for k, words in HEADERS.items() if title.lower() in words), None)
        if key is None:
            if title:
                ignored.append(title)
        elif key in columns:
            raise RosterError(_("The column %(name)s appears twice.", name=title))
        else:
            columns[key] = index
    missing = [k for k in REQUIRED if k not in columns]
    if missing:
        raise RosterError(
            _(
                "The first row must name the columns; missing: %(missing)s. Expected columns: "
                "%(expected)s.",
                missing=_column_names(missing),
                expected=_column_names(HEADERS),
            )
        )
    rows = table[1:]
    max_rows = current_app.config["ROSTER_MAX_ROWS"]
    if len(rows) > max_rows:
        raise RosterError(_("At most %(max)d rows can be imported at once.", max=max_rows))
    parsed = [
        (n, {k: (row[i] if i < len(row) else "") for k, i in columns.items()}) for n, row in rows
    ]
    for _line, values in parsed:  # as stored: m0003 and M0003 are one person, on one row
        values["employee_no"] = typed_no(values["employee_no"])
    return parsed, ignored


def _xlsx_rows(data: bytes):
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise RosterError(_("This file could not be read as an Excel workbook.")) from error
    if unpacked > XLSX_MAX_UNPACKED:
        raise RosterError(_("This workbook is too large when unpacked to be a roster."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise RosterError(_("This file could not be read as an Excel workbook.")) from error
    try:
        sheet = workbook.worksheets[0]
        # Trust the cells, not the size the sheet claims (a 5 KB file may claim the maximum).
        sheet.reset_dimensions()
        limit = current_app.config["ROSTER_MAX_ROWS"] * 2 + 100  # room for blank lines
        rows = []
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
            if number > limit:
                raise RosterError(
                    _(
                        "At most %(max)d rows can be imported at once.",
                        max=current_app.config["ROSTER_MAX_ROWS"],
                    )
                )
            rows.append((number, row))
        return rows
    except RosterError:
        raise
    except Exception as error:
        raise RosterError(_("This file could not be read as an Excel workbook.")) from error
    finally:
        workbook.close()


def decode_csv(data: bytes) -> str:
    """The text of a CSV file in whichever encoding it came: UTF-8 (with or without BOM),
    UTF-16 with its BOM, else the likeliest of GBK/GB18030, Big5 and cp1252, or RosterError."""
    import codecs

    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif b"\x00" in data[:4096]:
        head = data[:4096]
        nuls = [i % 2 for i, byte in enumerate(head) if byte == 0]
        if len(set(nuls)) == 1 and len(nuls) * 10 >= len(head):  # every other byte: UTF-16
            raise RosterError(
                _("This CSV file is UTF-16 without a byte order mark. Save it as UTF-8 CSV.")
            )
        raise RosterError(_("This file is not a text CSV file."))
    else:
        encodings = ["utf-8"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            if encoding != "utf-8":
                raise RosterError(
                    _("This CSV file's text is damaged (%(encoding)s).", encoding=encoding)
                ) from None
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=CSV_ENCODINGS).best()
    if best is None:
        raise RosterError(
            _(
                "This CSV file's text encoding could not be recognised. Save it as "
                "“CSV UTF-8” and try again."
            )
        )
    return str(best)


def _csv_rows(data: bytes):
    text = decode_csv(data)
    if "\x00" in text:
        raise RosterError(_("This file is not a text CSV file."))
    try:
        # Excel in many locales separates with ";" (or a tab): take what the header uses.
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        return list(enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1))
    except csv.Error as error:
        raise RosterError(_("This CSV file is malformed: %(error)s", error=str(error))) from error


def _parse_roles(text: str) -> tuple[set[Role], list[str]]:
    roles, unknown = set(), []
    for word in filter(None, (w.strip() for w in text.translate(SEPARATORS).split(","))):
        role = ROLE_WORDS.get(word.lower()) or ROLE_WORDS.get(word)
        if role is None:
            unknown.append(word)
        else:
            roles.add(role)
    return roles, unknown


class _Departments:
    """All departments in memory, found by 'Workshop/Team' or by a unique name."""

    def __init__(self):
        self.by_path, self.by_name = {}, defaultdict(list)
        for dept in db.session.scalars(select(Department)).all():
            self.by_path[dept.full_name.replace(" / ", "/")] = dept
            self.by_name[dept.name].append(dept)

    def find(self, text: str) -> Department | None:
        key = "/".join(p.strip() for p in text.replace("／", "/").split("/"))
        if key in self.by_path:
            return self.by_path[key]
        matches = self.by_name.get(key, [])
        return matches[0] if len(matches) == 1 else None


def import_rows(rows, initial_password: str, actor: User) -> list[RowReport]:
    """Apply the parsed rows at once; the caller commits. Returns one report per row.

    For a few rows (tests, the CLI); the pages import in the background (`start_import`)."""
    counts = line_numbers(rows)
    reports = import_batch(rows, counts, _Departments(), hash_password(initial_password), actor)
    audit_import(reports, actor)
    return reports


def hash_password(password: str) -> str:
    """One hash for every new account of an import: they share the initial password (and
    must change it at the first log-in), so one slow hash does instead of 5,000."""
    return generate_password_hash(password)


def line_numbers(rows) -> dict[str, list[int]]:
    counts = defaultdict(list)
    for line, values in rows:
        counts[values["employee_no"]].append(line)
    return counts


def import_batch(rows, counts, departments, password_hash: str, actor) -> list[RowReport]:
    """Apply some rows of a file (`counts`: every employee number's lines in the whole file);
    the caller commits."""
    numbers = [values["employee_no"] for _line, values in rows if values["employee_no"]]
    existing = (
        {
            u.employee_no: u
            for u in db.session.scalars(select(User).where(User.employee_no.in_(numbers))).all()
        }
        if numbers
        else {}
    )
    reports = []
    for line, values in rows:
        report = RowReport(line, values["employee_no"], values["name"])
        reports.append(report)
        changes = _validate_row(values, counts, departments, report)
        if report.reasons:
            continue
        user = existing.get(report.employee_no)
        try:
            if user is None:
                create_user(
                    employee_no=report.employee_no,
                    password="",
                    password_hash=password_hash,
                    actor=actor,
                    must_change_password=True,
                    **{k: v for k, v in changes.items() if k != "keep_roles"},
                )
                report.outcome = "created"
            else:
                before = snapshot(user)
                if changes.pop("keep_roles"):
                    changes.pop("roles")
                update_user(user, actor=actor, **changes)
                report.outcome = "updated" if snapshot(user) != before else "unchanged"
        except ValidationFailed as failed:
            report.reasons = [m for msgs in failed.errors.values() for m in msgs]
    return reports


def tally_of(reports) -> dict[str, int]:
    outcomes = [r.outcome if isinstance(r, RowReport) else r["outcome"] for r in reports]
    return {o: outcomes.count(o) for o in ("created", "updated", "unchanged", "rejected")}


def audit_import(reports, actor) -> None:
    tally = tally_of(reports)
    audit.record(
        "roster.imported",
        None,
        actor=actor,
        after=tally,
        summary=", ".join(f"{k} {v}" for k, v in tally.items()),
    )


# Rows written per transaction: each batch holds SQLite's write lock for a moment only (well
# under a second on a loaded 2-core machine, bench/roster_import.py), so log-ins and syncs
# go on while 5,000 rows go in.
BATCH_ROWS = 25


def continue_import(job: RosterImport) -> None:
    """Import the rows not done yet, a batch per transaction (committed here), recording
    progress as it goes; a consumer that stopped half-way continues where it was."""
    actor = db.session.get(User, job.actor_id) if job.actor_id else None
    rows = [(line, values) for line, values in job.rows]
    counts = line_numbers(rows)
    departments = _Departments()
    job.status = "running"
    db.session.commit()
    while job.done < len(rows):
        batch = rows[job.done : job.done + BATCH_ROWS]
        reports = import_batch(batch, counts, departments, job.password_hash, actor)
        job.reports = job.reports + [asdict(r) for r in reports]
        job.done += len(batch)
        db.session.commit()
    audit_import(job.reports, actor)
    job.status = "done"
    job.rows = []  # the report is what is kept
    job.password_hash = ""
    job.finished_at = utcnow()
    db.session.commit()


def _validate_row(values, counts, departments, report) -> dict:
    """Check one row; fills report.reasons and returns the changes to apply."""
    no, name = values["employee_no"], values["name"]
    if not no:
        report.reasons.append(_("The employee number is missing."))
    elif not EMPLOYEE_NO.match(no):
        report.reasons.append(_("The employee number %(no)s is not valid.", no=no))
    elif len(counts[no]) > 1:
        report.reasons.append(
            _(
                "Employee number %(no)s appears on several rows: %(lines)s.",
                no=no,
                lines=listed(counts[no]),
            )
        )
    if not name:
        report.reasons.append(_("The name is missing."))
    elif len(name) > 80:
        report.reasons.append(_("The name is longer than 80 characters."))
    department = None
    if values.get("department"):
        department = departments.find(values["department"])
        if department is None:
            report.reasons.append(_("Unknown department: %(name)s.", name=values["department"]))
    phone = values.get("phone", "")
    if phone and not PHONE.match(phone):
        report.reasons.append(_("The phone number %(phone)s is not valid.", phone=phone))
    roles, unknown = _parse_roles(values.get("roles", ""))
    if unknown:
        report.reasons.append(_("Unknown roles: %(roles)s.", roles=listed(unknown)))
    # An empty cell keeps what an existing account has; it never clears it.
    changes = {"name": name, "roles": roles, "keep_roles": not values.get("roles")}
    if phone:
        changes["phone"] = phone
    if department is not None:
        changes["department"] = department
    return changes
