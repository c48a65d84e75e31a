"""Commendations: a department head nominates a person of their workshop, the union names
the honour with a citation; the board shows it to everyone and the person sees it on 我的.
Every /honours route × every role; bad input is refused in Chinese and writes nothing."""

import io
from dataclasses import dataclass

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app import storage
from app.models import Notification, Role
from app.models.honours import Honour, HonourStatus, HonourTitle
from app.models.proposals import DepartmentHead
from tests.conftest import AuthActions
from tests.factories import make_department, make_user
from tests.helpers import full_width, kept_tokens, text

ROLES = ["member", "inspector", "safety_officer", "care_officer", "head", "organizer", "admin"]
UNION = {"organizer", "admin"}


@dataclass
class Cast:
    people: dict
    worker: object
    outsider: object


@pytest.fixture
def cast(db):
    workshop = make_department("机加工车间")
    team = make_department("车工班", parent=workshop)
    other = make_department("装配车间")
    people = {
        role: make_user(*([Role(role)] if role not in ("member", "head") else [])) for role in ROLES
    }
    people["head"].department = workshop
    db.session.add(DepartmentHead(department_id=workshop.id, user_id=people["head"].id))
    db.session.commit()
    worker = make_user(name="孙车工", employee_no="P9001", department=team)
    outsider = make_user(name="吴装配", employee_no="P9002", department=other)
    return Cast(people, worker, outsider)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 100), "#aa3344").save(out, "JPEG")
    return out.getvalue()


def _honour(cast, status=HonourStatus.AWARDED, year=2025, photo=None, db=None):
    honour = Honour(
        year=year,
        title=HonourTitle.SKILL,
        person=cast.worker,
        reason="技能大赛第一名",
        citation="技艺精湛" if status is HonourStatus.AWARDED else "",
        status=status,
        nominated_by_id=cast.people["head"].id,
        photo_sha256=photo,
    )
    db.session.add(honour)
    db.session.commit()
    return honour


def _count(db):
    return (
        db.session.scalar(select(func.count()).select_from(Honour)),
        tuple(db.session.execute(select(Honour.id, Honour.status)).all()),
        db.session.scalar(select(func.count()).select_from(Notification)),
    )


def test_a_head_nominates_the_union_names_and_everyone_sees_it(client, auth, cast, db):
    head, organizer = cast.people["head"], cast.people["organizer"]
    auth.login(head)
    # Typed as a phone keyboard types it first: p9001 is P9001.
    form = {"employee_no": "p9001", "title": "skill", "year": "2025", "reason": "市技能大赛第一名"}
    response = client.post(
        "/honours/nominate",
        data={**form, "photo": (io.BytesIO(_jpeg()), "me.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    honour = db.session.scalar(select(Honour))
    assert honour.status is HonourStatus.NOMINATED and honour.photo_sha256
    # Only people of the head's own workshop.
    other = client.post("/honours/nominate", data={**form, "employee_no": "P9002"})
    assert other.status_code == 422 and "部门负责人只能提名本车间的职工" in text(other)
    assert "孙车工" in text(client.get("/honours/nominations"))
    assert "孙车工" not in text(client.get("/honours/?year=2025"))  # not named yet
    auth.logout()

    auth.login(organizer)
    assert "评先提名" in text(client.get("/"))  # the union's home card
    page = text(client.get(f"/honours/{honour.id}"))
    assert "市技能大赛第一名" in page and "授予荣誉" in page
    no_citation = client.post(f"/honours/{honour.id}/decide", data={"decision": "award"})
    assert no_citation.status_code == 422 and "授予荣誉须写明事迹评语" in text(no_citation)
    response = client.post(
        f"/honours/{honour.id}/decide",
        data={"decision": "award", "citation": "刻苦钻研，技艺精湛，带徒有方。"},
    )
    assert response.status_code == 303
    again = client.post(
        f"/honours/{honour.id}/decide", data={"decision": "decline", "citation": ""}
    )
    assert again.status_code == 409 and "这项提名已经评定" in text(again)
    auth.logout()

    auth.login(cast.outsider)
    board = text(client.get("/honours/"))
    assert "2025 · 技术能手" in board and "孙车工" in board and "刻苦钻研" in board
    thumb = client.get(f"/honours/{honour.id}/photo/thumb")
    thumb.close()
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    auth.logout()
    auth.login(cast.worker)
    me = text(client.get("/me"))
    assert "我的荣誉" in me and "2025 · 技术能手" in me
    inbox = db.session.scalar(
        select(Notification.title).where(Notification.user_id == cast.worker.id)
    )
    assert inbox == "您被评为 2025 年度技术能手"


def _cases(cast, db):
    photo = storage.save(storage.prepare(_jpeg())).sha256
    awarded = _honour(cast, db=db, photo=photo)
    bare = _honour(cast, db=db, year=2024)
    nominated = _honour(cast, status=HonourStatus.NOMINATED, year=2026, db=db)
    decide = {"decision": "decline", "citation": "", "note": "名额已满"}
    nominate = {"employee_no": "P9001", "title": "advanced", "year": "2025", "reason": "好"}
    # method, url, data, (union, head, anyone else)
    return [
        ("GET", "/honours/", None, (200, 200, 200)),
        ("GET", "/honours/?year=2025", None, (200, 200, 200)),
        ("GET", "/honours/nominate", None, (200, 200, 403)),
        ("POST", "/honours/nominate", nominate, (303, 303, 403)),
        ("GET", "/honours/nominations", None, (200, 200, 403)),
        ("GET", f"/honours/{awarded.id}", None, (200, 200, 200)),
        ("GET", f"/honours/{nominated.id}", None, (200, 200, 404)),
        ("GET", f"/honours/{awarded.id}/photo", None, (200, 200, 200)),
        ("GET", f"/honours/{awarded.id}/photo/thumb", None, (200, 200, 200)),
        ("GET", f"/honours/{bare.id}/photo", None, (404, 404, 404)),  # none attached
        ("GET", f"/honours/{nominated.id}/photo/thumb", None, (404, 404, 404)),
        ("POST", f"/honours/{nominated.id}/decide", decide, (303, 403, 404)),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_every_role(app, cast, db, role):
    column = 0 if role in UNION else 1 if role == "head" else 2
    for method, url, data, expected in _cases(cast, db):
        client = app.test_client()
        AuthActions(client).login(cast.people[role])
        response = client.open(url, method=method, data=data)
        response.close()
        assert response.status_code == expected[column], (role, method, url)


def test_logged_out_visitors_are_sent_to_log_in(client):
    for url in ("/honours/", "/honours/nominate", "/honours/nominations", "/honours/1"):
        assert client.get(url).status_code == 302


@pytest.mark.parametrize(
    "form, message",
    [
        ({"employee_no": "NOBODY"}, "没有工号为“NOBODY”的会员。"),
        ({"employee_no": ""}, "请填写被提名人的工号。"),
        ({"title": "emperor"}, "请从给出的荣誉中选择。"),
        ({"year": "1999"}, "请填写 2000 到"),
        ({"year": "２０２"}, "请填写 2000 到"),
        ({"year": "9999"}, "请填写 2000 到"),
        ({"reason": ""}, "请写明被提名人的事迹。"),
    ],
)
def test_a_bad_nomination_is_refused_and_writes_nothing(client, auth, cast, db, form, message):
    auth.login(cast.people["organizer"])
    before = _count(db)
    data = {"employee_no": "P9001", "title": "skill", "year": "2025", "reason": "好", **form}
    response = client.post("/honours/nominate", data=data)
    assert response.status_code == 422 and message in text(response)
    assert _count(db) == before


def test_a_huge_photo_or_a_fake_one_is_refused(client, auth, cast, db):
    auth.login(cast.people["organizer"])
    before = _count(db)
    fields = {"employee_no": "P9001", "title": "skill", "year": "2025", "reason": "好"}
    huge = FileStorage(io.BytesIO(b"\xff\xd8" + b"0" * (30 * 1024 * 1024)), "huge.jpg")
    boundary, body = encode_multipart(MultiDict({**fields, "photo": huge}))
    response = client.post(
        "/honours/nominate", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert "发送的内容过大：一次最多发送 12 MB，每张照片或每个文件最多 10 MB。" in text(response)
    fake = client.post(
        "/honours/nominate",
        data={**fields, "photo": (io.BytesIO(b"hello"), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert fake.status_code == 422 and "x.jpg 不是 JPEG、PNG 或 WebP 格式的图片。" in text(fake)
    assert _count(db) == before


def test_a_bad_year_on_the_board_is_a_clear_400(client, auth, cast):
    auth.login(cast.worker)
    response = client.get("/honours/?year=20x5")
    assert response.status_code == 400 and "年份须为四位数字" in text(response)


def test_a_refused_nomination_keeps_its_photo_and_the_corrected_one_saves_it(
    client, auth, cast, db
):
    auth.login(cast.people["head"])
    form = {"employee_no": "P9002", "title": "skill", "year": "2025", "reason": "市技能大赛第一名"}
    refused = client.post(
        "/honours/nominate",
        data={**form, "photo": (io.BytesIO(_jpeg()), "me.jpg")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    page = text(refused)
    # Refused for the person named: the photo is shown again, ticked, not asked for again.
    assert "部门负责人只能提名本车间的职工" in page and "请重新选择照片" not in page
    [token] = kept_tokens(page, "kept_photo")
    assert '<img src="data:image/jpeg;base64,' in page
    bare = text(client.post("/honours/nominate", data=form))
    assert kept_tokens(bare, "kept_photo") == [] and "请重新选择照片" not in bare
    assert db.session.scalar(select(func.count()).select_from(Honour)) == 0
    # Corrected, with the kept photo and no file chosen: the nomination has the photo.
    saved = client.post(
        "/honours/nominate", data={**form, "employee_no": "P9001", "kept_photo": token}
    )
    assert saved.status_code == 303
    honour = db.session.scalar(select(Honour))
    shown = client.get(f"/honours/{honour.id}/photo")
    assert shown.status_code == 200 and shown.data.startswith(b"\xff\xd8")
    shown.close()


def test_a_kept_nomination_photo_is_only_its_chooser_s(client, auth, cast, db):
    head = cast.people["head"]
    auth.login(cast.people["organizer"])
    form = {"employee_no": "P9001", "title": "skill", "year": "2025", "reason": ""}
    page = text(
        client.post(
            "/honours/nominate",
            data={**form, "photo": (io.BytesIO(_jpeg()), "me.jpg")},
            content_type="multipart/form-data",
        )
    )
    [token] = kept_tokens(page, "kept_photo")
    auth.logout()
    auth.login(head)
    data = {**form, "reason": "市技能大赛第一名", "kept_photo": token}
    assert client.post("/honours/nominate", data=data).status_code == 303
    assert db.session.scalar(select(Honour)).photo_sha256 is None


def _titles_and_bodies(db, user) -> list[tuple[str, str, str]]:
    return list(
        db.session.execute(
            select(Notification.title, Notification.body, Notification.url)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        ).tuples()
    )


@pytest.mark.parametrize(
    "decision, citation, headline",
    [
        ("award", "刻苦钻研，技艺精湛。", "您提名的孙车工被评为 2025 年度技术能手"),
        ("decline", "", "您提名的孙车工本次未获评 2025 年度技术能手"),
    ],
)
def test_the_nominator_hears_the_decision_and_the_note(
    client, auth, cast, db, decision, citation, headline
):
    honour = _honour(cast, status=HonourStatus.NOMINATED, db=db)
    auth.login(cast.people["organizer"])
    response = client.post(
        f"/honours/{honour.id}/decide",
        data={"decision": decision, "citation": citation, "note": "事迹材料再补充些数据更好。"},
    )
    assert response.status_code == 303
    auth.logout()
    head = cast.people["head"]
    assert _titles_and_bodies(db, head) == [
        (headline, "事迹材料再补充些数据更好。", f"/honours/{honour.id}")
    ]
    # The link opens the nomination for the nominator, with the union's note.
    auth.login(head)
    page = text(client.get(f"/honours/{honour.id}"))
    assert "事迹材料再补充些数据更好。" in page and "技能大赛第一名" in page


def test_a_union_member_deciding_their_own_nomination_is_not_told(client, auth, cast, db):
    organizer = cast.people["organizer"]
    honour = _honour(cast, status=HonourStatus.NOMINATED, db=db)
    honour.nominated_by_id = organizer.id
    db.session.commit()
    auth.login(organizer)
    client.post(f"/honours/{honour.id}/decide", data={"decision": "decline", "note": "明年再报"})
    assert _titles_and_bodies(db, organizer) == []


def test_a_year_typed_in_full_width_digits_is_read(client, auth, cast, db):
    auth.login(cast.people["organizer"])
    data = {"employee_no": "P9001", "title": "skill", "year": full_width("2025"), "reason": "好"}
    assert client.post("/honours/nominate", data=data).status_code == 303
    assert db.session.scalar(select(Honour.year)) == 2025
    _honour(cast, year=2024, db=db)
    board = client.get(f"/honours/?year={full_width('2024')}")
    assert board.status_code == 200 and "2024 · 技术能手" in text(board)


def test_more_nominations_than_a_page_holds_have_a_pager(client, auth, cast, db):
    """A hundred to a page: the hundred-and-first is one tap away, not only by typing ?page=2."""
    for year in range(1900, 2001):
        db.session.add(
            Honour(
                year=year,
                title=HonourTitle.SKILL,
                person=cast.worker,
                reason="技能大赛第一名",
                status=HonourStatus.NOMINATED,
                nominated_by_id=cast.people["head"].id,
            )
        )
    db.session.commit()
    auth.login(cast.people["organizer"])
    first = text(client.get("/honours/nominations"))
    assert "第 1 页，共 2 页" in first and 'href="/honours/nominations?page=2"' in first  # i18n
    second = text(client.get("/honours/nominations?page=2"))
    assert second.count("孙车工 · 1900") == 1 and "上一页" in second  # i18n


def test_a_nominator_does_not_decide_their_own_nomination(client, auth, cast, db):
    """Conflict of interest: the organizer who nominated someone sees no decide form and is
    refused with the reason; the chairman decides it, and the organizer hears the decision."""
    organizer, chairman = cast.people["organizer"], cast.people["admin"]
    auth.login(organizer)
    data = {"employee_no": "P9001", "title": "skill", "year": "2025", "reason": "技能大赛第一名"}
    assert client.post("/honours/nominate", data=data).status_code == 303
    honour = db.session.scalar(select(Honour))
    assert "评先提名" not in text(client.get("/"))  # no card asks them to decide it
    page = text(client.get(f"/honours/{honour.id}"))
    assert 'id="decide-form"' not in page and "授予荣誉" not in page
    assert "此人由您提名，为避免利益冲突，您不能评定这项提名" in page
    award = {"decision": "award", "citation": "技艺精湛。"}
    response = client.post(f"/honours/{honour.id}/decide", data=award)
    assert response.status_code == 403
    assert "此人由您提名，为避免利益冲突，您不能评定这项提名" in text(response)
    db.session.expire_all()
    assert db.session.get(Honour, honour.id).status is HonourStatus.NOMINATED
    auth.logout()

    auth.login(chairman)
    assert "评先提名" in text(client.get("/"))
    assert 'id="decide-form"' in text(client.get(f"/honours/{honour.id}"))
    assert client.post(f"/honours/{honour.id}/decide", data=award).status_code == 303
    db.session.expire_all()
    assert db.session.get(Honour, honour.id).status is HonourStatus.AWARDED
    assert [t for t, _b, _u in _titles_and_bodies(db, organizer)] == [
        "您提名的孙车工被评为 2025 年度技术能手"
    ]


def test_in_a_union_of_one_the_nominator_decides_their_own_nomination(client, auth, cast, db):
    """With no one else of the union active, a nomination of the only organizer's own would
    wait for ever: they decide it, and the home card counts it."""
    organizer, chairman = cast.people["organizer"], cast.people["admin"]
    chairman.active = False
    db.session.commit()
    auth.login(organizer)
    data = {"employee_no": "P9001", "title": "skill", "year": "2025", "reason": "技能大赛第一名"}
    assert client.post("/honours/nominate", data=data).status_code == 303
    honour = db.session.scalar(select(Honour))
    assert "评先提名" in text(client.get("/"))
    assert 'id="decide-form"' in text(client.get(f"/honours/{honour.id}"))
    award = {"decision": "award", "citation": "技艺精湛。"}
    assert client.post(f"/honours/{honour.id}/decide", data=award).status_code == 303
    db.session.expire_all()
    assert db.session.get(Honour, honour.id).status is HonourStatus.AWARDED
