"""The roster as an Excel workbook."""

import io

from flask_babel import gettext as _
from flask_babel import pgettext
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from app.services.inputs import local_zone
from app.xlsx import text_safe


def _local(moment):
    if moment is None:
        return None
    return moment.astimezone(local_zone()).replace(tzinfo=None)


def roster_workbook(activity, rows) -> io.BytesIO:
    """One sheet: who signed up, their place, check-in and result."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Roster")[:31]
    header = [
        _("Name"),
        _("Employee number"),
        _("Department"),
        _("Status"),
        _("Signed up at"),
        _("Checked in at"),
        _("Score"),
        _("Passed"),
        pgettext("competition", "Team"),
    ]
    sheet.append(text_safe(sheet, [activity.title]))
    sheet.append(header)
    for p in rows:
        user = p.user
        sheet.append(
            text_safe(
                sheet,
                [
                    user.name,
                    user.employee_no,
                    user.department.full_name if user.department else "",
                    str(p.status.label),
                    _local(p.signed_up_at),
                    _local(p.checked_in_at),
                    p.score,
                    "" if p.passed is None else (_("Yes") if p.passed else _("No")),
                    p.team or "",
                ],
            )
        )
    for index, width in enumerate((12, 14, 22, 10, 18, 18, 8, 8, 14), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=3, min_col=5, max_col=6):
        for cell in row:
            cell.number_format = "yyyy-mm-dd hh:mm"
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out
