"""The library's part of the field kit: the library and its scanner, and every document of
the person's posts and areas (what a machine's QR code opens) and the emergency plans that
apply to them, in its current version (`queries.my_documents`)."""

import hashlib

from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.models.library import ReadConfirmation

from . import queries


def kit(user) -> list[str]:
    urls = [url_for("library.index"), url_for("library.scan")]
    urls += [url_for("library.document", document_id=d.id) for d in queries.my_documents(user)]
    return urls


def stamp(user) -> str:
    """Changes when a kit document gets a new version or the person confirms one (the page
    then shows the confirmation instead of the button)."""
    digest = hashlib.sha256()
    for document in queries.my_documents(user):
        digest.update(f"{document.id}:{document.current_version_id}:{document.title};".encode())
    for version_id in db.session.scalars(
        select(ReadConfirmation.version_id)
        .where(ReadConfirmation.user_id == user.id)
        .order_by(ReadConfirmation.version_id)
    ):
        digest.update(f"r{version_id};".encode())
    return digest.hexdigest()


def register(reg) -> None:
    reg.offline(kit, stamp=stamp)
