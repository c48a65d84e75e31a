"""Demo proposals: members across the workshops, two department heads, and proposals in every
state over the last three months, with measured benefits and awards. Runs once: when any
demo proposal exists it leaves everything as it is."""

from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models.proposals import Proposal, ProposalAction
from app.services.inputs import local_today

from . import services

# employee number, name, department path
MEMBERS = [
    ("P0001", "孙车工", "机加工车间/车工班"),
    ("P0002", "周铣工", "机加工车间/铣工班"),
    ("P0003", "吴装配", "装配车间/总装一班"),
    ("P0004", "郑装配", "装配车间/总装二班"),
    ("P0005", "冯电工", "动力车间/电工班"),
    ("P0006", "陈电工", "动力车间/电工班"),
    ("P0007", "褚车工", "机加工车间/车工班"),
    ("P0008", "卫装配", "装配车间/总装二班"),
]
HEADS = [("H0001", "钱主任", "机加工车间"), ("H0002", "何主任", "装配车间")]

# title, category, lead, co-proposers [(no, share)], final state, days ago sent in, benefit
PROPOSALS = [
    ("数控车床换刀流程优化", "process", "P0001", [], "draft", None, None),
    ("铣床冷却液循环过滤", "energy", "P0002", [], "submitted", 3, None),
    ("总装线工具车定置管理", "management", "P0003", [], "recommended", 6, None),
    ("配电室巡检表电子化", "management", "P0005", [], "not_recommended", 8, None),
    ("旧轴承座修复再用", "reuse", "P0007", [("P0001", 30)], "trial", 20, None),
    ("车间照明分区控制", "energy", "P0006", [], "filed", 25, None),
    ("装配线增设休息座椅", "other", "P0008", [], "declined", 30, None),
    ("吊装钢丝绳快速检测卡", "safety", "P0004", [], "adopted", 12, None),
    ("空压机余热回收", "energy", "P0005", [("P0006", 40)], "overdue", 45, None),
    ("刀具刃磨自制夹具", "equipment", "P0002", [], "implemented", 50, "36000"),
    ("总装扭矩扳手定期校验", "quality", "P0003", [], "awarded_2", 70, "52000"),
    ("废切削液再生利用", "reuse", "P0001", [("P0007", 40)], "awarded_1", 80, "186000"),
    ("总装线增设洗眼器", "safety", "M0001", [], "submitted", 2, None),
]


def load(ctx) -> list:
    heads = [ctx.person(no, name, path) for no, name, path in HEADS]
    for no, name, path in MEMBERS:
        ctx.person(no, name, path)
    logins = [(h.employee_no, ctx.password, h.name, _("Department head")) for h in heads[:1]]
    titles = [row[0] for row in PROPOSALS]
    if db.session.scalar(select(Proposal.id).where(Proposal.title.in_(titles)).limit(1)):
        return logins
    organizer = User.by_employee_no("O0001")
    for head, (_no, _name, path) in zip(heads, HEADS, strict=True):
        services.set_heads(organizer, ctx.departments[path], [head.id])
    for row in PROPOSALS:
        _proposal(organizer, heads, *row)
    db.session.flush()
    return logins


# When each step of a demo proposal's life was taken, in days after it was sent in: its
# timeline starts at its 提交时间 and keeps the dates the proposal itself records.
STEP_DAYS = {
    ProposalAction.CREATE: 0,
    ProposalAction.SUBMIT: 0,
    ProposalAction.RECOMMEND: 1,
    ProposalAction.NOT_RECOMMEND: 1,
    ProposalAction.SCORE: 3,
    ProposalAction.DECIDE: 5,  # decided_at
    ProposalAction.COMPLETE: 20,  # completed_at
    ProposalAction.AWARD: 25,
}


def _proposal(organizer, heads, *row):
    proposal, sent = _live(organizer, heads, *row)
    if sent is None:
        return
    db.session.flush()
    now = datetime.now(UTC)
    for event in proposal.events:
        event.created_at = min(sent + timedelta(days=STEP_DAYS.get(event.action, 0)), now)


def _live(organizer, heads, title, category, lead_no, coauthors, state, days_ago, benefit):
    """The proposal taken through its life to `state`; (proposal, when it was sent in)."""
    lead = User.by_employee_no(lead_no)
    data = {
        "title": title,
        "category": category,
        "current_state": f"{title}：现状费时费料，存在质量和安全隐患。",
        "proposed_change": f"建议{title}，由班组自行实施，改动小、见效快。",
        "expected_effect": "预计提高效率，降低成本，减少事故隐患。",
        "share": str(100 - sum(share for _no, share in coauthors)),
        "coauthors": [{"employee_no": no, "share": str(share)} for no, share in coauthors],
    }
    proposal, _created = services.save_proposal(lead, data, submit=state != "draft")
    if state == "draft":
        return proposal, None
    sent = datetime.now(UTC) - timedelta(days=days_ago)
    proposal.submitted_at = sent
    head = next(
        (h for h in heads if (h.department.parent_id or h.department_id) == proposal.department_id),
        organizer,
    )
    if state == "submitted":
        return proposal, sent
    recommend = "no" if state == "not_recommended" else "yes"
    services.give_opinion(
        head,
        proposal,
        {"recommend": recommend, "note": "" if recommend == "yes" else "已有同类系统在建。"},
    )
    if state in ("recommended", "not_recommended"):
        return proposal, sent
    scores = {"technical": "22", "economic": "24", "scope": "15", "practicality": "17"}
    services.score_proposal(organizer, proposal, scores)
    due = local_today() + timedelta(days=30)
    decisions = {
        "trial": ("trial", "先在车工班试用一个月，验证效果后再定。"),
        "filed": ("file", "思路可行，待明年节能改造时统筹考虑。"),
        "declined": ("decline", "与现行工艺要求冲突，暂不采纳。"),
    }
    decision, reason = decisions.get(state, ("adopt", "方案可行、投入小，同意采纳并组织实施。"))
    services.decide(
        organizer,
        proposal,
        {
            "decision": decision,
            "reason": reason,
            "owner_id": str(head.id),
            "plan": "班组制定实施方案，设备科配合，一个月内完成。",
            "due_on": due.isoformat(),
        },
    )
    proposal.decided_at = sent + timedelta(days=STEP_DAYS[ProposalAction.DECIDE])
    if state == "overdue":
        proposal.due_on = local_today() - timedelta(days=3)
    if benefit is None:
        return proposal, sent
    services.complete(
        head,
        proposal,
        {
            "benefit": benefit,
            "benefit_method": "按实施前后三个月的物料和能耗台账对比，折算为全年节约金额。",
        },
    )
    proposal.completed_at = sent + timedelta(days=STEP_DAYS[ProposalAction.COMPLETE])
    if state.startswith("awarded"):
        grade, amount = ("first", "5000") if state == "awarded_1" else ("second", "2000")
        services.award(organizer, proposal, {"grade": grade, "amount": amount})
        proposal.awarded_at = sent + timedelta(days=STEP_DAYS[ProposalAction.AWARD])
    return proposal, sent


def register(reg) -> None:
    reg.demo(load)
