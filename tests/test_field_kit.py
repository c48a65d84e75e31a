"""`GET /offline/manifest`: this user's field kit — what it holds for each role, that every
URL in it opens for them, that it is nobody else's, and that its version moves when a page of
it changes and stays when nothing did."""

from datetime import timedelta

from app.blueprints.activities import services as activity_services
from app.extensions import db
from app.models import Role
from app.models._types import utcnow
from app.models.activities import Activity, ActivityKind
from tests.factories import make_user
from tests.safety.factories import assign, make_area, make_checklist, make_hazard, step


def kit(client) -> dict:
    response = client.get("/offline/manifest")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def make_activity(days=2, **values) -> Activity:
    starts = utcnow() + timedelta(days=days)
    activity = Activity(
        kind=ActivityKind.EVENT,
        title=values.pop("title", "安全知识竞赛"),
        place="礼堂",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        signup_opens_at=utcnow() - timedelta(days=1),
        signup_closes_at=starts - timedelta(hours=1),
        cancel_deadline=starts - timedelta(hours=2),
        **values,
    )
    db.session.add(activity)
    db.session.commit()
    return activity


def test_the_manifest_needs_a_log_in(client):
    response = client.get("/offline/manifest")
    assert response.status_code in (302, 401)


def test_an_inspector_s_kit_holds_the_day_and_every_url_opens(client, auth):
    make_checklist("production")
    area = make_area(kind="production")
    make_area(kind="warehouse")  # no checklist for warehouses: no round there
    officer = make_user(Role.SAFETY_OFFICER)
    inspector = make_user(Role.INSPECTOR)
    other = make_user(Role.INSPECTOR)
    mine = make_hazard(reporter=officer, area=area)
    assign(mine, officer, inspector)
    reported = make_hazard(reporter=inspector, area=area)
    theirs = make_hazard(reporter=other, area=area)
    closed = make_hazard(reporter=inspector, area=area)
    step(closed, officer, "reject", note="重复上报")
    auth.login(inspector)

    manifest = kit(client)
    urls = manifest["urls"]
    assert manifest["user"] == inspector.id
    for url in (
        "/",
        "/?source=pwa",  # the installed app's start URL
        "/me",
        "/notifications/",
        "/sync/outbox",
        "/safety/scan",
        f"/safety/areas/{area.id}",
        f"/safety/patrols/round/{area.id}",
        f"/safety/areas/{area.id}/qr.svg",
        f"/safety/hazards/{mine.id}",
        f"/safety/hazards/{reported.id}",
    ):
        assert url in urls, url
    assert f"/safety/hazards/{theirs.id}" not in urls  # not theirs to follow up
    assert f"/safety/hazards/{closed.id}" not in urls  # closed: nothing to do on the floor
    assert not any(
        url.startswith("/safety/patrols/round/") and url.endswith(f"/{area.id + 1}") for url in urls
    )
    assert any(url.startswith("/safety/static/safety.css") for url in urls)
    assert any(url.startswith("/static/vendor/jsqr/") for url in urls)
    assert len(urls) == len(set(urls))
    assert set(manifest["assets"]) <= set(urls)
    assert f"/safety/hazards/{mine.id}" not in manifest["assets"]  # pages are fetched again
    for url in urls:
        response = client.get(url, headers={"X-Offline-Copy": "1"})
        response.close()  # static files are streamed
        assert response.status_code == 200, url


def test_a_member_s_kit_holds_only_what_a_member_may_open(client, auth):
    make_checklist("production")
    area = make_area(kind="production")
    member = make_user()
    hazard = make_hazard(reporter=member, area=area)
    activity = make_activity()
    activity_services.sign_up(member, activity)
    db.session.commit()
    auth.login(member)

    urls = kit(client)["urls"]
    assert f"/safety/hazards/{hazard.id}" in urls
    assert f"/activities/{activity.id}" in urls
    assert f"/activities/{activity.id}/code.svg" in urls  # the check-in code, offline
    assert f"/safety/patrols/round/{area.id}" not in urls
    assert "/safety/patrols" not in urls
    assert f"/activities/{activity.id}/checkin" not in urls
    for url in urls:
        response = client.get(url)
        response.close()
        assert response.status_code == 200, url


def test_an_organizer_s_kit_holds_the_check_in_pages_of_the_next_days(client, auth):
    soon = make_activity(days=3, title="三天后")
    later = make_activity(days=10, title="十天后")
    auth.login(make_user(Role.ORGANIZER))
    urls = kit(client)["urls"]
    assert f"/activities/{soon.id}/checkin" in urls
    assert f"/activities/{later.id}/checkin" not in urls
    assert any(url.startswith("/static/js/checkin-scanner.js") for url in urls)


def test_the_version_moves_with_the_pages_and_only_then(client, auth):
    make_checklist("production")
    area = make_area(kind="production")
    officer = make_user(Role.SAFETY_OFFICER)
    inspector = make_user(Role.INSPECTOR)
    hazard = make_hazard(reporter=officer, area=area)
    auth.login(inspector)
    first = kit(client)["version"]
    assert kit(client)["version"] == first  # nothing changed

    assign(hazard, officer, inspector)  # a page comes
    second = kit(client)["version"]
    assert second != first
    step(hazard, inspector, "comment", note="已到现场查看")  # the page's content changes
    third = kit(client)["version"]
    assert third != second
    make_hazard(reporter=make_user(), area=area)  # someone else's: not in this kit
    assert kit(client)["version"] == third
