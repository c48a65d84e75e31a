"""Every gate page for every role; the officers' writes through their forms; the report's
fragment and full page."""

import io
import re
from html import unescape
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from app.blueprints.gate import services
from app.extensions import db
from app.models import Role, User
from app.models.gate import (
    Post,
    PostHolder,
    PostRequirement,
    Qualification,
    QualificationType,
    TeamLeader,
    WorkerCode,
)
from tests.factories import make_user
from tests.gate.factories import holder, make_world
from tests.helpers import kept_tokens, text
from tests.safety.factories import jpeg_bytes

OFFICERS = {"safety_officer", "organizer", "admin"}
ROLES = ["member", "inspector", "safety_officer", "organizer", "care_officer", "admin", "leader"]


@pytest.fixture
def world(app):
    w = make_world()
    w.worker = holder(w, name="王叉车", safety=100, forklift=400)
    w.code = services.code_for(w.worker)
    w.qualification = db.session.scalar(select(Qualification).limit(1))
    db.session.commit()
    return w


def _person(world, role):
    if role == "leader":
        return world.leader
    return make_user(*([Role(role)] if role != "member" else []))


def _pages(world):
    return {
        "/gate/": "report",
        "/gate/checks": "report",
        "/gate/checks?show=disagreeing&from=2026-11-23&to=2026-11-23": "report",
        "/gate/types": "officer",
        "/gate/types/new": "officer",
        f"/gate/types/{world.safety.id}": "officer",
        "/gate/posts": "officer",
        "/gate/posts/new": "officer",
        f"/gate/posts/{world.post.id}": "officer",
        "/gate/leaders": "officer",
        f"/gate/workers/{world.worker.id}": "officer",
        "/gate/check": "checker",
        "/gate/me": "everyone",
        "/gate/me/code.svg": "everyone",
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_it_should(client, auth, world, role):
    person = _person(world, role)
    auth.login(person)
    officer = role in OFFICERS
    checker = role in ("safety_officer", "leader")
    for url, who in _pages(world).items():
        allowed = {
            "officer": officer,
            "report": officer or checker,
            "checker": checker,
            "everyone": True,
        }[who]
        status = client.get(url).status_code
        assert status == (200 if allowed else 403), (url, role, status)
    # Writes of officers are refused to everyone else and change nothing.
    if not officer:
        posts = [
            ("/gate/types/new", {"name": "焊工证"}),
            ("/gate/posts/new", {"name": "电工", "department": world.team.id}),
            (f"/gate/posts/{world.post.id}/holders", {"employee_no": person.employee_no}),
            ("/gate/leaders", {"department": world.team.id, "employee_no": person.employee_no}),
            (f"/gate/qualifications/{world.qualification.id}/revoke", {"reason": "x"}),
            (f"/gate/codes/{world.code.id}/revoke", {"reason": "x"}),
        ]
        for url, data in posts:
            assert client.post(url, data=data).status_code == 403, url
        assert world.qualification.revoked_at is None and world.code.revoked_at is None
        assert db.session.scalar(select(func.count(QualificationType.id))) == 2
    # The photo of a worker: the worker, officers and the team's checkers.
    services.set_photo(world.officer, world.worker, _stored_photo())
    db.session.commit()
    response = client.get(f"/gate/photos/{world.worker.id}")
    status = response.status_code
    response.close()
    assert status == (200 if officer or checker else 404)


def _stored_photo():
    from app import storage

    return storage.save(storage.prepare(jpeg_bytes())).name


def test_an_officer_sets_up_a_post_and_its_holder(client, auth, world):
    auth.login(world.officer)
    # The type's name is a thing's name (名称), not a person's (姓名).
    form = text(client.get("/gate/types/new"))
    assert "资格名称" in form and "姓名" not in form
    response = client.post(
        "/gate/types/new", data={"name": "焊工证", "validity_months": "36", "active": "y"}
    )
    assert response.status_code == 303
    welding = db.session.scalar(select(QualificationType).where(QualificationType.name == "焊工证"))
    assert welding.validity_months == 36 and not welding.is_safety
    bad = client.post("/gate/posts/new", data={"name": "", "department": world.team.id})
    assert bad.status_code == 422 and "请填写岗位名称" in bad.get_data(as_text=True)
    none_required = client.post(
        "/gate/posts/new", data={"name": "焊工", "department": world.team.id}
    )
    assert "请至少选择一项本岗位要求的资格" in none_required.get_data(as_text=True)
    made = client.post(
        "/gate/posts/new",
        data={"name": "电焊工", "department": world.team.id, "types": [welding.id], "active": "y"},
    )
    assert made.status_code == 303
    post = db.session.scalar(select(Post).where(Post.name == "电焊工"))
    assert [t.name for t in post.required_types] == ["焊工证"]
    unknown = client.post(f"/gate/posts/{post.id}/holders", data={"employee_no": "NOPE"})
    assert unknown.status_code == 422 and "没有使用此工号的在册会员" in unknown.get_data(
        as_text=True
    )
    added = client.post(
        f"/gate/posts/{post.id}/holders", data={"employee_no": world.worker.employee_no}
    )
    assert added.status_code == 303
    (h,) = db.session.scalars(select(PostHolder).where(PostHolder.post_id == post.id)).all()
    report = client.get("/gate/").get_data(as_text=True)
    assert "缺少 焊工证" in report
    assert client.post(f"/gate/holders/{h.id}/remove").status_code == 303
    assert db.session.get(PostHolder, h.id) is None


def test_an_officer_records_a_certificate_with_its_photo_and_revokes(client, auth, world):
    auth.login(world.officer)
    response = client.post(
        f"/gate/workers/{world.worker.id}/certificates",
        data={
            "type": world.forklift.id,
            "certificate_no": "TS-001",
            "issuer": "市场监督管理局",
            "issued_on": "2026-01-05",
            "valid_until": "2030-01-05",
            "photo": (io.BytesIO(jpeg_bytes()), "cert.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    cert = db.session.scalar(select(Qualification).where(Qualification.certificate_no == "TS-001"))
    assert cert.photo and cert.issuer == "市场监督管理局"
    photo = client.get(f"/gate/qualifications/{cert.id}/photo")
    assert photo.status_code == 200
    photo.close()
    bad = client.post(
        f"/gate/workers/{world.worker.id}/certificates",
        data={"type": world.forklift.id, "certificate_no": "", "issuer": "", "issued_on": "x"},
    )
    assert bad.status_code == 422
    no_reason = client.post(f"/gate/qualifications/{cert.id}/revoke", data={"reason": ""})
    # The file again, what is missing said at that qualification's reason.
    assert no_reason.status_code == 422 and cert.revoked_at is None
    assert re.search(rf'id="revoke-q{cert.id}-errors">\s*<li>请填写原因', text(no_reason))
    pasted = client.post(f"/gate/codes/{world.code.id}/revoke", data={"reason": "借给\x00他人"})
    assert pasted.status_code == 422 and world.code.revoked_at is None
    page = text(pasted)
    assert re.search(rf'id="revoke-c{world.code.id}-errors">\s*<li>文字中含有不允许的字符', page)
    assert 'value="借给' in page
    client.post(f"/gate/qualifications/{cert.id}/revoke", data={"reason": "证书造假"})
    assert cert.revoked_at is not None and cert.revoke_reason == "证书造假"
    client.post(f"/gate/codes/{world.code.id}/revoke", data={"reason": "借给他人"})
    assert world.code.revoke_reason == "借给他人"
    page = client.get(f"/gate/workers/{world.worker.id}").get_data(as_text=True)
    assert "证书造假" in page and "借给他人" in page


def test_leaders_are_named_and_removed(client, auth, world):
    auth.login(world.officer)
    other = make_user(name="何班长")
    added = client.post(
        "/gate/leaders", data={"department": world.other_team.id, "employee_no": other.employee_no}
    )
    assert added.status_code == 303
    assert db.session.get(TeamLeader, (world.other_team.id, other.id)) is not None
    removed = client.post(f"/gate/leaders/{world.other_team.id}/{other.id}/remove")
    assert removed.status_code == 303
    assert db.session.get(TeamLeader, (world.other_team.id, other.id)) is None


def test_a_worker_reissues_their_code(client, auth, world):
    auth.login(world.worker)
    page = client.get("/gate/me").get_data(as_text=True)
    assert "我的上岗码" in page and "/gate/me/code.svg" in page
    assert client.post("/gate/me/reissue").status_code == 303
    assert world.code.revoke_reason == "reissued"
    live = db.session.scalars(select(WorkerCode).where(WorkerCode.revoked_at.is_(None))).all()
    assert len(live) == 1 and live[0].id != world.code.id


def test_the_report_is_a_fragment_for_htmx(client, auth, world, htmx_headers):
    auth.login(world.officer)
    full = client.get("/gate/")
    part = client.get(f"/gate/?department={world.workshop.id}", headers=htmx_headers)
    assert "<html" in full.get_data(as_text=True)
    body = part.get_data(as_text=True)
    assert "<html" not in body and "王叉车" in body and "焊工" not in body


def test_the_report_s_worker_lookup_button_says_what_it_does_in_both_languages(client, auth, world):
    """The button that opens a worker's page by employee number read 未销号 (a hazard's
    state, 'Open' in the shared catalog); the button is asked for in its own context."""
    auth.login(world.officer)
    button = re.compile(r'id="gate-find"[^>]*>\s*<button[^>]*>([^<]*)</button>')
    assert button.search(text(client.get("/gate/"))).group(1) == "查看"
    world.officer.locale = "en"
    db.session.commit()
    assert button.search(text(client.get("/gate/"))).group(1) == "Open"


def test_the_report_says_so_when_the_department_filter_names_no_department(client, auth, world):
    """A value that is no department (or one this checker may not see) is a 400 that says
    why, not every department shown as if no filter had been asked for."""
    auth.login(world.officer)
    for value in ("²", "abc", "-1", "99999", str(2**40)):
        response = client.get("/gate/", query_string={"department": value})
        assert response.status_code == 400, value
        assert "没有这个部门，或您无权查看它。" in response.get_data(as_text=True)
    assert client.get("/gate/", query_string={"department": ""}).status_code == 200


def _many_posts(world) -> list[Post]:
    """Eleven more posts in the world's team (twelve in the workshop, one over a page): one
    holder each, who may work, save one who may not and one whose certificate runs out soon;
    and a refused holder in another workshop, which the workshop's report leaves out."""
    posts = []
    for i in range(1, 12):
        post = Post(department_id=world.team.id, name=f"工位{i:02d}")
        db.session.add(post)
        db.session.flush()
        db.session.add(PostRequirement(post_id=post.id, type_id=world.safety.id))
        days = {5: -1, 7: 10}.get(i, 100)
        holder(world, post=post, name=f"工人{i:02d}", safety=days)
        posts.append(post)
    holder(world, post=world.other_post, name="外车间")
    db.session.commit()
    return posts


def _shown(page: str) -> tuple[list[str], dict[str, str]]:
    """The posts a report page shows, and its totals."""
    posts = re.findall(r'<h2 class="card-title">[^<]* · ([^<]+)</h2>', page)
    totals = dict(re.findall(r'<dd data-total="(\w+)">(\d+)</dd>', page))
    return posts, totals


def test_the_report_comes_a_page_of_posts_at_a_time_with_its_filter(client, auth, world):
    """A works' report listed every post and holder on one page; it now shows ten posts a
    page with the shared pager, keeps the department across pages, and its totals stay
    those of every post the filter names."""
    _many_posts(world)
    auth.login(world.officer)
    first = client.get("/gate/", query_string={"department": world.workshop.id})
    page = text(first)
    posts, totals = _shown(page)
    assert len(posts) == 10 and "第 1 页，共 2 页" in page and "焊工" not in posts
    assert totals == {"allowed": "11", "refused": "1", "expiring": "1"}
    [later] = re.findall(r'href="([^"]+)"[^>]*>下一页<', first.get_data(as_text=True))
    assert unquote(unescape(later)) == f"/gate/?department={world.workshop.id}&page=2"
    second = text(client.get(unescape(later)))
    rest, same = _shown(second)
    assert "第 2 页，共 2 页" in second and "上一页" in second and same == totals
    assert len(rest) == 2 and set(posts) | set(rest) == {"叉车司机"} | {
        f"工位{i:02d}" for i in range(1, 12)
    }
    # the whole works: the other workshop's post and its refused holder too
    posts, totals = _shown(text(client.get("/gate/")))
    assert len(posts) == 10 and totals == {"allowed": "11", "refused": "2", "expiring": "1"}


def test_the_report_pages_within_itself_for_htmx(client, auth, world, htmx_headers):
    _many_posts(world)
    auth.login(world.officer)
    part = client.get(f"/gate/?department={world.workshop.id}", headers=htmx_headers)
    body = part.get_data(as_text=True)
    assert "<html" not in body
    href = unescape(re.search(r'hx-get="([^"]+)" hx-target="#gate-report"', body).group(1))
    assert unquote(href) == f"/gate/?department={world.workshop.id}&page=2"


def test_a_report_page_past_the_end_leads_back_to_the_first_with_the_filter(client, auth, world):
    _many_posts(world)
    auth.login(world.officer)
    url = f"/gate/?department={world.workshop.id}"
    response = client.get(f"{url}&page=9")
    assert response.status_code == 200
    page = text(response)
    assert "这一页没有内容。" in page and "回到第一页" in page
    assert "第 9 页" not in page and "这里还没有岗位" not in page and "data-total" not in page
    [back] = re.findall(r'href="([^"]*)">回到第一页<', response.get_data(as_text=True))
    assert unquote(unescape(back)) == url


def test_the_report_refuses_a_number_that_is_no_page_number(client, auth, world):
    auth.login(world.officer)
    for junk in ("abc", "0", "-1", "１", "9999999"):
        response = client.get("/gate/", query_string={"page": junk})
        assert response.status_code == 400, junk
        assert "页码须为 1 到 100000 之间的整数。" in text(response)
    assert client.get("/gate/", query_string={"page": "1"}).status_code == 200


def _errors_at(page: str, field: str) -> list[str]:
    """The messages shown under a field (its `<ul class="errors" id="<field>-errors">`)."""
    found = re.search(rf'<ul class="errors" id="{re.escape(field)}-errors">(.*?)</ul>', page, re.S)
    return re.findall(r"<li>(.*?)</li>", found.group(1)) if found else []


def test_every_mistake_of_a_certificate_is_said_at_once(client, auth, world):
    """A number and an issuer of spaces and no date: all three on the first try, each under
    its field (a tester was told only of the date, the rest one a try)."""
    auth.login(world.officer)
    held = db.session.scalar(select(func.count()).select_from(Qualification))
    response = client.post(
        f"/gate/workers/{world.worker.id}/certificates",
        data={"type": world.forklift.id, "certificate_no": "  ", "issuer": " ", "issued_on": ""},
    )
    assert response.status_code == 422
    page = text(response)
    assert _errors_at(page, "certificate_no") == ["请填写证书编号。"]
    assert _errors_at(page, "issuer") == ["请填写发证机关。"]
    assert _errors_at(page, "issued_on") == ["请输入日期。"]
    assert db.session.scalar(select(func.count()).select_from(Qualification)) == held


def test_a_refused_certificate_keeps_its_photo_for_the_corrected_one(client, auth, world):
    auth.login(world.officer)
    url = f"/gate/workers/{world.worker.id}/certificates"
    fields = {
        "type": world.forklift.id,
        "certificate_no": "TS-002",
        "issuer": "市场监督管理局",
        "issued_on": "2026-01-05",
    }
    refused = client.post(
        url,
        data={**fields, "issuer": "", "photo": (io.BytesIO(jpeg_bytes()), "cert.jpg")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    page = text(refused)
    assert "请填写发证机关。" in page
    [token] = kept_tokens(page, "kept_photo")
    assert client.post(url, data={**fields, "kept_photo": token}).status_code == 303
    cert = db.session.scalar(select(Qualification).where(Qualification.certificate_no == "TS-002"))
    photo = client.get(f"/gate/qualifications/{cert.id}/photo")
    assert cert.photo and photo.status_code == 200 and photo.data.startswith(b"\xff\xd8")
    photo.close()


def test_a_post_that_requires_no_qualification_says_so(client, auth, world):
    """A post with no requirement read "要求：" and nothing after it, on the report and the
    posts list."""
    free = Post(department_id=world.team.id, name="保洁")
    db.session.add(free)
    db.session.flush()
    holder(world, post=free, name="赵保洁")
    db.session.commit()
    auth.login(world.officer)
    for url in ("/gate/", "/gate/posts"):
        page = text(client.get(url))
        assert "无需资格证书" in page.split("保洁", 1)[1], url
        assert "要求：</p>" not in page, url


def test_the_report_reads_as_many_statements_for_a_thousand_holders_as_for_one(
    client, auth, world, count_queries
):
    """A post lists every holder, and each holder came as an account, which read their roles
    too: one more statement every 500 holders. The report shows names; it reads no roles."""
    from sqlalchemy import insert

    def report():
        with count_queries() as counter:
            page = client.get("/gate/")
        assert page.status_code == 200
        return counter.count, page.get_data(as_text=True)

    auth.login(world.officer)
    report()  # the log-in's own look-ups are not the report's
    few, _page = report()
    first = db.session.scalar(select(func.max(PostHolder.user_id))) + 1000
    ids = range(first, first + 1200)
    db.session.execute(
        insert(User),
        [
            {"id": i, "employee_no": f"H{i:05d}", "name": f"持证{i}", "password_hash": "x"}
            for i in ids
        ],
    )
    db.session.execute(insert(PostHolder), [{"post_id": world.post.id, "user_id": i} for i in ids])
    db.session.commit()
    many, page = report()
    assert many == few
    assert page.count("持证") == 1200
