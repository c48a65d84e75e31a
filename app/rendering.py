"""One URL serves the whole page, or for an htmx request just the part the page includes."""

from flask import render_template

from app.extensions import htmx


def wants_fragment() -> bool:
    """An htmx request that swaps part of the page (a boosted one wants the whole page)."""
    return bool(htmx) and not htmx.boosted


def page_or_fragment(page: str, fragment: str, /, **context) -> str:
    return render_template(fragment if wants_fragment() else page, **context)
