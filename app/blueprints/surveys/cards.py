"""The home card: surveys waiting for this person's answers."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from . import queries


def survey_cards(user) -> list[dict]:
    waiting = [s for s, answered in queries.open_surveys_for(user) if not answered]
    if not waiting:
        return []
    return [
        {
            "title": _("Surveys"),
            "body": ngettext(
                "%(num)d survey waits for your answers; it takes a minute.",
                "%(num)d surveys wait for your answers; each takes a minute.",
                len(waiting),
            ),
            "count": len(waiting),
            "url": url_for("surveys.show", survey_id=waiting[0].id)
            if len(waiting) == 1
            else url_for("surveys.index"),
            "tone": "info",
            # Gone on a phone that holds answers to all of them, not yet sent (offline).
            "outbox_done": ("survey_response", "survey_id=" + " ".join(str(s.id) for s in waiting)),
        }
    ]


def register(reg) -> None:
    reg.cards(survey_cards, order=65)
