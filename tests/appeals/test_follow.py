"""Following an anonymous appeal by its receipt code: it shows that appeal's steps and nothing
else; an unknown code says so plainly; guesses are limited; the answer can be rated."""

from sqlalchemy import func, select

from app.blueprints.appeals import services
from app.models import LoginThrottle
from app.models.appeals import Appeal, AppealEvent, AppealRating, AppealStatus
from tests.appeals.conftest import raise_anonymous, raise_named, step
from tests.helpers import full_width, statements, text


def _appeal_counts(db):
    return (
        db.session.scalar(select(func.count()).select_from(Appeal)),
        db.session.scalar(select(func.count()).select_from(AppealEvent)),
        tuple(db.session.execute(select(Appeal.key, Appeal.status, Appeal.rating)).all()),
    )


def test_the_code_shows_its_appeal_and_nothing_else(client, auth, cast, db):
    appeal, code = raise_anonymous(cast.member, title="班长分配工作不公")
    step(cast.officer, appeal, "acknowledge", "investigate")
    other, _other_code = raise_anonymous(cast.other_member, title="食堂饭菜太贵")
    named = raise_named(cast.other_member, title="合同到期未续签")
    auth.login(cast.member)
    assert client.get("/appeals/follow").status_code == 200
    with statements(db.engine) as sql:
        response = client.post("/appeals/follow", data={"code": code.lower().replace("-", " ")})
    page = text(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "班长分配工作不公" in page and "调查中" in page
    assert "acknowledge 说明" in page and "investigate 说明" in page  # each step's note
    assert "食堂饭菜太贵" not in page and "合同到期未续签" not in page
    # Who handled it stays with the union; the officer's name is not shown.
    assert cast.officer.name not in page
    # No link that would lead elsewhere: not its key, not another appeal's.
    assert appeal.key not in page and other.key not in page and named.key not in page
    # Reading by code writes nothing at all.
    assert not [s for s in sql if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_an_unknown_or_malformed_code_is_refused_plainly_and_changes_no_appeal(
    client, auth, cast, db
):
    raise_anonymous(cast.member)
    auth.login(cast.other_member)
    before = _appeal_counts(db)
    unknown = client.post("/appeals/follow", data={"code": "2222-3333-4444"})
    assert unknown.status_code == 404
    assert "没有与此回执码对应的诉求。请核对后再试。" in text(unknown)
    for bad in ("234", "x" * 3000, ""):
        response = client.post("/appeals/follow", data={"code": bad})
        assert response.status_code == 422, bad
        assert "回执码由 12 位字母和数字组成" in text(response), bad
    # Twelve characters, some of which no code has: said by name, not as a count.
    for bad, said in (("ABCD-EFGH-IJKL", "I"), ("0000-0000-000O", "0 O"), ("2222.3333.444", ".")):
        response = client.post("/appeals/follow", data={"code": bad})
        assert response.status_code == 422, bad
        assert f"回执码中没有 {said}：只有数字 2 至 9 和 I、O 以外的字母。" in text(response)
    assert _appeal_counts(db) == before


def test_a_code_typed_on_a_chinese_keyboard_is_the_same_code(client, auth, cast, db):
    """Full-width letters, digits and dash (ＨＪ４Ｋ－…), a Chinese dash (— ——, ‐ – ― －), 、 or
    a full-width space between the groups: the code as printed, and no wrong guess counted."""
    appeal, code = raise_anonymous(cast.member, title="班长分配工作不公")
    auth.login(cast.member)
    groups = code.split("-")
    for typed in (
        full_width(code),
        "—".join(groups),
        "——".join(groups).lower(),
        "‐".join(groups),
        "–".join(groups),
        "―".join(groups),
        "－".join(groups),
        "、".join(groups),
        "\u3000".join(groups),
    ):
        response = client.post("/appeals/follow", data={"code": typed})
        assert response.status_code == 200, typed
        assert "班长分配工作不公" in text(response), typed
    assert not [k for k in db.session.scalars(select(LoginThrottle.key)) if k.startswith("appeal")]


def test_wrong_guesses_are_limited_per_account(client, auth, cast, db):
    _appeal, code = raise_anonymous(cast.member)
    auth.login(cast.other_member)
    for _ in range(services.MAX_GUESSES_ACCOUNT):
        assert client.post("/appeals/follow", data={"code": "2222-3333-4444"}).status_code == 404
    refused = client.post("/appeals/follow", data={"code": code})
    assert refused.status_code == 429
    assert "回执码输错次数过多" in text(refused) and "加班费少算" not in text(refused)
    # The counter holds no code and no appeal: just how many wrong guesses, and when.
    keys = {k for k in db.session.scalars(select(LoginThrottle.key)) if k.startswith("appeal")}
    assert keys == {
        f"appeal-code:account:{cast.other_member.id}",
        "appeal-code:address:127.0.0.1",
    }


def test_the_holder_of_the_code_rates_the_answer_once(client, auth, cast, db):
    appeal, code = raise_anonymous(cast.member)
    auth.login(cast.member)
    early = client.post(
        "/appeals/follow/rate", data={"code": code, "rating": "satisfied", "rating_note": ""}
    )
    assert early.status_code == 409 and "诉求在工会答复后才能评价" in text(early)
    step(cast.officer, appeal, "acknowledge", "answer")
    page = text(client.post("/appeals/follow", data={"code": code}))
    assert "工会的答复" in page and "answer 说明" in page and "提交评价" in page
    bad = client.post("/appeals/follow/rate", data={"code": code, "rating": "ecstatic"})
    assert bad.status_code == 422 and "请从给出的评价中选择。" in text(bad)
    assert appeal.status is AppealStatus.ANSWERED
    done = client.post(
        "/appeals/follow/rate", data={"code": code, "rating": "partly", "rating_note": "还行"}
    )
    assert done.status_code == 200 and "评价：基本满意" in text(done)
    db.session.refresh(appeal)
    assert appeal.status is AppealStatus.CLOSED and appeal.rating is AppealRating.PARTLY
    again = client.post("/appeals/follow/rate", data={"code": code, "rating": "satisfied"})
    assert again.status_code == 409
