"""A push service on loopback, and a browser's side of a Web Push subscription, for the tests.

`PushService` is a small HTTP server on 127.0.0.1 (a thread of the test, started and stopped by
it) that acts as a browser vendor's push service: it takes the POST the site sends, checks the
VAPID Authorization header (RFC 8292: the JWT's signature with the key in `k`, its audience,
expiry and contact), DECRYPTS the aes128gcm body (RFC 8291) with the subscription's private key,
and keeps what it received. Each subscription's address can be told to answer 201 (delivered),
410 or 404 (gone) or 500.

`BrowserKeys` is what a browser makes when it subscribes: an ECDH key pair on P-256 and a
16-byte auth secret; its `subscription()` is the browser's PushSubscription.toJSON().
"""

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class BrowserKeys:
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def subscription(self, endpoint: str) -> dict:
        return {"endpoint": endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    vapid_key: str  # the `k` of the Authorization header: the site's public key
    claims: dict  # the VAPID JWT's claims, its signature verified
    payload: dict | None  # the decrypted alert, when the path's keys are known


class PushService:
    """Start with `start()`, stop with `stop()` (a fixture does both)."""

    def __init__(self):
        self.received: list[Received] = []
        self.errors: list[str] = []
        self.answers: dict[str, int] = {}  # path → status; 201 otherwise
        self.keys: dict[str, BrowserKeys] = {}  # path → the browser's keys, to decrypt
        # Seconds each answer waits, as a push service across the internet takes to answer.
        self.latency = 0.0
        self.in_flight = self.most_in_flight = 0
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def subscribe(self, name: str, answer: int = 201) -> tuple[str, BrowserKeys]:
        """A new browser subscribed at this service: its endpoint and its keys."""
        path = f"/push/{name}"
        self.keys[path] = BrowserKeys()
        self.answers[path] = answer
        return self.origin + path, self.keys[path]

    def start(self) -> "PushService":
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                # Counted from the request's arrival to just before its answer goes out, so a
                # sender that waits for each answer is never seen with two in flight.
                with service._lock:
                    service.in_flight += 1
                    service.most_in_flight = max(service.most_in_flight, service.in_flight)
                try:
                    status = self.take()
                finally:
                    with service._lock:
                        service.in_flight -= 1
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def take(self) -> int:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if service.latency:
                    time.sleep(service.latency)
                try:
                    received = service._check(self.path, dict(self.headers.items()), body)
                except Exception as error:  # a test's assertion, reported by the test
                    with service._lock:
                        service.errors.append(f"{self.path}: {type(error).__name__}: {error}")
                    return 400
                with service._lock:
                    service.received.append(received)
                return service.answers.get(self.path, 201)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)

    def _check(self, path: str, headers: dict, body: bytes) -> Received:
        headers = {name.lower(): value for name, value in headers.items()}
        authorization = headers["authorization"]
        assert authorization.startswith("vapid "), authorization
        parts = dict(part.split("=", 1) for part in authorization[len("vapid ") :].split(","))
        assert Vapid02.verify(authorization), "the VAPID signature does not verify"
        token = parts["t"]
        claims = json.loads(unb64url(token.split(".")[1]))
        assert claims["aud"] == self.origin, claims
        assert claims["exp"] > time.time(), claims
        assert claims["sub"].startswith(("mailto:", "https:")), claims
        assert headers["content-encoding"] == "aes128gcm", headers
        keys = self.keys.get(path)
        payload = json.loads(keys.decrypt(body)) if keys else None
        return Received(path, headers, body, parts["k"], claims, payload)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        return list(self.received)
