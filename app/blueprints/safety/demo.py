"""Demo data for the safety network: areas, checklists, a group, plans, patrols, and hazards
in every state. Runs once: when any area exists it leaves everything as it is."""

import io
from datetime import UTC, datetime, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from app.extensions import db
from app.models import Department, User
from app.models.hazards import Hazard
from app.models.safety import Area

from . import services
from .services.common import local_today

AREAS = [
    ("机加工车间", "数控车床区", "production", ["1号车床", "配电柜A"]),
    ("机加工车间", "刀具库", "warehouse", []),
    ("装配车间", "总装线", "production", ["吊装工位"]),
    ("动力车间", "10kV配电室", "electrical", ["高压柜", "应急照明"]),
]
CHECKLISTS = [
    (
        "生产现场日常巡查表",
        "production",
        [
            "设备防护罩齐全、完好",
            "安全通道畅通、无杂物",
            "员工按规定佩戴劳保用品",
            "消防器材在有效期内、取用无遮挡",
            "电线电缆无破损、无私拉乱接",
        ],
    ),
    ("仓库巡查表", "warehouse", ["货物堆放整齐、不超高", "消防通道畅通", "危险品分区存放"]),
    (
        "配电室巡查表",
        "electrical",
        [
            "绝缘垫、绝缘手套完好",
            "门窗防小动物措施完好",
            "应急照明正常",
            "操作票、工作票齐全",
        ],
    ),
]
# title, area index, category, severity, the steps it has been through
HAZARDS = [
    ("车床防护罩缺失", 0, "machinery", "serious", []),
    ("配电柜门未关闭", 0, "electrical", "general", ["assign"]),
    ("刀具库消防通道堆放纸箱", 1, "fire", "general", ["assign", "start"]),
    ("吊装钢丝绳断股", 2, "height", "major", ["assign", "start", "rectify"]),
    ("配电室绝缘垫破损", 3, "electrical", "serious", ["assign", "start", "rectify", "verify"]),
    ("地面油污", 2, "housekeeping", "general", ["reject"]),
    ("应急照明不亮", 3, "electrical", "serious", ["assign", "overdue"]),
]


def _photo(text_colour: str) -> io.BytesIO:
    image = Image.new("RGB", (640, 480), text_colour)
    ImageDraw.Draw(image).rectangle((160, 120, 480, 360), outline="white", width=12)
    out = io.BytesIO()
    image.save(out, "JPEG")
    out.seek(0)
    return out


def load(ctx=None) -> list:
    """The demo network: areas, checklists, plans, patrols, hazards in every state."""
    if db.session.scalar(select(Area.id).limit(1)) is not None:
        return []
    people = {u.employee_no: u for u in db.session.scalars(select(User))}
    officer, inspector, member = people["S0001"], people["I0001"], people["M0001"]
    workshops = {d.name: d for d in db.session.scalars(select(Department))}
    areas = []
    for workshop, name, kind, checkpoints in AREAS:
        area = services.save_area(
            officer, {"name": name, "kind": kind, "department_id": workshops[workshop].id}
        )
        for checkpoint in checkpoints:
            services.add_checkpoint(officer, area, {"name": checkpoint})
        areas.append(area)
    for name, kind, items in CHECKLISTS:
        checklist = services.create_checklist(
            officer, {"name": name, "area_kind": kind, "items": "\n".join(items)}
        )
    # A second version, so the history shows: the production checklist gained an item.
    first = db.session.scalar(select(Area).where(Area.kind == "production"))
    production = services.checklist_for(first).checklist
    services.revise_checklist(
        officer,
        production,
        {"name": production.name, "items": "\n".join([*CHECKLISTS[0][2], "作业区照明充足"])},
    )
    del checklist
    group = services.save_group(
        officer, {"name": "机加工群监小组", "department_id": workshops["机加工车间"].id}
    )
    services.add_member(officer, group, {"user_id": officer.id, "is_leader": "y"})
    services.add_member(officer, group, {"user_id": inspector.id})
    plans = [
        services.save_plan(
            officer,
            {"inspector_id": inspector.id, "area_id": areas[0].id, "weekdays": ["0", "2", "4"]},
        ),
        services.save_plan(
            officer, {"inspector_id": inspector.id, "area_id": areas[3].id, "weekdays": ["1", "3"]}
        ),
    ]
    # Made two weeks ago, so the coverage of the weeks before this one has a history to show.
    for plan in plans:
        plan.created_at = datetime.now(UTC) - timedelta(days=14)
    _patrols(inspector, areas)
    _hazards(officer, inspector, member, areas)
    services.report_violation(
        inspector,
        {
            "area_id": areas[2].id,
            "rule": "高处作业未系安全带",
            "person": "总装一班 某职工",
            "description": "吊装工位登高作业未系安全带，已当场制止。",
        },
        [_photo("#884400")],
    )
    db.session.flush()


def _patrols(inspector, areas) -> None:
    now = datetime.now(UTC)
    for days_ago, area in ((3, areas[0]), (1, areas[0]), (2, areas[3])):
        version = services.checklist_for(area)
        when = now - timedelta(days=days_ago)
        answers = [
            {"item_id": item.id, "answer": "no" if i == 1 and days_ago == 1 else "yes", "note": ""}
            for i, item in enumerate(version.items)
        ]
        services.record_patrol(
            inspector,
            {"area_id": area.id, "checklist_id": version.id, "answers": answers},
            captured_at=when,
        )


def _hazards(officer, inspector, member, areas) -> None:
    due = local_today() + timedelta(days=7)
    for title, area_index, category, severity, steps in HAZARDS:
        hazard, _created = services.report_hazard(
            member,
            {
                "title": title,
                "area_id": areas[area_index].id,
                "category": category,
                "severity": severity,
                "description": f"{title}，请尽快处理。",
            },
            [_photo("#aa2222")],
            captured_at=datetime.now(UTC) - timedelta(days=10),
        )
        for step in steps:
            _step(hazard, step, officer, inspector, due)
    return []


def _step(hazard: Hazard, step: str, officer, inspector, due) -> None:
    if step == "overdue":
        # Assigned nine days ago for a week: the timeline and the deadline tell the same story.
        assigned = hazard.events[-1]
        assigned.captured_at = datetime.now(UTC) - timedelta(days=9)
        hazard.due_on = assigned.due_on = local_today() - timedelta(days=2)
        return
    actor = inspector if step in ("start", "rectify") else officer
    data = {"assignee_id": inspector.id, "due_on": due.isoformat(), "note": ""}
    notes = {
        "rectify": "已整改完毕，请验收。",
        "reject": "非安全隐患，属日常保洁。",
        "verify": "现场验收合格。",
        "assign": "请一周内整改。",
    }
    data["note"] = notes.get(step, "")
    photos = [_photo("#227722")] if step == "rectify" else []
    services.act_on_hazard(actor, hazard, step, data, photos)


def register(reg) -> None:
    reg.demo(load)
