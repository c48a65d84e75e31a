"""The care demo: a realistic set of files, a 春节 plan half done, open and closed aid
requests and a summer campaign; a second run changes nothing."""

from sqlalchemy import func, select, update

from app import demo as base
from app.blueprints.care import demo
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
    plan = db.session.scalar(select(VisitPlan).where(VisitPlan.title.like("%春节%")))
    visited, total = coverage(plan)
    assert total >= 4 and visited == total // 2
    assert set(db.session.scalars(select(AidRequest.status))) == {
        AidStatus.REPORTED,
        AidStatus.CLOSED,
    }
    campaign = db.session.scalar(select(Campaign))
    assert campaign.kind is CampaignKind.SUMMER and 0 < sum(
        1 for r in campaign.recipients if r.signed_at
    ) < len(campaign.recipients)
    demo.load(ctx)
    db.session.commit()
    assert db.session.scalar(select(func.count(CareFile.id))) == files
    db.session.execute(update(Department).values(parent_id=None))
    db.session.commit()
