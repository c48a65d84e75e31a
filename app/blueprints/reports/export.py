"""The yearly 建家 report as xlsx: one sheet per area, the year and each month side by side."""

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook

from app.features import FIGURE_AREAS
from app.scorecard import sharing
from app.xlsx import text_safe

from .scorecard import AREA_LABELS, figures_for


def yearly_workbook(year: int, department, user) -> BytesIO:
    book = Workbook(write_only=True)
    with sharing():  # what several figures read alike, read once a period
        for area in FIGURE_AREAS:
            _sheet(book, area, year, department, user)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out


def _sheet(book, area, year, department, user) -> None:
    """The area's sheet: its figures for the year and each month."""
    sheet = book.create_sheet(str(AREA_LABELS[area])[:31])
    scope = department.full_name if department else _("Whole union")
    sheet.append(text_safe(sheet, [f"{year} · {scope}"]))
    sheet.append([_("Figure"), _("Year")] + [_("Month %(m)d", m=m) for m in range(1, 13)])
    for figure in figures_for(user, area):
        values = [figure.compute(year, None, department)]
        values += [figure.compute(year, m, department) for m in range(1, 13)]
        sheet.append(text_safe(sheet, [str(figure.label)] + values))
