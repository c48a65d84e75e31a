"""A survey's results as an xlsx workbook: one sheet of figures, one of text answers."""

from io import BytesIO

from flask_babel import gettext as _
from flask_babel import pgettext
from openpyxl import Workbook

from app.xlsx import text_safe


def results_workbook(data: dict) -> BytesIO:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(pgettext("survey", "Results"))
    survey = data["survey"]
    sheet.append(text_safe(sheet, [survey.title]))
    sheet.append([_("Responses"), data["responses"]])
    sheet.append([])
    sheet.append(
        [
            _("Question"),
            pgettext("survey", "Answer"),
            _("Count"),
            _("Percent"),
            _("Previous run (%)"),
        ]
    )
    texts = book.create_sheet(_("Text answers"))
    texts.append([_("Question"), pgettext("survey", "Answer")])
    for number, entry in enumerate(data["questions"], start=1):
        question = f"{number}. {entry['question'].text}"
        for row in entry.get("options", []):
            sheet.append(
                text_safe(
                    sheet,
                    [question, row["label"], row["count"], row["percent"], row.get("previous")],
                )
            )
        if "distribution" in entry:
            for row in entry["distribution"]:
                sheet.append(
                    text_safe(sheet, [question, row["label"], row["count"], row["percent"]])
                )
            sheet.append(text_safe(sheet, [question, _("Mean"), entry["mean"]]))
        for text in entry.get("texts", []):
            texts.append(text_safe(texts, [question, text]))
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out
