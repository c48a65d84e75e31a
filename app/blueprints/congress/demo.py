"""Demo data: a current session with delegates and department contacts, motions in every
state, a closed evaluation round with results and an open one, notices with reads and a
question. Safe to run again: nothing is added once the demo session exists."""

import random
from datetime import timedelta

from sqlalchemy import select

from app.blueprints.congress.services import evaluations, motions, notices, rounds, sessions
from app.blueprints.congress.services.common import today
from app.extensions import db
from app.models import Role, User
from app.models._types import utcnow
from app.models.congress import CongressSession, Electorate, NoticeCategory

DELEGATES = [
    ("D0001", "钱代表", "装配车间/总装一班"),
    ("D0002", "孙代表", "机加工车间/车工班"),
    ("D0003", "李代表", "机加工车间/铣工班"),
    ("D0004", "周代表", "装配车间/总装二班"),
    ("D0005", "吴代表", "动力车间/电工班"),
    ("D0006", "郑代表", "动力车间"),
    ("D0007", "冯代表", "工会办公室"),
]
CONTACTS = [("K0001", "褚主任", "装配车间"), ("K0002", "卫主任", "动力车间")]
HEAD = ("H0001", "钱主任", "机加工车间")  # evaluated in the open round, and a voter in it


def load(ctx) -> list[tuple[str, str, str, str]]:
    organizer = User.by_employee_no("O0001")
    if organizer is not None and not db.session.scalar(
        select(CongressSession.id).where(
            CongressSession.term_no == 5, CongressSession.session_no == 3
        )
    ):
        _load(ctx, organizer)
    shown = [User.by_employee_no(no) for no in (DELEGATES[0][0], CONTACTS[0][0])]
    return [
        (user.employee_no, ctx.password, user.name, str(Role.MEMBER.label))
        for user in shown
        if user is not None
    ]


def _load(ctx, organizer) -> None:
    deps = ctx.departments
    day = today()
    delegates = [ctx.person(no, name, path) for no, name, path in DELEGATES]
    contacts = [ctx.person(no, name, path) for no, name, path in CONTACTS]
    session = sessions.save_session(
        organizer,
        {
            "term_no": 5,
            "session_no": 3,
            "title": "第五届职工代表大会第三次会议",
            "starts_on": day - timedelta(days=20),
            "ends_on": day - timedelta(days=19),
            "place": "公司大礼堂",
            "agenda": "一、听取审议总经理工作报告\n二、审议职工福利费使用情况\n"
            "三、审议集体合同履行情况\n四、民主评议领导干部\n五、提案征集与答复",
            "term_ends_on": day + timedelta(days=45),
        },
    )
    for person, (_no, _name, path) in zip(delegates, DELEGATES, strict=True):
        sessions.add_delegate(
            organizer,
            session,
            person.employee_no,
            deps[path],
            day - timedelta(days=3 * 365),
            session.term_ends_on,
        )
    for person, (_no, _name, path) in zip(contacts, CONTACTS, strict=True):
        sessions.add_contact(organizer, session, person.employee_no, deps[path])
    start = utcnow() - timedelta(days=20)
    sessions.hold_meeting(organizer, session, start, start + timedelta(hours=4), "公司大礼堂")
    _motions(organizer, session, delegates, contacts, deps)
    _rounds(organizer, session, delegates, deps, ctx.person(*HEAD))
    _notices(organizer, delegates, deps)
    db.session.flush()


def _motion(session, proposer, cosigners, title, reasons, measures):
    motion = motions.draft(
        proposer, session, {"title": title, "reasons": reasons, "measures": measures}
    )
    for person in cosigners:
        motions.cosign(person, motion)
    return motion


def _motions(organizer, session, d, contacts, deps):
    assembly, power = deps["装配车间"], deps["动力车间"]
    _motion(
        session,
        d[0],
        [d[1]],
        "增设夜班职工热餐供应点",
        "夜班职工就餐不便。",
        "在装配车间增设热餐点。",
    )
    m = _motion(
        session,
        d[1],
        d[2:4],
        "更新机加工车间排风设备",
        "夏季车间闷热、粉尘多。",
        "更换排风扇并加装除尘设备。",
    )
    motions.submit(d[1], m)
    m = _motion(
        session, d[2], d[3:5], "为职工统一购买商业保险", "职工希望增加保障。", "由公司统一购买。"
    )
    motions.submit(d[2], m)
    motions.review(organizer, m, "decline", "已纳入集体合同协商事项，不作为本次提案立案。")
    m = _motion(
        session, d[3], d[4:6], "丰富职工业余文化生活", "业余活动较少。", "每月组织一次文体活动。"
    )
    motions.submit(d[3], m)
    motions.review(organizer, m, "suggestion", "转工会文体委员会参考办理。")
    m = _motion(
        session,
        d[4],
        d[5:7],
        "改善动力车间休息室条件",
        "休息室空调老化。",
        "更换空调，增设饮水机。",
    )
    motions.submit(d[4], m)
    motions.review(organizer, m, "accept", "", power, [], today() + timedelta(days=20))
    m = _motion(
        session,
        d[0],
        d[1:3],
        "总装线增设防护栏",
        "总装线人员通道与物流通道交叉。",
        "增设隔离防护栏并划线。",
    )
    motions.submit(d[0], m)
    motions.review(organizer, m, "accept", "", assembly, [power], today() + timedelta(days=1))
    m.deadline = today() - timedelta(days=3)  # the demo's overdue motion
    m = _motion(
        session, d[5], d[0:2], "延长班车运营时间", "晚班下班后没有班车。", "增开22:30班车。"
    )
    motions.submit(d[5], m)
    motions.review(organizer, m, "accept", "", power, [], today() + timedelta(days=10))
    motions.answer(contacts[1], m, "B", "已与客运公司协商，下月起增开22:30班车。")
    m = _motion(
        session, d[6], d[0:2], "车间更衣柜更新", "更衣柜锈蚀损坏。", "全部更换为不锈钢更衣柜。"
    )
    motions.submit(d[6], m)
    motions.review(organizer, m, "accept", "", assembly, [], today() + timedelta(days=10))
    motions.answer(contacts[0], m, "A", "已于本月完成全部更衣柜更换。")
    motions.rate(d[6], m, "satisfied", "")
    m = _motion(
        session, d[0], d[2:4], "提高高温补贴标准", "现行标准偏低。", "按新标准发放高温补贴。"
    )
    motions.submit(d[0], m)
    motions.review(organizer, m, "accept", "", assembly, [], today() + timedelta(days=10))
    motions.answer(contacts[0], m, "C", "需纳入明年预算统筹。", "本年度预算已执行完毕。")
    motions.rate(d[0], m, "unsatisfied", "希望给出明确时间表。")
    motions.answer(contacts[0], m, "B", "已列入明年一季度预算，4月起执行新标准。")
    motions.rate(d[0], m, "fairly", "")


def _ballot(round_, rng):
    grades, comments = {}, {}
    for leader in round_.leaders:
        marks = {None: rng.choice(["excellent", "excellent", "competent", "basic"])}
        for dimension in round_.dimensions:
            marks[dimension.id] = rng.choice(["good", "good", "fairly_good", "average"])
        grades[leader.id] = marks
        comments[leader.id] = (
            rng.choice(["", "深入一线，作风扎实。", "敢于担当。"]),
            rng.choice(["", "与职工沟通还可以更多。"]),
        )
    return grades, comments


def _rounds(organizer, session, delegates, deps, head):
    rng = random.Random(16)
    now = utcnow()
    leaders = [("张总", "总经理"), ("王书记", "党委书记"), ("陈副总", "生产副总经理")]
    closed = rounds.create_round(
        organizer,
        {
            "title": "2026年度领导干部民主评议",
            "electorate": Electorate.DELEGATES.value,
            "session": session,
            "opens_at": now - timedelta(days=20),
            "closes_at": now + timedelta(hours=1),
            "min_ballots": 5,
        },
        leaders,
        list(rounds.DEFAULT_DIMENSIONS),
        [],
    )
    people = evaluations.people_version(closed)
    for person in delegates[:6]:
        evaluations.cast_ballot(person, closed, *_ballot(closed, rng), people)
    closed.closes_at = now - timedelta(days=18)
    evaluations.fix_electorates()
    rounds.create_round(
        organizer,
        {
            "title": "中层干部民主评议（装配、机加工车间）",
            "electorate": Electorate.DEPARTMENTS.value,
            "session": None,
            "opens_at": now - timedelta(days=1),
            "closes_at": now + timedelta(days=7),
            "min_ballots": 5,
        },
        # 钱主任 votes as a member of his workshop: linked to his account, he does not rate
        # himself (the proposals' demo makes the same account).
        [("何主任", "装配车间主任"), ("钱主任", "机加工车间主任", head.employee_no)],
        list(rounds.DEFAULT_DIMENSIONS),
        [deps["装配车间"], deps["机加工车间"]],
    )


def _notices(organizer, delegates, deps):
    first = notices.publish(
        organizer,
        {
            "title": "2026年前三季度经营情况通报",
            "body": "前三季度公司实现营业收入12.6亿元，同比增长8.2%；利润总额1.1亿元。"
            "安全生产形势总体平稳，未发生重伤以上事故。",
            "category": NoticeCategory.BUSINESS.value,
            "pinned": True,
            "closes_on": None,
        },
        [],
    )
    second = notices.publish(
        organizer,
        {
            "title": "职工年度体检安排",
            "body": "今年职工体检定于下月进行，请各车间按排班表分批参加。",
            "category": NoticeCategory.WELFARE.value,
            "pinned": False,
            "closes_on": today() + timedelta(days=30),
        },
        [],
    )
    notices.publish(
        organizer,
        {
            "title": "装配车间夜班调整公示",
            "body": "自下月起装配车间夜班调整为两班倒，征求职工意见。",
            "category": NoticeCategory.PERSONNEL.value,
            "pinned": False,
            "closes_on": today() + timedelta(days=7),
        },
        [deps["装配车间"]],
    )
    for person in delegates[:5]:
        notices.mark_read(person, first)
    for person in delegates[:2]:
        notices.mark_read(person, second)
    question = notices.ask(delegates[0], second, "退休职工是否也安排体检？")
    notices.answer_question(organizer, question, "退休职工体检由离退休办另行通知。")


def register(reg) -> None:
    reg.demo(load)
