"""The month's statistics as an Excel workbook: one sheet per workshop row and a 12-month
trend. Text cells are written as text, so a name such as "=1+1" never becomes a formula."""

import io
from datetime import date

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from . import statistics


def _text(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def _row(sheet, values: list) -> list:
    return [_text(sheet, v) if isinstance(v, str) else v for v in values]


def statistics_xlsx(month: date) -> bytes:
    rows, total = statistics.month_report(month)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("By workshop")[:31])
    sheet.append(_row(sheet, [_("Proposals in %(month)s", month=f"{month:%Y-%m}")]))
    header = [
        _("Workshop"),
        _("Members"),
        _("Proposals"),
        _("Per member"),
        _("Members who proposed"),
        _("Participation rate (%)"),
        _("Adopted"),
        _("Implemented"),
        _("Benefit (yuan a year)"),
        _("Awards"),
        _("Award amounts (yuan)"),
    ]
    sheet.append(_row(sheet, header))
    for row in [*rows, total]:
        sheet.append(
            _row(
                sheet,
                [
                    row.name or _("All workshops"),
                    row.members,
                    row.proposals,
                    row.per_member,
                    row.participants,
                    row.participation,
                    row.adopted,
                    row.implemented,
                    float(row.benefit),
                    row.awards,
                    float(row.award_amount),
                ],
            )
        )
    trend = book.create_sheet(_("12 months")[:31])
    trend.append(
        _row(trend, [_("Month"), _("Proposals"), _("Adopted"), _("Benefit (yuan a year)")])
    )
    for point in statistics.trend(month):
        trend.append(
            _row(
                trend,
                [f"{point.month:%Y-%m}", point.proposals, point.adopted, float(point.benefit)],
            )
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
