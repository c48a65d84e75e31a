"""Searching the audit log the way a person types: what they type is looked for as it is
(% and _ are not wildcards), with or without the spaces the log puts around # and ·, in
full-width or half-width letters and digits, and a number after # is the whole number."""

import re

from sqlalchemy import String, func, literal, or_

from app.models import AuditLog

# Full-width letters, digits and ＃ as an input method types them, and its wide space: the
# log writes them half-width (档案 #8). Full-width punctuation is the log's own (住院（…）).
HALF_WIDTH = {ord(c): ord(c) - 0xFEE0 for c in "＃０１２３４５６７８９"}
HALF_WIDTH |= {ch: ch - 0xFEE0 for ch in range(ord("Ａ"), ord("Ｚ") + 1)}
HALF_WIDTH |= {ch: ch - 0xFEE0 for ch in range(ord("ａ"), ord("ｚ") + 1)}
HALF_WIDTH |= {ord("\u3000"): " "} | {ord(dot): "·" for dot in "・･•‧"}  # the dots of · too
# A search that ends in a number after #: that number, not every one it begins (#4, not #45).
NUMBERED = re.compile(r"#\d+$")


def matching(typed: str, actions: list[str]):
    """The condition for the entries `typed` finds: by the action's stored key, by the words
    the list shows for it (`actions`, the keys whose words contain `typed`), or in the summary."""
    forms = {typed, typed.translate(HALF_WIDTH)}
    return or_(
        AuditLog.action.icontains(typed, autoescape=True),
        AuditLog.action.in_(actions),
        *(_summary_has(form) for form in forms),
    )


def _summary_has(words: str):
    """The summary contains `words`, spaces not counted (档案#8 finds 档案 #8): removing
    them is the one change to the stored text that costs the same on SQLite and PostgreSQL."""
    words = "".join(words.split())
    summary = func.replace(AuditLog.summary, " ", "", type_=String)
    found = summary.icontains(words, autoescape=True)
    if NUMBERED.search(words):
        # No digit after the number: a regular expression, which both databases run (SQLite
        # through SQLAlchemy's REGEXP function); the LIKE first narrows what it reads.
        pattern = func.lower(literal(re.escape(words) + "([^0-9]|$)", String))
        found = found & func.lower(summary).regexp_match(pattern)
    return found
