"""The installable-app pieces: manifest, service worker, offline page."""

import hashlib
from functools import cache
from pathlib import Path

from flask import (
    Response,
    current_app,
    has_request_context,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from app.blueprints.pwa import bp

# Static files the service worker keeps for offline use: the shell and what it needs.
PRECACHE_STATIC = [
    "css/app.css",
    "js/app.js",
    "js/outbox-core.js",
    "js/outbox.js",
    "js/outbox-edit.js",
    "js/outbox-done.js",
    "js/kit.js",
    "js/photo-tiles.js",
    "js/text-limit.js",
    "js/qr-reader.js",
    "vendor/htmx/htmx-2.0.11.min.js",
    "icons/icon-192.png",
    "icons/favicon-32.png",
]


@cache
def _asset_version(static_folders: tuple[str, ...], salt: str) -> str:
    """A digest of every static file (the service worker and the precached files among them):
    a new one means a new shell cache, and new `?v=` URLs for files that browsers keep a year."""
    digest = hashlib.sha256(salt.encode())
    for folder in static_folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(folder)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def asset_version() -> str:
    """The current digest of the static files; a page asks for it once per file it links, so
    the app keeps it (outside debug mode, where a file may change between two requests)."""
    if current_app.debug:
        _asset_version.cache_clear()
    elif made := current_app.extensions.get("asset_version"):
        return made
    folders = [current_app.static_folder] + [
        bp.static_folder for bp in current_app.blueprints.values() if bp.has_static_folder
    ]
    made = _asset_version(tuple(folders), current_app.config["ASSET_VERSION_SALT"])
    current_app.extensions["asset_version"] = made
    return made


def asset_url(filename: str, endpoint: str = "static") -> str:
    """A static file's URL with the digest (`?v=`), the form browsers keep a year. Every page
    links some ten files: their URLs are made once a process (and mount point), not built
    again on each page (outside debug mode, where the digest may change)."""
    if current_app.debug or not has_request_context():
        return url_for(endpoint, filename=filename, v=asset_version())
    made = current_app.extensions.setdefault("asset_urls", {})
    key = (request.script_root, endpoint, filename)
    if (url := made.get(key)) is None:
        url = made[key] = url_for(endpoint, filename=filename, v=asset_version())
    return url


@bp.app_context_processor
def inject_asset_url():
    return {"asset_url": asset_url}


@bp.route("/manifest.webmanifest")
def manifest():
    icons = [
        {
            "src": url_for("static", filename=f"icons/{kind}-{n}.png"),
            "sizes": f"{n}x{n}",
            "type": "image/png",
            "purpose": purpose,
        }
        for n in (192, 512)
        for kind, purpose in (("icon", "any"), ("maskable", "maskable"))
    ]
    response = jsonify(
        {
            "id": "/",
            "name": "职工之家",
            "short_name": "职工之家",
            "description": _("The trade union's app: safety network, activities and services."),
            "lang": "zh-CN",
            "start_url": "/?source=pwa",
            "scope": "/",
            "display": "standalone",
            "orientation": "portrait",
            "background_color": "#f6f6f6",
            "theme_color": "#c8102e",
            "icons": icons,
        }
    )
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/sw.js")
def service_worker():
    source = (Path(current_app.static_folder) / "sw.js").read_text(encoding="utf-8")
    precache = [url_for("static", filename=name, v=asset_version()) for name in PRECACHE_STATIC]
    precache += [url_for("pwa.offline"), url_for("pwa.needs_network")]
    source = source.replace("__VERSION__", asset_version()).replace(
        '"__PRECACHE__"', repr(precache).replace("'", '"')
    )
    response = Response(source, mimetype="text/javascript")
    # The browser must check for a new worker on every visit.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/offline")
def offline():
    return render_template("pwa/offline.html")


@bp.route("/offline/needs-network")
def needs_network():
    """What a form posted without a connection shows: the step needs the network."""
    return render_template("pwa/offline.html", needs_network=True)
