"""Every upload the app keeps: checked, cleaned, stored by content, served only through routes
that check who may see it.

One pipeline for every picture (a form's photos, a photo synced from the outbox, an activity's
cover), with one budget (`UPLOAD_LIMITS` in `app/config.py`):

1. the bytes are read through a bounded stream, so a file without a Content-Length (chunked)
   cannot pass the byte cap;
2. the type is told by the content, never by the name or the header the client sent;
3. the size in pixels is read from the header and checked BEFORE anything is decoded (a 6 KB
   file can claim 49 megapixels); JPEGs are then decoded at a reduced scale where that is
   enough for the long edge;
4. the picture is turned upright (EXIF orientation), stripped of every metadata (GPS, device),
   resized to the long edge, and its thumbnail is made from the same decoded pixels;
5. both are written once, named by the sha256 of the stored bytes (`aa/<sha256>.jpg` and
   `thumbs/aa/<sha256>.jpg`): the same picture is stored once, and a name never points at
   other bytes.

The store is the folder `UPLOAD_FOLDER` (default `instance/uploads`, which may be a mount that
every web process shares) or, when `UPLOAD_S3_URL` is set, an S3-compatible bucket (boto3).
Knows nothing of records or features: who may see a picture is the serving route's question;
which files are still needed, the columns marked as naming one (`app.models.columns`): a
daily job deletes the others (pictures, documents, unfinished writes) once a few days old.
"""

import base64
import hashlib
import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from flask import abort, current_app, request
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from PIL import Image, ImageOps

from app.config import UploadLimits
from app.errors import ValidationFailed
from app.models.columns import documents_named, pictures_named
from app.stores import UNFINISHED, BucketStore, FolderStore

Image.init()
# HEIC (an iPhone's own format) only where this Pillow has a plugin that reads it; without it
# the forms do not offer HEIC, and iOS then converts the picture to JPEG as it uploads it.
HEIC = "HEIF" in Image.OPEN
ACCEPT = "image/jpeg,image/png,image/webp" + (",image/heic,image/heif" if HEIC else "")
# Metadata that can carry where and with what a photo was taken.
_METADATA_KEYS = ("exif", "xmp", "photoshop", "comment", "XML:com.adobe.xmp")
_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, MemoryError)
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Accepts:
    """What one use of the pipeline takes in."""

    formats: frozenset
    # Keep a JPEG byte for byte when it carries no metadata and is within the limits (the
    # phone already downsized it, and its digest then stays the one it declared).
    keep_clean_jpeg: bool = False


PICTURES = Accepts(frozenset({"JPEG", "PNG", "WEBP"} | ({"HEIF"} if HEIC else set())))
PHONE_JPEG = Accepts(frozenset({"JPEG"}), keep_clean_jpeg=True)


class ImageRejected(ValueError):
    """The bytes are not a picture this app stores; the message says why, for the person."""

    def __init__(self, message: str, status: int = 415):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class PreparedImage:
    """A checked, cleaned picture and its thumbnail, in memory, not yet stored."""

    data: bytes
    thumb: bytes
    sha256: str
    width: int
    height: int


@dataclass(frozen=True)
class StoredImage:
    """A picture in the store: its digest names it."""

    sha256: str
    width: int
    height: int
    size: int

    @property
    def key(self) -> str:
        return key_for(self.sha256)

    @property
    def name(self) -> str:
        """The file name kept in a record's column (`<sha256>.jpg`)."""
        return f"{self.sha256}.jpg"


def limits() -> UploadLimits:
    return current_app.config["UPLOAD_LIMITS"]


def key_for(sha256: str, thumb: bool = False) -> str:
    key = f"{sha256[:2]}/{sha256}.jpg"
    return f"thumbs/{key}" if thumb else key


def sha256_of_name(name: str | None) -> str | None:
    """The digest in a stored name (`<sha256>.jpg`), or None when it is not one."""
    digest = (name or "").removesuffix(".jpg")
    return digest if _SHA256.fullmatch(digest) else None


# --- reading -----------------------------------------------------------------------------


def read_bounded(upload, *, name: str | None = None) -> bytes:
    """The bytes of an upload (a FileStorage, a stream or bytes), never more than the limit.

    Reads at most one byte past the cap, whatever the request said about its length.
    """
    cap = limits().max_bytes
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload[: cap + 1])
    else:
        data = getattr(upload, "stream", upload).read(cap + 1)
    if len(data) > cap:
        raise ImageRejected(_too_large(name), status=413)
    if not data:
        raise ImageRejected(_("%(name)s is empty.", name=name or _("photo")))
    return data


def read_request_body() -> bytes:
    """The body of this request (a PUT of one picture), read through a bounded stream."""
    cap = limits().max_bytes
    if request.content_length is not None and request.content_length > cap:
        raise ImageRejected(_too_large(None), status=413)
    data = request.stream.read(cap + 1)
    if len(data) > cap:
        raise ImageRejected(_too_large(None), status=413)
    return data


def too_large_to_send() -> str:
    """What a request past `MAX_CONTENT_LENGTH` is told: that limit, and each file's, so a
    person sending two 7 MB photos learns why two are refused where one would pass. Within
    that limit, it was a text past `MAX_FORM_MEMORY_SIZE` (500 KB), not the files."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length <= limit:
        return _("A text you sent is far too long; shorten it and send again.")
    return _(
        "What you sent is too large: at most %(total)d MB can be sent at once, and each photo "
        "or file at most %(mb)d MB. Choose fewer or smaller ones.",
        total=limit // 2**20,
        mb=limits().max_mb,
    )


def _too_large(name: str | None) -> str:
    mb = limits().max_mb
    if name:
        return _("%(name)s is larger than %(mb)d MB.", name=name, mb=mb)
    return _("A photo may be at most %(mb)d MB.", mb=mb)


# --- checking and cleaning -----------------------------------------------------------------


def prepare(data: bytes, *, name: str | None = None, accepts: Accepts = PICTURES) -> PreparedImage:
    """Check and clean one picture: the stored JPEG and its thumbnail. Raises ImageRejected.

    `name` is how the messages call the file (its file name on a form); without it they
    speak of "the photo".
    """
    budget = limits()
    try:
        with warnings.catch_warnings():
            # The budget below is far under Pillow's warning bound: ours says more.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in accepts.formats:
                raise _not_a_picture(name, accepts, wrong_format=True)
            pixels = image.width * image.height
            if pixels > budget.max_pixels:
                raise ImageRejected(_too_many_pixels(name, pixels), status=413)
            if accepts.keep_clean_jpeg and _clean_and_small(image, data, budget):
                return _kept(image, data, budget)
            if image.format == "JPEG":
                # Decode at 1/2, 1/4 or 1/8 scale when that still gives the long edge.
                image.draft("RGB", _fitted(image.size, budget.long_edge))
            image.load()
            upright = ImageOps.exif_transpose(image)
            return _encode(_flat_rgb(upright), budget)
    except ImageRejected:
        raise
    except Image.DecompressionBombError:
        raise ImageRejected(_too_many_pixels(name, None), status=413) from None
    except _DECODE_ERRORS:
        raise _not_a_picture(name, accepts) from None


def _clean_and_small(image: Image.Image, data: bytes, budget: UploadLimits) -> bool:
    if image.format != "JPEG" or any(key in image.info for key in _METADATA_KEYS):
        return False
    if max(image.size) > budget.long_edge:
        return False
    if not whole_jpeg(data):
        raise ValueError("a cut JPEG")
    return True


def _kept(image: Image.Image, data: bytes, budget: UploadLimits) -> PreparedImage:
    width, height = image.size
    image.draft("RGB", _fitted(image.size, budget.thumb_edge))
    image.load()
    thumb = image.convert("RGB")
    thumb.thumbnail((budget.thumb_edge, budget.thumb_edge))
    return PreparedImage(
        data=data,
        thumb=_jpeg(thumb, 75),
        sha256=hashlib.sha256(data).hexdigest(),
        width=width,
        height=height,
    )


def _fitted(size: tuple[int, int], edge: int) -> tuple[int, int]:
    """The size `size` has once its long side is at most `edge` (what `draft` must reach)."""
    scale = min(1.0, edge / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _flat_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    return image.convert("RGB")


def _encode(image: Image.Image, budget: UploadLimits) -> PreparedImage:
    image.thumbnail((budget.long_edge, budget.long_edge))
    # A fresh image carries no metadata: GPS position and device details are left behind.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    data = _jpeg(clean, 85)
    clean.thumbnail((budget.thumb_edge, budget.thumb_edge))
    return PreparedImage(
        data=data,
        thumb=_jpeg(clean, 75),
        sha256=hashlib.sha256(data).hexdigest(),
        width=image.width,
        height=image.height,
    )


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _not_a_picture(name: str | None, accepts: Accepts, wrong_format=False) -> ImageRejected:
    if accepts.formats == PHONE_JPEG.formats:
        if wrong_format:
            return ImageRejected(_("Only JPEG photos are accepted."))
        return ImageRejected(_("This file is not a readable JPEG photo."))
    name = name or _("photo")
    if HEIC:
        return ImageRejected(_("%(name)s is not a JPEG, PNG, WebP or HEIC picture.", name=name))
    return ImageRejected(_("%(name)s is not a JPEG, PNG or WebP picture.", name=name))


def _too_many_pixels(name: str | None, pixels: int | None) -> str:
    most = limits().max_megapixels
    if pixels is None:  # past even Pillow's own bound: the size is not worth reporting
        if name:
            return _(
                "%(name)s has too many pixels: at most %(max)d megapixels are accepted.",
                name=name,
                max=most,
            )
        return _(
            "The photo has too many pixels: at most %(max)d megapixels are accepted.", max=most
        )
    mp = round(pixels / 1_000_000)
    if name:
        return _(
            "%(name)s has %(mp)d megapixels; at most %(max)d are accepted. Take it with the "
            "camera's usual setting, or make it smaller.",
            name=name,
            mp=mp,
            max=most,
        )
    return _(
        "The photo has %(mp)d megapixels; at most %(max)d are accepted. Take it with the "
        "camera's usual setting, or make it smaller.",
        mp=mp,
        max=most,
    )


# In a scan's entropy-coded data a 0xFF byte is followed by 0x00 (a stuffed byte) or by a
# restart marker; anything else is the marker that ends the scan.
_END_OF_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length
_FRAMES = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # SOFn; C4, C8, CC are other segments
_SOS, _EOI = 0xDA, 0xD9


def whole_jpeg(data: bytes) -> bool:
    """Whether a JPEG is whole: its segments from the start marker (SOI) through the frame
    header and every scan to the end marker (EOI), each as long as it says it is.

    A decode passes most bytes garbled inside a scan, so neither is the check for those (the
    sha256 the phone declared is); this finds a cut file, at a twentieth of a decode's work.
    """
    if not data.startswith(b"\xff\xd8"):
        return False
    pos, frame, scanned = 2, False, False
    while True:
        while data[pos : pos + 2] == b"\xff\xff":  # fill bytes before a marker
            pos += 1
        if len(data) < pos + 2 or data[pos] != 0xFF:
            return False
        code, pos = data[pos + 1], pos + 2
        if code == _EOI:
            return scanned
        if code in _STANDALONE:
            continue
        if len(data) < pos + 2:
            return False
        end = pos + int.from_bytes(data[pos : pos + 2], "big")
        if end < pos + 2 or end > len(data) or (code == _SOS and not frame):
            return False
        frame = frame or code in _FRAMES
        if code == _SOS:
            scan_end = _END_OF_SCAN.search(data, end)
            if scan_end is None:
                return False
            end, scanned = scan_end.start(), True
        pos = end


# --- for the features --------------------------------------------------------------------


def save(prepared: PreparedImage) -> StoredImage:
    """Write the picture and its thumbnail (once per content: the same picture again only
    counts as stored now, for the sweep of unattached uploads); return what was stored."""
    store = backend()
    # The thumbnail first: once the picture is there, both are.
    store.put(key_for(prepared.sha256, thumb=True), prepared.thumb)
    store.put(key_for(prepared.sha256), prepared.data)
    return StoredImage(prepared.sha256, prepared.width, prepared.height, len(prepared.data))


def prepare_uploads(uploads, field: str = "photos") -> list[PreparedImage]:
    """Check every photo of a form (empty file inputs are skipped) before anything is written.
    A picture already checked (a photo a refused form kept) is passed on as it is.

    Raises ValidationFailed({field: [message]}) for the first that is refused.
    """
    uploads = [u for u in uploads or [] if not _is_empty_input(u)]
    most = limits().photos_per_record
    if len(uploads) > most:
        raise ValidationFailed({field: [_("Attach at most %(n)d photos.", n=most)]})
    prepared = []
    for upload in uploads:
        if isinstance(upload, PreparedImage):
            prepared.append(upload)
            continue
        name = getattr(upload, "filename", None) or _("photo")
        try:
            prepared.append(prepare(read_bounded(upload, name=name), name=name))
        except ImageRejected as rejected:
            raise ValidationFailed({field: [rejected.message]}) from None
    return prepared


def save_upload(upload, field: str) -> StoredImage | None:
    """Check and store one optional picture of a form (a cover); None when none was chosen."""
    if upload is None or _is_empty_input(upload):
        return None
    [prepared] = prepare_uploads([upload], field)
    return save(prepared)


def _is_empty_input(upload) -> bool:
    # A form's file input sent with no file chosen arrives as a nameless, empty part.
    return upload is None or getattr(upload, "filename", "x") == ""


def save_file(data: bytes, key: str) -> None:
    """Store bytes that are not a picture (a checked PDF, say) under `key`, once (the same
    bytes again only count as stored now, for the sweep of files no row names)."""
    backend().put(key, data)


def send_stored(key: str, *, mimetype: str, etag: str, max_age: int = 0):
    """A stored file as a private response, or None when it is not in the store. Call it only
    after checking that the viewer may see what the file belongs to."""
    response = backend().response(key, etag=etag, max_age=max_age, mimetype=mimetype)
    if response is not None:
        response.cache_control.public = False
        response.cache_control.private = True
    return response


def send_image(sha256: str, *, thumb: bool = False, max_age: int = 86400):
    """The picture (or its thumbnail) as a private, cacheable response; 404 if not stored.

    Call it only after checking that the viewer may see what the picture belongs to.
    """
    if not _SHA256.fullmatch(sha256 or ""):
        abort(404)
    response = backend().response(key_for(sha256, thumb=thumb), etag=sha256, max_age=max_age)
    if response is None:
        abort(404)
    # Private: a shared cache must not hand one person's photo to another.
    response.cache_control.public = False
    response.cache_control.private = True
    return response


def photo_routes(bp, rule: str, sha256_of: Callable[..., str | None]) -> None:
    """Serve a photo at `rule` (endpoint `photo`) and its thumbnail at `rule + "/thumb"`
    (`photo_thumb`), to people logged in. `sha256_of(id)` gets the id in `rule`, aborts 404
    when the viewer may not see the record the photo belongs to, and gives its digest."""
    from flask_login import login_required

    def serving(thumb: bool):
        @login_required
        def view(**ids):
            sha256 = sha256_of(*ids.values())
            if not sha256:
                abort(404)
            return send_image(sha256, thumb=thumb)

        return view

    bp.add_url_rule(rule, "photo", serving(thumb=False))
    bp.add_url_rule(rule + "/thumb", "photo_thumb", serving(thumb=True))


# --- photos kept across a refused form ---------------------------------------------------
# A browser never fills a file input back in. When a form is refused for something else, the
# photos it carried (each fine as a picture) are stored by content, as they would have been,
# and the page names them by tokens signed for the person who chose them; the corrected form
# posts the tokens back in `kept_photos` (`kept_<field>` for another file field). A token
# holds the picture's digest and when it was signed, nothing else; the page shows the stored
# thumbnail inline, so no address (and no log line) ever names a photo beside the person.

KEPT_FIELD = "kept_photos"
KEPT_MAX_AGE = 24 * 3600  # a form left open overnight still sends its photos


@dataclass(frozen=True)
class KeptPhoto:
    token: str
    sha256: str

    @property
    def preview(self) -> str:
        """The stored thumbnail, as it is, as a `data:` URL (empty when the store lost it)."""
        thumb = backend().get(key_for(self.sha256, thumb=True))
        if thumb is None:
            return ""
        return "data:image/jpeg;base64," + base64.b64encode(thumb).decode()

    def image(self) -> PreparedImage | None:
        """The stored picture as `prepare_uploads` passes it on to a service, which
        stores it (again: nothing is written twice) like a photo chosen now; None when lost."""
        store = backend()
        data = store.get(key_for(self.sha256))
        thumb = store.get(key_for(self.sha256, thumb=True))
        if data is None or thumb is None:
            return None
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        return PreparedImage(data, thumb, self.sha256, width, height)


def _signer(owner) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"kept-photo:{owner}")


def keep_uploads(uploads, owner, field: str = "photos") -> list[KeptPhoto]:
    """Store the photos posted with a refused form and name them for `owner` (a user id).

    Raises ValidationFailed({field: [...]}), as `prepare_uploads`, when one of them
    is refused itself; then nothing is stored.
    """
    signer = _signer(owner)
    kept = []
    for prepared in prepare_uploads(uploads, field):
        sha256 = save(prepared).sha256
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


# --- uploads no record took -------------------------------------------------------------

_PICTURE_KEY = re.compile(r"(?:thumbs/)?[0-9a-f]{2}/([0-9a-f]{64})\.jpg")
_DOCUMENT_KEY = re.compile(r"[a-z]+/[0-9a-f]{2}/[0-9a-f]{64}\.[a-z]{3,4}")


def delete_unattached(now: datetime | None = None) -> int:
    """Delete every file no row names that was last stored more than
    `UPLOAD_LIMITS.unattached_days` ago (so one being written now, its row not yet committed,
    stays): pictures (with their thumbnails) kept for a form never sent again or whose record
    is gone; documents under a folder that marked columns keep files in (a care certificate
    whose request failed after it was written); and the temporary files of writes a process
    never finished. Returns how many went (a picture and its thumbnail count once)."""
    store = backend()
    since = (now or datetime.now(UTC)) - timedelta(days=limits().unattached_days)
    pictures: dict[str, datetime] = {}  # digest -> when its picture or thumbnail was last written
    documents, unfinished = [], []
    for key, written in store.listing():
        if match := _PICTURE_KEY.fullmatch(key):
            pictures[match[1]] = max(written, pictures.get(match[1], written))
        elif written >= since:
            continue
        elif _DOCUMENT_KEY.fullmatch(key):
            documents.append(key)
        elif key.rpartition("/")[2].startswith(UNFINISHED):
            unfinished.append(key)
    old = {sha256 for sha256, written in pictures.items() if written < since}
    unattached = sorted(old - pictures_named()) if old else []
    if documents:
        folders, named = documents_named()
        documents = [k for k in documents if k.partition("/")[0] in folders and k not in named]

    # Stored again since the listing (a request about to commit a row naming it): it stays.
    def still_old(key: str) -> bool:
        written = store.written(key)
        return written is not None and written < since

    unattached = [sha256 for sha256 in unattached if still_old(key_for(sha256))]
    for sha256 in unattached:
        store.delete(key_for(sha256))  # the picture first: a thumbnail alone is never shown
        store.delete(key_for(sha256, thumb=True))
    documents = [key for key in documents if still_old(key)]
    for key in [*documents, *unfinished]:
        store.delete(key)
    return len(unattached) + len(documents) + len(unfinished)


def register(reg) -> None:
    reg.daily_job("uploads.unattached", delete_unattached)


# --- documents ---------------------------------------------------------------------------
# Files that are not pictures (a congress report, a notice's attachment): told by their first
# bytes, kept as they came (they are not re-encoded), named by their digest under a folder.

# Each at most the one limit of a file as sent (`UPLOAD_LIMITS.max_mb`), as the hints say.
_OOXML = b"PK\x03\x04"
# Extension -> (content type, what the first bytes must be)
DOCUMENT_KINDS = {
    "pdf": ("application/pdf", b"%PDF-"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _OOXML),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _OOXML),
}
DOCUMENT_ACCEPT = ",".join("." + ext for ext in DOCUMENT_KINDS)
_DOCUMENT_NAME = re.compile(r"([0-9a-f]{64})\.([a-z]{3,4})")


def save_document(upload, field: str, *, folder: str) -> dict | None:
    """Check and store one document; None when no file was chosen. Returns the columns a
    record keeps: filename, stored_name (`<sha256>.<ext>`), content_type, size."""
    if _is_empty_input(upload) or not getattr(upload, "filename", None):
        return None
    filename = Path(upload.filename.replace("\\", "/")).name.replace("\x00", "")[:160]
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in DOCUMENT_KINDS:
        raise ValidationFailed.on(field, _("Attach a PDF, Word, Excel, JPEG or PNG file."))
    budget = limits()
    data = upload.stream.read(budget.max_bytes + 1)
    if len(data) > budget.max_bytes:
        raise ValidationFailed.on(field, _("A file may be at most %(mb)d MB.", mb=budget.max_mb))
    content_type, magic = DOCUMENT_KINDS[ext]
    if not data.startswith(magic):
        raise ValidationFailed.on(
            field, _("%(name)s is not the kind of file its name says.", name=filename)
        )
    stored_name = f"{hashlib.sha256(data).hexdigest()}.{ext}"
    save_file(data, _document_key(folder, stored_name))
    return {
        "filename": filename,
        "stored_name": stored_name,
        "content_type": content_type,
        "size": len(data),
    }


def _document_key(folder: str, stored_name: str) -> str:
    return f"{folder}/{stored_name[:2]}/{stored_name}"


def send_document(folder: str, stored_name: str, *, content_type: str, filename: str):
    """A stored document as a private response (PDFs and pictures shown, others downloaded);
    404 when it is not stored. Call it only after checking who may see it."""
    match = _DOCUMENT_NAME.fullmatch(stored_name or "")
    if match is None or match[2] not in DOCUMENT_KINDS:
        abort(404)
    response = send_stored(
        _document_key(folder, stored_name), mimetype=content_type, etag=match[1], max_age=3600
    )
    if response is None:
        abort(404)
    shown = content_type.startswith(("image/", "application/pdf"))
    names = {"filename": filename}
    try:
        filename.encode("ascii")
    except UnicodeEncodeError:  # RFC 6266: an ASCII fallback and the UTF-8 name
        names = {
            "filename": filename.encode("ascii", "ignore").decode() or "file",
            "filename*": "UTF-8''" + quote(filename, safe=""),
        }
    response.headers.set("Content-Disposition", "inline" if shown else "attachment", **names)
    return response


# --- the stores ----------------------------------------------------------------------------


def backend():
    """The store this app's configuration names: a bucket (UPLOAD_S3_URL) or a folder."""
    url = current_app.config.get("UPLOAD_S3_URL")
    if not url:
        return FolderStore(Path(current_app.config["UPLOAD_FOLDER"]))
    # A client is costly to make and safe to share between threads: one per app and URL.
    cache = current_app.extensions.setdefault("workers_home.buckets", {})
    if url not in cache:
        cache[url] = BucketStore.from_url(url)
    return cache[url]


def init_app(app) -> None:
    """The limits and the accepted types, for every template (hints, `accept` attributes)."""

    @app.context_processor
    def upload_settings():
        send_mb = current_app.config["MAX_CONTENT_LENGTH"] // 2**20
        return {"upload_limits": limits(), "upload_send_mb": send_mb, "photo_accept": ACCEPT}
