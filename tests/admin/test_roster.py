import io
import os

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from app.models import Role, User
from tests.factories import make_department, make_user


@pytest.fixture
def admin(auth):
    user = make_user(Role.ADMIN, employee_no="ADM1", name="管理员")
    auth.login(user)
    return user


@pytest.fixture
def departments():
    workshop = make_department("机加工车间")
    return {"workshop": workshop, "team": make_department("车工班", parent=workshop)}


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, filename: str, password="start2026"):
    """Post a file; a file that can be read goes on to its import's page (the tests run jobs
    at once, so the report is there)."""
    return client.post(
        "/admin/import",
        data={"file": (io.BytesIO(data), filename), "initial_password": password},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def user_count(db):
    return db.session.scalar(select(func.count(User.id)))


def test_good_xlsx_creates_and_updates(client, admin, departments, db):
    existing = make_user(employee_no="10002", name="旧名字", phone="13000000000")
    response = upload(
        client,
        xlsx(
            [
                ["工号", "姓名", "部门", "手机", "角色"],
                [10001, "张三", "机加工车间/车工班", 13800000001, "群监员、安全员"],
                ["10002", "新名字", "车工班", None, None],  # a unique team name is enough
                ["10003", "李四", None, None, "organizer"],
            ]
        ),
        "roster.xlsx",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "新建 2 人，更新 1 人，未变 0 人，拒收 0 行" in page  # i18n

    zhang = User.by_employee_no("10001")  # Excel gave a number; it is kept as text
    assert zhang.name == "张三" and zhang.phone == "13800000001"
    assert zhang.department == departments["team"]
    assert zhang.roles == {Role.MEMBER, Role.INSPECTOR, Role.SAFETY_OFFICER}
    assert zhang.must_change_password and zhang.check_password("start2026")

    db.session.refresh(existing)
    assert existing.name == "新名字" and existing.department == departments["team"]
    assert existing.phone == "13000000000"  # an empty cell keeps what was there
    assert existing.check_password("secret123")  # an update never touches the password
    assert User.by_employee_no("10003").roles == {Role.MEMBER, Role.ORGANIZER}


def test_importing_the_same_file_again_changes_nothing(client, admin, departments, db):
    data = xlsx([["工号", "姓名", "部门"], ["20001", "王五", "机加工车间"]])
    upload(client, data, "r.xlsx")
    page = upload(client, data, "r.xlsx").get_data(as_text=True)
    assert "新建 0 人，更新 0 人，未变 1 人，拒收 0 行" in page  # i18n
    assert user_count(db) == 2


def test_bad_rows_are_rejected_with_reasons_and_good_rows_go_in(client, admin, departments, db):
    response = upload(
        client,
        xlsx(
            [
                ["Employee number", "Name", "Department", "Phone", "Roles"],
                ["30001", "好行", "机加工车间", "", ""],
                ["30002", "重复甲", "", "", ""],
                ["30002", "重复乙", "", "", ""],
                ["30003", "部门错", "不存在的车间", "", ""],
                ["30004", "角色错", "", "", "群监员, 魔法师"],
                ["30005", "", "", "", ""],
                ["bad no!", "编号错", "", "", ""],
                ["30006", "电话错", "", "abc", ""],
            ]
        ),
        "roster.xlsx",
    )
    page = response.get_data(as_text=True)
    assert "新建 1 人，更新 0 人，未变 0 人，拒收 7 行" in page  # i18n
    assert "工号 30002 在多行重复出现：第 3、4 行" in page  # i18n
    assert "不存在的车间" in page and "魔法师" in page
    assert User.by_employee_no("30001") is not None
    for no in ("30002", "30003", "30004", "30005", "30006"):
        assert User.by_employee_no(no) is None


def test_gbk_csv_from_chinese_excel(client, admin, departments):
    text = "工号,姓名,部门,手机,角色\n40001,赵六,机加工车间/车工班,13900000000,群监员\n"
    response = upload(client, text.encode("gb18030"), "名单.csv")
    assert "新建 1 人" in response.get_data(as_text=True)  # i18n
    assert User.by_employee_no("40001").name == "赵六"


def test_employee_numbers_are_stored_upper_case_and_one_in_either_case(client, admin, db):
    """A roster typed on a phone or by hand: m0001 is M0001, the number log-in finds; the
    same number on two rows in two cases is one number twice."""
    existing = make_user(employee_no="M0002", name="旧名字")
    rows = "工号,姓名\nm0001,刘一\nｍ0002,新名字\nm0003,王三\nM0003,王三\n"
    page = upload(client, rows.encode(), "r.csv").get_data(as_text=True)
    assert "新建 1 人，更新 1 人，未变 0 人，拒收 2 行" in page  # i18n
    assert "工号 M0003 在多行重复出现：第 4、5 行" in page  # i18n
    assert db.session.scalar(select(User.employee_no).where(User.name == "刘一")) == "M0001"
    db.session.refresh(existing)
    assert existing.name == "新名字"


def test_utf8_csv_with_bom(client, admin):
    response = upload(client, "\ufeff工号,姓名\n40002,钱七\n".encode(), "r.csv")
    assert "新建 1 人" in response.get_data(as_text=True)  # i18n


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"\x50\x4b\x03\x04" + os.urandom(2000), "junk.xlsx", "无法将该文件读取为 Excel 工作簿"),
        (os.urandom(2000).replace(b"\x00", b"\x01") + b"\x00", "junk.csv", "不是文本格式"),
        (b"", "empty.csv", "文件是空的"),
        ("姓名,部门\n某人,某部门\n".encode(), "r.csv", "缺少：工号"),
        ("工号,姓名,工号\n1,a,2\n".encode(), "r.csv", "出现了两次"),
        (b"employee_no,name\n1,a\n", "roster.pdf", "请使用 Excel（.xlsx）或 CSV（.csv）文件"),
    ],
)
def test_unreadable_files_change_nothing(client, admin, db, data, filename, message):
    before = user_count(db)
    response = upload(client, data, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)  # i18n
    assert 'id="import-report"' not in response.get_data(as_text=True)
    assert user_count(db) == before


def test_ten_megabytes_of_junk_is_refused(client, admin, db):
    # Werkzeug's test client spools a body this big to a temporary file and leaves it open;
    # build the request here so the test can close it.
    builder = EnvironBuilder(
        path="/admin/import",
        method="POST",
        data={
            "file": (io.BytesIO(os.urandom(10 * 1024 * 1024)), "big.xlsx"),
            "initial_password": "start2026",
        },
    )
    environ = builder.get_environ()
    try:
        response = client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()
    assert response.status_code == 422
    assert "文件超过 5 MB" in response.get_data(as_text=True)  # i18n
    assert user_count(db) == 1


def test_weak_initial_password_is_refused_before_reading(client, admin, db):
    response = upload(client, b"employee_no,name\n1,a\n", "r.csv", password="123")
    assert response.status_code == 422
    assert User.by_employee_no("1") is None


def test_import_cannot_strip_the_importing_admin(client, admin, db):
    response = upload(client, b"employee_no,name,roles\nADM1,Admin,member\n", "r.csv")
    assert "拒收 1 行" in response.get_data(as_text=True)  # i18n
    db.session.refresh(admin)
    assert admin.has_role(Role.ADMIN)


def test_template_download_is_an_importable_roster(client, admin, departments):
    response = client.get("/admin/import/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert [c.value for c in book.active[1]] == ["工号", "姓名", "部门", "手机", "角色"]
    page = upload(client, response.data, "template.xlsx").get_data(as_text=True)
    assert "新建 1 人" in page  # i18n


def test_import_is_audited(client, admin, departments):
    upload(client, xlsx([["工号", "姓名"], ["50001", "审计"]]), "r.xlsx")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "导入名册" in page and "created 1" in page  # i18n


# --- large files: in the background, in batches, with progress (issue 12, items 3 and 4) ------


def test_a_large_roster_imports_in_the_background_while_others_log_in(
    app, client, admin, departments, db, monkeypatch
):
    import threading

    from app.blueprints.admin import jobs
    from app.models import RosterImport

    queued = []
    monkeypatch.setattr(jobs, "enqueue_after_commit", lambda task, *args: queued.append(args))
    rows = "\n".join(f"{70000 + n},职工{n},机加工车间" for n in range(1000))
    response = client.post(
        "/admin/import",
        data={
            "file": (io.BytesIO(f"工号,姓名,部门\n{rows}\n".encode()), "big.csv"),
            "initial_password": "start2026",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303  # the page answers at once; nothing imported yet
    (import_id,) = queued[0]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "正在导入：已完成 0 / 1000 行。" in page  # i18n
    assert 'hx-trigger="every 1s"' in page  # the page asks again until it is done

    worker_app = app
    outcome = []

    def consumer():
        with worker_app.app_context():
            outcome.append(jobs.run_import.call_local(import_id))

    worker = threading.Thread(target=consumer)
    worker.start()
    # Meanwhile a worker logs in, and is not held up for the whole import.
    someone = make_user(employee_no="W900")
    other = app.test_client()
    login = other.post("/auth/login", data={"employee_no": "W900", "password": "secret123"})
    assert login.status_code == 303
    worker.join(120)
    assert outcome == ["done"]

    page = client.get(f"/admin/import/{import_id}").get_data(as_text=True)
    assert "新建 1000 人，更新 0 人，未变 0 人，拒收 0 行" in page  # i18n
    assert "hx-trigger" not in page.split('id="import-report"')[1].split(">")[0]
    db.session.expire_all()
    job = db.session.get(RosterImport, import_id)
    assert job.status == "done" and job.done == 1000 and job.rows == []
    # One slow hash for the shared initial password, not one per row.
    hashes = db.session.scalars(select(User.password_hash).where(User.employee_no.like("7%"))).all()
    assert len(hashes) == 1000 and len(set(hashes)) == 1
    assert User.by_employee_no("70999").check_password("start2026")
    assert someone.id
