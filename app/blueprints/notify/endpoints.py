"""Which push endpoints the server will connect to: the public push services only.

A subscription's endpoint is an address the browser gives and the job worker then connects
to. Without a check any member could make the worker open connections inside the network
(`https://169.254.169.254/…`, `https://10.0.0.1:6379/`, `https://localhost:5432/`). So:
- when a subscription is saved, the endpoint must be `https` on the default port, on a host
  of the allow-list (`PUSH_SERVICE_HOSTS`: the push services of Chrome/Android, Firefox,
  Safari and Edge unless configured), never an address literal;
- right before each push, the host's addresses must all be public ones (not private,
  loopback, link-local, reserved or multicast), so a name that resolves inward is refused.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app

# A leading dot allows the domain's sub-domains; otherwise the exact host.
DEFAULT_PUSH_SERVICE_HOSTS = (
    "fcm.googleapis.com",  # Chrome, Android, most Chromium browsers
    "android.googleapis.com",
    ".push.services.mozilla.com",  # Firefox
    ".push.apple.com",  # Safari
    ".notify.windows.com",  # Edge
)


def allowed_hosts() -> tuple[str, ...]:
    return tuple(current_app.config.get("PUSH_SERVICE_HOSTS") or DEFAULT_PUSH_SERVICE_HOSTS)


def _host_allowed(host: str) -> bool:
    host = host.lower().rstrip(".")
    for allowed in allowed_hosts():
        allowed = allowed.lower()
        if allowed.startswith(".") and (host.endswith(allowed) or host == allowed[1:]):
            return True
        if host == allowed:
            return True
    return False


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def local_test_endpoint(parts) -> bool:
    """A push service on this machine, for the tests and the benchmark only."""
    return (
        bool(current_app.config.get("PUSH_ALLOW_LOCAL_HTTP"))
        and parts.scheme == "http"
        and parts.hostname in {"127.0.0.1", "localhost"}
    )


def endpoint_allowed(endpoint: str) -> bool:
    """Whether a subscription may be saved with this endpoint (no DNS look-up here)."""
    if not isinstance(endpoint, str) or len(endpoint) > 1000:
        return False
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return False
    if local_test_endpoint(parts):
        return True
    host = parts.hostname or ""
    return (
        parts.scheme == "https"
        and port in (None, 443)
        and not parts.username
        and not parts.password
        and not _is_address(host)
        and _host_allowed(host)
    )


def resolves_to_public_addresses(host: str, port: int = 443) -> bool:
    """Whether every address the host resolves to is a public one (and it resolves at all)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return False
    addresses = {info[4][0] for info in infos}
    if not addresses:
        return False
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global or ip.is_multicast:
            return False
    return True


def safe_to_send(endpoint: str) -> bool:
    """Checked right before a push: allowed when saved, and still pointing outward now."""
    if not endpoint_allowed(endpoint):
        return False
    parts = urlsplit(endpoint)
    if local_test_endpoint(parts):
        return True
    return resolves_to_public_addresses(parts.hostname, parts.port or 443)
