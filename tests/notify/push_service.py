"""A push service on 127.0.0.1 for tests and the benchmark: it checks each message's VAPID
JWT, decrypts the body as the browser would (http_ece, aes128gcm) and records what arrived.

`PushService.respond(path, [status | (status, headers), …])` scripts the answers for one
subscription's endpoint; once the script runs out, every message gets 201.
"""

import base64
import json
import os
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Browser:
    """What a browser keeps for one subscription: a P-256 key pair and a 16-byte secret."""

    def __init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.p256dh = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )

    def subscription(self, endpoint: str) -> dict:
        return {
            "endpoint": endpoint,
            "keys": {"p256dh": b64url(self.p256dh), "auth": b64url(self.auth)},
        }

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    claims: dict
    vapid_key: str  # the `k=` of the Authorization header: the sender's public key
    at: float


def verify_vapid(authorization: str, audience: str) -> tuple[dict, str]:
    """Check `vapid t=<jwt>, k=<key>`: ES256 signature by k, aud, exp and sub."""
    scheme, _, params = authorization.partition(" ")
    assert scheme.lower() == "vapid", authorization
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    token, key = fields["t"], fields["k"]
    header_b64, claims_b64, signature_b64 = token.split(".")
    header = json.loads(unb64url(header_b64))
    assert header["alg"] == "ES256", header
    signature = unb64url(signature_b64)
    assert len(signature) == 64
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        public.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as error:
        raise AssertionError("VAPID signature does not verify") from error
    claims = json.loads(unb64url(claims_b64))
    assert claims["aud"] == audience, claims
    assert claims["exp"] > time.time(), claims
    assert claims["exp"] <= time.time() + 24 * 3600, claims
    assert claims["sub"].startswith(("mailto:", "https://")), claims
    return claims, key


class PushService:
    def __init__(self):
        self.received: list[Received] = []
        self.errors: list[str] = []
        self.counts: dict[str, int] = defaultdict(int)
        self._scripts: dict[str, deque] = {}
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def endpoint(self, name: str) -> str:
        return f"{self.url}/push/{name}"

    def respond(self, name: str, answers: list) -> None:
        self._scripts[f"/push/{name}"] = deque(answers)

    def for_endpoint(self, name: str) -> list[Received]:
        return [r for r in self.received if r.path == f"/push/{name}"]

    def wait_for(self, count: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)

    def _answer(self, path: str):
        script = self._scripts.get(path)
        with self._lock:
            self.counts[path] += 1
            answer = script.popleft() if script else 201
        return answer if isinstance(answer, tuple) else (answer, {})

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, headers = service._answer(self.path)
                if status == 201:
                    try:
                        claims, key = verify_vapid(self.headers["Authorization"], service.url)
                        with service._lock:
                            service.received.append(
                                Received(
                                    self.path, dict(self.headers), body, claims, key, time.time()
                                )
                            )
                    except (AssertionError, KeyError, ValueError) as error:
                        service.errors.append(repr(error))
                        status = 400
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler
