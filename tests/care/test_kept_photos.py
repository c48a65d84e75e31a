"""The visit form without JavaScript, refused for something else, keeps the photos chosen
for the corrected form; the kept photos are the officer's alone (a token posted by anyone
else is ignored) and no address names them."""

import io

from sqlalchemy import select

from app.models import Role
from app.models.care import CareAttachment, CareVisit
from tests.care.conftest import jpeg, visit_form
from tests.factories import make_user
from tests.helpers import kept_tokens, text


def _photos_of_new_visits(db, before: set) -> list[list[CareAttachment]]:
    new = [v for v in db.session.scalars(select(CareVisit)) if v.id not in before]
    return [
        db.session.scalars(select(CareAttachment).where(CareAttachment.visit_id == v.id)).all()
        for v in new
    ]


def test_a_refused_visit_keeps_its_photo_only_for_its_officer(client, auth, world, db):
    before = set(db.session.scalars(select(CareVisit.id)))
    auth.login(world.people["care_officer"])
    data = {**visit_form(world, situation=""), "photos": (io.BytesIO(jpeg()), "家访.jpg")}
    refused = client.post("/care/visits", data=data, content_type="multipart/form-data")
    assert refused.status_code == 422
    page = text(refused)
    assert "家访.jpg" not in page  # the file's name is not on the page
    [token] = kept_tokens(page)
    assert '<img src="data:image/jpeg;base64,' in page
    assert _photos_of_new_visits(db, before) == []
    auth.logout()
    # Another care officer posting the token gets a visit without the photo.
    auth.login(make_user(Role.CARE_OFFICER, name="另一专干"))
    assert (
        client.post("/care/visits", data={**visit_form(world), "kept_photos": token}).status_code
        == 303
    )
    assert _photos_of_new_visits(db, before) == [[]]
    auth.logout()
    # The officer's corrected form saves the visit with the photo.
    auth.login(world.people["care_officer"])
    before = set(db.session.scalars(select(CareVisit.id)))
    saved = client.post("/care/visits", data={**visit_form(world), "kept_photos": token})
    assert saved.status_code == 303
    [[photo]] = _photos_of_new_visits(db, before)
    shown = client.get(f"/care/attachments/{photo.id}")
    assert shown.status_code == 200 and shown.data.startswith(b"\xff\xd8")
    shown.close()
