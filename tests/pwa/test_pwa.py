"""The installable-app pieces: manifest, service worker and the offline page."""

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from tests.helpers import text


@pytest.fixture
def manifest(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    return json.loads(response.get_data(as_text=True))


def test_manifest_fields(manifest):
    assert manifest["name"] == "职工之家"
    assert manifest["short_name"] == "职工之家"
    assert manifest["id"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["start_url"].startswith("/")
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "zh-CN"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])


def test_manifest_start_url_is_inside_the_scope(client, manifest):
    assert manifest["start_url"].startswith(manifest["scope"])
    # Opening the installed app without a session lands on the log-in page, not an error.
    response = client.get(manifest["start_url"])
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_manifest_icons_are_real_pngs_of_their_sizes(client, manifest):
    sizes = set()
    for icon in manifest["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200, icon["src"]
        assert icon["type"] == "image/png"
        image = Image.open(io.BytesIO(response.data))
        assert image.format == "PNG"
        width, height = (int(n) for n in icon["sizes"].split("x"))
        assert image.size == (width, height), icon["src"]
        sizes.add((width, icon["purpose"]))
        response.close()
    # Installability needs a 192 and a 512 icon for "any" use; maskable ones for Android.
    assert {(192, "any"), (512, "any"), (192, "maskable"), (512, "maskable")} <= sizes


def test_pages_link_the_manifest_and_the_service_worker(client):
    page = text(client.get("/auth/login"))
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'data-sw-url="/sw.js"' in page


@pytest.fixture
def service_worker(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    return response


def precache_list(source: str) -> list[str]:
    match = re.search(r"const PRECACHE = (\[.*?\]);", source, re.S)
    assert match, "the precache list was not filled in"
    return json.loads(match.group(1))


def test_service_worker_is_javascript_and_never_cached(service_worker):
    assert service_worker.mimetype in {"text/javascript", "application/javascript"}
    assert service_worker.headers["Cache-Control"] == "no-cache"
    assert service_worker.headers["Service-Worker-Allowed"] == "/"


def test_service_worker_placeholders_are_filled_in(service_worker):
    source = service_worker.get_data(as_text=True)
    assert "__PRECACHE__" not in source
    assert "__VERSION__" not in source
    version = re.search(r'const VERSION = "([^"]+)";', source).group(1)
    assert re.fullmatch(r"[0-9a-f]{12}", version)


def test_every_precached_url_answers_without_login(app, service_worker):
    urls = precache_list(service_worker.get_data(as_text=True))
    assert "/offline" in urls
    assert any(url.startswith("/static/css/") for url in urls)
    assert any(url.startswith("/static/vendor/htmx/") for url in urls)
    # A fresh browser with no cookies installs the worker; a failing URL would abort install.
    stranger = app.test_client()
    for url in urls:
        response = stranger.get(url)
        assert response.status_code == 200, url
        response.close()


def test_precached_assets_match_what_pages_load(client, service_worker):
    urls = set(precache_list(service_worker.get_data(as_text=True)))
    page = text(client.get("/offline"))
    loaded = set(re.findall(r'(?:src|href)="(/static/(?:css|js|vendor)/[^"]+)"', page))
    assert loaded
    # The shell's own assets, with the same version query, are cached for offline use.
    assert loaded <= urls


def test_scripts_import_the_versioned_files_the_worker_keeps(app, client, service_worker):
    # A module a script imports (qr-reader.js) is fetched by the URL the import
    # names: without the version, a deploy did not refresh it where a browser kept it, and
    # the worker, which keeps the versioned URL, held a second copy under another name.
    urls = set(precache_list(service_worker.get_data(as_text=True)))
    page = text(client.get("/offline"))
    scripts = re.findall(r'src="(/static/js/[^"]+\?v=([0-9a-f]+))"', page)
    version = scripts[0][1]
    every_script = sorted((Path(app.static_folder) / "js").glob("*.js"))
    imported = set()
    for url in [f"/static/js/{path.name}?v={version}" for path in every_script]:
        source = text(client.get(url))
        for name in re.findall(r'(?:from|import)\s*"\./([\w.-]+\.js[^"]*)"', source):
            assert name.endswith(f".js?v={version}"), (url, name)
            imported.add(f"/static/js/{name}")
    assert f"/static/js/qr-reader.js?v={version}" in imported  # the scanners' import
    assert imported <= urls


def test_offline_page_works_without_login(app):
    stranger = app.test_client()
    response = stranger.get("/offline")
    assert response.status_code == 200
    page = text(response)
    assert "没有网络连接" in page  # i18n
    assert 'href="/"' in page


def test_offline_page_is_the_same_for_everyone(client, auth):
    """It is cached once and shown to whoever is offline: it must not carry a user's data."""
    from tests.factories import make_user

    make_user(employee_no="P001", name="独一无二的名字")
    auth.login("P001")
    page = text(client.get("/offline"))
    assert "独一无二的名字" not in page
    assert "bottom-nav" not in page and "X-CSRFToken" not in page
    assert "data-reload" in page  # "try again" retries the page that failed
