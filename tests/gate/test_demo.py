"""The demo: posts in the workshops, workers valid, expiring, expired, revoked and missing,
and a gate report whose numbers equal a direct count of the rows."""

import re
from datetime import timedelta

from sqlalchemy import text

from app.blueprints.activities.queries import local_today
from app.demo import load_demo
from app.extensions import db


def _direct_counts(today):
    """Per post id: (may work, may not, expiring within 30 days), counted with plain SQL."""
    rows = db.session.execute(
        text(
            "SELECT p.id, h.user_id, r.type_id, ("
            " SELECT MAX(COALESCE(q.valid_until, '9999-12-31')) FROM qualifications q"
            " WHERE q.user_id = h.user_id AND q.type_id = r.type_id AND q.revoked_at IS NULL"
            ") FROM posts p JOIN post_holders h ON h.post_id = p.id"
            " JOIN users u ON u.id = h.user_id AND u.active"
            " JOIN post_requirements r ON r.post_id = p.id WHERE p.active"
        )
    ).all()
    people = {}
    for post_id, user_id, _type_id, until in rows:
        until = str(until) if until is not None else None
        ok, soon = people.get((post_id, user_id), (True, False))
        valid = until is not None and until >= today.isoformat()
        soon = soon or (valid and until <= (today + timedelta(days=30)).isoformat())
        people[(post_id, user_id)] = (ok and valid, soon)
    counts = {}
    for (post_id, _user), (ok, soon) in people.items():
        allowed, refused, expiring = counts.get(post_id, (0, 0, 0))
        counts[post_id] = (allowed + ok, refused + (not ok), expiring + (ok and soon))
    return counts


def test_the_report_counts_equal_a_direct_count(app, client, auth):
    load_demo()
    db.session.commit()
    today = local_today()
    expected = _direct_counts(today)
    assert len(expected) == 5
    # The demo has each case: valid, expiring, expired, revoked, missing.
    assert sum(a for a, _r, _e in expected.values()) >= 3
    assert sum(r for _a, r, _e in expected.values()) >= 3
    assert sum(e for _a, _r, e in expected.values()) >= 2

    auth.login("S0001", "demo1234")
    page = client.get("/gate/").get_data(as_text=True)
    for post_id, (allowed, refused, expiring) in expected.items():
        section = page.split(f'data-post="{post_id}"', 1)[1].split("</section>", 1)[0]
        found = {
            kind: int(re.search(rf'data-count="{kind}">[^<]*?(\d+)<', section).group(1))
            for kind in ("allowed", "refused", "expiring")
        }
        assert found == {"allowed": allowed, "refused": refused, "expiring": expiring}
    assert "已过期" in page and "缺少" in page and "已吊销" in page


def test_nobody_without_a_post_is_listed(app, client, auth):
    load_demo()
    db.session.commit()
    holders = set(
        db.session.scalars(
            text("SELECT u.name FROM users u JOIN post_holders h ON h.user_id = u.id")
        )
    )
    others = set(db.session.scalars(text("SELECT name FROM users"))) - holders
    assert {"王主席", "刘职工", "赵干事", "张群监"} <= others
    auth.login("A0001", "demo1234")
    page = client.get("/gate/").get_data(as_text=True)
    for name in others:
        assert name not in page
    for name in holders:
        assert name in page


def test_the_team_leader_sees_only_their_team(app, client, auth):
    load_demo()
    db.session.commit()
    auth.login("T0001", "demo1234")
    page = client.get("/gate/").get_data(as_text=True)
    assert "叉车司机" in page and "赵叉车" in page
    assert "吴焊工" not in page and "郑电工" not in page
    check = client.get("/gate/check")
    assert check.status_code == 200
    body = check.get_data(as_text=True)
    assert "G0002" in body and "G0005" not in body


def test_home_cards_tell_the_leader_and_the_blocked_worker(app, client, auth):
    load_demo()
    db.session.commit()
    auth.login("T0001", "demo1234")
    home = client.get("/").get_data(as_text=True)
    assert "现场上岗核验" in home and "/gate/check" in home
    auth.logout()
    auth.login("G0002", "demo1234")
    home = client.get("/").get_data(as_text=True)
    assert "您不得在“叉车司机”岗位上岗" in home and "叉车司机证 已过期" in home
    me = client.get("/me").get_data(as_text=True)
    assert "我的上岗码" in me and "上岗核验" not in me


def test_every_demo_certificate_was_issued_in_the_past(app, client, auth):
    load_demo()
    db.session.commit()
    today = local_today().isoformat()
    rows = db.session.execute(text("SELECT issued_on, valid_until FROM qualifications")).all()
    assert rows and [r for r in rows if str(r[0]) > today] == []  # the app: not after today
    assert all(str(issued) < str(until) for issued, until in rows)
    # What QA saw: G0001's forklift licence as the worker's page shows it.
    auth.login("G0001", "demo1234")
    page = client.get("/gate/me").get_data(as_text=True)
    issued = re.findall(r"发证 (\d{4}-\d{2}-\d{2})", page)
    assert issued and all(day <= today for day in issued)


def test_the_demo_has_checks_and_one_the_record_disagrees_with(app, client, auth):
    load_demo()
    db.session.commit()
    auth.login("S0001", "demo1234")
    page = client.get("/gate/checks").get_data(as_text=True)
    assert "王叉车" in page and "赵叉车" in page and "与系统记录不符（1）" in page
    only = client.get("/gate/checks?show=disagreeing").get_data(as_text=True)
    assert re.findall(r'<span class="row-title">(.*?)</span>', only) == ["吴焊工"]
    assert "与系统记录不符：焊工证 已吊销（违章作业，暂扣）" in only
