"""How pages answer: one URL serves the whole page, or for an htmx request just the part the
page includes; and the QR codes that pages show and print."""

import io

import qrcode
import qrcode.image.svg
from flask import render_template

from app.extensions import htmx


def wants_fragment() -> bool:
    """An htmx request that swaps part of the page (a boosted one wants the whole page)."""
    return bool(htmx) and not htmx.boosted


def page_or_fragment(page: str, fragment: str, /, **context) -> str:
    return render_template(fragment if wants_fragment() else page, **context)


def qr_svg(text: str) -> str:
    """An SVG QR code of `text`, drawn as one path: sharp at any size, no image library."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=2,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()
