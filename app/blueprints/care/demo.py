"""Demo data for care: workers with files at every level, a visit plan half done, open and
closed mutual-aid requests, and a campaign half signed, the plan and the campaign those of the
season the demo is loaded in (冬送温暖 and winter visits in November–February, 夏送清凉 in
June–September, holiday gifts otherwise). Runs once: when any care
file exists it leaves everything as it is. The workers it adds are ordinary members (no
logins are printed for them)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models.care import CareFile

from .parse import local_today
from .services import aid, campaigns, files, visits

# employee no, name, department, level, cause, situation, household [(name, relation, income)]
WORKERS = [
    (
        "W2001",
        "孙建国",
        "机加工车间/车工班",
        "extreme",
        "illness",
        "妻子尿毒症长期透析，每月医疗自付约三千元。",
        [("王秀兰", "妻子", "0"), ("孙小明", "儿子", "0")],
        "3200",
    ),
    (
        "W2002",
        "周丽华",
        "装配车间/总装一班",
        "extreme",
        "single_parent",
        "丈夫去年病故，独自抚养两个孩子，老人需照顾。",
        [("周子涵", "女儿", "0"), ("周子轩", "儿子", "0"), ("李桂芳", "母亲", "800")],
        "3600",
    ),
    (
        "W2003",
        "吴海涛",
        "动力车间/电工班",
        "hardship",
        "disability",
        "本人工伤致残（六级），仍在岗，父亲瘫痪在床。",
        [("吴长福", "父亲", "1200")],
        "4100",
    ),
    (
        "W2004",
        "郑雪梅",
        "装配车间/总装二班",
        "hardship",
        "schooling",
        "两个孩子同时读大学，学费生活费压力大。",
        [("赵刚", "丈夫", "2600"), ("赵一鸣", "儿子", "0"), ("赵一诺", "女儿", "0")],
        "3900",
    ),
    (
        "W2005",
        "冯志强",
        "机加工车间/铣工班",
        "temporary",
        "disaster",
        "七月暴雨房屋进水受损，家具家电损失严重。",
        [("冯婷", "妻子", "2800")],
        "4500",
    ),
    (
        "W2006",
        "陈玉兰",
        "动力车间",
        "extreme",
        "illness",
        "本人乳腺癌术后化疗中，长期病休，收入减少。",
        [("林强", "丈夫", "1800")],
        "2100",
    ),
    (
        "W2007",
        "杨卫东",
        "装配车间/总装一班",
        "hardship",
        "other",
        "妻子无业，岳父母随住，四口人靠本人工资生活。",
        [("何丽", "妻子", "0"), ("何德明", "岳父", "600"), ("张翠英", "岳母", "600")],
        "4300",
    ),
    (
        "W2008",
        "黄晓东",
        "机加工车间/车工班",
        "temporary",
        "illness",
        "儿子白血病住院治疗，家中积蓄用尽。",
        [("黄丽", "妻子", "3000"), ("黄子墨", "儿子", "0")],
        "4200",
    ),
]


def load(ctx) -> list:
    if db.session.scalar(select(CareFile.id).limit(1)) is not None:
        return []
    officer = User.by_employee_no("C0001")
    member = User.by_employee_no("M0001")
    if officer is None or member is None:
        return []
    today = local_today()
    made = []
    for i, (no, name, path, level, cause, situation, household, income) in enumerate(WORKERS):
        worker = ctx.person(no, name, path)
        opened = today - timedelta(days=120 + 70 * i)
        file = files.open_file(
            officer,
            {
                "worker": worker.employee_no,
                "level": level,
                "cause": cause,
                "situation": situation,
                "income": income,
                "address": f"厂区生活区{3 + i}栋{101 + i * 2}室",
                "phone": f"1380000{2001 + i}",
                "emergency_contact": household[0][0] + " " + f"1390000{2001 + i}",
                "opened_on": opened.isoformat(),
            },
        )
        for person, relation, person_income in household:
            files.add_member(
                officer,
                file,
                {"name": person, "relation": relation, "monthly_income": person_income},
            )
        files.add_support(
            officer,
            file,
            {
                "kind": "money",
                "given_on": (opened + timedelta(days=10)).isoformat(),
                "amount": "2000" if level == "extreme" else "1000",
                "description": "建档慰问金",
                "source": "工会帮扶资金",
            },
        )
        made.append(file)
    # The last three files were opened more than a year ago: their reviews are overdue.
    campaign_fields, plan_title = _season(today)
    # A visit plan for the 特困 and 困难 files, half of them visited.
    plan = visits.create_plan(
        officer,
        {
            "title": plan_title,
            "starts_on": (today - timedelta(days=10)).isoformat(),
            "ends_on": (today + timedelta(days=20)).isoformat(),
            "level": "extreme",
            "note": "特困职工逐户走访，困难职工由车间分会配合。",
        },
    )
    visits.add_targets(officer, plan, {"level": "hardship", "visitor": officer.employee_no})
    db.session.flush()
    targets = sorted(plan.targets, key=lambda t: t.id)
    for target in targets[: len(targets) // 2]:
        visits.record_visit(
            officer,
            {
                "file_id": target.file_id,
                "plan_id": plan.id,
                "visited_on": (today - timedelta(days=3)).isoformat(),
                "visitors": "陈帮扶、车间分会主席",
                "given": "慰问金、米面油",
                "amount": "1000",
                "situation": "家中整洁，病人情况稳定，孩子正常上学。",
                "needs": "希望帮助联系医保二次报销。",
            },
        )
    # Mutual aid: one open (past its target time), one closed.
    colleague = db.session.scalar(select(User).where(User.employee_no == "W2008"))
    open_request = aid.report_aid(
        member,
        {
            "for_whom": "colleague",
            "colleague": colleague.employee_no,
            "event_type": "hospital",
            "happened_on": (today - timedelta(days=2)).isoformat(),
            "description": "黄师傅的儿子病情加重，转到省城医院，需要大笔费用。",
            "contact": "黄丽 13900002008",
        },
    )
    # Reported yesterday, its target time six hours past.
    open_request.created_at = open_request.events[0].at = datetime.now(UTC) - timedelta(hours=30)
    open_request.respond_by = open_request.created_at + timedelta(hours=24)
    closed = aid.report_aid(
        member,
        {
            "for_whom": "self",
            "event_type": "bereavement",
            "happened_on": (today - timedelta(days=40)).isoformat(),
            "description": "父亲病故，在老家办理后事。",
            "contact": "本人手机",
        },
    )
    aid.act_on_aid(officer, closed, "acknowledge", {"note": "已收到，工会将派人慰问。"})
    aid.act_on_aid(
        officer, closed, "act", {"note": "车间分会上门吊唁，送去慰问金。", "amount": "500"}
    )
    aid.act_on_aid(officer, closed, "close", {"note": "慰问完成。"})
    # The season's campaign: 动力车间, 装配车间 and the extreme-hardship files, half signed.
    campaign = campaigns.create_campaign(
        officer,
        {
            **campaign_fields,
            "starts_on": (today - timedelta(days=5)).isoformat(),
            "ends_on": (today + timedelta(days=25)).isoformat(),
        },
    )
    campaigns.add_recipients(
        officer, campaign, {"mode": "department", "department_id": ctx.departments["动力车间"].id}
    )
    campaigns.add_recipients(
        officer, campaign, {"mode": "department", "department_id": ctx.departments["装配车间"].id}
    )
    campaigns.add_recipients(officer, campaign, {"mode": "level", "level": "extreme"})
    db.session.flush()
    for recipient in sorted(campaign.recipients, key=lambda r: r.id)[::2]:
        campaigns.sign_off(
            officer, {"recipient_id": recipient.id, "confirmation": recipient.user.name}
        )
    db.session.flush()
    return []


def _season(today) -> tuple[dict, str]:
    """The campaign a union runs at this time of year, and the title of its visit plan."""
    if today.month in (11, 12, 1, 2):
        campaign = ("冬送温暖", "winter", "12000", "棉被、米面油一套", "200")
        # Not 春节 by name: the plan ends weeks before the festival, which moves from year to year.
        plan = f"{today.year}年冬季走访慰问"
    elif 6 <= today.month <= 9:
        campaign = ("夏送清凉", "summer", "6000", "绿豆、白糖、防暑药品一套", "80")
        plan = f"{today.year}年夏季高温走访慰问"
    else:
        holiday = "“五一”" if today.month <= 5 else "中秋国庆"
        campaign = (f"{holiday}节日慰问", "holiday", "8000", "节日慰问品一份", "100")
        plan = f"{today.year}年{holiday}走访慰问"
    title, kind, budget, gift, amount_each = campaign
    fields = {
        "title": f"{today.year}年{title}",
        "kind": kind,
        "budget": budget,
        "gift": gift,
        "amount_each": amount_each,
    }
    return fields, plan


def register(reg) -> None:
    reg.demo(load)
