"""An anonymous appeal can never be tied to its author: raising one writes the appeal (random
key, no author, the date only, the receipt code's hash) and its photos — no other row, no
update of anything the author owns, no notification, audit row, log line or session change.

Unlike a ballot there is no "has appealed" mark on the author's side, so nothing exists that
the appeal's row order or its date could be joined with."""

import hashlib
import io
import logging
import re

from sqlalchemy import DateTime, inspect, select, text

from app.extensions import db
from app.models.appeals import Appeal, AppealStatus
from tests.appeals.conftest import APPEAL, jpeg, step
from tests.conftest import AuthActions
from tests.helpers import statements
from tests.helpers import text as page_text


def _dump() -> dict[str, set]:
    """Every row of every table, as text."""
    rows = {}
    with db.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            if table.startswith("hazards_fts"):
                continue
            result = conn.execute(text(f'SELECT * FROM "{table}"'))
            rows[table] = {tuple(str(v) for v in row) for row in result}
    return rows


def _session(client) -> dict:
    """What the session cookie holds (it is kept by the phone, signed, not on the server)."""
    with client.session_transaction() as session:
        return dict(session)


def _code_on(page: str) -> str:
    match = re.search(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", page)
    assert match, "no receipt code on the page"
    return match.group(0)


def test_raising_an_anonymous_appeal_writes_nothing_that_points_at_its_author(app, cast, caplog):
    member = cast.member
    phone = app.test_client()
    AuthActions(phone).login(member)  # logged in beforehand: only the appeal is watched
    phone.get("/appeals/new")  # the form, as the author opens it
    session_before = _session(phone)
    before = _dump()
    caplog.set_level(logging.DEBUG)
    data = {**APPEAL, "anonymous": "y", "department_id": str(cast.workshop.id)}
    data["photos"] = (io.BytesIO(jpeg()), "evidence.jpg")
    with statements(db.engine) as sql:
        response = phone.post("/appeals/new", data=data, content_type="multipart/form-data")
    # Post/redirect/get (a reload must not send it twice); the address carries no code.
    assert response.status_code == 303
    assert response.headers["Location"] == "/appeals/receipt"
    assert response.headers["Cache-Control"] == "no-store"
    # The code is in this phone's own session cookie, beside nothing but who is signed in.
    session_after = _session(phone)
    held = session_after.pop("appeals.receipt")
    assert session_after == session_before and set(held) == {"code", "user"}
    code = held["code"]

    writes = [s for s in sql if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert {s.split()[2].strip('"') for s in writes} == {"appeals", "appeal_photos"}
    assert all(s.lstrip().upper().startswith("INSERT") for s in writes)

    after = _dump()
    changed = {t for t in after if after[t] != before.get(t, set())}
    assert changed == {"appeals", "appeal_photos"}
    new_rows = [row for t in changed for row in after[t] - before.get(t, set())]
    marks = {str(member.id), member.name, member.employee_no, code, code.replace("-", "")}
    # No value of the new rows is the author's id, name or number, or the code itself.
    assert not [v for row in new_rows for v in row if v in marks or member.name in v]

    appeal = db.session.scalar(select(Appeal))
    assert appeal.anonymous and appeal.author_id is None and appeal.raised_at is None
    assert appeal.receipt_hash == hashlib.sha256(code.encode()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{32}", appeal.key)  # random, not a counter
    assert appeal.department_id == cast.workshop.id  # what the author chose to say
    # No time of day anywhere on it: every timestamp column is empty.
    columns = inspect(db.engine).get_columns("appeals")
    stamps = [c["name"] for c in columns if isinstance(c["type"], DateTime)]
    assert stamps and all(getattr(appeal, name) is None for name in stamps)

    logged = " ".join(r.getMessage() for r in caplog.records)
    assert member.name not in logged and member.employee_no not in logged
    assert code not in logged


def test_the_union_handles_it_without_learning_the_author(app, client, auth, cast):
    phone = app.test_client()
    AuthActions(phone).login(cast.member)
    phone.post("/appeals/new", data={**APPEAL, "anonymous": "y"})
    appeal = db.session.scalar(select(Appeal))
    step(cast.officer, appeal, "acknowledge", "investigate", "answer")
    assert appeal.status is AppealStatus.ANSWERED
    # The officer's page says the union does not know who raised it.
    auth.login(cast.officer)
    page = page_text(client.get(f"/appeals/{appeal.key}"))
    assert "匿名——工会不知道是谁" in page and cast.member.name not in page
    # No step reached the author's inbox, and the author's own list stays empty.
    assert page_text(phone.get("/notifications/")).count(APPEAL["title"]) == 0
    mine = page_text(phone.get("/appeals/"))
    assert "您还没有提出实名诉求" in mine and APPEAL["title"] not in mine
    # Nor can the author reach it by its key: only the receipt code opens it.
    assert phone.get(f"/appeals/{appeal.key}").status_code == 404


def test_the_receipt_survives_a_reload_and_a_reload_sends_nothing_twice(app, cast):
    phone = app.test_client()
    AuthActions(phone).login(cast.member)
    sent = phone.post("/appeals/new", data={**APPEAL, "anonymous": "y"}, follow_redirects=True)
    page = page_text(sent)
    code = _code_on(page)
    # What it says is what happens: it stays until "I have noted it" is tapped.
    assert "点“我已记下”后，回执码就不再显示，别处也不保存。" in page
    assert "只显示这一次" not in page and APPEAL["title"] in page
    assert sent.headers["Cache-Control"] == "no-store"
    # Pull-to-refresh reloads the receipt page (a GET): same code, still one appeal.
    with statements(db.engine) as sql:
        again = phone.get("/appeals/receipt")
    assert _code_on(page_text(again)) == code
    assert not [s for s in sql if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(db.session.scalars(select(Appeal)).all()) == 1
    # Noted: the code leaves the session and the page no longer shows it.
    noted = phone.post("/appeals/receipt/noted", data={"then": "follow"})
    assert noted.status_code == 303 and noted.headers["Location"] == "/appeals/follow"
    assert "appeals.receipt" not in _session(phone)
    gone = page_text(phone.get("/appeals/receipt"))
    assert code not in gone and "回执码已不再显示" in gone


def test_the_receipt_is_dropped_on_leaving_it_and_never_shown_to_another_account(app, cast):
    phone = app.test_client()
    AuthActions(phone).login(cast.member)
    phone.post("/appeals/new", data={**APPEAL, "anonymous": "y"})
    code = _code_on(page_text(phone.get("/appeals/receipt")))
    phone.get("/appeals/")  # left the receipt for another appeals page
    assert "appeals.receipt" not in _session(phone)
    assert code not in page_text(phone.get("/appeals/receipt"))
    # Someone else signing in on the same phone never sees the previous person's code.
    phone.post("/appeals/new", data={**APPEAL, "anonymous": "y"})
    AuthActions(phone).logout()
    AuthActions(phone).login(cast.other_member)
    page = page_text(phone.get("/appeals/receipt"))
    assert "回执码已不再显示" in page


def test_an_anonymous_appeal_s_ratings_keep_no_moment_and_no_rater(app, client, auth, cast):
    """Rating an anonymous appeal writes only the appeal's row, every time; its earlier rating
    is kept when the officer answers again (the officer's moment, on the trail anyway), and
    no rating of it, current or earlier, carries a time or anything of its holder."""
    phone = app.test_client()
    AuthActions(phone).login(cast.member)
    sent = phone.post("/appeals/new", data={**APPEAL, "anonymous": "y"}, follow_redirects=True)
    code = _code_on(page_text(sent))
    appeal = db.session.scalar(select(Appeal))
    auth.login(cast.officer)

    def rated(rating, note):
        with statements(db.engine) as sql:
            response = phone.post(
                "/appeals/follow/rate", data={"code": code, "rating": rating, "rating_note": note}
            )
        assert response.status_code == 200
        writes = [s for s in sql if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
        assert [s.split()[1].strip('"') for s in writes] == ["appeals"]

    step(cast.officer, appeal, "acknowledge", "answer")
    rated("unsatisfied", "没解决")
    before = _dump()
    for action, note in (("reopen", "重新核实。"), ("answer", "已补发。")):
        response = client.post(
            f"/appeals/{appeal.key}/steps", data={"action": action, "note": note}
        )
        assert response.status_code == 303
    rated("partly", "补了一半")

    after = _dump()
    [earlier] = after["appeal_earlier_ratings"] - before["appeal_earlier_ratings"]
    marks = {str(cast.member.id), cast.member.name, cast.member.employee_no, code}
    assert not [v for v in earlier if v in marks or cast.member.name in v]
    db.session.expire_all()
    appeal = db.session.get(Appeal, appeal.key)
    # No time of day on the appeal or its earlier ratings but the union's own steps': every
    # other timestamp column is empty.
    union_steps = {"acknowledged_at", "answered_at"}
    for table, rows in (("appeals", [appeal]), ("appeal_earlier_ratings", appeal.earlier_ratings)):
        columns = inspect(db.engine).get_columns(table)
        stamps = [c["name"] for c in columns if isinstance(c["type"], DateTime)]
        stamps = [name for name in stamps if name not in union_steps]
        assert rows and stamps and all(getattr(r, s) is None for r in rows for s in stamps), table
    # The holder of the code reads both ratings, each under its answer, without a time.
    page = page_text(phone.post("/appeals/follow", data={"code": code}))
    shown = page[page.index('id="timeline"') :]
    first, second = shown.index("第 1 次答复：不满意"), shown.index("第 2 次答复：基本满意")
    assert first < shown.index("重新办理") < second
    assert "“没解决”" in shown[first:] and "“补了一半”" in shown[second:]
    assert shown[first : shown.index("</li>", first)].count('class="when"') == 0
