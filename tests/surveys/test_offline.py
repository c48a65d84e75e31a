"""The field kit holds the page of every open survey a person is asked and has not answered,
and the home card says how many wait."""

from datetime import timedelta

from app.extensions import db
from app.models._types import utcnow
from tests.factories import make_department, make_user
from tests.helpers import text
from tests.surveys import factories as f


def _kit(client):
    return client.get("/offline/manifest").get_json()["urls"]


def test_the_kit_holds_open_surveys_until_answered(client, auth):
    boss = f.organizer()
    workshop = make_department()
    other = make_department()
    person = make_user(department=workshop)
    asked = f.make_survey(boss)
    theirs = f.make_survey(boss, audience="departments", departments=[other])
    later = f.make_survey(boss, opens_at=utcnow() + timedelta(days=1))
    db.session.commit()
    auth.login(person)
    urls = _kit(client)
    assert "/surveys/" in urls
    assert f"/surveys/{asked.id}" in urls
    assert f"/surveys/{theirs.id}" not in urls and f"/surveys/{later.id}" not in urls
    assert "1 份问卷等您填写" in text(client.get("/"))
    before = client.get("/offline/manifest").get_json()["version"]
    f.answer(person, asked)
    assert f"/surveys/{asked.id}" not in _kit(client)
    assert client.get("/offline/manifest").get_json()["version"] != before
    assert "份问卷等您填写" not in text(client.get("/"))
    # Not asked: the page is not found for them.
    assert client.get(f"/surveys/{theirs.id}").status_code == 404
