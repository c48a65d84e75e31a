import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook

from app.blueprints.safety import queries
from app.blueprints.safety.services.common import local_today, local_zone
from app.models import Role
from app.models.hazards import HazardEvent
from tests.factories import make_user
from tests.helpers import text
from tests.safety.factories import assign, make_area, make_hazard, step


def _closed_after(hazard, officer, worker, verifier, days, db):
    assign(hazard, officer, worker)
    step(hazard, worker, "rectify", note="好了")
    step(hazard, verifier, "verify")
    hazard.closed_at = hazard.created_at + timedelta(days=days)
    db.session.commit()


def test_dashboard_figures(app, db):
    officer, verifier, worker = (
        make_user(Role.SAFETY_OFFICER),
        make_user(Role.SAFETY_OFFICER),
        make_user(name="王维修"),
    )
    reporter = make_user(name="刘职工")
    area_a, area_b = make_area(name="A区"), make_area(name="B区")
    make_hazard(reporter=reporter, area=area_a, severity="major")
    make_hazard(reporter=reporter, area=area_a, severity="general")
    overdue = make_hazard(area=area_b, severity="serious")
    assign(overdue, officer, worker)
    overdue.due_on = local_today() - timedelta(days=1)
    for days in (1, 3, 8):
        _closed_after(make_hazard(area=area_b), officer, worker, verifier, days, db)
    data = queries.dashboard()
    assert dict(data.by_severity) == {"一般": 1, "较大": 1, "重大": 1}
    assert data.open_total == 3 and data.overdue == 1
    assert data.by_area[0] == ("A区", 2)
    assert data.median_days == 3.0
    assert data.reporters[0] == ("刘职工", 2)
    if datetime.now(UTC).day > 8:  # the three closings fall in this month
        assert data.closed_this_month == 3


def test_dashboard_figures_are_kept_until_a_hazard_changes(app, db):
    """A second look with nothing changed asks only whether anything did (and the week's
    patrols); a new hazard, or a step on one, is counted at the next look."""
    from tests.helpers import statements

    officer, worker = make_user(Role.SAFETY_OFFICER), make_user(name="王维修")
    first = make_hazard(severity="major")
    assert queries.dashboard().open_total == 1
    with statements(db.engine) as again:
        assert queries.dashboard().open_total == 1
    assert not any("FROM hazards" in s for s in again) and len(again) <= 3, again
    make_hazard(severity="general")
    data = queries.dashboard()
    assert data.open_total == 2 and dict(data.by_severity)["一般"] == 1
    _closed_after(first, officer, worker, officer, 2, db)
    data = queries.dashboard()
    assert data.open_total == 1 and dict(data.by_severity)["重大"] == 0


def test_kept_dashboard_figures_are_made_again_after_a_minute(app, db):
    """On PostgreSQL a change may commit under an older event id than the newest one seen:
    whatever the newest event says, figures older than a minute are counted again."""
    make_hazard(severity="major")
    assert queries.dashboard().open_total == 1
    make_hazard(severity="general")
    # As if this hazard's event had committed under an id no newer than the kept stamp.
    app.extensions["safety.kept"]["dashboard"]["stamp"] = (
        local_today(),
        db.session.scalar(db.select(db.func.max(HazardEvent.id))),
    )
    assert queries.dashboard().open_total == 1  # kept: the stamp says nothing changed
    app.extensions["safety.kept"]["dashboard"]["made"] -= queries.KEPT_MAX_AGE + 1  # a minute on
    assert queries.dashboard().open_total == 2


def test_dashboard_page_draws_charts(client, auth, app):
    make_hazard(severity="major")
    auth.login(make_user(Role.SAFETY_OFFICER))
    page = client.get("/safety/dashboard").get_data(as_text=True)
    assert page.count('<svg class="chart"') == 4  # severity, area, coverage, reporters
    assert "按等级统计未销号隐患" in page


def test_hazard_export(client, auth, app):
    make_hazard(title="配电柜门未关", severity="major")
    auth.login(make_user(Role.SAFETY_OFFICER))
    today = local_today().isoformat()
    response = client.get(f"/safety/export/hazards.xlsx?start={today}&end={today}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "标题", "部门")
    assert rows[1][1] == "配电柜门未关" and rows[1][5] == "重大"


def test_export_needs_a_sensible_range(client, auth, app):
    auth.login(make_user(Role.SAFETY_OFFICER))
    response = client.get("/safety/export/patrols.xlsx?start=2026-02-01&end=2026-01-01")
    # The dashboard again, the message at the export form with the dates as chosen.
    assert response.status_code == 422
    page = text(response)
    assert "安全统计看板" in page and "导出 Excel" in page and "返回首页" not in page
    form = page[page.index('id="export"') :]
    assert form.index("请选择开始日期和不早于它的结束日期。") < form.index("</form>")
    assert 'value="2026-02-01"' in form and 'value="2026-01-01"' in form
    for odd in ("start=2026-01-01&end=2028-01-01", "start=1900-01-01&end=1900-02-01", "start=x"):
        assert client.get(f"/safety/export/hazards.xlsx?{odd}").status_code == 422
    ok = client.get("/safety/export/patrols.xlsx?start=2026-01-01&end=2026-01-31")
    assert ok.status_code == 200
    assert (
        list(load_workbook(io.BytesIO(ok.data)).active.iter_rows(values_only=True))[0][1]
        == "群监员"
    )


def test_overdue_hazards_for_the_reminder_job(app, db):
    officer, worker = make_user(Role.SAFETY_OFFICER), make_user()
    area = make_area()  # the worker's workshop: they may take its hazards
    late, on_time, closed = (make_hazard(area=area) for _ in range(3))
    for hazard in (late, on_time, closed):
        assign(hazard, officer, worker)
    step(closed, worker, "rectify", note="好了")
    step(closed, officer, "verify")
    late.due_on = closed.due_on = local_today() - timedelta(days=2)
    db.session.commit()
    assert queries.overdue_hazards() == [late]


def test_days_to_close_and_the_export_count_from_when_the_hazard_was_found(client, auth, app, db):
    """A hazard captured offline reaches the server later: its days to close run from the
    发现时间 its page shows, and the export's time column is that same time."""
    from app.blueprints.safety import services

    officer, verifier, worker = (
        make_user(Role.SAFETY_OFFICER),
        make_user(Role.SAFETY_OFFICER),
        make_user(),
    )
    found = datetime.now(UTC).replace(microsecond=0) - timedelta(days=4)
    hazard, _ = services.report_hazard(
        make_user(),
        {
            "title": "离线上报的隐患",
            "area_id": make_area().id,
            "category": "fire",
            "severity": "general",
        },
        client_id="f0e1d2c3-0000-4000-8000-000000000001",
        captured_at=found.isoformat(),
    )
    db.session.commit()
    _closed_after(hazard, officer, worker, verifier, 2, db)  # two days after it arrived
    assert queries.dashboard().median_days == 6.0

    auth.login(officer)
    shown = text(client.get(f"/safety/hazards/{hazard.id}"))
    local = found.astimezone(local_zone()).replace(tzinfo=None)
    assert f"发现时间</dt><dd>{local:%Y-%m-%d %H:%M}" in shown
    today = local_today().isoformat()
    response = client.get(f"/safety/export/hazards.xlsx?start={today}&end={today}")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    column = rows[0].index("发现时间")
    assert rows[1][1] == "离线上报的隐患" and rows[1][column] == local
