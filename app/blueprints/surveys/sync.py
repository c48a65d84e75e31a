"""The `survey_response` outbox kind: a survey answered on the phone, also offline.

`data`: `survey_id`, one `q<question id>` per answered question (a list for a multiple
choice), and `salt`, a random text the page adds so that the record's digest in the sync
table says nothing about the answers. The handler calls the same service as the form. A
second answer of someone who has answered is taken as done, and dropped.
"""

from flask import url_for
from flask_babel import gettext as _

from app.blueprints.sync.registry import HandlerResult, SyncInvalid
from app.errors import Refused
from app.extensions import db
from app.guards import parse_id
from app.models.surveys import Survey

from .services import parse_answers, respond
from .services.responses import AlreadyAnswered


def sync_response(user, record) -> HandlerResult:
    data = record.data if isinstance(record.data, dict) else {}
    survey_id = parse_id(data.get("survey_id"))
    survey = db.session.get(Survey, survey_id) if survey_id else None
    if survey is None:
        raise SyncInvalid({"survey_id": [_("This survey does not exist.")]})
    try:
        respond(user, survey, parse_answers(survey, data))
    except AlreadyAnswered:
        # Answered before (from another phone, or a copy of the form this phone still held):
        # done already, as a check-in scanned twice is. The record is taken, nothing written.
        pass
    except Refused as refused:
        raise SyncInvalid({"record": [refused.message]}) from None
    # What the record became is the survey, never the (anonymous) response.
    return HandlerResult(url=url_for("surveys.show", survey_id=survey.id), obj=survey)


def register(reg) -> None:
    reg.sync_kind("survey_response", sync_response)
