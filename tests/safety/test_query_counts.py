"""The hazard list, a hazard page and the dashboard run a fixed number of SQL statements,
whatever the volume: each is measured with a little data and with more, and pinned."""

import io

import pytest

from app.blueprints.safety import queries, services
from app.extensions import db
from app.models import Role
from tests.factories import make_user
from tests.safety.factories import assign, jpeg_bytes, make_area, make_checklist, step

# Every page starts with 2 statements of the shell: the logged-in user with their roles and
# team, and the unread count on the bottom navigation.
SHELL = 2
# The rows (no count) and the areas for the filters, as one string that says whether their
# kept tags still hold (a first look reads their rows too); the assignees for the filter are
# kept until a hazard changes: the newest event says whether they still hold, and a first
# look asks for them.
HAZARD_LIST = SHELL + 5
HAZARD_PAGE = SHELL + 4  # hazard (with its people), events (with theirs), photos, assignables
# The first look: whether a hazard changed since the figures were kept (the newest event),
# severity with overdue, the areas and reporters with most hazards (one statement), closed
# with the median, coverage (plans, patrols); the median takes one statement on PostgreSQL
# and two on SQLite. A look with nothing changed since runs 3 (tests/safety/test_dashboard).
DASHBOARD = {"postgresql": SHELL + 6, "sqlite": SHELL + 7}
# The officer's home: the shell and every feature's cards (safety's is one statement; care,
# congress, proposals, competitions, the gate, the library, appeals and surveys add theirs):
# a fixed number, whatever the volume. The inbox card reads the unread count the bar's badge
# has asked for (once a request). The activities, congress, gate and library cards first ask
# in one statement each whether anything waits, and read no more for someone with nothing:
# no next activity, no open evaluation, no post and no team.
HOME = 10


def _volume(n, people):
    officer, verifier, workers = people
    areas = [make_area() for _ in range(2 + n)]
    hazards = []
    for i in range(3 * n):
        hazard, _ = services.report_hazard(
            workers[i % len(workers)],
            {
                "title": f"隐患{i}",
                "area_id": areas[i % len(areas)].id,
                "category": "fire",
                "severity": ["general", "serious", "major"][i % 3],
            },
            [io.BytesIO(jpeg_bytes(colour=(i * 40 % 255, 0, 0)))],
        )
        db.session.commit()
        hazards.append(hazard)
        assign(hazard, officer, workers[(i + 1) % len(workers)])
        if i % 2:
            step(hazard, workers[(i + 1) % len(workers)], "rectify", note=f"整改{i}")
            step(hazard, verifier, "verify")
    make_checklist()
    for inspector in workers[:n]:
        services.save_plan(
            officer, {"inspector_id": inspector.id, "area_id": areas[0].id, "weekdays": ["0", "3"]}
        )
    db.session.commit()
    return hazards[0]  # assigned, not yet rectified: the officer's page shows the assign form


@pytest.fixture
def people(app):
    workers = [make_user(Role.INSPECTOR) for _ in range(4)]
    return make_user(Role.SAFETY_OFFICER), make_user(Role.SAFETY_OFFICER), workers


@pytest.mark.parametrize("volume", [1, 4])
def test_pages_make_a_fixed_number_of_queries(client, auth, count_queries, people, volume):
    officer = people[0]
    last = _volume(volume, people)
    queries._area_tags.cache_clear()  # kept by the process: another test may have made them
    auth.login(officer)
    pages = {
        "/safety/hazards?status=open": HAZARD_LIST,
        f"/safety/hazards/{last.id}": HAZARD_PAGE,
        "/safety/dashboard": DASHBOARD[db.engine.dialect.name],
        "/": HOME,
    }
    for url, expected in pages.items():
        db.session.expunge_all()  # start each request from an empty session, as a server does
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        first_lines = [s.split("\n")[0][:80] for s in counter.statements]
        assert counter.count == expected, (url, first_lines)
    db.session.expunge_all()
    with count_queries() as counter:
        assert client.get("/safety/hazards").status_code == 200
    assert counter.count == HAZARD_LIST - 2  # nothing changed: the kept areas and assignees
