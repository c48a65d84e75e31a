"""Pages whose lists grow must not make a query per row."""

from app.blueprints.activities import services
from app.extensions import db
from app.models.activities import Activity
from tests.activities.factories import make_activity
from tests.factories import make_department, make_user
from tests.helpers import statements


def _queries(client, url) -> int:
    # Each request starts from an empty session, as it does in a running app, where the
    # set-up's services were called by requests that committed.
    db.session.commit()
    db.session.expunge_all()
    with statements(db.engine) as run:
        assert client.get(url).status_code == 200
    return len(run)


def test_list_and_roster_queries_do_not_grow_with_rows(client, auth):
    organizer = make_user("organizer")
    team = make_department("车工班", parent=make_department("机加工车间"))
    first = make_activity(capacity=50)
    first_id = first.id
    services.sign_up(make_user(department=team), first)
    auth.login(organizer)
    few_list = _queries(client, "/activities/")
    few_roster = _queries(client, f"/activities/{first_id}/roster")

    organizer, first = db.session.merge(organizer), db.session.get(Activity, first_id)
    for _ in range(5):
        activity = make_activity()
        services.sign_up(organizer, activity)
    for _ in range(5):
        team = make_department(parent=make_department())
        place = services.sign_up(make_user(department=team), first)
        services.check_in(organizer, first, services.code_for(place))
    assert _queries(client, "/activities/") == few_list
    assert _queries(client, f"/activities/{first_id}/roster") == few_roster
