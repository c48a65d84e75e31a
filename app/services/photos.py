"""Photos for every feature: the row that records a stored picture (hazards' `Photo`,
`ProposalPhoto`, …: they all keep the digest, the size and who sent it), and the photos a
refused form keeps for the person to send again."""

import base64
import io
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from PIL import Image

from app import storage


def image_row(model, stored: storage.StoredImage, user, client_id=None, **owner):
    """A new (not yet added) `model` row for the picture `stored`, sent by `user`,
    belonging to `owner` (e.g. `hazard_id=…`)."""
    return model(
        client_id=client_id,
        sha256=stored.sha256,
        width=stored.width,
        height=stored.height,
        size=stored.size,
        uploaded_by_id=user.id,
        **owner,
    )


# --- photos kept across a refused form ---------------------------------------------------
# A browser never fills a file input back in. When a form is refused for something else, the
# photos it carried (each fine as a picture) are stored by content, as they would have been,
# and the page names them by tokens signed for the person who chose them; the corrected form
# posts the tokens back in `kept_photos`. A token holds the picture's digest and when it was
# signed, nothing else; the page shows a small preview inline, so no address (and no log line)
# ever names a photo beside the person.

KEPT_FIELD = "kept_photos"
KEPT_MAX_AGE = 24 * 3600  # a form left open overnight still sends its photos
PREVIEW_EDGE = 192


@dataclass(frozen=True)
class KeptPhoto:
    token: str
    sha256: str

    @property
    def preview(self) -> str:
        """A small JPEG of the photo as a `data:` URL (empty when the store lost it)."""
        thumb = storage.backend().get(storage.key_for(self.sha256, thumb=True))
        if thumb is None:
            return ""
        with Image.open(io.BytesIO(thumb)) as image:
            image.thumbnail((PREVIEW_EDGE, PREVIEW_EDGE))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=70)
        return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


def _signer(owner) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"kept-photo:{owner}")


def keep_uploads(uploads, owner) -> list[KeptPhoto]:
    """Store the photos posted with a refused form and name them for `owner` (a user id).

    Raises ValidationFailed({"photos": [...]}), as `storage.prepare_uploads`, when one of them
    is refused itself; then nothing is stored.
    """
    signer = _signer(owner)
    kept = []
    for prepared in storage.prepare_uploads(uploads):
        sha256 = storage.save(prepared).sha256
        kept.append(KeptPhoto(signer.dumps(sha256), sha256))
    return kept


def kept_photos(tokens, owner) -> list[KeptPhoto]:
    """The photos behind the posted `tokens` that were kept for `owner`, in order, once each;
    a token that is not one, is another person's or is too old is left out."""
    signer = _signer(owner)
    kept: list[KeptPhoto] = []
    for token in tokens:
        try:
            sha256 = signer.loads(token, max_age=KEPT_MAX_AGE)
        except BadSignature:
            continue
        if isinstance(sha256, str) and all(k.sha256 != sha256 for k in kept):
            kept.append(KeptPhoto(token, sha256))
    return kept
