"""Look-ups made once per batch instead of once per record.

`POST /sync` takes up to 100 records in one transaction, each through the same service as its
online form. Within such a batch the answers to some questions do not change from one record
to the next (who the safety officers are, a recipient's language), and the sync layer knows
things a service would otherwise ask the database for (that no row carries a new record's id
yet). `open_batch()` gives the batch a memo for those; outside a batch every call asks the
database as before, so a form post is served exactly as it always was.

    with open_batch(new_ids=ids_without_a_row):
        ...                                   # services call remember() and known_new()
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager

from app.extensions import db

_KEY = "lookups_of_this_batch"


@contextmanager
def open_batch(new_ids: Iterable[str] = ()):
    info = db.session.info
    info[_KEY] = {"new_ids": set(new_ids)}
    try:
        yield
    finally:
        info.pop(_KEY, None)


def _memo() -> dict | None:
    return db.session.info.get(_KEY)


def remember(key, load: Callable):
    """`load()`, asked once per batch (every time outside a batch)."""
    memo = _memo()
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return memo[key]


def remember_each(prefix: str, keys: Iterable, load_many: Callable[[set], dict]) -> dict:
    """{key: value} for `keys`; `load_many(missing_keys)` is asked only for keys this batch has
    not looked up yet (a key it does not answer for is remembered as None)."""
    keys = set(keys)
    memo = _memo()
    if memo is None:
        return load_many(keys)
    known = memo.setdefault(prefix, {})
    if missing := keys - known.keys():
        found = load_many(missing)
        known.update({key: found.get(key) for key in missing})
    return {key: known[key] for key in keys if known[key] is not None}


def known_new(client_id: str | None) -> bool:
    """Whether the sync layer vouches that no row was made from this record id yet (it found
    no received record under it, and a record's rows are written with its sync row)."""
    memo = _memo()
    return memo is not None and client_id is not None and client_id in memo["new_ids"]


def forget_new(client_id: str) -> None:
    """The record was written: a repeat of its id in the same batch is not new."""
    memo = _memo()
    if memo is not None:
        memo["new_ids"].discard(client_id)
