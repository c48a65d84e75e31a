"""The gate in the field kit: everyone's own code (page and QR image); for a checker the
check page, which carries the status of the checker's departments, and the workers' photos.
The stamp changes with any of it, so a revoked qualification or code reaches the checker's
phone with the next kit refresh."""

import hashlib

from flask import url_for

from . import queries, standing
from .access import is_checker


def kit(user) -> list[str]:
    # The code's image keeps its URL when the code is reissued; the stamp changes instead, so
    # the phone fetches the kit (this image too) again.
    urls = [url_for("gate.my_code"), url_for("gate.my_code_image")]
    if is_checker(user):
        payload = queries.kit_payload(user)
        urls.append(url_for("gate.check"))
        urls += [w["photo"] for w in payload["workers"] if w["photo"]]
    return urls


def stamp(user) -> str:
    digest = hashlib.sha256()
    code = queries.live_code(user)
    held = standing.statuses([user.id]).get(user.id, {})
    digest.update(repr((code.id if code else None, sorted(held.items()))).encode())
    digest.update(repr([p.id for p in queries.posts_of(user)]).encode())
    if is_checker(user):
        digest.update(queries.kit_stamp(queries.kit_payload(user)).encode())
    return digest.hexdigest()


def register(reg) -> None:
    reg.offline(kit, stamp=stamp)
