"""The field kit's manifest: what this user's phone keeps for a day without network.

`GET /offline/manifest` answers `{"version", "urls", "assets", "user"}` (no-store). `urls` is
everything to keep: the pages and images each feature registered for this user (see
`app.features.Registry.offline`) and the static files of the app and of every blueprint.
`assets` is the part of `urls` whose content never changes under its URL (versioned static
files, QR codes of places, stored photos), which the service worker fetches only once.
`version` changes when a URL comes or goes or when a feature's stamp says its pages changed.
"""

import hashlib
import json
from pathlib import Path

from flask import current_app, jsonify, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required

from app.blueprints.pwa import bp
from app.blueprints.pwa.routes import asset_version
from app.navigation import offline_stamps, offline_urls

# Files the pages never load (the worker is served by its own route).
_NOT_KEPT = {"sw.js"}
_KEPT_SUFFIXES = {".css", ".js", ".png", ".svg", ".woff2", ".ico", ".webp", ".jpg"}
# Pages' images that are fixed for good under their URL.
_FIXED_IMAGES = ("/qr.svg", "/photos/", "/thumb")


def _files(folder: str) -> list[str]:
    root = Path(folder)
    if not root.is_dir():
        return []
    return sorted(
        str(path.relative_to(root)).replace("\\", "/")
        for path in root.rglob("*")
        if path.is_file() and path.suffix in _KEPT_SUFFIXES and path.name not in _NOT_KEPT
    )


def static_urls() -> list[str]:
    """Every static file of the app and of each blueprint, at the URL the pages use."""
    version = asset_version()
    urls = [
        url_for("static", filename=name, v=version) for name in _files(current_app.static_folder)
    ]
    for name, blueprint in current_app.blueprints.items():
        if blueprint.has_static_folder:
            urls += [
                url_for(f"{name}.static", filename=file, v=version)
                for file in _files(blueprint.static_folder)
            ]
    return urls


def _fixed(url: str) -> bool:
    return "/static/" in url or any(marker in url for marker in _FIXED_IMAGES)


def kit_for(user) -> dict:
    pages = offline_urls(user)
    statics = static_urls()
    urls = list(dict.fromkeys(pages + statics))
    digest = hashlib.sha256()
    digest.update(json.dumps([urls, str(get_locale()), asset_version()]).encode())
    for stamp in offline_stamps(user):
        digest.update(stamp.encode())
    return {
        "version": digest.hexdigest()[:16],
        "user": user.id,
        "urls": urls,
        "assets": [url for url in urls if _fixed(url)],
    }


@bp.route("/offline/manifest")
@login_required
def kit_manifest():
    response = jsonify(kit_for(current_user))
    response.headers["Cache-Control"] = "no-store"
    return response
