"""The care demo: a realistic set of files, a visit plan half done, open and closed aid
requests (the open one reported before the target time it is past) and a campaign, the plan
and the campaign of the season it is loaded in; a second run changes nothing."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from app import demo as base
from app.blueprints.care import demo
from app.blueprints.care.parse import local_today
from app.features import DemoContext
from app.models import Department, Role
from app.models.care import AidRequest, AidStatus, Campaign, CampaignKind, CareFile, CareLevel
from app.services.users import create_user


def _context(db) -> DemoContext:
    departments = {}
    for workshop, teams in base.DEPARTMENTS.items():
        parent = base._department(workshop, None)
        departments[workshop] = parent
        for team in teams:
            departments[f"{workshop}/{team}"] = base._department(team, parent)
    for no, roles in (("C0001", {Role.CARE_OFFICER}), ("M0001", set())):
        create_user(
            employee_no=no,
            name=no,
            password="demo1234",
            check_rules=False,
            roles=roles,
            department=departments["装配车间/总装一班"],
            must_change_password=False,
        )
    return DemoContext(departments, "demo1234", ["C0001", "M0001"])


def test_the_care_demo_is_realistic_and_runs_once(app, db):
    from app.blueprints.care.services.visits import coverage
    from app.models.care import VisitPlan

    ctx = _context(db)
    demo.load(ctx)
    db.session.commit()
    levels = set(db.session.scalars(select(CareFile.level).distinct()))
    assert levels == set(CareLevel)
    files = db.session.scalar(select(func.count(CareFile.id)))
    plan = db.session.scalar(select(VisitPlan))
    assert plan.title == demo._season(local_today())[1]
    visited, total = coverage(plan)
    assert total >= 4 and visited == total // 2
    assert set(db.session.scalars(select(AidRequest.status))) == {
        AidStatus.REPORTED,
        AidStatus.CLOSED,
    }
    for request in db.session.scalars(select(AidRequest)):
        assert request.created_at < request.respond_by
        assert abs(request.events[0].at - request.created_at) < timedelta(minutes=1)
    campaign = db.session.scalar(select(Campaign))
    month = local_today().month
    season = (
        CampaignKind.WINTER
        if month in (11, 12, 1, 2)
        else CampaignKind.SUMMER
        if 6 <= month <= 9
        else CampaignKind.HOLIDAY
    )
    assert campaign.kind is season and campaign.starts_on <= local_today() <= campaign.ends_on
    assert 0 < sum(1 for r in campaign.recipients if r.signed_at) < len(campaign.recipients)
    demo.load(ctx)
    db.session.commit()
    assert db.session.scalar(select(func.count(CareFile.id))) == files
    db.session.execute(update(Department).values(parent_id=None))
    db.session.commit()


@pytest.mark.parametrize(
    ("day", "kind", "title", "plan"),
    [
        (date(2026, 12, 7), "winter", "2026年冬送温暖", "2026年冬季走访慰问"),
        (date(2027, 1, 20), "winter", "2027年冬送温暖", "2027年冬季走访慰问"),
        (date(2026, 2, 28), "winter", "2026年冬送温暖", "2026年冬季走访慰问"),
        (date(2026, 7, 15), "summer", "2026年夏送清凉", "2026年夏季高温走访慰问"),
        (date(2026, 4, 20), "holiday", "2026年“五一”节日慰问", "2026年“五一”走访慰问"),
        (date(2026, 10, 10), "holiday", "2026年中秋国庆节日慰问", "2026年中秋国庆走访慰问"),
    ],
)
def test_the_demo_campaign_and_plan_are_the_seasons(day, kind, title, plan):
    campaign, plan_title = demo._season(day)
    assert (campaign["kind"], campaign["title"], plan_title) == (kind, title, plan)
