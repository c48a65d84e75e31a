"""The home card: new versions of procedures this person's posts require them to read."""

from flask import url_for
from flask_babel import gettext as _

from . import queries


def library_cards(user) -> list[dict]:
    waiting = queries.required_of(user)
    if not waiting:
        return []
    return [
        {
            "title": _("Procedures to read and confirm"),
            "body": " · ".join(d.title for d in waiting[:3]),
            "count": len(waiting),
            "url": url_for("library.document", document_id=waiting[0].id)
            if len(waiting) == 1
            else url_for("library.index"),
            "tone": "warn",
        }
    ]
