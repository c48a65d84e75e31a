"""Demo activities of every kind and state. Safe to run again: an activity whose title is
already there is left alone."""

from datetime import UTC, timedelta

from sqlalchemy import select

from app.blueprints.activities import services
from app.extensions import db
from app.models import Role, User
from app.models._types import utcnow
from app.models.activities import (
    Activity,
    ActivityKind,
    ActivityStatus,
    CompetitionMode,
    Participation,
    ParticipationStatus,
)
from app.services.inputs import local_zone

# Extra members, so that waitlists and leaderboards have people in them.
MEMBERS = [
    ("M0002", "孙师傅", "机加工车间/车工班"),
    ("M0003", "周师傅", "机加工车间/铣工班"),
    ("M0004", "吴师傅", "装配车间/总装二班"),
    ("M0005", "郑师傅", "动力车间/电工班"),
]


def _activity(title, kind, start_in_days, hours=2, **values):
    """An activity starting `start_in_days` from now, with a window around it."""
    found = db.session.scalar(select(Activity).where(Activity.title == title))
    if found:
        return None
    # 9 o'clock in the morning, on the union's clock.
    local_day = (utcnow() + timedelta(days=start_in_days)).astimezone(local_zone())
    starts = local_day.replace(hour=9, minute=0, second=0, microsecond=0).astimezone(UTC)
    defaults = {
        "description": "",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=hours),
        "signup_opens_at": starts - timedelta(days=14),
        "signup_closes_at": starts - timedelta(hours=12),
        "cancel_deadline": starts - timedelta(days=1),
    }
    defaults.update(values)
    activity = Activity(title=title, kind=kind, **defaults)
    db.session.add(activity)
    db.session.flush()
    return activity


def _join(activity, users, status=ParticipationStatus.CONFIRMED, checked_in=False):
    places = []
    for offset, user in enumerate(users):
        at = activity.signup_opens_at + timedelta(minutes=offset + 1)
        place = Participation(
            activity_id=activity.id,
            user_id=user.id,
            status=status,
            signed_up_at=at,
            queued_at=at,
            confirmed_at=at if status is ParticipationStatus.CONFIRMED else None,
            checked_in_at=activity.starts_at if checked_in else None,
        )
        db.session.add(place)
        places.append(place)
    db.session.flush()
    return places


def load(ctx) -> list[tuple[str, str, str, str]]:
    """Create the demo activities; returns the extra member logins."""
    by_path, password = ctx.departments, ctx.password
    organizer = User.by_employee_no("O0001")
    members = [ctx.person(no, name, path) for no, name, path in MEMBERS]
    liu = User.by_employee_no("M0001")
    people = [liu, *members] if liu else members
    org = {"organizer": organizer, "place": "工会活动中心"}

    # Titles name no holiday: the demo's dates are counted from today, and a 五一 sports day
    # in December (or a 国庆 show in spring) reads as a mistake.
    if a := _activity(
        "职工联欢会",
        ActivityKind.EVENT,
        12,
        capacity=80,
        description="文艺表演、猜灯谜、抽奖。欢迎携家属参加。",
        **org,
    ):
        _join(a, people[:2])
    if a := _activity("职工趣味运动会", ActivityKind.EVENT, 5, capacity=2, **org):
        _join(a, people[:2])
        _join(a, people[2:4], ParticipationStatus.WAITLISTED)
    if a := _activity("职工文艺汇演", ActivityKind.EVENT, 20, capacity=100, **org):
        _join(a, people[:3])
        a.status = ActivityStatus.CANCELLED
        a.cancelled_at = utcnow()
        a.cancel_reason = "礼堂维修，演出延期，另行通知。"
    if a := _activity(
        "安全生产知识培训（第一期）",
        ActivityKind.TRAINING,
        -40,
        capacity=30,
        pass_mark=60,
        qualification_name="安全生产培训合格证",
        qualification_is_safety=True,
        qualification_months=2,
        **org,
    ):
        places = _join(a, people[:3], checked_in=True)
        services.record_training_results(
            organizer, a, {places[0].id: 92, places[1].id: 75, places[2].id: 48}
        )
    if a := _activity(
        "特种作业安全复训",
        ActivityKind.TRAINING,
        3,
        capacity=20,
        pass_mark=70,
        qualification_name="安全生产培训合格证",
        qualification_is_safety=True,
        qualification_months=12,
        departments=[by_path["机加工车间"]],
        **org,
    ):
        _join(a, people[1:3])
    _activity(
        "岗位练兵：数控车床操作",
        ActivityKind.DRILL,
        30,
        signup_opens_at=utcnow() + timedelta(days=7),
        **org,
    )
    if a := _activity(
        "劳动竞赛：装配技能比武",
        ActivityKind.COMPETITION,
        -10,
        hours=6,
        competition_mode=CompetitionMode.TEAM,
        rounds=2,
        **org,
    ):
        places = _join(a, people[:4], checked_in=True)
        names = ["总装一班队", "总装一班队", "铣工班队", "铣工班队"]
        teams = {p.id: team for p, team in zip(places, names, strict=True)}
        for round_no, scores in ((1, [88, 90, 85, 91]), (2, [93, 87, 90, 86])):
            by_place = {p.id: score for p, score in zip(places, scores, strict=True)}
            services.record_round(organizer, a, round_no, by_place, teams)
    # A team competition under way (a week of rounds): its score page takes teams and
    # scores now, the page an organizer fills in most.
    if a := _activity(
        "班组技能擂台赛（团体）",
        ActivityKind.COMPETITION,
        -1,
        hours=24 * 6,
        competition_mode=CompetitionMode.TEAM,
        rounds=3,
        **org,
    ):
        places = _join(a, members, checked_in=True)
        names = ["车工班队", "铣工班队", "总装二班队", "电工班队"]
        teams = {p.id: team for p, team in zip(places, names, strict=True)}
        by_place = {p.id: score for p, score in zip(places, [82, 79, 90, 86], strict=True)}
        services.record_round(organizer, a, 1, by_place, teams)
    if a := _activity(
        "电工技能竞赛（个人赛）",
        ActivityKind.COMPETITION,
        2,
        competition_mode=CompetitionMode.INDIVIDUAL,
        rounds=3,
        capacity=10,
        **org,
    ):
        _join(a, people)
    if a := _activity(
        "职工篮球友谊赛",
        ActivityKind.EVENT,
        1,
        signup_closes_at=utcnow() - timedelta(hours=1),
        cancel_deadline=utcnow() - timedelta(hours=2),
        capacity=12,
        **org,
    ):
        _join(a, people[:3])
    return [(user.employee_no, password, user.name, str(Role.MEMBER.label)) for user in members]


def register(reg) -> None:
    reg.demo(load)
