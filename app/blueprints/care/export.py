"""Excel exports of files and campaigns: the care officer's alone, and the file says so.

Every text cell is written as text: a value that a spreadsheet would read as a formula
(starting with = + - @, or a tab or carriage return) gets a leading apostrophe.
"""

import io
from datetime import UTC, datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.care import CareFile

from . import parse, queries

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """A value for a cell: strings that could be formulas are kept as plain text."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _notice(user) -> str:
    now = datetime.now(UTC).astimezone(parse.local_zone()).strftime("%Y-%m-%d %H:%M")
    return _(
        "Confidential: for the care officer only. Personal data of needy workers; do not pass "
        "on. Exported by %(name)s at %(time)s.",
        name=user.name,
        time=now,
    )


def _book(user, title: str, header: list, rows) -> bytes:
    book = Workbook(write_only=True)
    book.properties.title = title
    book.properties.description = _notice(user)
    book.properties.creator = user.name
    sheet = book.create_sheet(title[:31])
    notice = WriteOnlyCell(sheet, value=safe(_notice(user)))
    sheet.append([notice])
    sheet.append([safe(str(h)) for h in header])
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=safe(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def files_xlsx(user, status: str = "active") -> bytes:
    header = [
        _("No."),
        _("Employee number"),
        _("Name"),
        _("Department"),
        _("Level"),
        _("Main cause of hardship"),
        _("Household size"),
        _("Monthly income per person (yuan)"),
        _("Home address"),
        _("Phone"),
        _("Opened on"),
        _("Next review"),
        _("Status"),
        _("Support given (yuan)"),
    ]
    query = queries.file_select(status=status).options(selectinload(CareFile.supports))

    def rows():
        for file in db.session.scalars(query):
            worker = file.worker
            yield [
                file.id,
                worker.employee_no,
                worker.name,
                worker.department.full_name if worker.department else "",
                str(file.level.label),
                str(file.cause.label),
                file.household_size,
                float(file.income_per_person) if file.income_per_person is not None else None,
                file.address,
                file.phone,
                file.opened_on,
                file.review_due_on,
                str(file.status.label),
                float(sum((s.amount for s in file.supports), 0)),
            ]

    return _book(user, _("Care files"), header, rows())


def campaign_xlsx(user, campaign) -> bytes:
    header = [
        _("No."),  # the recipient's number, as the audit log names them
        _("Employee number"),
        _("Name"),
        _("Department"),
        _("What each recipient gets"),
        _("Value (yuan)"),
        _("Signed at"),
        _("Confirmation"),
    ]

    def rows():
        for r in queries.campaign_recipients(campaign):
            signed = (
                r.signed_at.astimezone(parse.local_zone()).replace(tzinfo=None)
                if r.signed_at
                else None
            )
            yield [
                r.id,
                r.user.employee_no,
                r.user.name,
                r.department.full_name if r.department else "",
                r.gift,
                float(r.amount),
                signed,
                r.confirmation or "",
            ]

    return _book(user, campaign.title, header, rows())
