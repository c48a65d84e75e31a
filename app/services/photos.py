"""The row that records a stored picture, for every feature (hazards' `Photo`,
`ProposalPhoto`, …: they all keep the digest, the size and who sent it). The photos a refused
form keeps are the upload store's (`app.storage.Chosen`)."""

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
