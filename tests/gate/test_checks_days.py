"""The officer's list of checks narrowed to the union's days (从 / 至): the days are Beijing's,
both ends kept; the 与系统记录不符 count, the tabs and the pager follow them; a day that is no
day is refused with a message, never a 500."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from app.extensions import db
from app.models.gate import CheckResult, GateCheck
from tests.gate.factories import holder, make_world

# Beijing's midnight between 23 and 24 November 2026 is 16:00 UTC on the 23rd.
MIDNIGHT = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.fixture
def world(app):
    w = make_world()
    w.worker = holder(w, safety=100, forklift=400)
    return w


def _kept(world, when, reason, **more):
    db.session.add(
        GateCheck(
            checker_id=world.leader.id,
            worker_id=world.worker.id,
            post_id=world.post.id,
            result=CheckResult.ALLOWED,
            captured_at=when,
            reason=reason,
            **more,
        )
    )


def _reasons(page: str) -> list[str]:
    return re.findall(r'<p class="gate-reason">(.*?)</p>', page)


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return unescape(response.get_data(as_text=True))


def test_a_day_lists_the_checks_of_that_day_on_the_union_s_clock(client, auth, world):
    _kept(world, MIDNIGHT - timedelta(days=1) - SECOND, "23日前一秒")
    _kept(world, MIDNIGHT - timedelta(days=1), "23日零点")
    _kept(world, MIDNIGHT - SECOND, "23日最后一秒")
    _kept(world, MIDNIGHT, "24日零点")
    db.session.commit()
    auth.login(world.officer)
    day = _page(client, "/gate/checks?from=2026-11-23&to=2026-11-23")
    assert _reasons(day) == ["23日最后一秒", "23日零点"]
    assert 'value="2026-11-23"' in day  # the form shows the days chosen
    since = _reasons(_page(client, "/gate/checks?from=2026-11-23&to="))
    assert since == ["24日零点", "23日最后一秒", "23日零点"]
    until = _reasons(_page(client, "/gate/checks?from=&to=2026-11-23"))
    assert until == ["23日最后一秒", "23日零点", "23日前一秒"]
    assert len(_reasons(_page(client, "/gate/checks?from=&to="))) == 4


def test_the_disagreeing_tab_counts_and_lists_within_the_days(client, auth, world):
    _kept(world, MIDNIGHT - SECOND, "当天不符", mismatch="叉车司机证 已吊销")
    _kept(world, MIDNIGHT, "次日不符", mismatch="叉车司机证 已吊销")
    _kept(world, MIDNIGHT - SECOND, "当天相符")
    db.session.commit()
    auth.login(world.officer)
    assert "与系统记录不符（2）" in _page(client, "/gate/checks")
    days = "from=2026-11-23&to=2026-11-23"
    page = _page(client, f"/gate/checks?{days}")
    assert f'href="/gate/checks?show=disagreeing&{days}">与系统记录不符（1）' in page
    only = _page(client, f"/gate/checks?show=disagreeing&{days}")
    assert _reasons(only) == ["当天不符"]
    assert 'aria-current="page">与系统记录不符（1）' in only
    none = _page(client, "/gate/checks?show=disagreeing&from=2026-11-25")
    assert "所选日期内没有与系统记录不符的核验。" in none


def test_the_pager_keeps_the_days(client, auth, world):
    for n in range(51):
        _kept(world, MIDNIGHT - timedelta(hours=2) + n * SECOND, f"第{n}次")
    _kept(world, MIDNIGHT - timedelta(days=1) - SECOND, "前一天")
    db.session.commit()
    auth.login(world.officer)
    first = client.get("/gate/checks?from=2026-11-23&to=2026-11-23").get_data(as_text=True)
    assert "第 1 页，共 2 页" in first
    (following,) = re.findall(r'href="([^"]*page=2[^"]*)"', first)
    following = unescape(following)
    assert "from=2026-11-23" in following and "to=2026-11-23" in following
    assert _reasons(_page(client, following)) == ["第0次"]  # not the day before


def test_days_without_checks_say_so_and_lead_back_to_every_check(client, auth, world):
    _kept(world, MIDNIGHT, "24日零点")
    db.session.commit()
    auth.login(world.officer)
    page = _page(client, "/gate/checks?from=2026-11-25&to=2026-11-30")
    assert "所选日期内没有核验记录。" in page and "还没有核验记录。" not in page
    assert page.count('href="/gate/checks?show=all">清除日期</a>') == 2
    assert _reasons(_page(client, "/gate/checks?show=all")) == ["24日零点"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=abc", "“从”：日期无效。"),
        ("to=2026-02-30", "“至”：日期无效。"),
        ("from=0001-01-01", "“从”：请选择 2000 年到 2100 年之间的日期。"),
        ("to=9999-12-31", "“至”：请选择 2000 年到 2100 年之间的日期。"),
        ("from=2026-11-23%00", "请求包含不允许的字符。"),
        ("from=2026-11-24&to=2026-11-23", "“至”的日期早于“从”的日期，请重新选择。"),
        ("from=" + "2" * 3000, "“从”：日期无效。"),
        ("show=disagreeing&to=2026-13-01&page=2", "“至”：日期无效。"),
    ],
)
def test_a_day_that_is_no_day_is_refused_with_a_message(client, auth, world, query, message):
    auth.login(world.officer)
    response = client.get(f"/gate/checks?{query}")
    assert response.status_code == 400
    assert message in unescape(response.get_data(as_text=True))


def test_days_the_wrong_way_round_are_said_at_the_form_which_keeps_them(client, auth, world):
    auth.login(world.officer)
    response = client.get("/gate/checks?show=disagreeing&from=2026-11-24&to=2026-11-23")
    assert response.status_code == 400
    page = unescape(response.get_data(as_text=True))
    # The list's own page: the two days as chosen, to be mended there, and the message under them.
    assert 'name="from" value="2026-11-24"' in page and 'name="to" value="2026-11-23"' in page
    assert 'name="show" value="disagreeing"' in page
    assert "“至”的日期早于“从”的日期，请重新选择。" in page.split('id="days-wrong"')[1]
