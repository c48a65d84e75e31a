"""Demo appeals: one in every state, from 刘职工 (M0001) and 孙车工 (P0001), and one anonymous
whose receipt code is printed with the demo logins. Runs once: when any appeal exists it
leaves everything as it is."""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from app.models.appeals import Appeal, AppealAction, AppealRating, AppealStatus

from . import services

# The anonymous demo appeal's receipt code (README: try it on /appeals/follow).
DEMO_RECEIPT_CODE = "HJ4K-W8NP-3TQX"

ANSWER = "已与人力资源部核实：11 月加班费按 1.5 倍补发，随 12 月工资发放。"
# author (None: anonymous), category, title, details, steps, days ago raised, rating
APPEALS = [
    (
        "M0001",
        "living",
        "夜班食堂没有热饭",
        "夜班 0 点后食堂只有冷馒头，希望增加热饭供应。",
        [],
        1,
        None,
    ),
    ("M0001", "hours", "连续三周周日加班", "班组连续三周安排周日加班，没有调休。", [], 5, None),
    (
        "P0001",
        "safety",
        "车工班排风扇坏了",
        "车工班东侧排风扇坏了两周，切削烟雾大。",
        [("acknowledge", "已受理，两天内到现场查看。")],
        4,
        None,
    ),
    (
        "M0001",
        "contract",
        "劳动合同到期未续签",
        "合同上月到期，至今没有通知续签。",
        [("acknowledge", "已受理。"), ("investigate", "正在向人力资源部了解情况。")],
        8,
        None,
    ),
    (
        None,
        "treatment",
        "班长分配工作不公",
        "班长长期把重活分给同几个人，提意见后被扣绩效。",
        [
            ("acknowledge", "已受理，会保护反映人。"),
            ("investigate", "正在了解情况。"),
            ("escalate", "已向公司人力资源部书面反映，要求复核绩效。"),
        ],
        12,
        None,
    ),
    (
        None,
        "wages",
        "加班费少算",
        "11 月加班 20 小时，工资条上只算了 12 小时。",
        [("acknowledge", "已受理。"), ("investigate", "已调取考勤记录。"), ("answer", ANSWER)],
        15,
        None,
    ),
    (
        "P0001",
        "living",
        "通勤班车太早",
        "班车 6:10 发车，比上班早一个多小时。",
        [
            ("acknowledge", "已受理。"),
            ("escalate", "已转行政部研究调整班车时刻。"),
            ("answer", "行政部同意自下月起班车改为 6:40 发车。"),
        ],
        30,
        "satisfied",
    ),
]


def load(ctx) -> list:
    code_row = [("回执码", DEMO_RECEIPT_CODE, "匿名诉求", "在 我的 → 职工诉求 → 凭回执码查询")]
    if db.session.scalar(select(func.count()).select_from(Appeal)):
        return code_row
    officer = User.by_employee_no("O0001")
    today = services.local_today()
    for author_no, category, title, details, steps, days_ago, rating in APPEALS:
        author = User.by_employee_no(author_no) if author_no else None
        if author_no and author is None:
            continue  # the proposals demo makes P0001; without it, fewer appeals
        data = {"category": category, "title": title, "details": details}
        if author is None:
            data["anonymous"] = "y"
        appeal, code = services.raise_appeal(author or officer, data)
        raised_on = today - timedelta(days=days_ago)
        appeal.raised_on = raised_on
        appeal.acknowledge_by = raised_on + timedelta(days=services.acknowledge_days())
        if author is None and any(s == "answer" for s, _n in steps):
            # The answered anonymous appeal takes the printed code, so it can be followed and
            # rated (the other's code is lost, as a real author's might be).
            appeal.receipt_hash = services.code_hash(DEMO_RECEIPT_CODE)
        for day, (action, note) in enumerate(steps, start=1):
            event = services.take_step(officer, appeal, AppealAction(action), note)
            event.at = datetime.combine(raised_on + timedelta(days=day), time(2, 30), UTC)
            if action == "acknowledge":
                appeal.acknowledged_at = event.at
            if action == "answer":
                appeal.answered_at = event.at
        if rating:
            services.rate(appeal, AppealRating(rating), "")
        assert rating is None or appeal.status is AppealStatus.CLOSED
    db.session.flush()
    return code_row


def register(reg) -> None:
    reg.demo(load)
