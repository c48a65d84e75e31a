"""Helpers shared by the proposal views."""

import re

from flask import abort
from flask_login import current_user

from app.blueprints.errors.handlers import error_response
from app.extensions import db

from .. import permissions, queries

_INDEXED = re.compile(r"^(\w+)\[(\d+)\]\[(\w+)\]$")


def nested(form) -> dict:
    """A posted form as the outbox sends it: `coauthors[0][share]` becomes
    `{"coauthors": [{"share": …}]}`; other fields stay flat (first value)."""
    data: dict = {}
    lists: dict[str, dict[int, dict]] = {}
    for key in form:
        match = _INDEXED.match(key)
        if match:
            name, index, sub = match.group(1), int(match.group(2)), match.group(3)
            if index < 100:
                lists.setdefault(name, {}).setdefault(index, {})[sub] = form.get(key)
        else:
            data[key] = form.get(key)
    for name, rows in lists.items():
        data[name] = [rows[i] for i in sorted(rows)]
    return data


def visible_proposal(proposal_id: int):
    proposal = queries.detail(proposal_id)
    if proposal is None or not permissions.can_see(current_user, proposal):
        abort(404)
    return proposal


def refused(message: str, status: int = 403):
    db.session.rollback()
    return error_response(status, message)
