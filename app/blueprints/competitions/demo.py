"""A running 安康杯 whose standings come from the demo's hazards, patrols and proposals.
Runs once: when the competition exists it leaves everything as it is."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models.activities import Activity, ActivityKind, CompetitionMode
from app.models.competitions import CompetitionBrief, CompetitionRule, PointSource

TITLE = "安康杯安全生产竞赛"
RULES = {
    PointSource.HAZARD_VERIFIED: 5,
    PointSource.PATROL_ON_PLAN: 2,
    PointSource.PROPOSAL_ADOPTED: 10,
    PointSource.PROPOSAL_BENEFIT: 1,
    PointSource.TRAINING_PASSED: 3,
}


def load(ctx) -> list:
    if db.session.scalar(select(Activity.id).where(Activity.title == TITLE)):
        return []
    organizer = User.by_employee_no("O0001")
    now = datetime.now(UTC)
    activity = Activity(
        kind=ActivityKind.COMPETITION,
        title=TITLE,
        description="以“安全健康、岗位建功”为主题，全员参与隐患排查、群监巡查和合理化建议。",
        place="全厂",
        starts_at=now - timedelta(days=60),
        ends_at=now + timedelta(days=60),
        signup_opens_at=now - timedelta(days=70),
        signup_closes_at=now + timedelta(days=50),
        cancel_deadline=now + timedelta(days=50),
        capacity=None,
        competition_mode=CompetitionMode.INDIVIDUAL,
        rounds=1,
        organizer_id=organizer.id if organizer else None,
    )
    db.session.add(activity)
    db.session.flush()
    for source, points in RULES.items():
        db.session.add(CompetitionRule(activity_id=activity.id, source=source, points=points))
    db.session.add(
        CompetitionBrief(
            activity_id=activity.id,
            plan="竞赛期四个月，覆盖全厂各车间、班组；以隐患排查治理、群监巡查和合理化建议为主要内容。",
            assessment=(
                "隐患经验收销号每条5分；按计划完成巡查每次2分；建议被采纳每条10分，"
                "按份额分配；实施后年效益每1万元加1分；安全培训考核合格每次3分。"
            ),
            result="",
        )
    )
    db.session.flush()
    return []


def register(reg) -> None:
    reg.demo(load)
