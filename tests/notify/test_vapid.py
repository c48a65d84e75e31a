import base64
import os
import stat

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.blueprints.notify import push


def test_the_key_is_made_once_in_the_instance_folder_and_kept(app):
    first = push.application_server_key()
    path = os.path.join(app.instance_path, push.KEY_FILE)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    push._keys.clear()  # as a new process would: read the file again
    assert push.application_server_key() == first


def test_a_key_from_the_environment_wins(app, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    raw = key.private_numbers().private_value.to_bytes(32, "big")
    app.config["VAPID_PRIVATE_KEY"] = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    assert push.application_server_key() == push.b64url(public)
    assert not os.path.exists(os.path.join(app.instance_path, push.KEY_FILE))
