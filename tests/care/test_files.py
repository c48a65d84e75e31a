"""Files: every read audited; reviews; bad input gets a clear Chinese message and writes
nothing."""

import dataclasses
import io
import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.blueprints.care.parse import local_today
from app.blueprints.care.services import attachments, files
from app.models import AuditLog
from app.models.care import (
    CareAttachment,
    CareFile,
    CareLevel,
    CareReview,
    CareSupport,
    FileStatus,
    HouseholdMember,
)
from tests.care.conftest import jpeg
from tests.factories import make_user
from tests.helpers import text


def _count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _reads(db, file_id, action="care.file.read"):
    return db.session.scalars(
        select(AuditLog).where(AuditLog.action == action, AuditLog.target_id == str(file_id))
    ).all()


def test_every_read_of_a_file_writes_an_audit_entry(client, auth, world, db):
    admin, officer = world.people["admin"], world.people["care_officer"]
    auth.login(admin)
    assert client.get(f"/care/files/{world.file.id}").status_code == 200
    client.get(f"/care/visits/{world.visit.id}")
    client.get(f"/care/attachments/{world.attachment.id}").close()
    auth.logout()
    auth.login(officer)
    page = client.get(f"/care/files/{world.file.id}")
    assert "妻子长期透析" in text(page) and "保密" in text(page)
    client.get(f"/care/plans/{world.plan.id}/visit/{world.file.id}")
    reads = _reads(db, world.file.id)
    number = f"档案 #{world.file.id}"
    assert [(r.actor_id, r.summary) for r in reads] == [
        (admin.id, f"{number} · 档案页"),
        (admin.id, f"{number} · 走访记录"),
        (admin.id, f"{number} · 附件 {world.attachment.id}"),
        (officer.id, f"{number} · 档案页"),
        (officer.id, f"{number} · 走访登记页"),
    ]
    assert all(r.target_type == "CareFile" and r.address for r in reads)


def test_the_chairman_reads_but_cannot_change(client, auth, world):
    auth.login(world.people["admin"])
    page = text(client.get(f"/care/files/{world.file.id}"))
    assert "王秀兰" in page and "添加家庭成员" not in page and "年度复核" not in page
    assert client.post(f"/care/files/{world.file.id}/supports", data={}).status_code == 403


def _new_file(client, **fields):
    worker = make_user(name="新职工")
    data = {
        "worker": worker.employee_no,
        "level": "hardship",
        "cause": "illness",
        "income": "1800",
        "opened_on": local_today().isoformat(),
        **fields,
    }
    return worker, client.post("/care/files/new", data=data)


def test_an_officer_opens_a_file_with_a_certificate(client, auth, people, db):
    auth.login(people["care_officer"])
    worker, response = _new_file(
        client,
        attachments=[
            (io.BytesIO(jpeg()), "证明.jpg"),
            (io.BytesIO(b"%PDF-1.4\n...\n%%EOF\n"), "诊断.pdf"),
        ],
        phone="+86 (571) 8888-6666",
    )
    assert response.status_code == 303
    file = db.session.scalar(select(CareFile).where(CareFile.worker_id == worker.id))
    assert 'href="tel:+86 (571) 8888-6666"' in text(client.get(f"/care/files/{file.id}"))
    assert file.review_due_on == file.opened_on.replace(year=file.opened_on.year + 1)
    assert [(m.relation, m.monthly_income) for m in file.members] == [("本人", Decimal("1800.00"))]
    kinds = db.session.scalars(
        select(CareAttachment.content_type).where(CareAttachment.file_id == file.id)
    ).all()
    assert sorted(kinds) == ["application/pdf", "image/jpeg"]
    # A second open file for the same worker is refused.
    again = client.post(
        "/care/files/new",
        data={
            "worker": worker.employee_no,
            "level": "extreme",
            "cause": "other",
            "opened_on": local_today().isoformat(),
        },
    )
    assert again.status_code == 422 and "该职工已有在档的档案" in text(again)


# A NUL character (pasted text can carry one) is refused at its field, like any bad input.
NUL_REFUSED = "文字中含有不允许的字符。"


def test_bad_input_is_refused_in_chinese_and_writes_nothing(client, auth, people, world, db):
    auth.login(people["care_officer"])
    files_before = _count(db, CareFile)
    cases = [
        ({"income": "-200"}, "金额不能为负数"),
        ({"income": "1" + "0" * 30}, "金额不能超过"),
        ({"income": "1e3"}, "请输入以元为单位的金额"),
        ({"income": "12.345"}, "最多保留两位小数"),
        ({"situation": "家里\x00困难"}, NUL_REFUSED),
        ({"opened_on": (local_today() + timedelta(days=3)).isoformat()}, "日期不能晚于"),
        ({"opened_on": "2026-13-45"}, "请输入日期"),
        # Well formed but out of range: the page says the range, not the format.
        ({"opened_on": "1900-01-01"}, f"请输入 1990-01-01 至 {local_today()} 之间的日期。"),
        ({"phone": "abc"}, "请输入 7 至 15 位数字的电话号码"),
        ({"phone": "12345"}, "请输入 7 至 15 位数字的电话号码"),
        ({"level": "rich"}, "请从给出的选项中选择"),
        ({"address": "路" * 500}, "最多使用 200 个字符"),
    ]
    for fields, message in cases:
        _worker, response = _new_file(client, **fields)
        assert response.status_code == 422, fields
        assert message in text(response), fields
    assert _count(db, CareFile) == files_before

    members = _count(db, HouseholdMember)
    for fields, message in [
        ({"name": "儿子", "relation": "儿子", "monthly_income": "-1"}, "金额不能为负数"),
        ({"name": "儿子", "relation": "儿子", "birth_year": "99999"}, "请输入 1900 到"),
        ({"name": "儿\x00子", "relation": "儿子"}, NUL_REFUSED),
        ({"relation": "儿子"}, "请填写家庭成员的姓名。"),
        ({"name": "儿子"}, "请填写与职工的关系。"),
    ]:
        response = client.post(f"/care/files/{world.file.id}/members", data=fields)
        assert response.status_code == 422 and message in text(response), fields
    assert _count(db, HouseholdMember) == members

    supports = _count(db, CareSupport)
    response = client.post(
        f"/care/files/{world.file.id}/supports",
        data={
            "kind": "money",
            "given_on": local_today().isoformat(),
            "amount": "99999999999",
            "description": "慰问金",
        },
    )
    assert response.status_code == 422 and "金额不能超过" in text(response)
    assert _count(db, CareSupport) == supports


def _multipart(client, url, fields, name, payload, filename):
    """Post bytes as a file part, encoded up front: the test client would otherwise spool a
    big body to a temporary file that a refused request leaves open."""
    boundary, body = encode_multipart(
        MultiDict({**fields, name: FileStorage(io.BytesIO(payload), filename)})
    )
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_a_small_attachment_shows_its_size_in_bytes(client, auth, world):
    size = world.attachment.size
    assert size < 1024
    auth.login(world.people["admin"])
    page = text(client.get(f"/care/files/{world.file.id}"))
    assert f"图片 · {size} B · " in page  # i18n
    assert "0 KB" not in page


def test_a_30_mb_attachment_gets_a_clear_message_and_is_not_stored(client, auth, world, db):
    auth.login(world.people["care_officer"])
    before = _count(db, CareAttachment)
    response = _multipart(
        client,
        f"/care/files/{world.file.id}/attachments",
        {"title": "诊断证明"},
        "attachments",
        b"\xff\xd8" + b"0" * (30 * 1024 * 1024),
        "big.jpg",
    )
    assert response.status_code == 413
    assert "发送的内容过大：一次最多发送 12 MB，每张照片或每个文件最多 10 MB。" in text(response)
    assert _count(db, CareAttachment) == before


def test_an_attachment_over_10_mb_or_not_a_picture_is_refused(client, auth, world, db, app):
    app.config["MAX_CONTENT_LENGTH"] = 40 * 1024 * 1024
    auth.login(world.people["care_officer"])
    before = _count(db, CareAttachment)
    for payload, message in [
        (b"\xff\xd8" + b"0" * (11 * 1024 * 1024), "超过 10 MB"),
        (b"MZ\x90\x00 not a picture", "不是图片"),
        (b"%PDF-1.4 cut short", "不是完整的 PDF"),
    ]:
        response = _multipart(
            client,
            f"/care/files/{world.file.id}/attachments",
            {"title": "材料"},
            "attachments",
            payload,
            "x.bin",
        )
        assert response.status_code == 422 and message in text(response)
    assert _count(db, CareAttachment) == before


def test_the_attach_form_s_hint_follows_the_one_upload_limit(client, auth, world, app):
    """The label once said 'up to 10 MB each' by hand; the hint reads UPLOAD_LIMITS."""
    app.config["UPLOAD_LIMITS"] = dataclasses.replace(app.config["UPLOAD_LIMITS"], max_mb=1)
    app.config["MAX_CONTENT_LENGTH"] = 3 * 1024 * 1024
    auth.login(world.people["care_officer"])
    page = text(client.get(f"/care/files/{world.file.id}"))
    assert "图片或 PDF，每个不超过 1 MB，最多 6 个；合计不超过 3 MB。" in page
    assert "10 MB" not in page


def test_the_attach_hints_and_the_refusal_say_the_number_the_check_allows(
    client, auth, world, db, monkeypatch
):
    """Both forms' hints and the refusal once said 6 files by hand, whatever the service
    allowed; they now read the number it checks."""
    monkeypatch.setattr(attachments, "MAX_PER_UPLOAD", 2)
    auth.login(world.people["care_officer"])
    hint = "图片或 PDF，每个不超过 10 MB，最多 2 个；合计不超过 12 MB。"
    assert hint in text(client.get(f"/care/files/{world.file.id}"))
    assert hint in text(client.get("/care/files/new"))
    before = _count(db, CareAttachment)
    response = client.post(
        f"/care/files/{world.file.id}/attachments",
        data={"title": "材料", "attachments": [(io.BytesIO(jpeg()), f"{i}.jpg") for i in range(3)]},
    )
    assert response.status_code == 422 and "一次最多上传 2 个文件。" in text(response)
    assert _count(db, CareAttachment) == before


def test_a_review_continues_changes_the_level_or_closes_the_file(client, auth, world, db):
    auth.login(world.people["care_officer"])
    file_id = world.file.id
    opened = world.file.opened_on
    early = client.post(
        f"/care/files/{file_id}/review",
        data={"reviewed_on": (opened - timedelta(days=1)).isoformat(), "outcome": "continue"},
    )
    assert early.status_code == 422 and "复核日期不能早于" in text(early)
    assert _count(db, CareReview) == 0

    same = client.post(
        f"/care/files/{file_id}/review",
        data={
            "reviewed_on": local_today().isoformat(),
            "outcome": "change_level",
            "to_level": "extreme",
        },
    )
    assert same.status_code == 422 and "请选择与当前不同的等级" in text(same)
    no_reason = client.post(
        f"/care/files/{file_id}/review",
        data={"reviewed_on": local_today().isoformat(), "outcome": "exit"},
    )
    assert no_reason.status_code == 422 and "请说明脱困原因" in text(no_reason)
    assert _count(db, CareReview) == 0

    ok = client.post(
        f"/care/files/{file_id}/review",
        data={
            "reviewed_on": local_today().isoformat(),
            "outcome": "change_level",
            "to_level": "hardship",
        },
    )
    assert ok.status_code == 303
    db.session.expire_all()
    file = db.session.get(CareFile, file_id)
    assert file.level is CareLevel.HARDSHIP
    assert file.review_due_on == local_today().replace(year=local_today().year + 1)
    # The review reads as Chinese does, with a full-width colon.
    reviewed = text(client.get(f"/care/files/{file_id}"))
    assert "调整等级：" in reviewed and "调整等级: " not in reviewed

    out = client.post(
        f"/care/files/{file_id}/review",
        data={
            "reviewed_on": local_today().isoformat(),
            "outcome": "exit",
            "note": "子女工作，收入稳定",
        },
    )
    assert out.status_code == 303
    db.session.expire_all()
    file = db.session.get(CareFile, file_id)
    assert file.status is FileStatus.EXITED and file.exit_reason == "子女工作，收入稳定"
    page = text(client.get(f"/care/files/{file_id}"))
    assert "已脱困" in page and "子女工作，收入稳定" in page


def test_overdue_reviews_show_and_the_daily_job_reminds_officers_once_a_week(
    client, auth, world, db
):
    from app.blueprints.care.jobs import remind
    from app.models import Notification

    file = db.session.get(CareFile, world.file.id)
    file.review_due_on = local_today() - timedelta(days=2)
    db.session.commit()
    auth.login(world.people["care_officer"])
    listing = text(client.get("/care/files?due=1"))
    assert "复核逾期" in listing and world.worker.name in listing

    assert remind()["reviews_overdue"] == 1
    db.session.commit()
    assert remind()["reviews_overdue"] == 0  # told already this week
    titles = db.session.scalars(
        select(Notification.title).where(Notification.kind == "care_rights.care_reviews")
    ).all()
    assert titles == ["1 份困难职工档案已超过年度复核期限"]
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "care_rights.care_reviews")
    ).all()
    assert told == [world.people["care_officer"].id]
    assert not any(world.worker.name in t for t in titles)


def test_a_colleague_proposes_and_the_officer_opens_the_file_from_it(client, auth, world, db):
    from app.models.care import CareProposal, ProposalStatus

    auth.login(world.people["organizer"])
    response = client.post(
        "/care/proposals/new",
        data={
            "worker": world.people["safety_officer"].employee_no,
            "cause": "disaster",
            "reason": "房屋被洪水冲毁",
        },
    )
    assert response.status_code == 303
    bad = client.post("/care/proposals/new", data={"worker": "NOBODY", "cause": "x", "reason": ""})
    assert bad.status_code == 422 and "没有这个工号的同事" in text(bad)
    auth.logout()
    auth.login(world.people["care_officer"])
    proposal = db.session.scalar(
        select(CareProposal).where(CareProposal.reason == "房屋被洪水冲毁")
    )
    form = text(client.get(f"/care/files/new?proposal={proposal.id}"))
    assert "房屋被洪水冲毁" in form
    created = client.post(
        "/care/files/new",
        data={
            "worker": world.people["safety_officer"].employee_no,
            "level": "temporary",
            "cause": "disaster",
            "opened_on": local_today().isoformat(),
            "proposal_id": str(proposal.id),
        },
    )
    assert created.status_code == 303
    db.session.expire_all()
    assert db.session.get(CareProposal, proposal.id).status is ProposalStatus.ACCEPTED


def test_the_file_list_and_a_plan_page_take_as_many_queries_for_many_files_as_for_few(
    client, auth, world, db
):
    from app.blueprints.care.services import files as service
    from app.blueprints.care.services import visits
    from tests.helpers import statements

    officer = world.people["care_officer"]
    auth.login(officer)

    def counted(url):
        """SELECTs of the page, leaving out the loading of the logged-in user (when that
        happens depends on what the session still holds, not on the page)."""
        with statements(db.engine, selects_only=True) as seen:
            assert client.get(url).status_code == 200
        loader = ("FROM users \nWHERE users.id = ", "FROM user_roles \nWHERE ")
        return len([q for q in seen if not any(mark in q for mark in loader)])

    urls = ("/care/files", f"/care/plans/{world.plan.id}", f"/care/campaigns/{world.campaign.id}")
    few = [counted(url) for url in urls]
    for n in range(6):
        worker = make_user(name=f"职工{n}")
        service.open_file(
            officer,
            {
                "worker": worker.employee_no,
                "level": "extreme",
                "cause": "other",
                "income": "100",
                "opened_on": local_today().isoformat(),
            },
        )
    db.session.flush()
    visits.add_targets(officer, world.plan, {"level": "extreme"})
    from app.blueprints.care.services import campaigns

    campaigns.add_recipients(officer, world.campaign, {"mode": "level", "level": "extreme"})
    db.session.commit()
    assert [counted(url) for url in urls] == few


def test_the_file_list_answers_htmx_with_its_fragment_and_kit_copies_are_marked(
    client, auth, world, db, htmx_headers
):
    auth.login(world.people["care_officer"])
    fragment = text(client.get("/care/files?level=extreme", headers=htmx_headers))
    assert "<html" not in fragment and world.worker.name in fragment
    assert "<html" in text(client.get("/care/files?level=extreme"))
    assert world.worker.name not in text(
        client.get("/care/files?level=temporary", headers=htmx_headers)
    )
    client.get(f"/care/files/{world.file.id}", headers={"X-Offline-Copy": "1"})
    assert _reads(db, world.file.id) == []
    copies = _reads(db, world.file.id, "care.file.copied")
    assert [r.summary for r in copies] == [f"档案 #{world.file.id} · 档案页"]


def test_the_audit_log_names_care_actions_in_words(client, auth, world, db):
    """The admin's audit log says 查阅困难职工档案, never the key care.file.read."""
    auth.login(world.people["admin"])
    client.get(f"/care/files/{world.file.id}")
    client.get(f"/care/files/{world.file.id}", headers={"X-Offline-Copy": "1"})
    page = text(client.get("/admin/audit"))
    assert "查阅困难职工档案" in page and "困难职工档案存入手机（离线副本）" in page
    assert "建立困难职工档案" in page and "care.file" not in page
    assert "file (offline copy)" not in page and "File #" not in page


def test_uploads_and_proposals_show_the_beijing_day_not_the_utc_day(client, auth, world, db):
    from datetime import UTC, datetime

    late = datetime(2026, 3, 4, 17, 30, tzinfo=UTC)  # 5 March 01:30 in Beijing
    world.attachment.created_at = late
    world.proposal.created_at = late
    db.session.commit()
    auth.login(world.people["care_officer"])
    for url in (f"/care/files/{world.file.id}", "/care/proposals"):
        page = text(client.get(url))
        assert "2026-03-05" in page and "2026-03-04" not in page, url


def test_a_proposal_for_someone_already_in_care_says_so_instead_of_opening_a_file(
    client, auth, world, db
):
    proposal = files.propose(
        world.people["member"],
        {"worker": world.worker.employee_no, "cause": "other", "reason": "又遇到困难"},
    )
    db.session.commit()
    auth.login(world.people["care_officer"])
    page = text(client.get("/care/proposals"))
    start = page.index(f'id="proposal-{proposal.id}"')
    row = page[start : page.index("</li>", start)]
    assert "已在档" in row and f"/care/files/{world.file.id}" in row
    assert f"/care/files/new?proposal={proposal.id}" not in row
    other = page[page.index(f'id="proposal-{world.proposal.id}"') :]
    assert f"/care/files/new?proposal={world.proposal.id}" in other and "已在档" not in other


def test_no_care_page_puts_the_workers_name_in_the_window_title(client, auth, world):
    """The file page was titled 「另一会员 的档案」: the browser's history and the phone's app
    switcher showed whose file was read. The window title says which file; the page says whose."""
    auth.login(world.people["care_officer"])
    file = f"/care/files/{world.file.id}"
    page = text(client.get(file))
    assert f"<title>困难职工档案 #{world.file.id} · 职工之家</title>" in page
    assert world.worker.name in page[page.index("<main") :]
    for url in (
        file,
        file + "/edit",
        file + "/review",
        f"/care/visits/{world.visit.id}",
        f"/care/plans/{world.plan.id}/visit/{world.file.id}",
        f"/care/plans/{world.plan.id}",
        f"/care/aid/{world.other_aid.id}",
        f"/care/campaigns/{world.campaign.id}/signoff",
    ):
        title = re.search(r"<title>(.*?)</title>", text(client.get(url)), re.S).group(1)
        assert world.worker.name not in title, (url, title)


def test_the_audit_log_says_which_file_was_read_and_tells_kit_copies_apart(client, auth, world, db):
    """查阅困难职工档案 · 档案页 did not say whose file was read, and the dozen copies a care
    officer's phone keeps for offline use at every log-in looked like reads. An entry now
    names the file by number (not by name), a search for the number finds its reads, and
    the phone's copies, still logged, have words of their own."""
    officer, admin = world.people["care_officer"], world.people["admin"]
    auth.login(officer)
    copy = {"X-Offline-Copy": "1"}
    client.get(f"/care/files/{world.file.id}", headers=copy)
    client.get("/care/files", headers=copy)
    client.get(f"/care/files/{world.file.id}")
    auth.logout()
    auth.login(admin)
    number = f"档案 #{world.file.id}"
    page = text(client.get("/admin/audit"))
    main = page[page.index("<main") : page.index("</main>")]
    entries = re.findall(r'row-title">([^<]*)</span>\s*<span class="muted">([^<]*)<', main)
    assert ("查阅困难职工档案", f"{number} · 档案页") in entries
    assert ("困难职工档案存入手机（离线副本）", f"{number} · 档案页") in entries
    assert ("档案列表存入手机（离线副本）", "第 1 页") in entries
    assert not any(world.worker.name in summary for _title, summary in entries)
    # The number finds every entry about the file: its reads, and what was done to it.
    found = text(client.get(f"/admin/audit?q={number}"))
    assert found.count(f"{number} · ") == 5
    assert found.count(f"{number} · 档案页") == 2
    read = text(client.get("/admin/audit?q=查阅困难职工档案"))
    assert read.count(f"{number} · ") == 1
