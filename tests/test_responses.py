"""What the server sends over the wire: compressed text, and caching headers that let a phone
keep each versioned file for a year and ask for it only once."""

import gzip
import re

import brotli
from sqlalchemy import event

from app.blueprints.pwa.routes import asset_version
from app.models import Role
from tests.factories import make_user
from tests.helpers import text as page_text


def test_pages_are_compressed_for_browsers_that_accept_it(client, auth):
    make_user(employee_no="Z001")
    auth.login("Z001")
    plain = client.get("/")
    zipped = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    page = gzip.decompress(zipped.get_data()).decode()
    assert page.startswith("\n<!doctype html>") and "职工之家" in page  # i18n
    assert abs(len(page.encode()) - len(plain.get_data())) < 100  # the same page
    assert len(zipped.get_data()) < len(plain.get_data()) / 2
    assert {"Accept-Encoding", "HX-Request"} <= set(zipped.vary)
    # The server sets Date; a second one from the app would make it unreadable to the service
    # worker, which dates its offline copies by it.
    assert "Date" not in zipped.headers
    squeezed = client.get("/", headers={"Accept-Encoding": "br, gzip"})
    assert squeezed.headers["Content-Encoding"] == "br"
    assert "职工之家" in brotli.decompress(squeezed.get_data()).decode()  # i18n


def test_a_client_that_accepts_no_encoding_gets_plain_text(client):
    response = client.get("/auth/login")
    assert "Content-Encoding" not in response.headers
    assert "职工之家" in page_text(response)  # i18n


def test_versioned_static_files_are_immutable_for_a_year_and_vary_only_on_encoding(client):
    for path in ["/static/css/app.css", "/static/js/outbox.js", "/safety/static/safety.css"]:
        response = client.get(
            f"{path}?v={asset_version()}", headers={"Accept-Encoding": "gzip", "Cookie": "x=1"}
        )
        assert response.status_code == 200, path
        cache = response.cache_control
        assert cache.public and cache.immutable and cache.max_age == 365 * 24 * 3600, path
        assert not cache.no_cache
        assert set(response.vary) == {"Accept-Encoding"}, (path, response.vary)
        assert response.headers["Content-Encoding"] == "gzip"
        body = gzip.decompress(response.get_data())
        assert len(body) > 500


def test_a_static_file_without_the_current_version_is_checked_every_time(client):
    for query in ["", "?v=stale0000000"]:
        response = client.get(f"/static/css/app.css{query}")
        assert response.status_code == 200
        assert response.cache_control.no_cache and not response.cache_control.immutable
        assert "HX-Request" not in response.vary and "Cookie" not in response.vary
        response.close()


def test_a_logged_in_user_gets_static_files_without_vary_cookie(client, auth):
    make_user(employee_no="Z002")
    auth.login("Z002")
    response = client.get(f"/static/js/app.js?v={asset_version()}")
    assert response.status_code == 200
    assert "Cookie" not in response.vary
    assert "Set-Cookie" not in response.headers
    response.close()


def test_the_asset_version_changes_with_any_static_file_of_any_folder(tmp_path):
    # safety.css and push.js are linked with ?v= too: a change to them must change the version.
    from app.blueprints.pwa import routes

    main, feature = tmp_path / "static", tmp_path / "feature"
    (main / "js").mkdir(parents=True)
    feature.mkdir()
    (main / "js" / "a.js").write_text("a")
    (feature / "f.css").write_text("f")
    folders = (str(main), str(feature))
    before = routes._asset_version(folders, "")
    (feature / "f.css").write_text("g")
    routes._asset_version.cache_clear()
    assert routes._asset_version(folders, "") != before


def test_a_page_read_ends_with_commit_and_a_failed_one_with_rollback(client, auth, db):
    """psycopg forgets its prepared statements at a ROLLBACK: a page read that closed with one
    had every statement planned again on the next request. A successful read commits; an
    error is not committed (closing the session rolls it back, as before)."""
    ends = []

    def ended(how):
        return lambda _conn: ends.append(how)

    make_user(employee_no="Z001")
    auth.login("Z001")
    listeners = [("commit", ended("commit")), ("rollback", ended("rollback"))]
    client.get("/")  # the log-in's own transaction is over
    for name, listener in listeners:
        event.listen(db.engine, name, listener)
    try:
        assert client.get("/").status_code == 200
        assert ends == ["commit"]
        ends.clear()
        assert client.get("/notifications/999999").status_code == 404
        assert ends == []
    finally:
        for name, listener in listeners:
            event.remove(db.engine, name, listener)


def test_a_page_links_each_file_at_its_current_version_under_any_mount_point(client, auth):
    # The links are kept once made: a second mount point must not get the first one's.
    make_user(Role.SAFETY_OFFICER, employee_no="Z003")
    auth.login("Z003")
    version = asset_version()
    for root in ["", "/union", ""]:
        page = client.get("/safety/hazards", base_url=f"http://localhost{root}").get_data(True)
        links = re.findall(r'(?:href|src)="([^"]*/static/[^"]*)"', page)
        assert f"{root}/static/css/app.css?v={version}" in links
        assert f"{root}/static/js/outbox.js?v={version}" in links
        assert f"{root}/safety/static/safety.css?v={version}" in links
        assert all(link.startswith(f"{root}/") and link.endswith(f"?v={version}") for link in links)


def test_a_part_of_a_static_file_is_served_as_a_part_and_never_kept_as_the_file(client):
    """A `Range` request (206) once stored its ten bytes as the whole file, for everybody."""
    from app import _SERVED

    _SERVED.clear()
    with client.get("/static/css/app.css", headers={"Range": "bytes=0-9"}) as part:
        assert part.status_code == 206 and len(part.data) == 10
        assert part.headers["Content-Range"].startswith("bytes 0-9/")
    whole = client.get("/static/css/app.css")
    assert whole.status_code == 200 and len(whole.data) > 1000
    assert client.get("/static/css/app.css").data == whole.data


def test_a_script_asked_for_at_another_version_imports_at_that_version_and_is_not_kept(client):
    """In a rolling deploy a page of a new version may get `kit.js?v=NEW` from a server still
    at the old one. Its import of app.js must name the page's own `app.js?v=NEW`: another URL
    would be a second app.js, the shell run twice (every toast twice). Not this server's
    version, the answer is checked every time, and nothing but a version's letters and digits
    is written into a script."""
    from app import _SERVED

    other = "0123456789ab" if asset_version() != "0123456789ab" else "ba9876543210"
    response = client.get(f"/static/js/kit.js?v={other}")
    assert response.status_code == 200
    imports = re.findall(r'(?:from|import)\s*"\./([\w.-]+\.js[^"]*)"', page_text(response))
    assert imports == [f"app.js?v={other}"]
    assert response.cache_control.no_cache and not response.cache_control.immutable
    assert not response.cache_control.max_age

    kept = len(_SERVED)  # any `v` can be asked for: none but this server's is kept
    assert client.get("/static/js/kit.js?v=cafe00000000").status_code == 200
    assert len(_SERVED) == kept
    forged = client.get('/static/js/kit.js?v=x"%2Balert(1)%2B"')
    assert re.findall(r'"\./([\w.-]+\.js[^"]*)"', page_text(forged)) == ["app.js"]
    assert "alert" not in page_text(forged)
