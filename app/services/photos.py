"""Photos for every feature: the row that records a stored picture (hazards' `Photo`,
`ProposalPhoto`, …: they all keep the digest, the size and who sent it), and the photos a
refused form keeps for the person to send again."""

import base64
import io
from dataclasses import dataclass

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from PIL import Image

from app import storage
from app.errors import ValidationFailed


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
# posts the tokens back in `kept_photos` (`kept_<field>` for another file field). A token
# holds the picture's digest and when it was signed, nothing else; the page shows a small
# preview inline, so no address (and no log line) ever names a photo beside the person.

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

    def image(self) -> storage.PreparedImage | None:
        """The stored picture as `storage.prepare_uploads` passes it on to a service, which
        stores it (again: nothing is written twice) like a photo chosen now; None when lost."""
        store = storage.backend()
        data = store.get(storage.key_for(self.sha256))
        thumb = store.get(storage.key_for(self.sha256, thumb=True))
        if data is None or thumb is None:
            return None
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        return storage.PreparedImage(data, thumb, self.sha256, width, height)


def _signer(owner) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"kept-photo:{owner}")


def keep_uploads(uploads, owner, field: str = "photos") -> list[KeptPhoto]:
    """Store the photos posted with a refused form and name them for `owner` (a user id).

    Raises ValidationFailed({field: [...]}), as `storage.prepare_uploads`, when one of them
    is refused itself; then nothing is stored.
    """
    signer = _signer(owner)
    kept = []
    for prepared in storage.prepare_uploads(uploads, field):
        sha256 = storage.save(prepared).sha256
        kept.append(KeptPhoto(signer.dumps(sha256), sha256))
    return kept


def kept_photos(tokens, owner) -> list[KeptPhoto]:
    """The photos behind the posted `tokens` that were kept for `owner`, in order, once each;
    a token that is not one, is another person's or is too old is left out."""
    signer = _signer(owner)
    kept: list[KeptPhoto] = []
    for token in [tokens] if isinstance(tokens, str) else tokens or []:
        try:
            sha256 = signer.loads(token, max_age=KEPT_MAX_AGE)
        except BadSignature:
            continue
        if isinstance(sha256, str) and all(k.sha256 != sha256 for k in kept):
            kept.append(KeptPhoto(token, sha256))
    return kept


def kept_name(field: str = "photos") -> str:
    """The name the kept photos of the file field `field` post back under."""
    return KEPT_FIELD if field == "photos" else f"kept_{field}"


class Chosen:
    """The photos a form posted in its file field `field`: the files chosen now and the ones
    kept for `owner` when the form was refused before (posted back by their tokens).

    A route hands `uploads` (`upload` for a field of one photo, `most=1`) to its service, and
    when the form is refused calls `again` for the photos to show with it (the `kept_photos`
    macro, named `name`)."""

    def __init__(self, owner, field: str = "photos", most: int | None = None):
        self.owner, self.field, self.name, self.most = owner, field, kept_name(field), most
        self.files = request.files.getlist(field)
        self.kept = kept_photos(request.form.getlist(self.name), owner)

    @property
    def uploads(self) -> list:
        """The kept pictures first, then the files chosen now."""
        return [*(i for k in self.kept if (i := k.image()) is not None), *self.files]

    @property
    def upload(self):
        """For a field of one photo: the one chosen now, else the one kept (None: neither)."""
        chosen = [f for f in self.files if getattr(f, "filename", "")]
        return (chosen or self.uploads or [None])[0]

    def again(self, errors=()) -> list[str]:
        """The form is refused: unless its photos were refused themselves (`errors`, the
        field's messages), those chosen now are kept too. Returns the field's messages."""
        errors = [str(e) for e in errors or []]
        if request.method == "POST" and not errors:
            for upload in self.files:
                upload.stream.seek(0)  # the service may have read it already
            try:
                self.kept = [*self.kept, *keep_uploads(self.files, self.owner, self.field)]
                self.kept = self.kept[-self.most :] if self.most else self.kept  # the newest
            except ValidationFailed as refused:
                errors += [str(m) for m in refused.errors.get(self.field, [])]
            self.files = []
        return errors
