"""The `survey_response` outbox kind: an answer captured offline arrives once; a second try
is a duplicate, a second answer done already, a bad one invalid, and the sync table keeps
nothing that points at it."""

import uuid

from sqlalchemy import func, select

from app.extensions import db
from app.models import SyncRecord
from app.models.surveys import SurveyResponse
from tests.factories import make_user
from tests.surveys import factories as f


def _record(survey, record_id=None, **answers):
    data = {"survey_id": survey.id, "salt": uuid.uuid4().hex} | f.form_for(survey, **answers)
    return {
        "id": record_id or str(uuid.uuid4()),
        "kind": "survey_response",
        "captured_at": "2026-11-23T09:12:00+08:00",
        "data": data,
    }


def test_an_offline_answer_arrives_once(client, auth):
    survey = f.make_survey()
    person = make_user()
    auth.login(person)
    record = _record(survey)
    first = client.post("/sync", json={"device": "d", "records": [record]}).get_json()
    assert first["results"][0]["status"] == "created"
    assert first["results"][0]["url"] == f"/surveys/{survey.id}"
    again = client.post("/sync", json={"device": "d", "records": [record]}).get_json()
    assert again["results"][0]["status"] == "duplicate"
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
    # A second answer (a copy of the form the phone still held) is taken as done, and dropped:
    # not left on the phone as "to fix" for ever.
    other = _record(survey, overall="不满意", score=1)
    second = client.post("/sync", json={"device": "d", "records": [other]}).get_json()
    assert second["results"][0]["status"] == "created"
    assert second["results"][0]["url"] == f"/surveys/{survey.id}"
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
    # What the record became is the survey, never the anonymous response.
    row = db.session.get(SyncRecord, record["id"])
    assert (row.target_type, row.target_id) == ("surveys", survey.id)


def test_a_bad_offline_answer_is_invalid_and_writes_nothing(client, auth):
    survey = f.make_survey()
    auth.login(make_user())
    record = _record(survey)
    record["data"][f"q{survey.questions[0].id}"] = "424242"
    result = client.post("/sync", json={"device": "d", "records": [record]}).get_json()
    assert result["results"][0]["status"] == "invalid"
    assert "该选项不存在" in str(result["results"][0]["errors"])
    missing = _record(survey)
    missing["data"]["survey_id"] = 999999
    result = client.post("/sync", json={"device": "d", "records": [missing]}).get_json()
    assert "这份问卷不存在" in str(result["results"][0]["errors"])
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0
