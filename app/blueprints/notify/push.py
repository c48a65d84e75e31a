"""Web push through pywebpush: the VAPID key pair and one delivery attempt with its outcome.

The rules a push service expects: a `ttl` on every message (without one a phone that is
offline never gets it), a VAPID signature for the push service's origin that has not expired
(made here, once per origin, and reused while it has more than an hour to live: signing is
the same for every message of a fan-out), 404/410 mean the subscription is gone for good, 429
and 5xx mean "later" (with `Retry-After` when the service says how much later), 413 means our
payload is too large — a bug to log, not a reason to retry.
"""

import base64
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from flask import current_app
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from app.blueprints.notify.endpoints import safe_to_send
from app.config import create_once

log = logging.getLogger(__name__)

KEY_FILE = "vapid_private.pem"
DEFAULT_TTL = 24 * 60 * 60  # a day: a phone offline for a shift still gets the message
TIMEOUT = 10
_keys: dict[str, Vapid] = {}
_lock = threading.Lock()
_local = threading.local()
# VAPID tokens live 12 hours (push services refuse more than 24); one is made anew when less
# than an hour is left. Keyed by (public key, subject, audience): {key: (headers, expiry)}.
VAPID_VALIDITY = 12 * 60 * 60
VAPID_RENEW_BEFORE = 60 * 60
_signatures: dict[tuple[str, str, str], tuple[dict, int]] = {}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def vapid_key() -> Vapid:
    """The app's VAPID key: `VAPID_PRIVATE_KEY` (base64url, raw or DER) if set, else a PEM
    file in the instance folder, created on first use."""
    source = current_app.config.get("VAPID_PRIVATE_KEY") or os.environ.get("VAPID_PRIVATE_KEY")
    path = Path(current_app.instance_path) / KEY_FILE
    cache_key = f"env:{source}" if source else f"file:{path}"
    with _lock:
        if cache_key not in _keys:
            _keys[cache_key] = Vapid.from_string(source) if source else _key_from_file(path)
        return _keys[cache_key]


def _key_from_file(path: Path) -> Vapid:
    def new_key() -> bytes:
        key = Vapid()
        key.generate_keys()
        return key.private_pem()

    return Vapid.from_file(str(create_once(path, new_key)))


def application_server_key() -> str:
    """The public key, as `pushManager.subscribe({applicationServerKey})` wants it."""
    raw = vapid_key().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(raw)


def vapid_subject() -> str:
    return current_app.config.get("VAPID_SUBJECT") or os.environ.get(
        "VAPID_SUBJECT", "mailto:union-office@workers-home.invalid"
    )


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: sent, gone (delete the subscription), retry or failed."""

    result: str
    status: int | None = None
    retry_after: float | None = None


def _session() -> requests.Session:
    # One connection pool per worker thread: thousands of pushes reuse their connections.
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


def deliver(subscription_info: dict, payload: dict, *, ttl: int = DEFAULT_TTL) -> Outcome:
    """Send `payload` (as JSON) to one subscription, once. Never raises for a push failure.

    An endpoint that is not (or no longer) a public push service is never connected to: the
    subscription counts as gone."""
    if not safe_to_send(subscription_info.get("endpoint", "")):
        log.warning(
            "push endpoint %s is not a public push service: dropped", _short(subscription_info)
        )
        return Outcome("gone")
    try:
        webpush(
            subscription_info,
            json.dumps(payload, ensure_ascii=False),
            headers=vapid_headers(subscription_info["endpoint"]),
            ttl=ttl,
            timeout=TIMEOUT,
            requests_session=_session(),
        )
    except WebPushException as error:
        return _outcome_of(error, subscription_info["endpoint"])
    except requests.RequestException as error:
        log.warning("push to %s did not get through: %s", _short(subscription_info), error)
        return Outcome("retry")
    return Outcome("sent", 201)


def vapid_headers(endpoint: str, now: float | None = None) -> dict:
    """The `Authorization` header for a push to `endpoint`: signed once per push service
    origin and reused until an hour before it expires."""
    parts = urlsplit(endpoint)
    audience = f"{parts.scheme}://{parts.netloc}"
    key, subject = vapid_key(), vapid_subject()
    cache_key = (application_server_key(), subject, audience)
    now = int(now if now is not None else time.time())
    cached = _signatures.get(cache_key)
    if cached is not None and cached[1] - now > VAPID_RENEW_BEFORE:
        return dict(cached[0])
    expiry = now + VAPID_VALIDITY
    headers = key.sign({"sub": subject, "aud": audience, "exp": expiry})
    _signatures[cache_key] = (headers, expiry)
    return dict(headers)


def _outcome_of(error: WebPushException, endpoint: str) -> Outcome:
    response = error.response
    status = response.status_code if response is not None else None
    if status in (404, 410):
        return Outcome("gone", status)
    if status == 429 or (status is not None and status >= 500):
        return Outcome("retry", status, parse_retry_after(response.headers.get("Retry-After")))
    if status == 413:
        log.error("push payload too large for %s (413): %s", endpoint[:60], error.message)
    else:
        log.error("push to %s refused (%s): %s", endpoint[:60], status, error.message)
    return Outcome("failed", status)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait, from `Retry-After: 120` or `Retry-After: <HTTP date>`."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _short(info: dict) -> str:
    return info.get("endpoint", "")[:60]
