"""Small helpers for reading responses in tests."""

from html import unescape


def text(response) -> str:
    """The response body as a person reads it (HTML entities decoded)."""
    return unescape(response.get_data(as_text=True))
