"""Demo posts in the workshops, with workers whose qualifications are valid, expiring,
expired, revoked and missing, their photos and codes, a team leader (T0001) who can try
the check at the entrance of 车工班, and a few checks kept, one the record disagrees with.
Runs once: when a demo post exists it leaves all alone."""

import io
from datetime import timedelta
from uuid import uuid4

from flask_babel import gettext as _
from PIL import Image, ImageDraw
from sqlalchemy import select

from app import storage
from app.extensions import db
from app.models import User
from app.models._types import utcnow
from app.models.gate import Post, PostHolder, PostRequirement, QualificationSource, TeamLeader

from . import services
from .queries import local_today

# name, is safety, months
TYPES = [
    ("安全生产培训合格证", True, 12),
    ("叉车司机证", False, 48),
    ("焊工证", False, 36),
    ("电工作业证", False, 72),
    ("受限空间作业证", False, 24),
]
SAFETY = "安全生产培训合格证"
# department path, post, required types
POSTS = [
    ("机加工车间/车工班", "车工", [SAFETY]),
    ("机加工车间/车工班", "叉车司机", [SAFETY, "叉车司机证"]),
    ("装配车间/总装一班", "焊工", [SAFETY, "焊工证"]),
    ("动力车间/电工班", "电工", [SAFETY, "电工作业证"]),
    ("动力车间/电工班", "受限空间作业", [SAFETY, "受限空间作业证"]),
]
# employee no, name, department, posts, {type: days valid from today (negative: expired;
# "revoked": revoked)}; a type left out is missing.
WORKERS = [
    (
        "G0001",
        "王叉车",
        "机加工车间/车工班",
        ["叉车司机", "车工"],
        {SAFETY: 200, "叉车司机证": 700},
    ),
    ("G0002", "赵叉车", "机加工车间/车工班", ["叉车司机"], {SAFETY: 150, "叉车司机证": -20}),
    ("G0003", "钱车工", "机加工车间/车工班", ["车工"], {SAFETY: 10}),
    ("G0004", "周车工", "机加工车间/车工班", ["车工"], {}),
    ("G0005", "吴焊工", "装配车间/总装一班", ["焊工"], {SAFETY: 90, "焊工证": "revoked"}),
    (
        "G0006",
        "郑电工",
        "动力车间/电工班",
        ["电工", "受限空间作业"],
        {SAFETY: 120, "电工作业证": 1000, "受限空间作业证": 25},
    ),
    ("G0007", "冯焊工", "装配车间/总装一班", ["焊工"], {SAFETY: 300, "焊工证": 500}),
]
LEADER = ("T0001", "孙班长", "机加工车间/车工班")
COLOURS = ["#2a6f97", "#6a994e", "#bc4749", "#8e7dbe", "#e09f3e", "#386641", "#5e548e"]


def _photo(text: str, colour: str) -> str:
    """A plain portrait placeholder, stored like any uploaded photo."""
    image = Image.new("RGB", (480, 600), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((140, 90, 340, 290), fill="#f1dcc4")
    draw.rounded_rectangle((90, 320, 390, 600), radius=60, fill="#f1dcc4")
    draw.text((20, 20), text, fill="white")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return storage.save(storage.prepare(out.getvalue(), name=f"{text}.jpg")).name


def load(ctx) -> list:
    leader = ctx.person(*LEADER)
    logins = [(leader.employee_no, ctx.password, leader.name, _("Team leader (gate check)"))]
    if db.session.scalar(select(Post.id).where(Post.name == POSTS[0][1]).limit(1)):
        return logins
    officer = User.by_employee_no("S0001")
    if db.session.get(TeamLeader, (ctx.departments[LEADER[2]].id, leader.id)) is None:
        db.session.add(TeamLeader(department_id=ctx.departments[LEADER[2]].id, user_id=leader.id))
    types = {}
    for name, safety, months in TYPES:
        qtype = services.type_named(name, is_safety=safety, validity_months=months)
        qtype.is_safety, qtype.validity_months = safety, months
        types[name] = qtype
    posts = {}
    for path, name, required in POSTS:
        post = Post(department_id=ctx.departments[path].id, name=name, active=True)
        post.requirements = []
        db.session.add(post)
        db.session.flush()
        for type_name in required:
            post.requirements.append(PostRequirement(type_id=types[type_name].id))
        posts[name] = post
    today = local_today()
    for index, (no, name, path, held_posts, held) in enumerate(WORKERS):
        person = ctx.person(no, name, path)
        for post_name in held_posts:
            db.session.add(PostHolder(post_id=posts[post_name].id, user_id=person.id))
        for type_name, days in held.items():
            revoked = days == "revoked"
            until = today + timedelta(days=200 if revoked else days)
            # Issued one validity period before it runs out, and never later than yesterday:
            # the app itself refuses a certificate issued in the future.
            months = types[type_name].validity_months or 12
            issued = min(services.add_months(until, -months), today - timedelta(days=1))
            qualification = services.grant_qualification(
                person,
                types[type_name],
                issued,
                until,
                source=QualificationSource.CERTIFICATE,
                recorded_by=officer,
                certificate_no=f"T{no[1:]}{index}{len(type_name)}0{days if not revoked else 0}",
                issuer="市应急管理局",
            )
            if revoked:
                qualification.revoked_at = utcnow()
                qualification.revoked_by_id = officer.id if officer else None
                qualification.revoke_reason = "违章作业，暂扣"
        services.code_for(person)
        services.set_photo(officer, person, _photo(no, COLOURS[index % len(COLOURS)]))
    db.session.flush()
    _checks(leader, officer, posts, today)
    return logins


def _checks(leader, officer, posts, today) -> None:
    """Checks kept from the entrance: two the record agrees with, and one from the officer's
    phone, whose old copy let in 吴焊工 after his 焊工证 was revoked (与系统记录不符)."""
    for no in ("G0001", "G0002"):
        services.check_here(leader, posts["叉车司机"], no, today)
    if officer is not None:
        data = {"worker_id": User.by_employee_no("G0005").id, "post_id": posts["焊工"].id}
        services.record_check(officer, {**data, "result": "allowed"}, client_id=str(uuid4()))


def register(reg) -> None:
    reg.demo(load)
