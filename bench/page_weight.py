"""What a phone downloads to open the new-hazard page and the round page the first time.

Logs in as an inspector on a fresh SQLite database with the demo data, fetches each page with
`Accept-Encoding: gzip` (and again with brotli), then every stylesheet, script, module import
and icon the page names, as a browser with an empty cache would, and prints the bytes on the
wire next to the target (page + assets <= 40 KB gzipped). It then lists what the service
worker's install fetches that the page did not already load (the precache takes the page's
versioned files from the HTTP cache, so only the rest is a second download).

    .venv/bin/python bench/page_weight.py
"""

import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402

TARGET_KB = 40
ASSET = re.compile(r'<(?:link|script)\b[^>]*?(?:href|src)="([^"]+)"')
# Static imports (`import x from "./a.js"`, `import "./a.js"`), which a browser fetches with the
# module; not `import("./a.js")`, fetched only when the code that asks for it runs.
# Minified, a module reads `import{scanInto}from"./qr-reader.js"`: no space after `import`.
IMPORT = re.compile(r'\bimport\s*(?:[^"\'(;]*?\bfrom\s*)?["\'](\.{1,2}/[^"\']+)["\']')


def wire(client, url: str, encoding: str) -> tuple[int, bytes, str]:
    response = client.get(url, headers={"Accept-Encoding": encoding})
    assert response.status_code == 200, (url, response.status_code)
    sent = len(response.get_data())
    response.direct_passthrough = False
    body = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        import gzip

        body = gzip.decompress(body)
    elif response.headers.get("Content-Encoding") == "br":
        import brotli

        body = brotli.decompress(body)
    return sent, body, response.mimetype


def first_load(client, page: str, encoding: str) -> tuple[list[tuple[str, int]], set[str]]:
    seen, rows, queue = set(), [], [page]
    while queue:
        url = queue.pop(0)
        if url in seen or urlsplit(url).netloc:
            continue
        seen.add(url)
        sent, body, mimetype = wire(client, url, encoding)
        rows.append((url, sent))
        text = body.decode("utf-8", "replace")
        if mimetype == "text/html":
            # Safari alone fetches the apple-touch-icon, when the app is put on the home screen.
            queue += [u for u in ASSET.findall(text) if "apple-touch-icon" not in u]
        elif mimetype in ("text/javascript", "application/javascript"):
            queue += [urljoin(url, m) for m in IMPORT.findall(text)]
    return rows, seen


def main() -> None:
    folder = tempfile.mkdtemp(prefix="bench-weight-")
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "WTF_CSRF_ENABLED": False},
        instance_path=folder,
    )
    with app.app_context():
        from app.demo import load_demo
        from app.extensions import db

        upgrade()
        load_demo()
        db.session.commit()
    client = app.test_client()
    client.post("/auth/login", data={"employee_no": "I0001", "password": "demo1234"})
    with app.app_context():
        from app.models.safety import Area

        area_id = Area.query.order_by(Area.id).first().id
    pages = {"new hazard": "/safety/hazards/new", "round": f"/safety/patrols/round/{area_id}"}
    sw = client.get("/sw.js").get_data(as_text=True)
    precache = re.search(r"const PRECACHE = (\[.*?\]);", sw)[1]
    precache = re.findall(r'"([^"]+)"', precache)
    ok = True
    for label, page in pages.items():
        for encoding in ("gzip", "br, gzip"):
            rows, loaded = first_load(client, page, encoding)
            total = sum(n for _, n in rows) / 1024
            if encoding == "gzip":
                print(f"== {label} page, first load, {encoding}")
                for url, n in rows:
                    print(f"   {n / 1024:7.1f} KB  {url}")
                ok &= total <= TARGET_KB
            print(
                f"{label + ' (' + encoding + ')':<28} {total:6.2f} KB   target <= {TARGET_KB} KB"
                f"   {'ok' if total <= TARGET_KB else 'OVER'}"
            )
        extra = [u for u in precache if u not in loaded]
        extra_kb = sum(wire(client, u, "gzip")[0] for u in extra) / 1024
        print(
            f"worker install after the {label} page: {extra_kb:.1f} KB more (gzip) for files "
            f"the page did not load: {', '.join(extra) or 'none'}; target: no second download "
            "of what the page loaded"
        )
    print("page weight:", "within target" if ok else "OVER target")
    _gzip_level_cost(client, loaded, pages["round"])


def _gzip_level_cost(client, loaded: set[str], page: str) -> None:
    """What gzip level 9 (config: COMPRESS_LEVEL) costs over the default 6: the server
    compresses every response, the page on each visit and each file on a first load."""
    import gzip
    import statistics
    import time

    def ms(body: bytes, level: int) -> float:
        runs = []
        for _ in range(15):
            started = time.perf_counter()
            gzip.compress(body, level)
            runs.append((time.perf_counter() - started) * 1000)
        return statistics.median(runs)

    bodies = {url: wire(client, url, "identity")[1] for url in sorted(loaded)}
    for label, urls, target in (
        ("the page itself, each visit", [page], 0.5),
        ("page and files, first load", list(bodies), 3.0),
    ):
        cost = {lvl: sum(ms(bodies[u], lvl) for u in urls) for lvl in (6, 9)}
        size = {lvl: sum(len(gzip.compress(bodies[u], lvl)) for u in urls) for lvl in (6, 9)}
        more = cost[9] - cost[6]
        print(
            f"gzip 9 vs 6, {label}: {cost[6]:.2f} -> {cost[9]:.2f} ms ({more:+.2f} ms, "
            f"target <= +{target} ms: {'ok' if more <= target else 'OVER'}), "
            f"{size[6] - size[9]} bytes smaller"
        )


if __name__ == "__main__":
    main()
