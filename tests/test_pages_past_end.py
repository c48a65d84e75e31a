"""A page number past the end of a list (an old link, a typed URL) says that page has nothing
and leads back to the list's first page with its filters, instead of saying the list is empty
(or showing a count or pager that contradicts the empty page)."""

import re
from html import unescape
from urllib.parse import unquote

import pytest

from app.blueprints.appeals import services as appeals
from app.blueprints.care.parse import local_today
from app.blueprints.care.services import files
from app.blueprints.proposals import services as proposals
from app.extensions import db
from app.models import Role
from app.models.honours import Honour, HonourStatus, HonourTitle
from app.services import audit
from tests.congress.factories import make_delegate, make_motion, make_notice, make_session
from tests.factories import make_user
from tests.helpers import text


def admin_users():
    admin = make_user(Role.ADMIN)
    return admin, "/admin/users?role=admin", "没有符合条件的人员。", "1 人"


def admin_audit():
    admin = make_user(Role.ADMIN)
    audit.record("test.stocktake", None, actor=admin, summary="年终盘点")
    db.session.commit()
    return admin, "/admin/audit?q=盘点", "暂无记录。", None


def congress_notices():
    organizer = make_user(Role.ORGANIZER)
    make_notice(organizer)
    return organizer, "/congress/notices?category=business", "暂无公开事项。", None


def congress_motions():
    session = make_session(make_user(Role.ORGANIZER))
    delegate = make_delegate(make_user(Role.ORGANIZER), session)
    make_motion(session, delegate)
    return delegate, f"/congress/motions?session={session.id}&state=draft", "暂无提案。", None


def care_files():
    officer = make_user(Role.CARE_OFFICER)
    worker = make_user()
    data = {"worker": worker.employee_no, "level": "extreme", "cause": "other", "income": "100"}
    files.open_file(officer, data | {"opened_on": local_today().isoformat()})
    db.session.commit()
    return officer, "/care/files?status=active&level=extreme", "没有符合条件的档案。", "共 1 份档案"


def appeals_queue():
    appeals.raise_appeal(make_user(), {"category": "wages", "title": "加班费", "details": "少算"})
    db.session.commit()
    return make_user(Role.ORGANIZER), "/appeals/?tab=all", "这里没有诉求。", None


def proposals_list():
    proposer = make_user()
    proposals.save_proposal(proposer, {"title": "废液再生", "category": "reuse"}, submit=False)
    db.session.commit()
    return proposer, "/proposals/?tab=mine&category=reuse", "这里还没有建议。", "共 1 条建议"


def honours_nominations():
    organizer = make_user(Role.ORGANIZER)
    db.session.add(
        Honour(
            year=2025,
            title=HonourTitle.SKILL,
            person=make_user(),
            reason="技能大赛第一名",
            status=HonourStatus.NOMINATED,
            nominated_by_id=organizer.id,
        )
    )
    db.session.commit()
    return organizer, "/honours/nominations", "还没有提名。", None


@pytest.mark.parametrize(
    "make",
    [
        admin_users,
        admin_audit,
        congress_notices,
        congress_motions,
        care_files,
        appeals_queue,
        proposals_list,
        honours_nominations,
    ],
)
def test_a_page_past_the_end_says_so_and_leads_back_to_the_first(client, auth, make):
    user, url, empty, count = make()
    auth.login(user)
    first = text(client.get(url))
    assert empty not in first and "这一页没有内容" not in first
    if count:
        assert count in first
    past = f"{url}{'&' if '?' in url else '?'}page=9"
    response = client.get(past)
    assert response.status_code == 200
    page = text(response)
    assert "这一页没有内容。" in page and "回到第一页" in page
    assert empty not in page and "第 9 页" not in page
    if count:
        assert count not in page
    [back] = re.findall(r'href="([^"]*)">回到第一页<', response.get_data(as_text=True))
    assert unquote(unescape(back)) == url
